//go:build unix

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/versiona/versiona/internal/pgserver"
)

// buildDemo builds the demo binary into a temporary directory.
func buildDemo(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "demo")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("building the demo: %v\n%s", err, out)
	}
	return bin
}

// running reports whether process pid exists and is not a zombie.
func running(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	s := string(b)
	fields := strings.Fields(s[strings.LastIndex(s, ")")+1:])
	return len(fields) > 0 && fields[0] != "Z"
}

// waitFor polls the file at path until it matches re, or fails t after
// timeout.
func waitFor(t *testing.T, path string, re *regexp.Regexp, timeout time.Duration) []string {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		b, _ := os.ReadFile(path)
		if m := re.FindStringSubmatch(string(b)); m != nil {
			return m
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v, %s does not match %q:\n%s", timeout, filepath.Base(path), re, b)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestRun_ParentKilled starts the demo under a shell, as `go run` starts
// it, kills the shell with SIGKILL and checks that the orphaned demo stops:
// within 10s no demo, no server process and no server directory remain,
// with -keep (waiting for a Ctrl-C nobody can send) and while seeding.
func TestRun_ParentKilled(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the test reads /proc")
	}
	if testing.Short() {
		t.Skip("builds the demo and starts servers")
	}
	bin := buildDemo(t)
	for _, tc := range []struct {
		name  string
		args  []string
		ready *regexp.Regexp // the moment to kill the parent
		said  string         // what the demo says on stopping
	}{
		{"keep", []string{"-keep"}, regexp.MustCompile(`psql "`), "the parent process ended: stopping PostgreSQL"},
		{"seeding", []string{"-scale", "30"}, regexp.MustCompile(`migrations: `), "seeding interrupted; nothing was written: the parent process ended"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			errPath, pidPath := filepath.Join(dir, "stderr"), filepath.Join(dir, "pid")
			sh := exec.Command("/bin/sh", append([]string{"-c",
				`"$0" "$@" >/dev/null 2>"$DEMO_ERR" & echo $! >"$DEMO_PID"; wait`, bin}, tc.args...)...)
			for _, kv := range os.Environ() {
				if !strings.HasPrefix(kv, "DATABASE_URL=") {
					sh.Env = append(sh.Env, kv)
				}
			}
			sh.Env = append(sh.Env, "DEMO_ERR="+errPath, "DEMO_PID="+pidPath)
			if err := sh.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { sh.Process.Kill(); sh.Wait() })

			waitFor(t, errPath, tc.ready, time.Minute)
			pid, err := strconv.Atoi(strings.TrimSpace(waitFor(t, pidPath, regexp.MustCompile(`(?s).+`), time.Second)[0]))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { syscall.Kill(pid, syscall.SIGTERM) })
			dirs := pgserver.OwnedDirs(pid)
			if len(dirs) != 1 {
				t.Fatalf("the demo (pid %d) owns server directories %v, want one", pid, dirs)
			}
			pm, err := os.ReadFile(filepath.Join(dirs[0], "data", "postmaster.pid"))
			if err != nil {
				t.Fatal(err)
			}
			postmaster, err := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(pm), "\n", 2)[0]))
			if err != nil {
				t.Fatal(err)
			}

			if err := sh.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			_ = sh.Wait()
			killed := time.Now()
			for running(pid) || running(postmaster) || len(pgserver.OwnedDirs(pid)) > 0 {
				if time.Since(killed) > 10*time.Second {
					b, _ := os.ReadFile(errPath)
					t.Fatalf("10s after its parent was killed: demo running=%v, postmaster running=%v, dirs %v\nstderr:\n%s",
						running(pid), running(postmaster), pgserver.OwnedDirs(pid), b)
				}
				time.Sleep(50 * time.Millisecond)
			}
			if b, _ := os.ReadFile(errPath); !strings.Contains(string(b), tc.said) {
				t.Errorf("stderr lacks %q:\n%s", tc.said, b)
			}
			t.Logf("the demo and its server were gone %v after the parent was killed", time.Since(killed).Round(10*time.Millisecond))
		})
	}
}
