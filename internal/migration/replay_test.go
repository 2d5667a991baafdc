package migration_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/versiona/versiona/internal/dbtest"
	"github.com/versiona/versiona/internal/migration"
	"github.com/versiona/versiona/internal/testkit"
)

// lockFile takes a lock only a transaction can hold: it applies in one
// transaction, so every replay of it must run it in one too.
const lockFile = "LOCK TABLE t IN ACCESS EXCLUSIVE MODE;\nALTER TABLE t ADD COLUMN a int;\n"

// lockProject returns a project whose second file is lockFile, with the
// schema file it builds.
func lockProject(t *testing.T) *migration.Project {
	t.Helper()
	p, path := newProject(t)
	writeFile(t, filepath.Join(path, "20250101000000_t.sql"), "CREATE TABLE t (id int PRIMARY KEY);\n")
	addFile(t, p, path, "20250101000001_lock.sql", lockFile)
	writeFile(t, p.Schema, "CREATE TABLE t (id int PRIMARY KEY, a int);\n")
	return p
}

// columnsOf lists the columns of table public.t on the database at url.
func columnsOf(t *testing.T, url string) []string {
	t.Helper()
	return testkit.Lines(t, testkit.OpenSQL(t, url), `SELECT attname FROM pg_attribute
WHERE attrelid = 'public.t'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`)
}

// TestProject_replayRunsFilesAsApply runs a file that needs its
// transaction through every command that replays the directory.
func TestProject_replayRunsFilesAsApply(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("validate", func(t *testing.T) {
		t.Parallel()
		if _, err := lockProject(t).Validate(ctx); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("diff check", func(t *testing.T) {
		t.Parallel()
		res, err := lockProject(t).Diff(ctx, "", migration.DiffOptions{Check: true})
		if err != nil || !res.InSync() {
			t.Fatalf("diff --check = %+v, %v; want in sync", res, err)
		}
	})

	t.Run("lint", func(t *testing.T) {
		t.Parallel()
		res, err := lockProject(t).Lint(ctx, migration.LintOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range res.Findings {
			if f.Analyzer != migration.LocksAnalyzer {
				t.Errorf("finding %+v; want only lock findings", f)
			}
		}
	})

	t.Run("drift", func(t *testing.T) {
		t.Parallel()
		p, url := lockProject(t), dbtest.URL(t)
		if _, err := p.Apply(ctx, url, migration.ApplyOptions{}); err != nil {
			t.Fatal(err)
		}
		res, err := p.Drift(ctx, url)
		if err != nil || !res.InSync() {
			t.Fatalf("drift = %+v, %v; want in sync", res, err)
		}
	})

	t.Run("down", func(t *testing.T) {
		t.Parallel()
		p, url := lockProject(t), dbtest.URL(t)
		if _, err := p.Apply(ctx, url, migration.ApplyOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := p.Down(ctx, url, migration.DownOptions{}); err != nil {
			t.Fatal(err)
		}
		if got := columnsOf(t, url); !slices.Equal(got, []string{"id"}) {
			t.Fatalf("columns of t after down: %v; want [id]", got)
		}
	})
}

// TestProject_replaySessionState checks that a file's session settings
// act on replay as they do on apply, within the file and not beyond it.
func TestProject_replaySessionState(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	files := []struct{ name, sql string }{
		{"20250101000000_schema.sql", "CREATE SCHEMA other;\n"},
		{"20250101000001_set.sql", "SET search_path = other;\nCREATE TABLE x (id int);\n"},
		{"20250101000002_local.sql", "SET LOCAL search_path = other;\nCREATE TABLE y (id int);\n"},
		{"20250101000003_after.sql", "CREATE TABLE z (id int);\n"},
	}
	// Where each table lands, read from the catalog.
	const where = `SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname IN ('x', 'y', 'z') ORDER BY c.relname`
	want := []string{"other.x", "other.y", "public.z"}
	project := func(t *testing.T) *migration.Project {
		p, path := newProject(t)
		for _, f := range files {
			writeFile(t, filepath.Join(path, f.name), f.sql)
		}
		if err := migration.Rehash(p.Dir); err != nil {
			t.Fatal(err)
		}
		writeFile(t, p.Schema, "CREATE SCHEMA other;\nCREATE TABLE other.x (id int);\nCREATE TABLE other.y (id int);\nCREATE TABLE public.z (id int);\n")
		return p
	}

	t.Run("apply in one run", func(t *testing.T) {
		t.Parallel()
		p, url := project(t), dbtest.URL(t)
		if _, err := p.Apply(ctx, url, migration.ApplyOptions{}); err != nil {
			t.Fatal(err)
		}
		if got := testkit.Lines(t, testkit.OpenSQL(t, url), where); !slices.Equal(got, want) {
			t.Fatalf("tables %v; want %v", got, want)
		}
		sameFingerprint(t, "applied directory", readFingerprint(t, url), readFingerprint(t, loadSchema(t, p)))
	})

	t.Run("replay is the schema file", func(t *testing.T) {
		t.Parallel()
		res, err := project(t).Diff(ctx, "", migration.DiffOptions{Check: true})
		if err != nil || !res.InSync() {
			t.Fatalf("diff --check = %+v, %v; want in sync", res, err)
		}
	})

	t.Run("replay is the applied database", func(t *testing.T) {
		t.Parallel()
		p, url := project(t), dbtest.URL(t)
		for range files {
			if _, err := p.Apply(ctx, url, migration.ApplyOptions{N: 1}); err != nil {
				t.Fatal(err)
			}
		}
		res, err := p.Drift(ctx, url)
		if err != nil || !res.InSync() {
			t.Fatalf("drift = %+v, %v; want in sync", res, err)
		}
	})
}
