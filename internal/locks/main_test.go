package locks_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/versiona/versiona/internal/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m, nil) }

// session opens one connection to url named app in pg_stat_activity; it is
// closed when the test ends.
func session(t *testing.T, url, app string) *sql.Conn {
	t.Helper()
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	cfg.RuntimeParams["application_name"] = app
	db := stdlib.OpenDB(*cfg)
	t.Cleanup(func() { db.Close() })
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatalf("connecting as %s: %v", app, err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// pid returns the backend pid of conn's session.
func pid(t *testing.T, conn *sql.Conn) int {
	t.Helper()
	var p int
	if err := conn.QueryRowContext(context.Background(), "SELECT pg_backend_pid()").Scan(&p); err != nil {
		t.Fatal(err)
	}
	return p
}

// exec runs stmt on conn or fails the test.
func exec(t *testing.T, conn *sql.Conn, stmt string, args ...any) {
	t.Helper()
	if _, err := conn.ExecContext(context.Background(), stmt, args...); err != nil {
		t.Fatalf("%s: %v", stmt, err)
	}
}

// readMigration returns the text of a file of db/migrations.
func readMigration(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "db", "migrations", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
