//go:build linux || darwin

package pgserver

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
)

// cacheDir is where pristine clusters and downloaded binaries are kept.
func cacheDir(opts Options) (string, error) {
	dir := opts.CacheDir
	if dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			base = filepath.Join(os.TempDir(), "versiona-cache-"+strconv.Itoa(os.Getuid()))
		}
		dir = filepath.Join(base, "versiona")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("creating cache dir: %w", err)
	}
	return dir, nil
}

// pristineCluster returns the path of an initialised, never started data
// directory for bins, creating it with initdb on first use. Concurrent
// callers may both run initdb; the first rename wins and both are correct.
func pristineCluster(ctx context.Context, opts Options, bins binaries, owner account) (string, error) {
	cache, err := cacheDir(opts)
	if err != nil {
		return "", err
	}
	final := pristinePath(cache, bins)
	if _, err := os.Stat(filepath.Join(final, "PG_VERSION")); err == nil {
		return final, nil
	}

	staging, err := os.MkdirTemp(baseDir(), tempPrefix+"initdb-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(staging)
	if err := os.WriteFile(filepath.Join(staging, "owner.pid"), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		return "", err
	}
	if err := owner.own(staging); err != nil {
		return "", err
	}
	data := filepath.Join(staging, "data")
	if err := initdb(ctx, bins, owner, data); err != nil {
		return "", err
	}

	tmp, err := os.MkdirTemp(cache, "tmp-pgdata-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	if err := copyTree(data, filepath.Join(tmp, "data")); err != nil {
		return "", fmt.Errorf("caching the pristine cluster: %w", err)
	}
	if err := os.Rename(filepath.Join(tmp, "data"), final); err != nil {
		if _, statErr := os.Stat(filepath.Join(final, "PG_VERSION")); statErr != nil {
			return "", fmt.Errorf("caching the pristine cluster: %w", err)
		}
	}
	return final, nil
}

// pristinePath is where the pristine cluster of bins is kept in cache: one
// per version and binaries directory.
func pristinePath(cache string, bins binaries) string {
	sum := sha256.Sum256([]byte(bins.dir))
	return filepath.Join(cache, "pgdata-"+bins.version+"-"+hex.EncodeToString(sum[:4]))
}

// initdb initialises a cluster that refuses every connection (Start writes
// the pg_hba.conf of each copy), UTF-8, and the C.UTF-8 locale where the system has it.
func initdb(ctx context.Context, bins binaries, owner account, data string) error {
	var out []byte
	var err error
	for _, locale := range []string{"C.UTF-8", "C"} {
		cmd := exec.CommandContext(ctx, bins.path("initdb"),
			"-D", data, "-U", "postgres", "--auth=reject", "-E", "UTF8",
			"--locale="+locale, "--no-sync", "--no-instructions",
			"--wal-segsize=1") // 1 MB WAL segments: a smaller tree to copy per server
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: owner.credential}
		if out, err = cmd.CombinedOutput(); err == nil {
			return nil
		}
		_ = os.RemoveAll(data)
	}
	return fmt.Errorf("initdb: %w\ninitdb output (last lines):\n%s", err, indent(lastLines(string(out), 15)))
}

// copyTree copies the directory tree src to dst (which must not exist),
// keeping permission bits. It handles regular files, directories and
// symlinks, which is all a data directory holds.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			return os.Mkdir(target, info.Mode().Perm())
		case d.Type()&fs.ModeSymlink != 0:
			link, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(link, target)
		default:
			return copyFile(p, target, info.Mode().Perm())
		}
	})
}

func copyFile(src, dst string, perm fs.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, perm)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
