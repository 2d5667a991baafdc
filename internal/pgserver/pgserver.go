//go:build linux || darwin

package pgserver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// Start starts a new throwaway server. The caller must call Stop.
//
// Errors say what was tried: ErrNoBinaries (wrapped) when no server binaries
// exist, otherwise the failing step with the tail of the server log.
func Start(ctx context.Context, opts Options) (*Server, error) {
	if opts.StartTimeout == 0 {
		opts.StartTimeout = 30 * time.Second
	}
	sweep()

	bins, err := cachedBinaries(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("starting PostgreSQL: %w", err)
	}
	owner, err := serverAccount()
	if err != nil {
		return nil, fmt.Errorf("starting PostgreSQL: %w", err)
	}
	pristine, err := pristineCluster(ctx, opts, bins, owner)
	if err != nil {
		return nil, fmt.Errorf("starting PostgreSQL %s from %s: %w", bins.version, bins.dir, err)
	}

	dir, err := os.MkdirTemp(baseDir(), tempPrefix)
	if err != nil {
		return nil, fmt.Errorf("starting PostgreSQL: %w", err)
	}
	s := &Server{Version: bins.version, dir: dir}
	if err := os.WriteFile(filepath.Join(dir, "owner.pid"), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("starting PostgreSQL: %w", err)
	}
	data := filepath.Join(dir, "data")
	if err := copyTree(pristine, data); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("starting PostgreSQL: copying the pristine cluster: %w", err)
	}
	if err := writeHBA(data); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("starting PostgreSQL: %w", err)
	}
	if err := owner.own(dir); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("starting PostgreSQL: %w", err)
	}
	if s.password, err = newSecret(); err == nil {
		err = setPassword(ctx, bins, owner, data, s.password)
	}
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("starting PostgreSQL %s from %s: %w", bins.version, bins.dir, err)
	}

	// A port free when probed may be taken by the time the server binds it:
	// retry on a clash with a new port, unless the caller chose one.
	const attempts = 5
	for i := 1; ; i++ {
		port := opts.Port
		if port == 0 {
			if port, err = pickPort(); err != nil {
				os.RemoveAll(dir)
				return nil, fmt.Errorf("starting PostgreSQL: %w", err)
			}
		}
		err = s.launch(ctx, bins, owner, port, opts.StartTimeout)
		if err == nil {
			return s, nil
		}
		clash := strings.Contains(s.LogTail(20), "could not bind")
		if !clash || opts.Port != 0 || i == attempts {
			tail := s.LogTail(15)
			s.Stop()
			return nil, fmt.Errorf("starting PostgreSQL %s from %s on port %d: %w\nserver log (last lines):\n%s",
				bins.version, bins.dir, port, err, indent(tail))
		}
	}
}

// launch starts the postmaster on port and waits until it accepts
// connections, the process exits, or timeout passes.
func (s *Server) launch(ctx context.Context, bins binaries, owner account, port int, timeout time.Duration) error {
	logFile, err := os.OpenFile(filepath.Join(s.dir, "server.log"), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	defer logFile.Close()

	cmd := exec.Command(bins.path("postgres"),
		"-D", filepath.Join(s.dir, "data"),
		"-p", strconv.Itoa(port),
		"-c", "listen_addresses=127.0.0.1",
		"-c", "unix_socket_directories="+s.dir,
		"-c", "unix_socket_permissions=0700",
		"-c", "fsync=off",
		"-c", "synchronous_commit=off",
		"-c", "full_page_writes=off",
		"-c", "max_connections=200",
		"-c", "shared_buffers=128MB",
	)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Setpgid:    true, // a terminal's Ctrl-C is for us; we stop the server in order
		Credential: owner.credential,
	}
	setParentDeathSignal(cmd.SysProcAttr)

	// The kernel sends the parent-death signal when the thread that forked
	// the child ends, not the process: start and wait on a locked thread that
	// lives exactly as long as the server.
	started := make(chan error, 1)
	exited := make(chan struct{})
	go func() {
		runtime.LockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			runtime.UnlockOSThread()
			return
		}
		started <- nil
		_ = cmd.Wait()
		close(exited)
		// Leave the thread locked: it ends with this goroutine.
	}()
	if err := <-started; err != nil {
		return err
	}
	s.cmd, s.exited, s.Port = cmd, exited, port

	s.stopWatchdog() // one from an earlier attempt watches a postmaster that is gone
	if err := s.startWatchdog(); err != nil {
		return err
	}

	deadline := time.Now().Add(timeout)
	for {
		select {
		case <-exited:
			return fmt.Errorf("server exited at start (%s)", cmd.ProcessState)
		case <-ctx.Done():
			s.kill()
			return ctx.Err()
		default:
		}
		if ready(ctx, s.URL("postgres")) {
			return nil
		}
		if time.Now().After(deadline) {
			s.kill()
			return fmt.Errorf("server not accepting connections after %s", timeout)
		}
		time.Sleep(15 * time.Millisecond)
	}
}

func ready(ctx context.Context, dsn string) bool {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	conn, err := pgconn.Connect(ctx, dsn)
	if err != nil {
		return false
	}
	conn.Close(ctx)
	return true
}

// startWatchdog starts a shell that waits for this process to end (its
// stdin pipe closes when we die, however we die), then stops the server if
// it still runs and removes the directory. Stop kills it after cleaning up.
func (s *Server) startWatchdog() error {
	const script = `read _; kill -QUIT "$1" 2>/dev/null
i=0; while kill -0 "$1" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
kill -KILL "$1" 2>/dev/null; rm -rf "$2"`
	cmd := exec.Command("/bin/sh", "-c", script, "pgserver-watchdog", strconv.Itoa(s.cmd.Process.Pid), s.dir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting the cleanup watchdog: %w", err)
	}
	// The write end is never written: the kernel closes it when we exit.
	s.watchdog, s.wdPipe = cmd, stdin
	return nil
}

// Stop shuts the server down and removes its directory. The data is thrown
// away, so it uses PostgreSQL's immediate shutdown (no checkpoint), then a
// kill if that hangs. It is safe to call more than once.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() {
		if s.cmd != nil && s.cmd.Process != nil {
			s.signalAndWait(syscall.SIGQUIT, 5*time.Second)
			s.kill()
		}
		if err := os.RemoveAll(s.dir); err != nil {
			s.stopErr = fmt.Errorf("removing %s: %w", s.dir, err)
		}
		s.stopWatchdog()
	})
	return s.stopErr
}

// stopWatchdog ends the watchdog without letting it act.
func (s *Server) stopWatchdog() {
	if s.watchdog == nil {
		return
	}
	_ = s.watchdog.Process.Kill()
	_ = s.watchdog.Wait()
	_ = s.wdPipe.Close()
	s.watchdog, s.wdPipe = nil, nil
}

func (s *Server) signalAndWait(sig syscall.Signal, d time.Duration) {
	select {
	case <-s.exited:
		return
	default:
	}
	_ = s.cmd.Process.Signal(sig)
	select {
	case <-s.exited:
	case <-time.After(d):
	}
}

func (s *Server) kill() {
	if s.exited == nil {
		return
	}
	select {
	case <-s.exited:
	default:
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
}

// account is the OS account the server processes run as: nil credential for
// the current user, else an unprivileged one when we are root.
type account struct {
	name       string
	credential *syscall.Credential
}

func serverAccount() (account, error) {
	if os.Geteuid() != 0 {
		return account{}, nil
	}
	var tried []string
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			tried = append(tried, name)
			continue
		}
		uid, _ := strconv.ParseUint(u.Uid, 10, 32)
		gid, _ := strconv.ParseUint(u.Gid, 10, 32)
		return account{name: name, credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), NoSetGroups: true}}, nil
	}
	return account{}, fmt.Errorf("running as root, and PostgreSQL refuses to run as root: no unprivileged account to run it as (tried %s); create a postgres user or run as a normal user", strings.Join(tried, ", "))
}

// own gives the tree at dir to the account (a no-op for the current user).
func (a account) own(dir string) error {
	if a.credential == nil {
		return nil
	}
	uid, gid := int(a.credential.Uid), int(a.credential.Gid)
	return filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, uid, gid)
	})
}

// pickPort chooses the port of a new server; tests replace it to force a
// clash.
var pickPort = freePort

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("finding a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// baseDirs are where server directories may be: a RAM-backed /dev/shm
// first (creating a database there costs a fifth of what it costs on a
// loaded disk), then the system temporary directory.
func baseDirs() []string { return []string{"/dev/shm", os.TempDir()} }

// minShmFree is the free space /dev/shm needs for servers to be put there.
const minShmFree = 2 << 30

// baseDir picks the directory new server directories go in.
func baseDir() string {
	dirs := baseDirs()
	var st syscall.Statfs_t
	if err := syscall.Statfs(dirs[0], &st); err == nil && st.Bavail*uint64(st.Bsize) >= minShmFree &&
		syscall.Access(dirs[0], 7 /* rwx */) == nil {
		return dirs[0]
	}
	return dirs[len(dirs)-1]
}

// OwnedDirs lists the server directories of process pid that still exist:
// none, once its servers are stopped or swept.
func OwnedDirs(pid int) []string {
	var own []string
	for _, dir := range serverDirs() {
		if b, err := os.ReadFile(filepath.Join(dir, "owner.pid")); err == nil && string(bytes.TrimSpace(b)) == strconv.Itoa(pid) {
			own = append(own, dir)
		}
	}
	return own
}

func serverDirs() []string {
	var dirs []string
	for _, base := range baseDirs() {
		matches, _ := filepath.Glob(filepath.Join(base, tempPrefix+"*"))
		dirs = append(dirs, matches...)
	}
	return dirs
}

// sweep removes the directories of earlier servers whose owner process is
// gone, stopping any server still running in them.
func sweep() {
	for _, dir := range serverDirs() {
		b, err := os.ReadFile(filepath.Join(dir, "owner.pid"))
		if err != nil {
			// Being created right now, or not ours to judge: leave it unless old.
			if fi, err := os.Stat(dir); err != nil || time.Since(fi.ModTime()) < time.Hour {
				continue
			}
		} else if pid, err := strconv.Atoi(string(bytes.TrimSpace(b))); err == nil && alive(pid) {
			continue
		}
		if pm, err := os.ReadFile(filepath.Join(dir, "data", "postmaster.pid")); err == nil {
			line, _, _ := strings.Cut(string(pm), "\n")
			if pid, err := strconv.Atoi(strings.TrimSpace(line)); err == nil && alive(pid) && isPostgres(pid) {
				_ = syscall.Kill(pid, syscall.SIGQUIT)
				for i := 0; i < 50 && alive(pid); i++ {
					time.Sleep(100 * time.Millisecond)
				}
			}
		}
		_ = os.RemoveAll(dir)
	}
}

// isPostgres reports whether process pid runs a postgres binary, so that a
// pid reused since a server died is never signalled. Where /proc is missing
// it cannot tell and answers false.
func isPostgres(pid int) bool {
	exe, err := os.Readlink("/proc/" + strconv.Itoa(pid) + "/exe")
	return err == nil && filepath.Base(strings.TrimSuffix(exe, " (deleted)")) == "postgres"
}

func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
