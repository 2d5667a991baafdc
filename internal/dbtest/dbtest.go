// Package dbtest hands each test its own fresh PostgreSQL database.
//
// A test binary uses one server: the one at TEST_DATABASE_URL, else
// DATABASE_URL, else a throwaway server started by pgserver on first use. A
// template database is prepared once per binary by the setup function given
// to Main (typically: apply the migrations), and every database New or URL
// returns is a cheap copy of it, dropped when the test ends.
//
//	func TestMain(m *testing.M) { dbtest.Main(m, applyMigrations) }
//
//	func TestThing(t *testing.T) {
//		pool := dbtest.New(t)
//		...
//	}
package dbtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/versiona/versiona"
	"github.com/versiona/versiona/internal/dburl"
	"github.com/versiona/versiona/internal/migration"
	"github.com/versiona/versiona/internal/pgserver"
)

// SetupFunc prepares the template database at url. It must close every
// connection it opens before returning.
type SetupFunc func(ctx context.Context, url string) error

var (
	setup SetupFunc

	once       sync.Once
	onceErr    error
	stopServer func() error // stops the server this binary started; a no-op for an external one
	adminURL   string       // a maintenance database on the server
	admin      *pgxpool.Pool
	template   string // template database name
	fileCopy   bool   // server supports CREATE DATABASE ... STRATEGY FILE_COPY
	counter    atomic.Int64
	inMain     atomic.Bool // Main was called: the template has its setup
)

// errNoMain is what a package whose tests forgot TestMain gets, instead of
// an empty template and a server nobody stops.
var errNoMain = errors.New("this package has no TestMain calling dbtest.Main, so its databases would be empty " +
	"and the server never stopped; add: func TestMain(m *testing.M) { dbtest.Main(m, dbtest.Migrated) }")

// Main runs the tests of a package with fn preparing the template database
// (nil: an empty database), then stops what it started and exits with the
// tests' exit code. Call it from TestMain.
func Main(m *testing.M, fn SetupFunc) {
	setup = fn
	inMain.Store(true)
	code := m.Run()
	shutdown()
	os.Exit(code)
}

// New returns a pool on a fresh database cloned from the template. The
// database and pool are closed and dropped when the test ends.
func New(t testing.TB) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), URL(t))
	if err != nil {
		t.Fatalf("dbtest: opening pool: %v", err)
	}
	t.Cleanup(pool.Close) // runs before the drop registered by URL
	return pool
}

// URL returns the URL of a fresh database cloned from the template, dropped
// (with any remaining connections) when the test ends.
func URL(t testing.TB) string {
	t.Helper()
	ctx := context.Background()
	if err := start(ctx); err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	name := fmt.Sprintf("%s_%d", prefix(), counter.Add(1))
	stmt := "CREATE DATABASE " + pgx.Identifier{name}.Sanitize() + " TEMPLATE " + pgx.Identifier{template}.Sanitize()
	if fileCopy {
		stmt += " STRATEGY FILE_COPY"
	}
	if _, err := admin.Exec(ctx, stmt); err != nil {
		t.Fatalf("dbtest: creating database %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := pgserver.DropDatabase(ctx, adminExec, name); err != nil {
			t.Errorf("dbtest: %v", err)
		}
	})
	return withDatabase(adminURL, name)
}

// ServerURL returns the URL of database db on the test server, for tests
// that manage databases themselves (db "postgres" always exists).
func ServerURL(t testing.TB, db string) string {
	t.Helper()
	if err := start(context.Background()); err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	return withDatabase(adminURL, db)
}

// start finds or starts the server and prepares the template, once.
func start(ctx context.Context) error {
	if !inMain.Load() {
		return errNoMain
	}
	once.Do(func() { onceErr = prepare(ctx) })
	return onceErr
}

func prepare(ctx context.Context) error {
	var err error
	adminURL, stopServer, err = dburl.Resolve(ctx, os.Getenv("TEST_DATABASE_URL"), "DATABASE_URL")
	if err != nil {
		return fmt.Errorf("finding the test server (TEST_DATABASE_URL, DATABASE_URL, else a throwaway server): %w", err)
	}
	cfg, err := dburl.Config(adminURL)
	if err != nil {
		return err
	}
	if admin, err = pgxpool.NewWithConfig(ctx, cfg); err != nil {
		return fmt.Errorf("connecting to the test server: %w", dburl.Redacted(err, cfg.ConnConfig.Password))
	}
	var version int
	if err := admin.QueryRow(ctx, "SELECT current_setting('server_version_num')::int").Scan(&version); err != nil {
		return fmt.Errorf("connecting to the test server: %w", dburl.Redacted(err, cfg.ConnConfig.Password))
	}
	fileCopy = version >= 150000

	template = prefix() + "_template"
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{template}.Sanitize()); err != nil {
		return fmt.Errorf("creating the template database: %w", err)
	}
	if setup != nil {
		if err := setup(ctx, withDatabase(adminURL, template)); err != nil {
			return fmt.Errorf("preparing the template database: %w", err)
		}
	}
	return nil
}

// shutdown drops the template and stops the server if this binary started
// one.
func shutdown() {
	if admin != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		_ = pgserver.DropDatabase(ctx, adminExec, template)
		cancel()
		admin.Close()
	}
	if stopServer != nil {
		_ = stopServer()
	}
}

// prefix names this binary's databases, so that test binaries sharing one
// external server do not collide.
func prefix() string { return "versiona_test_" + strconv.Itoa(os.Getpid()) }

// withDatabase returns the connection string s, checked by prepare, naming
// database db.
func withDatabase(s, db string) string {
	out, err := dburl.WithDatabase(s, db)
	if err != nil {
		panic("dbtest: " + err.Error()) // s passed dburl.Check in prepare
	}
	return out
}

// Migrated is a SetupFunc that brings the template to the head of the
// migrations embedded in package versiona, as `migrate apply` does.
func Migrated(ctx context.Context, url string) error {
	dir, err := migration.DirFS(versiona.Migrations)
	if err != nil {
		return err
	}
	return migration.ApplyAll(ctx, url, dir)
}

// adminExec runs one statement on the maintenance database.
func adminExec(ctx context.Context, sql string) error {
	_, err := admin.Exec(ctx, sql)
	return err
}
