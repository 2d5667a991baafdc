//go:build linux || darwin

package dbtest

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) {
	if os.Getenv("DBTEST_NO_MAIN") != "" { // a package that forgot dbtest.Main
		os.Exit(m.Run())
	}
	Main(m, func(ctx context.Context, url string) error {
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, "CREATE TABLE marker (note text); INSERT INTO marker VALUES ('from setup')")
		return err
	})
}

func TestNew_FreshCopyOfTemplate(t *testing.T) {
	ctx := context.Background()
	var names []string
	// Two databases in turn, each dropped before the next: no subtests, so
	// that the test depends on no other test running first.
	for range 2 {
		func() {
			tb := &cleanupTB{TB: t}
			defer tb.cleanup()
			pool := New(tb)
			var note, db string
			if err := pool.QueryRow(ctx, "SELECT note, current_database() FROM marker").Scan(&note, &db); err != nil {
				t.Fatalf("template content missing: %v", err)
			}
			if note != "from setup" {
				t.Errorf("note = %q, want the setup's row", note)
			}
			names = append(names, db)
			// Writes stay in this test's database: the next one starts clean.
			if _, err := pool.Exec(ctx, "INSERT INTO marker VALUES ('written by a test')"); err != nil {
				t.Fatal(err)
			}
			var n int
			if err := pool.QueryRow(ctx, "SELECT count(*) FROM marker").Scan(&n); err != nil || n != 2 {
				t.Fatalf("count = %d (%v), want 2", n, err)
			}
		}()
	}
	if len(names) != 2 || names[0] == names[1] {
		t.Fatalf("databases %v, want two distinct ones", names)
	}
	var left int
	if err := admin.QueryRow(ctx, "SELECT count(*) FROM pg_database WHERE datname = ANY($1)", names).Scan(&left); err != nil {
		t.Fatal(err)
	}
	if left != 0 {
		t.Errorf("%d test databases left after their tests ended, want 0", left)
	}
}

// TestMain_ServerGoneAfterSuite runs a child test binary whose suite ends in
// different ways and checks that the server it started, and the server's
// directory, do not outlive it.
func TestMain_ServerGoneAfterSuite(t *testing.T) {
	if os.Getenv("TEST_DATABASE_URL") != "" || os.Getenv("DATABASE_URL") != "" {
		t.Skip("an external server is in use: the suite starts none")
	}
	for _, mode := range []string{"pass", "fail", "panic", "sigint"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			child, lines := runChild(t, mode, nil)
			dataDir, pid := "", 0
			for line := range lines {
				if _, err := fmt.Sscanf(line, "SERVER %s %d", &dataDir, &pid); err == nil {
					break
				}
			}
			if pid == 0 {
				t.Fatal("child reported no server")
			}
			if mode == "sigint" {
				_ = child.Process.Signal(syscall.SIGINT)
			}
			err := child.Wait()
			if mode == "pass" && err != nil {
				t.Errorf("passing child suite exited with %v", err)
			}
			if mode != "pass" && err == nil {
				t.Errorf("%s child suite exited 0", mode)
			}
			deadline := time.Now().Add(10 * time.Second)
			for alive(pid) || exists(filepath.Dir(dataDir)) {
				if time.Now().After(deadline) {
					t.Fatalf("10s after the suite: postmaster %d alive=%v, %s exists=%v",
						pid, alive(pid), filepath.Dir(dataDir), exists(filepath.Dir(dataDir)))
				}
				time.Sleep(50 * time.Millisecond)
			}
		})
	}
}

func TestMain_ExternalServerStartsNone(t *testing.T) {
	ours := currentDataDir(t)
	_, lines := runChild(t, "pass", []string{"TEST_DATABASE_URL=" + ServerURL(t, "postgres")})
	var dataDir string
	var pid int
	for line := range lines {
		if _, err := fmt.Sscanf(line, "SERVER %s %d", &dataDir, &pid); err == nil {
			break
		}
	}
	if dataDir != ours {
		t.Errorf("child used data dir %q, want the external server's %q", dataDir, ours)
	}
}

// TestMain_KeywordValueServer: a keyword/value TEST_DATABASE_URL is used
// as a URL is, each test's database named by its dbname.
func TestMain_KeywordValueServer(t *testing.T) {
	cfg, err := pgx.ParseConfig(ServerURL(t, "postgres"))
	if err != nil {
		t.Fatal(err)
	}
	kv := fmt.Sprintf("host=%s port=%d user=%s password=%s dbname=postgres", cfg.Host, cfg.Port, cfg.User, cfg.Password)
	ours := currentDataDir(t)
	child, lines := runChild(t, "pass", []string{"TEST_DATABASE_URL=" + kv})
	var dataDir string
	for line := range lines {
		if _, err := fmt.Sscanf(line, "SERVER %s", &dataDir); err == nil {
			break
		}
	}
	for range lines {
	}
	if err := child.Wait(); err != nil {
		t.Fatalf("suite with a keyword/value TEST_DATABASE_URL failed: %v", err)
	}
	if dataDir != ours {
		t.Errorf("child used data dir %q, want the external server's %q", dataDir, ours)
	}
}

// TestMain_OtherSchemeRefused: a connection string for another database is
// refused, saying why, without showing its password.
func TestMain_OtherSchemeRefused(t *testing.T) {
	const secret = "S3cretPW"
	child, lines := runChild(t, "pass", []string{"TEST_DATABASE_URL=mysql://root:" + secret + "@127.0.0.1/db"})
	var out []string
	for line := range lines {
		out = append(out, line)
	}
	if err := child.Wait(); err == nil {
		t.Fatal("suite with a mysql:// TEST_DATABASE_URL passed")
	}
	if text := strings.Join(out, "\n"); !strings.Contains(text, "only PostgreSQL connection strings are supported") {
		t.Errorf("output does not explain the refusal:\n%s", text)
	} else if strings.Contains(text, secret) {
		t.Errorf("output shows the password:\n%s", text)
	}
}

func TestNew_WithoutMainFailsLoudly(t *testing.T) {
	child, lines := runChild(t, "pass", []string{"DBTEST_NO_MAIN=1", "TEST_DATABASE_URL=", "DATABASE_URL="})
	var out []string
	for line := range lines {
		out = append(out, line)
	}
	if err := child.Wait(); err == nil {
		t.Fatal("a suite without dbtest.Main passed")
	}
	if text := strings.Join(out, "\n"); !strings.Contains(text, "no TestMain calling dbtest.Main") {
		t.Errorf("output does not give the reason:\n%s", text)
	}
}

// runChild starts this test binary running only TestHelperSuite in mode,
// and returns it with a channel of its output lines.
func runChild(t *testing.T, mode string, env []string) (*exec.Cmd, <-chan string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperSuite$", "-test.v")
	cmd.Env = append(os.Environ(), "DBTEST_HELPER="+mode)
	if env != nil {
		cmd.Env = append(cmd.Env, env...)
	} else {
		cmd.Env = append(cmd.Env, "TEST_DATABASE_URL=", "DATABASE_URL=")
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		for range lines {
		}
		_ = cmd.Wait()
	})
	return cmd, lines
}

// TestHelperSuite is the child of the tests above.
func TestHelperSuite(t *testing.T) {
	mode := os.Getenv("DBTEST_HELPER")
	if mode == "" {
		t.Skip("helper process only")
	}
	dataDir := currentDataDir(t)
	pm, err := os.ReadFile(filepath.Join(dataDir, "postmaster.pid"))
	if err != nil && mode != "pass" {
		t.Fatal(err)
	}
	pid, _, _ := strings.Cut(string(pm), "\n")
	fmt.Printf("SERVER %s %s\n", dataDir, pid)
	switch mode {
	case "fail":
		t.Fatal("failing on purpose")
	case "panic":
		panic("panicking on purpose")
	case "sigint":
		time.Sleep(time.Minute)
	}
}

func currentDataDir(t *testing.T) string {
	t.Helper()
	var dir string
	if err := New(t).QueryRow(context.Background(), "SHOW data_directory").Scan(&dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || err == syscall.EPERM
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// BenchmarkURL measures handing a test a fresh database: the copy of the
// template (the drop at cleanup is not timed).
func BenchmarkURL(b *testing.B) {
	ServerURL(b, "postgres") // server and template ready before timing
	for b.Loop() {
		tb := &cleanupTB{TB: b}
		URL(tb)
		b.StopTimer() // the drop runs after the test, off its clock
		tb.cleanup()
		b.StartTimer()
	}
}

// cleanupTB runs cleanups on demand, so a benchmark loop can include them.
type cleanupTB struct {
	testing.TB
	fns []func()
}

func (c *cleanupTB) Cleanup(f func()) { c.fns = append(c.fns, f) }
func (c *cleanupTB) cleanup() {
	for i := len(c.fns) - 1; i >= 0; i-- {
		c.fns[i]()
	}
	c.fns = nil
}
