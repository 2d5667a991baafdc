//go:build linux || darwin

package pgserver

import (
	"bytes"
	"context"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// connect tries one connection with a keyword/value string.
func connect(dsn string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := pgconn.Connect(ctx, dsn)
	if err == nil {
		conn.Close(ctx)
	}
	return err
}

func TestStart_PasswordRequired(t *testing.T) {
	s := startT(t, Options{})
	u, err := url.Parse(s.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	password, ok := u.User.Password()
	if !ok || len(password) < 32 {
		t.Fatalf("URL carries no random password (%q)", u.Redacted())
	}
	port := strconv.Itoa(s.Port)
	hosts := map[string]string{"tcp": "127.0.0.1", "socket": s.dir}
	for transport, host := range hosts {
		base := "host=" + host + " port=" + port + " user=postgres dbname=postgres sslmode=disable connect_timeout=5"
		t.Run(transport+"/right password", func(t *testing.T) {
			if err := connect(base + " password=" + password); err != nil {
				t.Fatalf("connecting with the password: %v", err)
			}
		})
		for name, pw := range map[string]string{"no password": "", "wrong password": "x" + password[1:]} {
			t.Run(transport+"/"+name, func(t *testing.T) {
				t.Setenv("PGPASSWORD", "")
				t.Setenv("PGPASSFILE", os.DevNull)
				err := connect(base + " password='" + pw + "'")
				if err == nil {
					t.Fatalf("connection %s accepted", name)
				}
				if !strings.Contains(err.Error(), "28P01") && !strings.Contains(err.Error(), "password") {
					t.Fatalf("refused for another reason: %v", err)
				}
			})
		}
	}
}

func TestStart_PasswordPerServer(t *testing.T) {
	a, b := startT(t, Options{}), startT(t, Options{})
	pa, _ := mustURL(t, a.URL("postgres")).User.Password()
	pb, _ := mustURL(t, b.URL("postgres")).User.Password()
	if pa == pb {
		t.Fatal("two servers share a password")
	}
	// a's password does not open b.
	wrong := mustURL(t, b.URL("postgres"))
	wrong.User = url.UserPassword("postgres", pa)
	if err := connect(wrong.String()); err == nil {
		t.Fatal("server b accepted server a's password")
	}
}

func mustURL(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestStart_SocketDirOwnerOnly(t *testing.T) {
	s := startT(t, Options{})
	fi, err := os.Stat(s.dir)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o700 {
		t.Fatalf("socket directory mode %o, want 700", perm)
	}
	if os.Geteuid() != 0 {
		return // no other account to try as
	}
	// As root the server runs as another account: the directory is that
	// account's, and a third account cannot enter it.
	owner, err := serverAccount()
	if err != nil {
		t.Fatal(err)
	}
	if st := fi.Sys().(*syscall.Stat_t); st.Uid != owner.credential.Uid {
		t.Fatalf("socket directory owned by uid %d, want the server's %d", st.Uid, owner.credential.Uid)
	}
	other := otherAccount(t, owner.name)
	cmd := exec.Command("/bin/sh", "-c", `ls "$1" || exit 3`, "sh", s.dir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: other}
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("another account listed the socket directory:\n%s", out)
	}
	if !strings.Contains(string(out), "Permission denied") {
		t.Fatalf("listing failed for another reason: %v\n%s", err, out)
	}
}

// otherAccount returns the credential of an account that is neither root
// nor the server's.
func otherAccount(t *testing.T, server string) *syscall.Credential {
	t.Helper()
	for _, name := range []string{"nobody", "daemon", "bin"} {
		if name == server {
			continue
		}
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, _ := strconv.ParseUint(u.Uid, 10, 32)
		gid, _ := strconv.ParseUint(u.Gid, 10, 32)
		return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), NoSetGroups: true}
	}
	t.Skip("no third account to try as")
	return nil
}

// TestStart_PasswordNotStored checks that the plain password is written
// nowhere in the server's directory (the server keeps a SCRAM verifier).
func TestStart_PasswordNotStored(t *testing.T) {
	s := startT(t, Options{})
	password, _ := mustURL(t, s.URL("postgres")).User.Password()
	err := filepath.WalkDir(s.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if bytes.Contains(b, []byte(password)) {
			t.Errorf("%s holds the plain password", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
