//go:build linux || darwin

package pgserver

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func startT(t *testing.T, opts Options) *Server {
	t.Helper()
	s, err := Start(context.Background(), opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { s.Stop() })
	return s
}

func postmasterPID(t *testing.T, s *Server) int {
	t.Helper()
	return s.cmd.Process.Pid
}

func TestStart_ServesAndStopCleansUp(t *testing.T) {
	s := startT(t, Options{})
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, s.URL("postgres"))
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	var fsync, listen string
	if err := conn.QueryRow(ctx, "SELECT current_setting('fsync'), current_setting('listen_addresses')").Scan(&fsync, &listen); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)
	if fsync != "off" || listen != "127.0.0.1" {
		t.Errorf("fsync=%q listen_addresses=%q, want off and 127.0.0.1", fsync, listen)
	}

	pid := postmasterPID(t, s)
	if os.Geteuid() == 0 {
		fi, err := os.Stat(fmt.Sprintf("/proc/%d", pid))
		if err != nil {
			t.Fatal(err)
		}
		if uid := fi.Sys().(*syscall.Stat_t).Uid; uid == 0 {
			t.Errorf("postmaster runs as root (uid 0), want an unprivileged account")
		}
	}

	if err := s.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if alive(pid) {
		t.Errorf("postmaster %d still running after Stop", pid)
	}
	if _, err := os.Stat(s.dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("server dir %s still there after Stop (stat: %v)", s.dir, err)
	}
	if err := s.Stop(); err != nil {
		t.Errorf("second Stop: %v", err)
	}
}

func TestIsPostgres(t *testing.T) {
	s := startT(t, Options{})
	if !isPostgres(postmasterPID(t, s)) {
		t.Errorf("isPostgres(postmaster) = false")
	}
	if isPostgres(os.Getpid()) {
		t.Errorf("isPostgres(test binary) = true")
	}
}

func TestStart_NoBinaries(t *testing.T) {
	empty := t.TempDir()
	_, err := Start(context.Background(), Options{BinDirs: []string{empty}, NoDownload: true})
	if !errors.Is(err, ErrNoBinaries) {
		t.Fatalf("err = %v, want ErrNoBinaries", err)
	}
	for _, want := range []string{empty, "no postgres", "download: disabled", "install PostgreSQL", "DATABASE_URL"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestStart_PortTaken(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port

	_, err = Start(context.Background(), Options{Port: port, StartTimeout: 10 * time.Second})
	if err == nil {
		t.Fatal("Start on a taken port succeeded")
	}
	for _, want := range []string{"port " + strconv.Itoa(port), "server log", "could not bind"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if left := OwnedDirs(os.Getpid()); len(left) > 0 {
		t.Errorf("failed Start left directories behind: %v", left)
	}
}

func TestStart_RetriesOnPortClash(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	taken := l.Addr().(*net.TCPAddr).Port

	// The first port offered is taken by the time the server binds it.
	calls := 0
	pickPort = func() (int, error) {
		calls++
		if calls == 1 {
			return taken, nil
		}
		return freePort()
	}
	defer func() { pickPort = freePort }()

	s := startT(t, Options{})
	if calls != 2 || s.Port == taken {
		t.Errorf("ports asked for: %d, server on %d (taken: %d); want a second port", calls, s.Port, taken)
	}
	conn, err := pgx.Connect(context.Background(), s.URL("postgres"))
	if err != nil {
		t.Fatalf("connect after the retry: %v", err)
	}
	conn.Close(context.Background())
}

func TestStart_BrokenDataDir(t *testing.T) {
	bins, err := cachedBinaries(context.Background(), Options{})
	if err != nil {
		t.Skipf("no binaries: %v", err)
	}
	cache := t.TempDir()
	// A pristine cluster that is not one: PG_VERSION present, nothing else.
	broken := pristinePath(cache, bins)
	if err := os.MkdirAll(broken, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(broken, "PG_VERSION"), []byte("15\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = Start(context.Background(), Options{CacheDir: cache, StartTimeout: 10 * time.Second})
	if err == nil {
		t.Fatal("Start from a broken data dir succeeded")
	}
	// The first step to run the server (setting its password) fails, and
	// the error carries the server's own words.
	for _, want := range []string{"setting the server password", "postgresql.conf"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestSweep_RemovesDirOfDeadOwner(t *testing.T) {
	dir, err := os.MkdirTemp(baseDir(), tempPrefix)
	if err != nil {
		t.Fatal(err)
	}
	// A pid that cannot be alive: beyond the kernel's pid_max.
	if err := os.WriteFile(filepath.Join(dir, "owner.pid"), []byte("99999999"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Its postmaster.pid names a pid now used by another program (this
	// one): sweep must not signal it.
	if err := os.MkdirAll(filepath.Join(dir, "data"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "data", "postmaster.pid"), []byte(strconv.Itoa(os.Getpid())+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	live, err := os.MkdirTemp(baseDir(), tempPrefix)
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(live)
	if err := os.WriteFile(filepath.Join(live, "owner.pid"), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		t.Fatal(err)
	}
	sweep()
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		os.RemoveAll(dir)
		t.Errorf("sweep kept the directory of a dead owner")
	}
	if _, err := os.Stat(live); err != nil {
		t.Errorf("sweep removed the directory of a live owner: %v", err)
	}
}

// TestOwnerDeath runs a child process that starts a server, then ends the
// child in several ways and checks that neither the server nor its
// directory outlives it.
func TestOwnerDeath(t *testing.T) {
	for _, tc := range []struct {
		name string
		end  func(*exec.Cmd)
	}{
		{"SIGKILL", func(c *exec.Cmd) { c.Process.Signal(syscall.SIGKILL) }},
		{"SIGINT", func(c *exec.Cmd) { c.Process.Signal(syscall.SIGINT) }},
		{"SIGTERM", func(c *exec.Cmd) { c.Process.Signal(syscall.SIGTERM) }},
		{"panic", func(c *exec.Cmd) { c.Process.Signal(syscall.SIGUSR1) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			child := exec.Command(os.Args[0], "-test.run=^TestHelperHoldServer$")
			child.Env = append(os.Environ(), "PGSERVER_HOLD=1")
			out, err := child.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			var stderr strings.Builder // the child's panic trace is expected: show it only on failure
			child.Stderr = &stderr
			defer func() {
				if t.Failed() {
					t.Logf("child stderr:\n%s", stderr.String())
				}
			}()
			if err := child.Start(); err != nil {
				t.Fatal(err)
			}
			var dir string
			var pid int
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				if _, err := fmt.Sscanf(sc.Text(), "HOLDING %s %d", &dir, &pid); err == nil {
					break
				}
			}
			if dir == "" {
				child.Process.Kill()
				child.Wait()
				t.Fatal("child did not report a server")
			}
			tc.end(child)
			go func() { _, _ = bufio.NewReader(out).WriteTo(devNull{}) }()
			_ = child.Wait()

			deadline := time.Now().Add(10 * time.Second)
			for alive(pid) || exists(dir) {
				if time.Now().After(deadline) {
					t.Fatalf("10s after the owner died: postmaster alive=%v, dir %s exists=%v", alive(pid), dir, exists(dir))
				}
				time.Sleep(50 * time.Millisecond)
			}
		})
	}
}

type devNull struct{}

func (devNull) Write(p []byte) (int, error) { return len(p), nil }

// TestHelperHoldServer is the child of TestOwnerDeath: it starts a server,
// reports it, and waits to be killed (SIGUSR1 makes it panic).
func TestHelperHoldServer(t *testing.T) {
	if os.Getenv("PGSERVER_HOLD") != "1" {
		t.Skip("helper process only")
	}
	s, err := Start(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	usr1 := make(chan os.Signal, 1)
	signal.Notify(usr1, syscall.SIGUSR1) // before reporting: the parent signals at once
	fmt.Printf("HOLDING %s %d\n", s.dir, s.cmd.Process.Pid)
	select {
	case <-usr1:
		panic("helper asked to panic")
	case <-time.After(time.Minute):
		t.Fatal("helper was not ended")
	}
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// BenchmarkStart measures a server start and stop: cold runs initdb into an
// empty cache, warm copies the cached pristine cluster.
func BenchmarkStart(b *testing.B) {
	b.Run("cold", func(b *testing.B) {
		for b.Loop() {
			s, err := Start(context.Background(), Options{CacheDir: b.TempDir()})
			if err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			s.Stop()
			b.StartTimer()
		}
	})
	b.Run("warm", func(b *testing.B) {
		s, err := Start(context.Background(), Options{}) // fills the cache
		if err != nil {
			b.Fatal(err)
		}
		s.Stop()
		for b.Loop() {
			s, err := Start(context.Background(), Options{})
			if err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			s.Stop()
			b.StartTimer()
		}
	})
}
