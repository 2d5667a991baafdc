package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/versiona/versiona/internal/dbtest"
	"github.com/versiona/versiona/internal/locks"
	"github.com/versiona/versiona/internal/testkit"
)

func mustExec(t *testing.T, conn *sql.Conn, stmt string, args ...any) {
	t.Helper()
	if _, err := conn.ExecContext(context.Background(), stmt, args...); err != nil {
		t.Fatalf("%s: %v", stmt, err)
	}
}

// liveWorkspace writes the given files to a migration directory, hashes it
// and returns the command-line builder of workspace.
func liveWorkspace(t *testing.T, files map[string]string) func(args ...string) []string {
	t.Helper()
	with, dir, _ := workspace(t, "")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if got := migrate(t, with("hash")...); got.code != 0 {
		t.Fatal(got.stderr)
	}
	return with
}

func TestRun_ApplyLockWait(t *testing.T) {
	t.Parallel()
	url := dbtest.URL(t)
	with := liveWorkspace(t, map[string]string{"20250101000000_um.sql": "CREATE TABLE um (id int);\n"})
	holder := testkit.Session(t, url, "psql-holder")
	holderPID := testkit.BackendPID(t, holder)
	mustExec(t, holder, "SELECT pg_advisory_lock($1::bigint)", locks.Key("atlas_migrate_execute"))

	start := time.Now()
	got := migrate(t, with("apply", "--url", url, "--lock-wait", "7s")...)
	took := time.Since(start)
	by := "held by pid " + strconv.Itoa(holderPID) + " (psql-holder)"
	lines := strings.Split(strings.TrimSpace(got.stderr), "\n")
	if got.code != 1 || len(lines) != 2 || !strings.Contains(lines[0], "waiting for the migration lock") || !strings.Contains(lines[0], by) {
		t.Fatalf("exit %d after %s; want 1, a report naming the holder, then one error line\nstderr:\n%s", got.code, took, got.stderr)
	}
	if !strings.HasPrefix(lines[1], "migrate: waiting for the migration lock: lock not acquired") || !strings.Contains(lines[1], "pid "+strconv.Itoa(holderPID)) {
		t.Fatalf("error line %q; want the lock error naming the holder", lines[1])
	}
	if took < 7*time.Second || took > 9*time.Second {
		t.Fatalf("gave up after %s; want the 7s wait", took)
	}
}

func TestRun_ApplyLockTimeout(t *testing.T) {
	t.Parallel()
	url := dbtest.URL(t)
	with := liveWorkspace(t, map[string]string{"20250101000000_usuarios.sql": "CREATE TABLE usuarios (id int);\n"})
	if got := migrate(t, with("apply", "--url", url)...); got.code != 0 {
		t.Fatal(got.stderr)
	}
	with = liveWorkspace(t, map[string]string{
		"20250101000000_usuarios.sql": "CREATE TABLE usuarios (id int);\n",
		"20250101000001_x.sql":        "ALTER TABLE usuarios ADD COLUMN x int;\n",
	})
	reader := testkit.Session(t, url, "reader-app")
	readerPID := testkit.BackendPID(t, reader)
	mustExec(t, reader, "BEGIN")
	mustExec(t, reader, "SELECT count(*) FROM usuarios")

	got := migrate(t, with("apply", "--url", url, "--lock-timeout", "300ms", "--retries", "1")...)
	blocked := "blocked by pid " + strconv.Itoa(readerPID) + " (reader-app), idle in transaction"
	if got.code != 1 || !strings.Contains(got.stderr, "20250101000001_x.sql: attempt 1 hit the lock timeout") ||
		!strings.Contains(got.stderr, blocked) || !strings.Contains(got.stderr, "SELECT count(*) FROM usuarios") ||
		!strings.Contains(got.stderr, "lock timeout on all 2 attempt(s)") {
		t.Fatalf("exit %d; want 1 with the blocker reported\nstdout:\n%s\nstderr:\n%s", got.code, got.stdout, got.stderr)
	}
	var n int
	if err := reader.QueryRowContext(context.Background(), `SELECT count(*) FROM pg_attribute
WHERE attrelid = 'usuarios'::regclass AND attname = 'x'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("column x count = %d, %v; want the database unchanged", n, err)
	}
	mustExec(t, reader, "COMMIT")
	if got := migrate(t, with("apply", "--url", url)...); got.code != 0 {
		t.Fatalf("apply after the reader committed: exit %d\n%s", got.code, got.stderr)
	}
}

func TestRun_LiveFlagsRefuseNegative(t *testing.T) {
	for _, flag := range []string{"--lock-wait", "--lock-timeout", "--statement-timeout"} {
		got := migrate(t, "apply", "--url", "postgres://x", "--dir", t.TempDir(), flag, "-1s")
		if got.code != 2 || !strings.Contains(got.stderr, "must not be negative") {
			t.Errorf("%s -1s: exit %d\n%s", flag, got.code, got.stderr)
		}
	}
}

func TestRun_LintTrace(t *testing.T) {
	t.Parallel()
	files := map[string]string{
		"20250101000000_t.sql":     "CREATE TABLE t (id int PRIMARY KEY, n int);\n",
		"20250101000001_index.sql": "CREATE INDEX t_n_idx ON t (n);\n",
		"20250101000002_type.sql":  "-- atlas:nolint PG110\nALTER TABLE t ALTER COLUMN n TYPE bigint;\n",
	}

	t.Run("text", func(t *testing.T) {
		t.Parallel()
		with := liveWorkspace(t, files)
		got := migrate(t, with("lint", "--trace", "--latest", "2")...)
		for _, want := range []string{
			"20250101000001_index.sql:1: CREATE INDEX t_n_idx on existing table public.t without CONCURRENTLY: takes SHARE",
			"[PG101]", "[PG110] (acknowledged)",
			"20250101000001_index.sql:1: CREATE INDEX t_n_idx ON t (n);\n    " + fmt.Sprintf("%-24s", "ShareLock") + " public.t\n",
			"20250101000002_type.sql:2: ALTER TABLE t ALTER COLUMN n TYPE bigint;\n    " + fmt.Sprintf("%-24s", "AccessExclusiveLock") + " public.t\n",
			"    rewrites public.t\n",
		} {
			if !strings.Contains(got.stdout, want) {
				t.Errorf("stdout lacks %q", want)
			}
		}
		if got.code != 1 || !strings.Contains(got.stderr, "1 finding(s) not acknowledged") {
			t.Fatalf("exit %d; want 1 for the PG101 finding\nstdout:\n%s\nstderr:\n%s", got.code, got.stdout, got.stderr)
		}
	})

	t.Run("json, pending on a database", func(t *testing.T) {
		t.Parallel()
		url := dbtest.URL(t)
		with := liveWorkspace(t, map[string]string{"20250101000000_t.sql": files["20250101000000_t.sql"]})
		if got := migrate(t, with("apply", "--url", url)...); got.code != 0 {
			t.Fatal(got.stderr)
		}
		with = liveWorkspace(t, files)
		got := migrate(t, with("lint", "--trace", "--json", "--url", url)...)
		var out struct {
			Findings []struct{ Code, Lock string }
			Trace    struct {
				Files      []string
				Statements []struct {
					File     string
					Locks    []struct{ Relation, Mode string }
					Rewrites []string
				}
			}
		}
		if err := json.Unmarshal([]byte(got.stdout), &out); err != nil {
			t.Fatalf("output is not JSON: %v\n%s", err, got.stdout)
		}
		if got.code != 1 || len(out.Trace.Files) != 2 || len(out.Trace.Statements) != 2 || len(out.Findings) != 2 ||
			out.Findings[0].Code != "PG101" || out.Findings[0].Lock != "SHARE" {
			t.Fatalf("exit %d; output %+v", got.code, out)
		}
		if st := out.Trace.Statements[1]; len(st.Rewrites) != 1 || st.Rewrites[0] != "public.t" {
			t.Fatalf("ALTER COLUMN TYPE trace = %+v; want t rewritten", st)
		}
	})

	t.Run("--url needs --trace", func(t *testing.T) {
		t.Parallel()
		got := migrate(t, "lint", "--url", "postgres://x", "--dir", t.TempDir())
		if got.code != 2 || !strings.Contains(got.stderr, "--url goes with --trace") {
			t.Fatalf("exit %d\n%s", got.code, got.stderr)
		}
	})
}
