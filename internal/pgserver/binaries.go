//go:build linux || darwin

package pgserver

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	embeddedpostgres "github.com/fergusstrange/embedded-postgres"
)

// binaries is a directory holding initdb and postgres, with the version they
// report.
type binaries struct {
	dir     string
	version string // "15.18" from "postgres (PostgreSQL) 15.18 (Debian ...)"
}

func (b binaries) path(name string) string { return filepath.Join(b.dir, name) }

var defaultBinaries struct {
	sync.Mutex
	b binaries
}

// cachedBinaries is findBinaries, remembered for the life of the process
// when the search is the default one.
func cachedBinaries(ctx context.Context, opts Options) (binaries, error) {
	if opts.BinDirs != nil {
		return findBinaries(ctx, opts)
	}
	defaultBinaries.Lock()
	defer defaultBinaries.Unlock()
	if defaultBinaries.b.dir != "" {
		return defaultBinaries.b, nil
	}
	b, err := findBinaries(ctx, opts)
	if err == nil {
		defaultBinaries.b = b
	}
	return b, err
}

// findBinaries resolves the server binaries: explicit candidates when given,
// else the system's (pg_config, PATH, Debian's and Homebrew's layouts), else
// a copy downloaded once by embedded-postgres (not as root). The returned
// error lists everything that was tried.
func findBinaries(ctx context.Context, opts Options) (binaries, error) {
	var tried []string
	candidates := opts.BinDirs
	if candidates == nil {
		candidates = systemCandidates(ctx)
	}
	for _, dir := range candidates {
		b, err := probe(ctx, dir)
		if err == nil {
			return b, nil
		}
		tried = append(tried, fmt.Sprintf("%s: %v", dir, err))
	}
	if len(candidates) == 0 {
		tried = append(tried, "pg_config --bindir, PATH, /usr/lib/postgresql/*/bin, Homebrew prefixes: nothing found")
	}

	switch {
	case opts.NoDownload:
		tried = append(tried, "download: disabled")
	case os.Geteuid() == 0:
		tried = append(tried, "download: not done as root (the downloaded server cannot be run by another user from root's cache)")
	default:
		dir, err := download(opts)
		if err == nil {
			var b binaries
			if b, err = probe(ctx, dir); err == nil {
				return b, nil
			}
		}
		tried = append(tried, fmt.Sprintf("download with embedded-postgres: %v", err))
	}
	return binaries{}, fmt.Errorf("%w (tried: %s); install PostgreSQL (Debian/Ubuntu: apt-get install postgresql; macOS: brew install postgresql) or set DATABASE_URL to a running server",
		ErrNoBinaries, strings.Join(tried, "; "))
}

// systemCandidates lists directories that may hold installed server
// binaries, most specific first, without duplicates.
func systemCandidates(ctx context.Context) []string {
	var dirs []string
	if out, err := exec.CommandContext(ctx, "pg_config", "--bindir").Output(); err == nil {
		dirs = append(dirs, strings.TrimSpace(string(out)))
	}
	for _, name := range []string{"postgres", "initdb"} {
		if p, err := exec.LookPath(name); err == nil {
			if real, err := filepath.EvalSymlinks(p); err == nil {
				p = real
			}
			dirs = append(dirs, filepath.Dir(p))
		}
	}
	dirs = append(dirs, newestFirst("/usr/lib/postgresql/*/bin")...)
	dirs = append(dirs, newestFirst("/opt/homebrew/opt/postgresql@*/bin")...)
	dirs = append(dirs, newestFirst("/usr/local/opt/postgresql@*/bin")...)
	dirs = append(dirs, "/opt/homebrew/opt/postgresql/bin", "/usr/local/opt/postgresql/bin")

	seen := map[string]bool{}
	var out []string
	for _, d := range dirs {
		if d != "" && !seen[d] {
			if _, err := os.Stat(d); err == nil {
				out = append(out, d)
			}
			seen[d] = true
		}
	}
	return out
}

// newestFirst expands a glob whose only wildcard is a version number and
// sorts the matches by that number, newest first.
func newestFirst(pattern string) []string {
	matches, _ := filepath.Glob(pattern)
	version := func(p string) int {
		for _, part := range strings.FieldsFunc(p, func(r rune) bool { return r == '/' || r == '@' }) {
			if n, err := strconv.Atoi(part); err == nil {
				return n
			}
		}
		return 0
	}
	sort.Slice(matches, func(i, j int) bool { return version(matches[i]) > version(matches[j]) })
	return matches
}

// probe checks that dir holds a runnable postgres and initdb.
func probe(ctx context.Context, dir string) (binaries, error) {
	for _, name := range []string{"postgres", "initdb"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			return binaries{}, fmt.Errorf("no %s", name)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, filepath.Join(dir, "postgres"), "--version").Output()
	if err != nil {
		return binaries{}, fmt.Errorf("postgres --version: %w", err)
	}
	fields := strings.Fields(string(out))
	if len(fields) < 3 {
		return binaries{}, fmt.Errorf("unexpected postgres --version output %q", out)
	}
	return binaries{dir: dir, version: fields[2]}, nil
}

// download fetches and extracts PostgreSQL with embedded-postgres into the
// user cache dir, once, and returns the bin directory.
func download(opts Options) (string, error) {
	cache, err := cacheDir(opts)
	if err != nil {
		return "", err
	}
	binPath := filepath.Join(cache, "downloaded-"+string(embeddedpostgres.V15))
	if _, err := os.Stat(filepath.Join(binPath, "bin", "postgres")); err == nil {
		return filepath.Join(binPath, "bin"), nil
	}
	runtime, err := os.MkdirTemp("", tempPrefix+"download-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(runtime)
	port, err := freePort()
	if err != nil {
		return "", err
	}
	// Start downloads and extracts, then runs a server we do not need: stop
	// it at once. Only the extracted binaries are kept.
	ep := embeddedpostgres.NewDatabase(embeddedpostgres.DefaultConfig().
		Version(embeddedpostgres.V15).
		Port(uint32(port)).
		BinariesPath(binPath).
		RuntimePath(runtime).
		Logger(nil))
	startErr := ep.Start()
	if startErr == nil {
		_ = ep.Stop()
	}
	if _, err := os.Stat(filepath.Join(binPath, "bin", "postgres")); err != nil {
		if startErr != nil {
			return "", startErr
		}
		return "", err
	}
	return filepath.Join(binPath, "bin"), nil
}
