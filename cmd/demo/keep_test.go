package main

import (
	"bytes"
	"context"
	"net/url"
	"os"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// signalOn is a writer that sends on found when its content first matches re.
type signalOn struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	re    *regexp.Regexp
	found chan []string
}

func (w *signalOn) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if m := w.re.FindStringSubmatch(w.buf.String()); m != nil && w.found != nil {
		w.found <- m
		w.found = nil
	}
	return len(p), nil
}

// TestRun_KeepPrintsNoPassword: the psql command -keep prints holds no
// password, yet works: its password file lets the user in, and is gone
// once the demo stops.
func TestRun_KeepPrintsNoPassword(t *testing.T) {
	t.Setenv("DATABASE_URL", "")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	found := make(chan []string, 1)
	stderr := &signalOn{re: regexp.MustCompile(`PGPASSFILE=(\S+) psql "([^"]+)"`), found: found}
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"-keep"}, &bytes.Buffer{}, stderr) }()
	var m []string
	select {
	case m = <-found:
	case err := <-done:
		t.Fatalf("run ended before printing the psql command: %v\n%s", err, stderr.buf.String())
	case <-time.After(60 * time.Second):
		t.Fatal("no psql command printed within 60 s")
	}
	passFile, dsn := m[1], m[2]
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, has := u.User.Password(); has {
		t.Fatalf("the printed URL holds a password: %s", dsn)
	}
	if info, err := os.Stat(passFile); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("password file %s: %v, mode %v; want mode 0600", passFile, err, info.Mode().Perm())
	}
	q := u.Query()
	q.Set("passfile", passFile)
	u.RawQuery = q.Encode()
	conn, err := pgx.Connect(ctx, u.String())
	if err != nil {
		t.Fatalf("connecting as the printed command would: %v", err)
	}
	var n int
	err = conn.QueryRow(ctx, "SELECT count(*) FROM usuarios").Scan(&n)
	conn.Close(ctx)
	if err != nil || n == 0 {
		t.Fatalf("usuarios: %d rows, %v; want the seeded rows", n, err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
	if _, err := os.Stat(passFile); !os.IsNotExist(err) {
		t.Errorf("password file %s left behind: %v", passFile, err)
	}
}
