package main

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	atlas "ariga.io/atlas/sql/migrate"

	"github.com/versiona/versiona/internal/migration"
)

// TestRun_SecretsNeverShown feeds every command that connects a password in
// every place a connection string can hold one, against a port where no
// server listens, and checks the password appears in no output.
func TestRun_SecretsNeverShown(t *testing.T) {
	const secret = "S3cretPW"
	t.Setenv("PGPASSWORD", "Env"+secret)
	port := closedPort(t)
	strs := map[string]string{
		"user info":       "postgres://postgres:" + secret + "@127.0.0.1:" + port + "/postgres",
		"query parameter": "postgres://postgres@127.0.0.1:" + port + "/postgres?sslmode=disable&password=" + secret,
		"upper-case key":  "postgresql://postgres@127.0.0.1:" + port + "/postgres?PASSWORD=" + secret,
		"keyword-value":   "host=127.0.0.1 port=" + port + " user=postgres password=" + secret + " dbname=postgres sslmode=disable",
		"quoted value":    "host=127.0.0.1 port=" + port + " user=postgres password='" + secret + " x' dbname=postgres",
		"spaced":          "host=127.0.0.1 port=" + port + " password = " + secret + " dbname=postgres",
		"other scheme":    "mysql://root:" + secret + "@127.0.0.1:" + port + "/db",
		"unparsable":      "postgres://postgres:" + secret + "@127.0.0.1:" + port + "/db?connect_timeout=x",
		"PGPASSWORD only": "postgres://postgres@127.0.0.1:" + port + "/postgres",
	}
	dir := t.TempDir()
	if err := migration.Rehash(mustDir(t, dir)); err != nil {
		t.Fatal(err)
	}
	schema := filepath.Join(t.TempDir(), "schema.sql")
	if err := os.WriteFile(schema, []byte(blogSchema), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, s := range strs {
		for _, args := range [][]string{
			{"status", "--dir", dir, "--url", s},
			{"apply", "--dir", dir, "--url", s},
			{"down", "--dir", dir, "--url", s},
			{"diff", "--check", "--dir", dir, "--schema", schema, "--dev-url", s},
			{"lint", "--dir", dir, "--dev-url", s},
			{"validate", "--dir", dir, "--dev-url", s},
		} {
			t.Run(name+"/"+args[0], func(t *testing.T) {
				got := migrate(t, args...)
				if got.code == 0 {
					t.Fatalf("exit 0 against a closed port; stdout:\n%s", got.stdout)
				}
				out := got.stdout + got.stderr
				if strings.Contains(out, secret) {
					t.Fatalf("the password shows in the output:\n%s", out)
				}
				if !strings.Contains(got.stderr, "127.0.0.1") && !strings.Contains(got.stderr, "supported") && !strings.Contains(got.stderr, "parsing") {
					t.Errorf("the error does not say what failed:\n%s", got.stderr)
				}
			})
		}
	}
}

// TestRun_ConnectTimeout: a server that accepts the connection and never
// answers makes migrate give up after connect_timeout, not hang.
func TestRun_ConnectTimeout(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close() // held open, never answered
		}
	}()
	dir := t.TempDir()
	if err := migration.Rehash(mustDir(t, dir)); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	got := migrate(t, "status", "--dir", dir, "--url", "postgres://postgres@"+ln.Addr().String()+"/postgres?connect_timeout=1")
	took := time.Since(start)
	if got.code != 1 {
		t.Fatalf("exit %d, want 1; stderr:\n%s", got.code, got.stderr)
	}
	if took > 3*time.Second {
		t.Fatalf("gave up after %s; want about 1 s (connect_timeout=1)", took)
	}
}

// closedPort returns a local TCP port where nothing listens.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	ln.Close()
	return port
}

func mustDir(t *testing.T, path string) *atlas.LocalDir {
	t.Helper()
	d, err := migration.OpenDir(path, false)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
