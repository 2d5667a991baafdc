// Package pgserver starts throwaway PostgreSQL servers owned by the calling
// process, so that programs and tests need no database set up beforehand.
//
// A server runs from a copy of a pristine cluster kept per PostgreSQL version
// in the user cache dir (initdb runs once), listens on 127.0.0.1 and a unix
// socket in its own temporary directory, and runs with fsync off. Every
// connection, TCP or socket, needs a password (SCRAM): each server gets a
// random one, carried by URL; the temporary directory is open to its owner
// only. As root the
// server processes run as an unprivileged account (postgres, else nobody),
// since PostgreSQL refuses to run as root.
//
// Nothing outlives the owner: Stop shuts the server down and removes its
// directory; if the process dies without calling Stop — a panic, a signal,
// even SIGKILL — the kernel sends the server a parent-death signal and a small
// watchdog process removes the directory. The next Start also sweeps
// directories that earlier runs left behind.
package pgserver

import (
	"errors"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ErrNoBinaries is returned (wrapped) by Start when no PostgreSQL server
// binaries could be found or downloaded.
var ErrNoBinaries = errors.New("no PostgreSQL server binaries found")

// ErrUnsupported is returned (wrapped) by Start on systems where no
// throwaway server can run (Windows): there, set DATABASE_URL.
var ErrUnsupported = errors.New("throwaway server not supported")

// tempPrefix starts the name of every temporary directory pgserver creates,
// so that a later Start can find and sweep the ones a killed run left.
const tempPrefix = "versiona-pg-"

// Options tunes Start. The zero value finds the binaries on the system.
type Options struct {
	// BinDirs, when non-nil, replaces the search for installed binaries.
	BinDirs []string
	// NoDownload disables the embedded-postgres download fallback.
	NoDownload bool
	// CacheDir holds the pristine clusters; default: os.UserCacheDir()/versiona.
	CacheDir string
	// Port to listen on; default: a free port chosen at start.
	Port int
	// StartTimeout bounds the wait for the server to accept connections;
	// default 30s.
	StartTimeout time.Duration
}

// Server is a running throwaway PostgreSQL cluster.
type Server struct {
	Version string // server version, e.g. "15.18"
	Port    int

	dir      string // temporary directory (mode 0700): data/, the socket and server.log
	password string // of role postgres, random per server
	cmd      *exec.Cmd
	exited   chan struct{} // closed when the postmaster has exited
	watchdog *exec.Cmd
	wdPipe   io.Closer // the watchdog's stdin: it acts when this closes
	stopOnce sync.Once
	stopErr  error
}

// URL returns a connection URL for database dbname on the server, as the
// superuser postgres with the server's password. It holds a secret: print
// it only through (*url.URL).Redacted.
func (s *Server) URL(dbname string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.UserPassword("postgres", s.password),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(s.Port)),
		Path:     "/" + dbname,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// LogTail returns the last n lines of the server log.
func (s *Server) LogTail(n int) string { return logTail(filepath.Join(s.dir, "server.log"), n) }

func logTail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "(no server log: " + err.Error() + ")"
	}
	return lastLines(string(b), n)
}

func indent(s string) string { return "  " + strings.ReplaceAll(s, "\n", "\n  ") }

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
