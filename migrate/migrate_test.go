package migrate_test

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/versiona/versiona/internal/dbtest"
	"github.com/versiona/versiona/internal/fingerprint"
	"github.com/versiona/versiona/internal/migration"
	"github.com/versiona/versiona/internal/testkit"
	"github.com/versiona/versiona/migrate"
)

func TestMain(m *testing.M) { dbtest.Main(m, nil) }

// A service embeds its migration directory in its binary.
//
//go:embed testdata/migrations
var files embed.FS

func migrations(t testing.TB) fs.FS {
	t.Helper()
	dir, err := fs.Sub(files, "testdata/migrations")
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestMigrator_embedded migrates a database the way a service does at
// start-up, from its embedded files, and checks the result in the catalog
// and the revisions table, not through the engine.
func TestMigrator_embedded(t *testing.T) {
	ctx := context.Background()
	url := dbtest.URL(t)
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	var (
		mu    sync.Mutex
		steps []string
		logs  strings.Builder
	)
	m, err := migrate.New(db, migrations(t), &migrate.Config{
		Logger:   slog.New(slog.NewTextHandler(&logs, nil)),
		Progress: func(e migrate.Event) { mu.Lock(); steps = append(steps, string(e.Kind)+" "+e.File); mu.Unlock() },
	})
	if err != nil {
		t.Fatal(err)
	}
	res, err := m.Apply(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Current != "20260102000000" || len(res.Applied) != 2 {
		t.Fatalf("apply = %+v; want both files, at 20260102000000", res)
	}
	cols := testkit.Lines(t, db, "SELECT attname FROM pg_attribute WHERE attrelid = 'contas'::regclass AND attnum > 0 ORDER BY attnum")
	if !slices.Equal(cols, []string{"id", "email", "nome"}) {
		t.Errorf("columns = %v", cols)
	}
	revs := testkit.Lines(t, db, "SELECT version FROM atlas_schema_revisions.atlas_schema_revisions ORDER BY version")
	if !slices.Equal(revs, []string{"20260101000000", "20260102000000"}) {
		t.Errorf("revisions = %v", revs)
	}
	if !slices.Contains(steps, "applied 20260101000000_contas.sql") || !strings.Contains(logs.String(), "file=20260102000000_contas_nome.sql") {
		t.Errorf("progress = %v; log:\n%s", steps, logs.String())
	}
	if err := db.PingContext(ctx); err != nil {
		t.Errorf("the service's pool was closed: %v", err)
	}

	st, err := m.Status(ctx)
	if err != nil || st.Current != "20260102000000" || len(st.Pending) != 0 {
		t.Fatalf("status = %+v, %v", st, err)
	}
	again, err := m.Apply(ctx, nil)
	if err != nil || len(again.Applied) != 0 {
		t.Fatalf("second apply = %+v, %v; want nothing to do", again, err)
	}
	drift, err := m.Drift(ctx)
	if err != nil || !drift.InSync() {
		t.Fatalf("drift = %+v, %v; want in sync", drift, err)
	}
	if _, err := db.ExecContext(ctx, "ALTER TABLE contas ADD COLUMN extra int"); err != nil {
		t.Fatal(err)
	}
	drift, err = m.Drift(ctx)
	if err != nil || drift.InSync() || !strings.Contains(drift.Differences[0].Text, "column public.contas.extra") {
		t.Fatalf("drift after a hand change = %+v, %v", drift, err)
	}
}

// TestMigrator_errors: failures come back as typed errors.
func TestMigrator_errors(t *testing.T) {
	ctx := context.Background()
	t.Run("a database with a schema and no revisions needs a baseline", func(t *testing.T) {
		db := testkit.OpenSQL(t, dbtest.URL(t))
		if _, err := db.ExecContext(ctx, "CREATE TABLE contas (id bigint PRIMARY KEY)"); err != nil {
			t.Fatal(err)
		}
		m, err := migrate.New(db, migrations(t), nil)
		if err != nil {
			t.Fatal(err)
		}
		_, err = m.Apply(ctx, nil)
		var berr *migrate.NeedsBaselineError
		if !errors.As(err, &berr) {
			t.Fatalf("apply = %v; want a *NeedsBaselineError", err)
		}
		fp, err := fingerprint.Read(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(fp.String(), "atlas") || len(testkit.Lines(t, db, "SELECT 1 FROM pg_namespace WHERE nspname = 'atlas_schema_revisions'")) != 0 {
			t.Errorf("the refused apply created the revisions table")
		}
	})
	t.Run("a failing file is an *ApplyError", func(t *testing.T) {
		db := testkit.OpenSQL(t, dbtest.URL(t))
		bad := fstestDir(t, map[string]string{"20260101000000_bad.sql": "CREATE TABLE t (id int);\nSELECT 1/0;\n"})
		m, err := migrate.New(db, bad, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, err = m.Apply(ctx, nil)
		var aerr *migrate.ApplyError
		if !errors.As(err, &aerr) || aerr.File != "20260101000000_bad.sql" || !aerr.RolledBack {
			t.Fatalf("apply = %v; want an *ApplyError naming the file, rolled back", err)
		}
		if got := testkit.Lines(t, db, "SELECT count(*) FROM pg_class WHERE relname = 't'"); got[0] != "0" {
			t.Errorf("the failed file left table t behind")
		}
	})
	t.Run("no database", func(t *testing.T) {
		if _, err := migrate.New(nil, migrations(t), nil); err == nil {
			t.Fatal("New(nil, …) succeeded")
		}
	})
}

func fstestDir(t *testing.T, files map[string]string) fs.FS {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	d, err := migration.OpenDir(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := migration.Rehash(d); err != nil {
		t.Fatal(err)
	}
	return os.DirFS(dir)
}
