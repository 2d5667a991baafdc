package migration

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"ariga.io/atlas/sql/migrate"

	"github.com/versiona/versiona/internal/fingerprint"
)

// BaselineOptions selects what Baseline records.
type BaselineOptions struct {
	// Version is the directory's version the live database is at. Empty:
	// read from the history table of the tool the database was migrated
	// with (golang-migrate's or dbmate's schema_migrations, goose's
	// goose_db_version).
	Version string
	// DryRun checks and writes nothing.
	DryRun bool
}

// BaselineResult is what Baseline found and did.
type BaselineResult struct {
	// Version is the directory's version the database was found at, File
	// the migration file of that version.
	Version string `json:"version"`
	File    string `json:"file"`
	// From says where the version came from: "--version", or the history
	// table read ("goose_db_version: version 6").
	From string `json:"from"`
	// Recorded is set when the baseline revision was written (not on a
	// dry run).
	Recorded bool `json:"recorded"`
}

// historyTables are the tables other migration tools keep their history in.
// The live schema is compared without them: the directory does not build
// them.
var historyTables = []string{"public.schema_migrations", "public.goose_db_version", "public.flyway_schema_history"}

// Baseline stamps a live database that a migration tool other than this
// one (or a hand) brought to the directory's state at a version: it records
// that version as Atlas's baseline revision, so apply runs only the files
// after it. It checks first, and writes nothing unless every check passes:
// the database has no revision of this directory yet; the version is a file
// of the directory (given, or found in the old tool's history table); and
// the live schema's fingerprint, the old tool's history table left out,
// equals the fingerprint of the directory replayed up to that version on a
// scratch database. The revision is written in one transaction, under the
// migration lock.
//
// It returns a *VerifyError naming each fact that differs, live database
// first, when the schemas disagree.
func (p *Project) Baseline(ctx context.Context, dbURL string, opts BaselineOptions) (*BaselineResult, error) {
	sess, err := p.connect(ctx, dbURL)
	if err != nil {
		return nil, err
	}
	defer sess.Close()
	if err := noRevisions(ctx, sess.conn); err != nil {
		return nil, err
	}
	files, err := dirFiles(p.Dir)
	if err != nil {
		return nil, err
	}
	res := &BaselineResult{Version: opts.Version, From: "--version"}
	if res.Version == "" {
		if res.Version, res.From, err = historyVersion(ctx, sess.conn, files); err != nil {
			return nil, err
		}
	}
	f, ok := fileByVersion(files, res.Version)
	if !ok {
		return nil, fmt.Errorf("no migration file has version %s", res.Version)
	}
	res.File = f.Name()
	want, err := p.fingerprintAt(ctx, res.Version)
	if err != nil {
		return nil, err
	}
	live, err := fingerprint.Read(ctx, sess.conn)
	if err != nil {
		return nil, err
	}
	if diffs := differences(withoutTables(live, historyTables), want, labelLive, labelMigrations); len(diffs) > 0 {
		return nil, &VerifyError{
			Problem:     fmt.Sprintf("the live database is not the directory's state at version %s (%s)", res.Version, res.From),
			Differences: diffs,
			Remedy:      "nothing was recorded; bring the database to that state, or baseline the version it is at",
		}
	}
	if opts.DryRun {
		return res, nil
	}
	unlock, err := p.lock(ctx, sess)
	if err != nil {
		return nil, err
	}
	defer unlock()
	err = withTx(ctx, sess.conn, func(tx *sql.Tx) error {
		// Another run may have been first; reading a missing table would
		// abort the transaction, so look for it before.
		exists, err := queryStrings(ctx, tx, "SELECT (to_regclass('"+revisionsIdent+"') IS NOT NULL)::text")
		if err != nil {
			return err
		}
		if exists[0] == "true" {
			if err := noRevisions(ctx, tx); err != nil {
				return err
			}
		}
		revs := NewRevisions(tx)
		if err := revs.Init(ctx); err != nil {
			return err
		}
		return revs.WriteRevision(ctx, &migrate.Revision{
			Version: f.Version(), Description: f.Desc(), Type: migrate.RevisionTypeBaseline,
			ExecutedAt: time.Now(), OperatorVersion: OperatorVersion,
		})
	})
	if err != nil {
		return nil, fmt.Errorf("recording the baseline: %w", err)
	}
	res.Recorded = true
	return res, nil
}

// noRevisions refuses a database that already has revisions of a directory.
func noRevisions(ctx context.Context, q execQuerier) error {
	revs, _, err := NewRevisions(q).read(ctx)
	if err != nil {
		return err
	}
	if len(revs) > 0 {
		return fmt.Errorf("the database already has %d migration revision(s), at version %s: baseline is for a database this directory never migrated",
			len(revs), currentVersion(revs))
	}
	return nil
}

// historyVersion reads the version the database is at from the history
// table of another migration tool, and finds the directory's file of the
// same number (an imported directory pads versions with zeros).
func historyVersion(ctx context.Context, q execQuerier, files []migrate.File) (version, from string, err error) {
	tables, err := queryStrings(ctx, q, `SELECT c.relname FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace
		AND c.relname IN ('schema_migrations', 'goose_db_version', 'flyway_schema_history') ORDER BY 1`)
	if err != nil {
		return "", "", fmt.Errorf("looking for a history table: %w", err)
	}
	if len(tables) != 1 {
		return "", "", fmt.Errorf("found %d history tables of other tools (%s): pass --version", len(tables), strings.Join(tables, ", "))
	}
	var query string
	switch tables[0] {
	case "goose_db_version":
		// Each version's latest row says whether it is applied; 0 is goose's own.
		query = `SELECT max(version_id)::text FROM (SELECT DISTINCT ON (version_id) version_id, is_applied
			FROM goose_db_version ORDER BY version_id, id DESC) v WHERE is_applied AND version_id > 0`
	case "schema_migrations":
		dirty, err := queryStrings(ctx, q, `SELECT count(*)::text FROM pg_attribute WHERE attrelid = 'public.schema_migrations'::regclass AND attname = 'dirty'`)
		if err != nil {
			return "", "", err
		}
		if dirty[0] == "1" { // golang-migrate: one row
			query = `SELECT CASE WHEN dirty THEN 'dirty ' ELSE '' END || version::text FROM public.schema_migrations`
		} else { // dbmate: one row per applied version
			query = `SELECT version FROM public.schema_migrations ORDER BY length(ltrim(version, '0')) DESC, ltrim(version, '0') DESC LIMIT 1`
		}
	case "flyway_schema_history":
		return "", "", errors.New("flyway_schema_history found: Flyway versions are renumbered on import; pass the imported file's version with --version")
	}
	vs, err := queryStrings(ctx, q, query)
	if err != nil {
		return "", "", fmt.Errorf("reading %s: %w", tables[0], err)
	}
	if len(vs) == 0 || vs[0] == "" {
		return "", "", fmt.Errorf("%s records no applied version: pass --version", tables[0])
	}
	if v, ok := strings.CutPrefix(vs[0], "dirty "); ok {
		return "", "", fmt.Errorf("%s: golang-migrate left version %s dirty (a migration failed halfway): repair the database first", tables[0], v)
	}
	from = tables[0] + ": version " + vs[0]
	n, ok := new(big.Int).SetString(vs[0], 10)
	if !ok {
		return "", "", fmt.Errorf("%s: version %q is not a number: pass --version", tables[0], vs[0])
	}
	for _, f := range files {
		if m, ok := new(big.Int).SetString(f.Version(), 10); ok && m.Cmp(n) == 0 {
			return f.Version(), from, nil
		}
	}
	return "", "", fmt.Errorf("%s, and no migration file has that number (import the history with `migrate import`)", from)
}

// queryStrings runs a query of one text column.
func queryStrings(ctx context.Context, q execQuerier, query string) ([]string, error) {
	rows, err := q.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s sql.NullString
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s.String)
	}
	return out, rows.Err()
}

// withoutTables leaves out of fp the facts of the given tables (schema.table),
// their columns, constraints, indexes and the sequences their columns own.
func withoutTables(fp fingerprint.Fingerprint, tables []string) fingerprint.Fingerprint {
	owned := map[string]bool{}
	for _, f := range fp.Facts {
		if f.Kind == "sequence" && f.Attribute == "owned by" && ofTables(f.Value, tables) {
			owned[f.Name] = true
		}
	}
	var kept []fingerprint.Fact
	for _, f := range fp.Facts {
		if ofTables(f.Name, tables) || owned[f.Name] || (f.Kind == "index" && f.Attribute == "definition" && indexOn(f.Value, tables)) {
			continue
		}
		kept = append(kept, f)
	}
	return fingerprint.Fingerprint{Facts: kept}
}

// ofTables reports whether name is one of tables or names something of one.
func ofTables(name string, tables []string) bool {
	for _, t := range tables {
		if name == t || strings.HasPrefix(name, t+".") {
			return true
		}
	}
	return false
}

// indexOn reports whether an index definition is on one of tables.
func indexOn(def string, tables []string) bool {
	for _, t := range tables {
		if strings.Contains(def, " ON "+t+" USING ") || strings.Contains(def, " ON ONLY "+t+" USING ") {
			return true
		}
	}
	return false
}
