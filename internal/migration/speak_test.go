package migration_test

import (
	"context"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/versiona/versiona/internal/dbtest"
	"github.com/versiona/versiona/internal/migration"
	"github.com/versiona/versiona/internal/testkit"
)

// TestPackage_NeverPrints reads the package's own source: no non-test file
// may write to a terminal or print, so every message reaches people only
// through a result the caller renders.
func TestPackage_NeverPrints(t *testing.T) {
	t.Parallel()
	banned := []string{"fmt.Print", "fmt.Fprint", "os.Stdout", "os.Stderr", "log.Print", "io.Writer"}
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			x, ok := sel.X.(*ast.Ident)
			if !ok {
				return true
			}
			ref := x.Name + "." + sel.Sel.Name
			for _, b := range banned {
				if strings.HasPrefix(ref, b) {
					t.Errorf("%s: %s writes to a terminal; return it in a result instead", fset.Position(sel.Pos()), ref)
				}
			}
			return true
		})
	}
}

// TestProject_Apply_silent runs apply and a failing apply with the process's
// stdout and stderr replaced by pipes: nothing may arrive on them.
func TestProject_Apply_silent(t *testing.T) {
	// Not parallel: it swaps os.Stdout and os.Stderr.
	p, path := newProject(t)
	writeFile(t, filepath.Join(path, "20250101000000_one.sql"), "CREATE TABLE um (id int);\n")
	writeFile(t, filepath.Join(path, "20250101000001_two.sql"), "INSERT INTO nenhuma VALUES (1);\n")
	if err := migration.Rehash(p.Dir); err != nil {
		t.Fatal(err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, stderr := os.Stdout, os.Stderr
	os.Stdout, os.Stderr = w, w
	_, applyErr := p.Apply(context.Background(), dbtest.URL(t), migration.ApplyOptions{})
	os.Stdout, os.Stderr = stdout, stderr
	w.Close()
	got := readAll(r)
	if applyErr == nil {
		t.Fatal("apply of a broken file succeeded")
	}
	if len(got) > 0 {
		t.Fatalf("apply wrote to stdout/stderr: %q", got)
	}
}

// readAll reads f to its end and closes it.
func readAll(f *os.File) []byte {
	defer f.Close()
	var buf []byte
	b := make([]byte, 4096)
	for {
		n, err := f.Read(b)
		buf = append(buf, b[:n]...)
		if err != nil {
			return buf
		}
	}
}

func TestProject_Apply_interrupted(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p, path := newProject(t)
	writeFile(t, filepath.Join(path, "20250101000000_slow.sql"), "CREATE TABLE um (id int);\nSELECT pg_sleep(10);\n")
	if err := migration.Rehash(p.Dir); err != nil {
		t.Fatal(err)
	}
	url := dbtest.URL(t)
	db := testkit.OpenSQL(t, url)
	// A second session ends the one running the file, as an operator
	// with pg_terminate_backend would.
	killed := make(chan error, 1)
	go func() {
		deadline := time.Now().Add(8 * time.Second)
		for time.Now().Before(deadline) {
			var n int
			err := db.QueryRow(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
WHERE datname = current_database() AND query LIKE 'SELECT pg_sleep(10)%' AND pid <> pg_backend_pid()`).Scan(&n)
			if err != nil || n > 0 {
				killed <- err
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
		killed <- errors.New("the file never started")
	}()
	start := time.Now()
	_, err := p.Apply(ctx, url, migration.ApplyOptions{})
	if kerr := <-killed; kerr != nil {
		t.Fatal(kerr)
	}
	if time.Since(start) > 9*time.Second {
		t.Fatalf("apply waited for the sleep to end")
	}
	var aerr *migration.ApplyError
	if !errors.As(err, &aerr) || aerr.Cause != migration.CauseConnection || !aerr.RolledBack {
		t.Fatalf("err = %v; want an ApplyError for a lost connection", err)
	}
	msg := err.Error()
	if !strings.Contains(msg, "connection lost") || !strings.Contains(msg, "intact") || strings.Contains(msg, "migrate hash") {
		t.Fatalf("message = %q; want it to say the connection was lost and the file is intact", msg)
	}
	if aerr.RecordErr != nil {
		t.Fatalf("error not recorded: %v", aerr.RecordErr)
	}
	// The catalog, read by another session: nothing of the file stayed,
	// and its revision records the interruption.
	if got := tables(t, url); len(got) != 0 {
		t.Fatalf("tables = %v; the file was not rolled back", got)
	}
	var recorded string
	if err := db.QueryRow(`SELECT coalesce(error, '') FROM atlas_schema_revisions.atlas_schema_revisions WHERE version = '20250101000000'`).Scan(&recorded); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(recorded, "connection lost") {
		t.Fatalf("recorded error = %q; want the lost connection", recorded)
	}
	// Running apply again finishes the file: it was intact.
	writeFile(t, filepath.Join(path, "20250101000000_slow.sql"), "CREATE TABLE um (id int);\nSELECT pg_sleep(0);\n")
	if err := migration.Rehash(p.Dir); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Apply(ctx, url, migration.ApplyOptions{}); err != nil {
		t.Fatalf("apply after the interruption: %v", err)
	}
}

func TestProject_strayFile(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, stray := range []string{"notes.sql", "backup_copy.sql", "000001_init.up.sql", "000001_init.down.sql"} {
		want := "<version>_<name>.sql"
		if strings.Contains(stray, ".up.") || strings.Contains(stray, ".down.") {
			want = "migrate import --from golang-migrate"
		}
		t.Run(stray, func(t *testing.T) {
			t.Parallel()
			p, path := withHistory(t)
			writeFile(t, filepath.Join(path, stray), "SELECT 1;\n")
			checks := map[string]func() error{
				"hash":     func() error { return migration.Rehash(p.Dir) },
				"validate": func() error { _, err := p.Validate(ctx); return err },
				"apply":    func() error { _, err := p.Apply(ctx, dbtest.URL(t), migration.ApplyOptions{}); return err },
				"diff":     func() error { _, err := p.Diff(ctx, "", migration.DiffOptions{Check: true}); return err },
			}
			for name, run := range checks {
				if err := run(); err == nil || !strings.Contains(err.Error(), stray) || !strings.Contains(err.Error(), want) {
					t.Errorf("%s with %s = %v; want a refusal naming it", name, stray, err)
				}
			}
		})
	}
}

func TestProject_Status_outOfOrder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p, path := newProject(t)
	writeFile(t, filepath.Join(path, "20250101000000_one.sql"), "CREATE TABLE um (id int);\n")
	writeFile(t, filepath.Join(path, "20250101000002_three.sql"), "CREATE TABLE tres (id int);\n")
	if err := migration.Rehash(p.Dir); err != nil {
		t.Fatal(err)
	}
	url := dbtest.URL(t)
	if _, err := p.Apply(ctx, url, migration.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(path, "20250101000001_two.sql"), "CREATE TABLE dois (id int);\n")
	if err := migration.Rehash(p.Dir); err != nil {
		t.Fatal(err)
	}
	_, err := p.Apply(ctx, url, migration.ApplyOptions{})
	var oerr *migration.OutOfOrderError
	if !errors.As(err, &oerr) || !slices.Equal(oerr.Files, []string{"20250101000001_two.sql"}) || !strings.Contains(err.Error(), "rename it with a newer version") {
		t.Fatalf("apply = %v; want an OutOfOrderError naming 20250101000001_two.sql", err)
	}
	st, err := p.Status(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Pending) != 0 || !strings.Contains(st.Problem, "20250101000001_two.sql") || !strings.Contains(st.Problem, "rename") {
		t.Fatalf("status = %+v; want no pending and the out-of-order file as the problem, as apply says", st)
	}
	if got := tables(t, url); !slices.Equal(got, []string{"tres", "um"}) {
		t.Fatalf("tables = %v; the out-of-order file ran", got)
	}
}

func TestProject_Validate_noSum(t *testing.T) {
	t.Parallel()
	p, _ := newProject(t)
	_, err := p.Validate(context.Background())
	if err == nil || !strings.Contains(err.Error(), "atlas.sum is missing") {
		t.Fatalf("validate without atlas.sum = %v; want it named missing", err)
	}
}

func TestProject_Apply_cancelled(t *testing.T) {
	t.Parallel()
	p, path := newProject(t)
	writeFile(t, filepath.Join(path, "20250101000000_slow.sql"), "CREATE TABLE um (id int);\nSELECT pg_sleep(10);\n")
	if err := migration.Rehash(p.Dir); err != nil {
		t.Fatal(err)
	}
	url := dbtest.URL(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Ctrl-C: the context ends once the file is running.
	p.Progress = func(e migration.Event) {
		if e.Kind == migration.EventApplying {
			time.AfterFunc(300*time.Millisecond, cancel)
		}
	}
	start := time.Now()
	_, err := p.Apply(ctx, url, migration.ApplyOptions{})
	if time.Since(start) > 9*time.Second {
		t.Fatal("apply waited for the sleep to end")
	}
	var aerr *migration.ApplyError
	if !errors.As(err, &aerr) || aerr.Cause != migration.CauseInterrupted || aerr.RecordErr != nil {
		t.Fatalf("err = %v; want an interrupted ApplyError, recorded", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "interrupted: the file is intact and was rolled back") || strings.Contains(msg, "migrate hash") {
		t.Fatalf("message = %q", msg)
	}
	if got := tables(t, url); len(got) != 0 {
		t.Fatalf("tables = %v; the file was not rolled back", got)
	}
	var recorded string
	if err := testkit.OpenSQL(t, url).QueryRow(`SELECT coalesce(error, '') FROM atlas_schema_revisions.atlas_schema_revisions WHERE version = '20250101000000'`).Scan(&recorded); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(recorded, "interrupted") {
		t.Fatalf("recorded error = %q; want the interruption", recorded)
	}
}
