package migration_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pressly/goose/v3"

	"github.com/versiona/versiona/internal/dbtest"
	"github.com/versiona/versiona/internal/fingerprint"
	"github.com/versiona/versiona/internal/importer"
	"github.com/versiona/versiona/internal/migration"
	"github.com/versiona/versiona/internal/testkit"
)

// TestProject_Import imports histories of other tools and holds each to an
// oracle that shares no code with the importer: the source applied by its
// own tool (the goose library; psql for golang-migrate, whose files are
// plain SQL scripts) must give the schema, by fingerprint and by pg_dump,
// that the imported directory gives once applied.
func TestProject_Import(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("goose: a real history with NO TRANSACTION", func(t *testing.T) {
		t.Parallel()
		src := filepath.Join("testdata", "real", "openfga-goose")
		p, path := newProject(t)
		res, err := p.Import(ctx, os.DirFS(src), importer.Goose)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Files) != 6 || !res.Files[5].NoTx {
			t.Fatalf("imported %+v; want 6 files, the last outside a transaction", res.Files)
		}
		downs, _ := os.ReadDir(filepath.Join(path, migration.ImportDownDir))
		if len(downs) != 6 {
			t.Errorf("%d down sections kept aside; want 6", len(downs))
		}
		if _, err := p.Validate(ctx); err != nil {
			t.Fatalf("validate after import: %v", err)
		}

		byGoose := dbtest.URL(t)
		db := testkit.OpenSQL(t, byGoose)
		provider, err := goose.NewProvider(goose.DialectPostgres, db, os.DirFS(src))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := provider.Up(ctx); err != nil {
			t.Fatalf("goose up: %v", err)
		}
		if _, err := db.ExecContext(ctx, "DROP TABLE goose_db_version"); err != nil {
			t.Fatal(err)
		}
		imported := dbtest.URL(t)
		if err := migration.ApplyAll(ctx, imported, p.Dir); err != nil {
			t.Fatal(err)
		}
		sameSchemaAs(t, byGoose, imported)
	})

	t.Run("golang-migrate: numeric order, down files aside, substring traps", func(t *testing.T) {
		t.Parallel()
		src := t.TempDir()
		files := map[string]string{
			"1_init.up.sql":     "CREATE TABLE breakdown (id int PRIMARY KEY, shutdown_at timestamptz);\nCREATE TABLE countdown (n int);\n",
			"1_init.down.sql":   "DROP TABLE countdown;\nDROP TABLE breakdown;\n",
			"2_down.up.sql":     "ALTER TABLE breakdown ADD COLUMN down text; -- a column named down\n",
			"2_down.down.sql":   "ALTER TABLE breakdown DROP COLUMN down;\n",
			"10_index.up.sql":   "CREATE INDEX CONCURRENTLY breakdown_down_idx ON breakdown (down);\n",
			"10_index.down.sql": "DROP INDEX breakdown_down_idx;\n",
			// Applied after 2: with 10 first, the index's column would not exist yet.
			"3_own_tx.up.sql": "BEGIN;\nALTER TABLE countdown ADD COLUMN shutdown boolean;\nCOMMIT;\n",
		}
		for name, text := range files {
			writeFile(t, filepath.Join(src, name), text)
		}
		p, path := newProject(t)
		res, err := p.Import(ctx, os.DirFS(src), importer.GolangMigrate)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, f := range res.Files {
			names = append(names, f.Name)
		}
		want := []string{"00000000000001_init.sql", "00000000000002_down.sql", "00000000000003_own_tx.sql", "00000000000010_index.sql"}
		if !slices.Equal(names, want) {
			t.Fatalf("files = %v; want %v", names, want)
		}
		for _, f := range res.Files {
			up := f.Source
			b, err := os.ReadFile(filepath.Join(path, f.Name))
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.TrimPrefix(string(b), "-- atlas:txmode none\n\n"); got != files[up] {
				t.Errorf("%s: %q; want the bytes of %s, %q", f.Name, got, up, files[up])
			}
		}

		// The oracle: each up file in numeric version order, run by psql.
		psql := testkit.ClientTool(t, "psql")
		byPsql := dbtest.URL(t)
		var ups []string
		for name := range files {
			if strings.HasSuffix(name, ".up.sql") {
				ups = append(ups, name)
			}
		}
		slices.SortFunc(ups, func(a, b string) int { return versionOf(a) - versionOf(b) })
		for _, name := range ups {
			testkit.Run(t, psql, "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1", "--file="+filepath.Join(src, name), "--dbname="+byPsql)
		}
		imported := dbtest.URL(t)
		if err := migration.ApplyAll(ctx, imported, p.Dir); err != nil {
			t.Fatal(err)
		}
		sameSchemaAs(t, byPsql, imported)
	})

	t.Run("dbmate: sections are markers, not substrings", func(t *testing.T) {
		t.Parallel()
		src := t.TempDir()
		writeFile(t, filepath.Join(src, "20230101000000_init.sql"), `-- migrate:up
CREATE TABLE breakdown (id int, shutdown_at timestamptz, countdown int);
COMMENT ON TABLE breakdown IS 'see -- migrate:down below';

-- migrate:down
DROP TABLE breakdown;
`)
		writeFile(t, filepath.Join(src, "20230102000000_idx.sql"), "-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY breakdown_countdown ON breakdown (countdown);\n-- migrate:down\nDROP INDEX breakdown_countdown;\n")
		p, _ := newProject(t)
		if _, err := p.Import(ctx, os.DirFS(src), importer.Dbmate); err != nil {
			t.Fatal(err)
		}
		imported := dbtest.URL(t)
		if err := migration.ApplyAll(ctx, imported, p.Dir); err != nil {
			t.Fatal(err)
		}
		db := testkit.OpenSQL(t, imported)
		got := testkit.Lines(t, db, `SELECT attname FROM pg_attribute WHERE attrelid = 'breakdown'::regclass AND attnum > 0 ORDER BY attnum`)
		if strings.Join(got, " ") != "id shutdown_at countdown" {
			t.Errorf("columns = %v", got)
		}
		got = testkit.Lines(t, db, `SELECT obj_description('breakdown'::regclass, 'pg_class') || ' / ' || (SELECT count(*) FROM pg_indexes WHERE indexname = 'breakdown_countdown')`)
		if strings.Join(got, "") != "see -- migrate:down below / 1" {
			t.Errorf("comment / index = %v", got)
		}
	})

	t.Run("refused: a goose migration in Go, nothing written", func(t *testing.T) {
		t.Parallel()
		src := t.TempDir()
		writeFile(t, filepath.Join(src, "00001_a.sql"), "-- +goose Up\nCREATE TABLE a (id int);\n")
		writeFile(t, filepath.Join(src, "00002_b.go"), "package migrations\n")
		p, path := newProject(t)
		_, err := p.Import(ctx, os.DirFS(src), importer.Goose)
		var ierr *importer.Error
		if !errors.As(err, &ierr) || ierr.File != "00002_b.go" {
			t.Fatalf("err = %v; want the Go file named", err)
		}
		if entries, _ := os.ReadDir(path); len(entries) != 0 {
			t.Errorf("a refused import wrote %d file(s)", len(entries))
		}
	})

	t.Run("a failed write leaves the directory as it was", func(t *testing.T) {
		t.Parallel()
		p, path := newProject(t)
		// A file of the user's where the down parts would go: keeping them
		// aside fails, after the migration files were written.
		writeFile(t, filepath.Join(path, migration.ImportDownDir), "the user's notes\n")
		_, err := p.Import(ctx, os.DirFS(filepath.Join("testdata", "real", "openfga-goose")), importer.Goose)
		if err == nil {
			t.Fatal("import succeeded with down/ a file")
		}
		entries, _ := os.ReadDir(path)
		if len(entries) != 1 || entries[0].Name() != migration.ImportDownDir {
			t.Fatalf("after the failed import the directory holds %v; want only the user's file", entries)
		}
		if b, _ := os.ReadFile(filepath.Join(path, migration.ImportDownDir)); string(b) != "the user's notes\n" {
			t.Errorf("the user's file was changed: %q", b)
		}
	})

	t.Run("refused: a directory that holds migrations", func(t *testing.T) {
		t.Parallel()
		p, _ := withHistory(t)
		src := t.TempDir()
		writeFile(t, filepath.Join(src, "1_a.up.sql"), "CREATE TABLE a (id int);\n")
		if _, err := p.Import(ctx, os.DirFS(src), importer.GolangMigrate); err == nil || !strings.Contains(err.Error(), "already holds migrations") {
			t.Fatalf("err = %v; want a refusal", err)
		}
	})
}

// versionOf is the number before the first underscore of a file name.
func versionOf(name string) int {
	n, _ := strconv.Atoi(name[:strings.IndexByte(name, '_')])
	return n
}

// sameSchemaAs requires the databases at want and got to have the same
// schema fingerprint and the same pg_dump --schema-only.
func sameSchemaAs(t *testing.T, want, got string) {
	t.Helper()
	ctx := context.Background()
	read := func(url string) fingerprint.Fingerprint {
		db, err := sql.Open("pgx", url)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		fp, err := fingerprint.Read(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		return fp
	}
	if w, g := read(want), read(got); !w.Equal(g) {
		t.Fatalf("fingerprints differ:\n%v", fingerprint.Diff(w, g))
	}
	if w, g := testkit.SchemaDump(t, want), testkit.SchemaDump(t, got); w != g {
		t.Fatalf("pg_dump differs:\n%s", lineDiff(w, g))
	}
}

// TestProject_Baseline adopts databases migrated by another tool: the
// imported directory's version is read from the tool's history table, and
// recorded only when the live schema is the directory's at that version.
func TestProject_Baseline(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	src := filepath.Join("testdata", "real", "openfga-goose")

	// byGoose returns a database goose migrated, with its history table,
	// and a project with the imported directory.
	byGoose := func(t *testing.T) (*migration.Project, string, *sql.DB) {
		t.Helper()
		p, _ := newProject(t)
		if _, err := p.Import(ctx, os.DirFS(src), importer.Goose); err != nil {
			t.Fatal(err)
		}
		url := dbtest.URL(t)
		db := testkit.OpenSQL(t, url)
		provider, err := goose.NewProvider(goose.DialectPostgres, db, os.DirFS(src))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := provider.Up(ctx); err != nil {
			t.Fatalf("goose up: %v", err)
		}
		return p, url, db
	}
	revisionsSchema := func(t *testing.T, db *sql.DB) []string {
		return testkit.Lines(t, db, "SELECT nspname FROM pg_namespace WHERE nspname = 'atlas_schema_revisions'")
	}

	t.Run("apply on the unstamped database names baseline and creates nothing", func(t *testing.T) {
		t.Parallel()
		p, url, db := byGoose(t)
		_, err := p.Apply(ctx, url, migration.ApplyOptions{})
		var berr *migration.NeedsBaselineError
		if !errors.As(err, &berr) || !strings.Contains(err.Error(), "migrate baseline") {
			t.Fatalf("apply = %v; want a NeedsBaselineError naming migrate baseline", err)
		}
		if s := revisionsSchema(t, db); len(s) != 0 {
			t.Errorf("the refused apply created %v", s)
		}
	})

	t.Run("stamped at the version goose recorded", func(t *testing.T) {
		t.Parallel()
		p, url, db := byGoose(t)
		dry, err := p.Baseline(ctx, url, migration.BaselineOptions{DryRun: true})
		if err != nil || dry.Recorded || dry.Version != "00000000000006" || dry.From != "goose_db_version: version 6" {
			t.Fatalf("dry run = %+v, %v", dry, err)
		}
		if s := revisionsSchema(t, db); len(s) != 0 {
			t.Fatalf("the dry run created %v", s)
		}
		res, err := p.Baseline(ctx, url, migration.BaselineOptions{})
		if err != nil || !res.Recorded {
			t.Fatalf("baseline = %+v, %v", res, err)
		}
		got := testkit.Lines(t, db, "SELECT version || ' ' || type FROM atlas_schema_revisions.atlas_schema_revisions")
		if strings.Join(got, ",") != "00000000000006 1" {
			t.Errorf("revisions = %v; want one baseline revision (type 1) at 00000000000006", got)
		}
		st, err := p.Status(ctx, url)
		if err != nil || st.Current != "00000000000006" || len(st.Pending) != 0 {
			t.Errorf("status after baseline = %+v, %v", st, err)
		}
		if _, err := p.Baseline(ctx, url, migration.BaselineOptions{}); err == nil || !strings.Contains(err.Error(), "already has 1 migration revision") {
			t.Errorf("second baseline = %v; want a refusal", err)
		}
	})

	t.Run("a database that differs is refused, facts listed, nothing written", func(t *testing.T) {
		t.Parallel()
		p, url, db := byGoose(t)
		if _, err := db.ExecContext(ctx, "ALTER TABLE tuple ADD COLUMN extra text"); err != nil {
			t.Fatal(err)
		}
		_, err := p.Baseline(ctx, url, migration.BaselineOptions{})
		var verr *migration.VerifyError
		if !errors.As(err, &verr) || !strings.Contains(err.Error(), "column public.tuple.extra") {
			t.Fatalf("baseline = %v; want the extra column named", err)
		}
		if s := revisionsSchema(t, db); len(s) != 0 {
			t.Errorf("the refused baseline created %v", s)
		}
		// An earlier version than goose's is refused too: the index of 6 is there.
		if _, err := p.Baseline(ctx, url, migration.BaselineOptions{Version: "00000000000005"}); err == nil {
			t.Errorf("baseline at 5 of a database at 6 was accepted")
		}
	})

	t.Run("golang-migrate's schema_migrations, dirty refused", func(t *testing.T) {
		t.Parallel()
		p, _ := newProject(t)
		srcDir := t.TempDir()
		writeFile(t, filepath.Join(srcDir, "1_a.up.sql"), "CREATE TABLE a (id int);\n")
		writeFile(t, filepath.Join(srcDir, "10_b.up.sql"), "ALTER TABLE a ADD COLUMN b int;\n")
		if _, err := p.Import(ctx, os.DirFS(srcDir), importer.GolangMigrate); err != nil {
			t.Fatal(err)
		}
		url := dbtest.URL(t)
		db := testkit.OpenSQL(t, url)
		testkit.Exec(t, testkit.Session(t, url, "setup"), `CREATE TABLE a (id int, b int);
			CREATE TABLE schema_migrations (version bigint PRIMARY KEY, dirty boolean NOT NULL);
			INSERT INTO schema_migrations VALUES (10, true)`)
		if _, err := p.Baseline(ctx, url, migration.BaselineOptions{}); err == nil || !strings.Contains(err.Error(), "left version 10 dirty") {
			t.Fatalf("baseline of a dirty database = %v", err)
		}
		if _, err := db.ExecContext(ctx, "UPDATE schema_migrations SET dirty = false"); err != nil {
			t.Fatal(err)
		}
		res, err := p.Baseline(ctx, url, migration.BaselineOptions{})
		if err != nil || res.Version != "00000000000010" {
			t.Fatalf("baseline = %+v, %v; want version 00000000000010", res, err)
		}
	})
}
