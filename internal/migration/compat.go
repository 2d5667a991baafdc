package migration

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"ariga.io/atlas/sql/migrate"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/versiona/versiona/internal/dburl"
)

// CompatOptions selects what Compat compares.
type CompatOptions struct {
	// Base is the git revision of the release still running (a tag, a
	// commit); the working tree is the new one. Empty: the last tag
	// reachable from HEAD, else HEAD~1.
	Base string
	// Queries is the directory of sqlc's generated Go, relative to the
	// repository's root: "db" when empty.
	Queries string
	// MigrationsFirst says the new release starts only once the
	// migrations are applied, so its queries never meet the old schema:
	// only the old release's are checked.
	MigrationsFirst bool
}

// CompatResult is what Compat found.
type CompatResult struct {
	Base string `json:"base"`
	// Old and New count the queries of each release checked.
	Old      int           `json:"old_queries"`
	New      int           `json:"new_queries"`
	Pending  int           `json:"pending_files"`
	Problems []CompatBreak `json:"problems"`
	// NotRun names the old queries whose sample values fail on the old
	// schema already (a CHECK they do not meet, say), with the SQLSTATE:
	// they are prepared after each file but not run to the end.
	NotRun []string `json:"not_run"`
}

// OK reports whether no query breaks.
func (r *CompatResult) OK() bool { return len(r.Problems) == 0 }

// CompatBreak is one query that fails across the deploy.
type CompatBreak struct {
	Query string `json:"query"` // sqlc's name, e.g. PostagemGet
	Side  string `json:"side"`  // "old query on the new schema" or "new query on the old schema"
	// Source is the queries file and line of the query: queries/postagens.sql:12.
	Source string `json:"source"`
	// Problem says it in one sentence, with the SQLSTATE when PostgreSQL
	// refused the query.
	Problem string `json:"problem"`
	Code    string `json:"code,omitempty"`
	// File is the migration file after which the old query breaks; "" for
	// a new query on the old schema.
	File string `json:"file,omitempty"`
	Fix  string `json:"fix"`
}

// query is one query sqlc generated: its SQL, or for a :copyfrom the
// table and columns it copies into.
type query struct {
	name, sql, source string // source: queries/<file>.sql:line
	copyTable         []string
	copyCols          []string
}

// Compat checks a rolling deploy: while it runs, the release at
// opts.Base serves queries against the migrated schema, and the new one may
// serve against the old. It builds the old release's schema from that
// revision's migration directory (read with git) on a scratch database and
// checks the new release's queries there; then it applies the new files
// one by one and checks the old release's queries after each. A query is
// checked by preparing it (a dropped or renamed column, 42703; an
// ambiguous one, 42702; a result column whose type or nullability the old
// Go code cannot take; a parameter its Go type cannot be sent as) and by
// running it as pgx does, from a statement prepared on the old schema,
// with sample values in a transaction rolled back (23502, 23514, 0A000…).
// The queries and Go types are those sqlc generated (db/*.go), the old
// ones read with git, not generated again. It changes nothing.
func (p *Project) Compat(ctx context.Context, opts CompatOptions) (*CompatResult, error) {
	local, ok := p.Dir.(*migrate.LocalDir)
	if !ok {
		return nil, errors.New("compat reads a migration directory on disk, in a git repository")
	}
	root, err := gitOut(local.Path(), "rev-parse", "--show-toplevel")
	if err != nil {
		return nil, err
	}
	root = strings.TrimSpace(root)
	if opts.Base == "" {
		opts.Base = "HEAD~1"
		if tag, err := gitOut(root, "describe", "--tags", "--abbrev=0", "HEAD"); err == nil {
			opts.Base = strings.TrimSpace(tag)
		}
	}
	if _, err := gitOut(root, "rev-parse", "--verify", "--quiet", opts.Base+"^{commit}"); err != nil {
		return nil, fmt.Errorf("%s is not a commit of the repository at %s", opts.Base, root)
	}
	if opts.Queries == "" {
		opts.Queries = "db"
	}
	absDir, err := filepath.Abs(local.Path())
	if err != nil {
		return nil, err
	}
	relDir, err := filepath.Rel(root, absDir)
	if err != nil {
		return nil, err
	}
	oldFiles, err := filesAt(root, opts.Base, filepath.ToSlash(relDir))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%s has no migration directory %s: pass as --base a revision of a release that had migrations", opts.Base, filepath.ToSlash(relDir))
	case err != nil:
		return nil, fmt.Errorf("reading the migration directory %s at %s: %w", filepath.ToSlash(relDir), opts.Base, err)
	}
	newFiles, err := dirFiles(p.Dir)
	if err != nil {
		return nil, err
	}
	pending, err := pendingAfter(oldFiles, newFiles)
	if err != nil {
		return nil, err
	}
	oldQueries, oldGo, err := queriesAt(root, opts.Base, opts.Queries)
	if err != nil {
		return nil, err
	}
	newQueries, _, err := queriesAt(root, "", opts.Queries)
	if err != nil {
		return nil, err
	}
	if opts.MigrationsFirst {
		newQueries = nil
	}
	oldTypes := scanTypes(oldGo)
	res := &CompatResult{Base: opts.Base, Problems: []CompatBreak{}, NotRun: []string{}, Old: len(oldQueries), New: len(newQueries), Pending: len(pending)}
	err = p.withScratchDB(ctx, func(d *scratchDB) error {
		if err := d.replay(ctx, oldFiles); err != nil {
			return fmt.Errorf("building the schema of %s: %w", opts.Base, err)
		}
		url, err := dburl.WithDatabase(d.srv.base, d.name)
		if err != nil {
			return err
		}
		c := &compatRun{res: res, oldTypes: oldTypes, before: map[string]string{}}
		for _, conn := range []**pgx.Conn{&c.conn, &c.run.conn} {
			if *conn, err = pgx.Connect(ctx, url); err != nil {
				return fmt.Errorf("connecting to the scratch database: %w", err)
			}
			defer (*conn).Close(context.WithoutCancel(ctx))
		}
		if err := c.start(ctx, oldQueries, newQueries); err != nil {
			return err
		}
		for _, f := range pending {
			if err := c.run.close(ctx); err != nil {
				return err
			}
			if err := d.replay(ctx, []migrate.File{f}); err != nil {
				return err
			}
			if err := c.after(ctx, f.Name()); err != nil {
				return err
			}
		}
		return c.finish(ctx)
	})
	if err != nil {
		return nil, err
	}
	sort.SliceStable(res.Problems, func(i, j int) bool {
		a, b := res.Problems[i], res.Problems[j]
		return a.Query < b.Query || (a.Query == b.Query && a.Side < b.Side)
	})
	return res, nil
}

const (
	oldSide = "old query on the new schema"
	newSide = "new query on the old schema"
)

// compatRun is one run of Compat on its scratch database: conn prepares
// (unnamed), run executes as the releases do.
type compatRun struct {
	res      *CompatResult
	conn     *pgx.Conn
	run      runner
	oldTypes map[string]goTypes // Go scan types of the old release
	old      []*running         // the old release's queries that have not broken
	new      []*running
	// before is what each old query (by SQL) gave on the old schema.
	before map[string]string
}

// running is a query of a release as it runs: prepared as stmt on the
// runner's connection, with the values it is run with and what that gave.
type running struct {
	query
	stmt    string
	target  string // the table an INSERT or COPY writes to
	values  [][]byte
	outcome string // SQLSTATE, "" when it ran
	refusal *pgconn.PgError
	types   []uint32    // result column types
	params  []uint32    // parameter types
	notNull []attribute // result columns that were NOT NULL, with a Go type that refuses NULL
}

// attribute is a table's column as a result field names it.
type attribute struct {
	rel uint32
	num int16
}

// start prepares and runs both releases' queries on the old schema.
func (c *compatRun) start(ctx context.Context, oldQueries, newQueries []query) error {
	if err := c.run.reseed(ctx); err != nil {
		return err
	}
	newQueries, newTargets, err := c.byTarget(ctx, newQueries)
	if err != nil {
		return err
	}
	oldQueries, oldTargets, err := c.byTarget(ctx, oldQueries)
	if err != nil {
		return err
	}
	for i, q := range newQueries {
		r, pe, err := c.begin(ctx, q, newTargets[i], fmt.Sprintf("compat_new_%d", i))
		switch {
		case err != nil:
			return err
		case pe != nil:
			c.res.Problems = append(c.res.Problems, breakOf(q, newSide, "", pe))
		default:
			c.new = append(c.new, &r.running)
		}
	}
	nullable, err := c.nullability(ctx)
	if err != nil {
		return err
	}
	for i, q := range oldQueries {
		r, pe, err := c.begin(ctx, q, oldTargets[i], fmt.Sprintf("compat_old_%d", i))
		if err != nil {
			return err
		}
		if pe != nil {
			continue // broken already: not the deploy's doing
		}
		for j, t := range c.oldTypes[q.name].Scan {
			if j < len(r.fields) && r.fields[j].rel != 0 && refusesNull(t) && nullable[r.fields[j]] == "" {
				r.notNull = append(r.notNull, r.fields[j])
			}
		}
		c.old = append(c.old, &r.running)
		c.before[q.sql] = r.outcome
		if !ignoredOutcome(r.outcome) {
			c.res.NotRun = append(c.res.NotRun, fmt.Sprintf("%s (%s): %s", q.name, q.source, breakOf(q, oldSide, "", r.refusal).Problem))
		}
	}
	return nil
}

// byTarget returns queries ordered by the table they write to, so that
// those sharing one share the transaction that seeds the others, with
// that table.
func (c *compatRun) byTarget(ctx context.Context, queries []query) ([]query, []string, error) {
	targets := make(map[string]string, len(queries))
	for _, q := range queries {
		t, err := c.run.target(ctx, q)
		if err != nil {
			return nil, nil, err
		}
		targets[q.name] = t
	}
	out := slices.Clone(queries)
	sort.SliceStable(out, func(i, j int) bool { return targets[out[i].name] < targets[out[j].name] })
	list := make([]string, len(out))
	for i, q := range out {
		list[i] = targets[q.name]
	}
	return out, list, nil
}

// begun is a query prepared and run once, with its result fields.
type begun struct {
	running
	fields []attribute
}

// begin prepares q on both connections and runs it; pe is PostgreSQL's
// refusal (a prepare, or a COPY that fails on a missing column).
func (c *compatRun) begin(ctx context.Context, q query, target, stmt string) (*begun, *pgconn.PgError, error) {
	r := &begun{running: running{query: q, stmt: stmt, target: target}}
	var err error
	var oids []uint32
	if q.copyTable != nil {
		if oids, err = c.run.copyTypes(ctx, q); err != nil {
			return nil, nil, err
		}
	} else {
		sd, err := c.conn.PgConn().Prepare(ctx, "", q.sql, nil)
		if pe := pgError(err); pe != nil {
			return nil, pe, nil
		} else if err != nil {
			return nil, nil, err
		}
		for _, f := range sd.Fields {
			r.types = append(r.types, f.DataTypeOID)
			r.fields = append(r.fields, attribute{f.TableOID, int16(f.TableAttributeNumber)})
		}
		if _, err := c.run.conn.PgConn().Prepare(ctx, stmt, q.sql, nil); err != nil {
			return nil, nil, err
		}
		oids, r.params = sd.ParamOIDs, sd.ParamOIDs
	}
	if r.values, err = c.run.values(ctx, oids); err != nil {
		return nil, nil, err
	}
	pe, err := c.run.exec(ctx, q, r.target, stmt, r.values)
	if err != nil {
		return nil, nil, err
	}
	if q.copyTable != nil && pe != nil && strings.HasPrefix(pe.Code, "42") {
		return nil, pe, nil
	}
	r.outcome, r.refusal = code(pe), pe
	return r, nil, nil
}

// after checks the old release's queries once file has been applied.
func (c *compatRun) after(ctx context.Context, file string) error {
	if err := c.run.reseed(ctx); err != nil {
		return err
	}
	nullable, err := c.nullability(ctx)
	if err != nil {
		return err
	}
	alive := c.old[:0]
	for _, r := range c.old {
		broke := len(c.res.Problems)
		if err := c.check(ctx, r, file, nullable); err != nil {
			return err
		}
		if len(c.res.Problems) == broke {
			alive = append(alive, r)
		}
	}
	c.old = alive
	return nil
}

// check reports how r breaks on the schema after file.
func (c *compatRun) check(ctx context.Context, r *running, file string, nullable map[attribute]string) error {
	broken := func(b CompatBreak) { c.res.Problems = append(c.res.Problems, b) }
	if r.copyTable == nil {
		sd, err := c.conn.PgConn().Prepare(ctx, "", r.sql, nil)
		if pe := pgError(err); pe != nil {
			broken(breakOf(r.query, oldSide, file, pe))
			return nil
		} else if err != nil {
			return err
		}
		types := make([]uint32, len(sd.Fields))
		for i, f := range sd.Fields {
			types[i] = f.DataTypeOID
		}
		if why, err := c.typeChanges(ctx, r, types, sd.ParamOIDs); err != nil {
			return err
		} else if why != "" {
			fix := "add a column of the new type beside the old one, backfill it, and drop the old one once the old release is gone"
			broken(CompatBreak{Query: r.name, Side: oldSide, Source: r.source, File: file, Problem: why, Fix: fix})
			return nil
		}
		for _, a := range r.notNull {
			if col := nullable[a]; col != "" {
				broken(CompatBreak{Query: r.name, Side: oldSide, Source: r.source, File: file,
					Problem: fmt.Sprintf("%s becomes nullable, and the old release scans it into a Go type that refuses NULL: the first NULL fails the query", col),
					Fix:     "keep the column NOT NULL until the old release is gone, after a release that scans it into a nullable type"})
				return nil
			}
		}
	}
	pe, err := c.run.exec(ctx, r.query, r.target, r.stmt, r.values)
	if err != nil {
		return err
	}
	if code(pe) == "0A000" {
		broken(breakOf(r.query, oldSide, file, pe))
		// pgx prepares the statement again after the failure; so do we.
		if err := c.run.conn.PgConn().Deallocate(ctx, r.stmt); err != nil {
			return err
		}
		if _, err := c.run.conn.PgConn().Prepare(ctx, r.stmt, r.sql, nil); err != nil {
			return err
		}
		if pe, err = c.run.exec(ctx, r.query, r.target, r.stmt, r.values); err != nil {
			return err
		}
	}
	if code(pe) != r.outcome && !ignoredOutcome(code(pe)) {
		broken(breakOf(r.query, oldSide, file, pe))
	}
	return nil
}

// typeChanges says how the result columns' and parameters' new types
// break the old release's Go code, "" when they do not: pgx of this build
// scans a sample of each changed column's new type into the old Go type,
// and sends a sample of the old Go type of each changed parameter as the
// new type. A change pgx copes with still invalidates the statements the
// old release cached, which running them finds (0A000).
func (c *compatRun) typeChanges(ctx context.Context, r *running, results, params []uint32) (string, error) {
	goT := c.oldTypes[r.name]
	if len(results) != len(r.types) || len(params) != len(r.params) {
		return "the result columns or parameters change in number", nil
	}
	for i, oid := range results {
		if oid == r.types[i] {
			continue
		}
		from, to, err := c.typeNames(ctx, r.types[i], oid)
		if err != nil {
			return "", err
		}
		why := fmt.Sprintf("result column %d changes type from %s to %s", i+1, from, to)
		if i >= len(goT.Scan) {
			return why + ", which the old release's Go code scans into the old type", nil
		}
		_, target, ok := goSample(goT.Scan[i])
		sample, err := c.run.sample(ctx, oid)
		if err != nil {
			return "", err
		}
		if !ok || sample == nil {
			return why + ", which the old release scans into Go " + goT.Scan[i], nil
		}
		if err := c.conn.QueryRow(ctx, "SELECT $1::text::"+to, *sample).Scan(target); err != nil {
			return fmt.Sprintf("%s, and pgx cannot scan a %s into the old release's Go %s: %v", why, to, goT.Scan[i], err), nil
		}
	}
	for i, oid := range params {
		if oid == r.params[i] || i >= len(goT.Params) {
			continue
		}
		from, to, err := c.typeNames(ctx, r.params[i], oid)
		if err != nil {
			return "", err
		}
		value, _, ok := goSample(goT.Params[i])
		if !ok {
			continue
		}
		if _, err := c.conn.Exec(ctx, "SELECT $1::"+to, value); err != nil {
			return fmt.Sprintf("parameter $%d changes type from %s to %s, and the old release's Go %s cannot be sent as one: %v", i+1, from, to, goT.Params[i], err), nil
		}
	}
	return "", nil
}

// typeNames returns the SQL names of two types.
func (c *compatRun) typeNames(ctx context.Context, a, b uint32) (string, string, error) {
	var x, y string
	err := c.conn.QueryRow(ctx, "SELECT format_type($1, NULL), format_type($2, NULL)", a, b).Scan(&x, &y)
	return x, y, err
}

// finish runs the new release's queries on the new schema: one that
// failed on the old schema, and runs here, needs the migration first.
func (c *compatRun) finish(ctx context.Context) error {
	if err := c.run.reseed(ctx); err != nil {
		return err
	}
	for _, r := range c.new {
		if r.copyTable == nil {
			if err := c.run.conn.PgConn().Deallocate(ctx, r.stmt); err != nil {
				return err
			}
			if _, err := c.run.conn.PgConn().Prepare(ctx, r.stmt, r.sql, nil); err != nil {
				continue // the migration breaks the new release's own query: diff --check and the tests say so
			}
		}
		pe, err := c.run.exec(ctx, r.query, r.target, r.stmt, r.values)
		if err != nil {
			return err
		}
		if was, ok := c.before[r.sql]; ok && was == r.outcome {
			continue // the old release fails so too: not the deploy's doing
		}
		if r.outcome != code(pe) && !ignoredOutcome(r.outcome) {
			// The same values fail on the old schema only.
			c.res.Problems = append(c.res.Problems, breakOf(r.query, newSide, "", r.refusal))
		}
	}
	return nil
}

// nullability returns the columns of user tables that may hold NULL, named
// table.column.
func (c *compatRun) nullability(ctx context.Context) (map[attribute]string, error) {
	rows, err := c.conn.Query(ctx, `SELECT a.attrelid::oid::int8, a.attnum, format('%s.%I', a.attrelid::regclass, a.attname)
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE a.attnum > 0 AND NOT a.attisdropped AND NOT a.attnotnull AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')`)
	if err != nil {
		return nil, fmt.Errorf("reading nullable columns: %w", err)
	}
	out := map[attribute]string{}
	for rows.Next() {
		var rel int64
		var num int16
		var name string
		if err := rows.Scan(&rel, &num, &name); err != nil {
			return nil, err
		}
		out[attribute{uint32(rel), num}] = name
	}
	return out, rows.Err()
}

func pgError(err error) *pgconn.PgError {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe
	}
	return nil
}

func code(pe *pgconn.PgError) string {
	if pe == nil {
		return ""
	}
	return pe.Code
}

// breakOf describes a query PostgreSQL refused.
func breakOf(q query, side, file string, err error) CompatBreak {
	b := CompatBreak{Query: q.name, Side: side, Source: q.source, File: file, Problem: err.Error()}
	if pe := pgError(err); pe != nil {
		b.Code, b.Problem = pe.Code, pe.Message+" (SQLSTATE "+pe.Code+")"
	}
	b.Fix = fixOf(side, b.Code)
	return b
}

// fixOf is the expand/contract pattern that avoids a break.
func fixOf(side, code string) string {
	switch {
	case side == newSide && code == "23502":
		return "drop the NOT NULL (or give the column a default) in a release before the code that stops writing the column"
	case side == newSide:
		return "expand first: release the schema change (a nullable column, a new table) before the code that uses it"
	case code == "42702":
		return "qualify the column with its table in the query, in a release before the migration"
	case code == "23502":
		return "give the new column a default, or add it nullable and backfill it, so that the old release's writes, which do not set it, still work; make it NOT NULL once the old release is gone"
	case code == "23514":
		return "add the CHECK as NOT VALID and validate it once the old release is gone, or release code that writes only values it accepts first"
	case code == "0A000":
		return "pgx prepares the statement again after the error, so each connection of the old release fails once per statement: retry the call, or change the type in a new column beside the old (expand/contract)"
	default:
		return "contract last: keep the old column (or table) until no release reads it; add the new one beside it and backfill"
	}
}

// pendingAfter returns the files of newFiles after those of oldFiles, which
// must be their beginning, unchanged.
func pendingAfter(oldFiles, newFiles []migrate.File) ([]migrate.File, error) {
	if len(oldFiles) > len(newFiles) {
		return nil, fmt.Errorf("the base revision has %d migration files, the working tree %d: compare with an older base", len(oldFiles), len(newFiles))
	}
	for i, f := range oldFiles {
		if newFiles[i].Name() != f.Name() || !bytes.Equal(newFiles[i].Bytes(), f.Bytes()) {
			return nil, fmt.Errorf("%s differs between the base revision and the working tree: applied files never change", f.Name())
		}
	}
	return newFiles[len(oldFiles):], nil
}

// filesAt returns the migration files of dir (relative to the repository
// root, slash-separated) at revision rev: an fs.ErrNotExist when rev has no
// dir.
func filesAt(root, rev, dir string) ([]migrate.File, error) {
	if _, err := gitOut(root, "cat-file", "-e", rev+":"+dir); err != nil {
		return nil, fmt.Errorf("%s at %s: %w", dir, rev, fs.ErrNotExist)
	}
	names, err := gitOut(root, "ls-tree", "--name-only", rev+":"+dir)
	if err != nil {
		return nil, err
	}
	var files []migrate.File
	for _, name := range strings.Fields(names) {
		if path.Ext(name) != ".sql" {
			continue
		}
		text, err := gitOut(root, "show", rev+":"+path.Join(dir, name))
		if err != nil {
			return nil, err
		}
		files = append(files, migrate.NewLocalFile(name, []byte(text)))
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Name() < files[j].Name() })
	return files, nil
}

// generatedQuery matches one query constant sqlc writes.
var generatedQuery = regexp.MustCompile("(?s)const \\w+ = `-- name: (\\w+) :\\w+\\n(.*?)`")

// generatedCopy matches the method sqlc writes for a :copyfrom query.
var generatedCopy = regexp.MustCompile(`(?s)func \(q \*Queries\) (\w+)\([^)]*\) \(int64, error\) \{\s*return q\.db\.CopyFrom\(ctx, \[\]string\{([^}]*)\}, \[\]string\{([^}]*)\}`)

// generatedSource matches the header line naming a generated file's queries file.
var generatedSource = regexp.MustCompile(`(?m)^// source: (\S+)$`)

// queriesAt reads the queries sqlc generated into dir at revision rev ("":
// the working tree), with the queries file and line each comes from, and
// the text of the generated Go files by name.
func queriesAt(root, rev, dir string) ([]query, map[string]string, error) {
	read := func(name string) (string, error) {
		if rev == "" {
			b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(name)))
			return string(b), err
		}
		return gitOut(root, "show", rev+":"+name)
	}
	var names []string
	if rev == "" {
		matches, err := filepath.Glob(filepath.Join(root, dir, "*.go"))
		if err != nil {
			return nil, nil, err
		}
		for _, m := range matches {
			names = append(names, path.Join(dir, filepath.Base(m)))
		}
	} else {
		out, err := gitOut(root, "ls-tree", "--name-only", rev+":"+dir)
		if err != nil {
			return nil, nil, fmt.Errorf("no directory %s at %s (--queries names the directory of sqlc's generated Go, relative to the repository root)", dir, rev)
		}
		for _, n := range strings.Fields(out) {
			if strings.HasSuffix(n, ".go") {
				names = append(names, path.Join(dir, n))
			}
		}
	}
	files := map[string]string{}
	var out []query
	for _, name := range names {
		text, err := read(name)
		if err != nil {
			return nil, nil, fmt.Errorf("reading %s: %w", name, err)
		}
		if strings.HasSuffix(name, "_test.go") || !strings.Contains(text, "Code generated by sqlc") {
			continue
		}
		files[name] = text
		if m := generatedSource.FindStringSubmatch(text); m != nil && strings.HasSuffix(m[1], ".sql") {
			for _, g := range generatedQuery.FindAllStringSubmatch(text, -1) {
				out = append(out, query{name: g[1], sql: g[2], source: m[1]})
			}
		}
		for _, m := range generatedCopy.FindAllStringSubmatch(text, -1) {
			if table, cols := goStrings(m[2]), goStrings(m[3]); len(table) > 0 && len(cols) > 0 {
				out = append(out, query{name: m[1], copyTable: table, copyCols: cols})
			}
		}
	}
	if len(files) == 0 {
		at := "in the working tree"
		if rev != "" {
			at = "at " + rev
		}
		return nil, nil, fmt.Errorf("no Go generated by sqlc in %s %s (--queries names that directory, relative to the repository root)", dir, at)
	}
	if err := locateQueries(root, rev, out, read); err != nil {
		return nil, nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out, files, nil
}

// locateQueries sets each query's source to the queries file and line
// that hold its "-- name:" line: a .sql file of the repository (at rev, or
// the working tree's) whose path ends with the name sqlc wrote in the
// generated file's header, or for a :copyfrom any .sql file. A query not
// found keeps sqlc's file name.
func locateQueries(root, rev string, queries []query, read func(string) (string, error)) error {
	var list string
	var err error
	if rev == "" {
		list, err = gitOut(root, "ls-files", "--cached", "--others", "--exclude-standard", "--", "*.sql")
	} else {
		list, err = gitOut(root, "ls-tree", "-r", "--name-only", rev)
	}
	if err != nil {
		return err
	}
	texts := map[string]string{}
	var sqlFiles []string
	for _, f := range strings.Split(list, "\n") {
		if strings.HasSuffix(f, ".sql") {
			sqlFiles = append(sqlFiles, f)
		}
	}
	for i, q := range queries {
		for _, f := range sqlFiles {
			if q.source != "" && f != q.source && !strings.HasSuffix(f, "/"+q.source) {
				continue
			}
			text, ok := texts[f]
			if !ok {
				text, _ = read(f)
				texts[f] = text
			}
			if j := strings.Index(text, "-- name: "+q.name+" "); j >= 0 {
				queries[i].source = fmt.Sprintf("%s:%d", f, strings.Count(text[:j], "\n")+1)
				break
			}
		}
	}
	return nil
}

// goStrings returns the strings of a Go list of string literals: "a", "b".
func goStrings(list string) []string {
	var out []string
	for _, f := range strings.Split(list, ",") {
		if s, err := strconv.Unquote(strings.TrimSpace(f)); err == nil {
			out = append(out, s)
		}
	}
	return out
}

// gitOut runs git in dir and returns its output.
func gitOut(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return string(out), nil
}
