package migration

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/versiona/versiona/internal/dburl"
	"github.com/versiona/versiona/internal/locks"
	"github.com/versiona/versiona/internal/pgserver"
)

// openDB opens a pool on the database at s (a URL or keyword/value string),
// checked and given a bounded connect timeout by package dburl, and checks
// that the server answers. Errors never show the password.
func openDB(ctx context.Context, s string) (*sql.DB, error) {
	if s == "" {
		return nil, errors.New("no database URL: set DATABASE_URL or pass --url")
	}
	cfg, err := dburl.Config(s)
	if err != nil {
		return nil, err
	}
	conn := cfg.ConnConfig
	// A migration run sends each query a handful of times at most: one
	// round trip per query beats preparing and caching statements.
	conn.DefaultQueryExecMode = pgx.QueryExecModeExec
	if conn.RuntimeParams["application_name"] == "" {
		conn.RuntimeParams["application_name"] = ApplicationName
	}
	db := stdlib.OpenDB(*conn)
	pctx, cancel := context.WithTimeout(ctx, conn.ConnectTimeout)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connecting to the database at %s:%d: %w", conn.Host, conn.Port, dburl.Redacted(err, conn.Password))
	}
	return db, nil
}

// session is one connection to the database being migrated. The advisory
// lock belongs to a PostgreSQL session, so everything done under it runs on
// conn.
type session struct {
	db       *sql.DB
	borrowed bool // db is the caller's (Project.DB): not closed with the session
	conn     *sql.Conn
	drv      migrate.Driver
	pid      int // backend pid of conn
}

// connect refuses a directory with a stray file or a stale atlas.sum, then
// opens a session on the database at dbURL, or on p.DB when it is set.
func (p *Project) connect(ctx context.Context, dbURL string) (*session, error) {
	if err := checkDir(p.Dir); err != nil {
		return nil, err
	}
	db, borrowed := p.DB, p.DB != nil
	if !borrowed {
		var err error
		if db, err = openDB(ctx, dbURL); err != nil {
			return nil, err
		}
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		if !borrowed {
			db.Close()
		}
		return nil, fmt.Errorf("connecting: %w", err)
	}
	s := &session{db: db, borrowed: borrowed, conn: conn}
	if err := conn.QueryRowContext(ctx, "SELECT pg_backend_pid()").Scan(&s.pid); err != nil {
		s.Close()
		return nil, fmt.Errorf("connecting: %w", err)
	}
	if s.drv, err = postgres.Open(conn); err != nil {
		s.Close()
		return nil, fmt.Errorf("opening driver: %w", err)
	}
	return s, nil
}

// lock takes the advisory lock LockName on the session, waiting at most
// p's lock wait and reporting the holder through p.Progress meanwhile. The
// lock also ends with the session, so an error of the returned unlock
// changes nothing once the session is closed. It returns a one-line error
// wrapping locks.ErrLocked at the deadline, or ctx.Err() once ctx is done.
func (p *Project) lock(ctx context.Context, s *session) (unlock func() error, err error) {
	p.report(Event{Kind: EventLocking})
	l := p.lockTuning
	l.Name, l.Wait = LockName, p.lockWait()
	start := time.Now()
	l.OnWait = func(h locks.Holder) {
		p.report(Event{Kind: EventLockWait, Holder: h, Duration: time.Since(start)})
	}
	unlock, err = l.Acquire(ctx, s.conn)
	if err != nil {
		return nil, fmt.Errorf("waiting for the migration lock: %w", err)
	}
	return unlock, nil
}

// Close releases the connection and closes the pool.
func (s *session) Close() error {
	err := s.conn.Close()
	if !s.borrowed {
		err = errors.Join(err, s.db.Close())
	}
	return err
}

// scratchServer hands out empty databases for replaying migrations and
// loading the desired schema. They are created on the server of DevURL or on
// a throwaway server started for the purpose.
type scratchServer struct {
	admin *sql.DB
	base  string // URL of the admin database
	stop  func() error
	// throwaway is a server started here, on which the roles the files
	// name may be created (needRoles).
	throwaway bool
	rolesMu   sync.Mutex
}

func (p *Project) scratchServer(ctx context.Context) (*scratchServer, error) {
	base, stop, err := dburl.Resolve(ctx, p.DevURL, "")
	if err != nil {
		return nil, fmt.Errorf("scratch server: %w", err)
	}
	s := &scratchServer{base: base, stop: stop, throwaway: p.DevURL == ""}
	admin, err := openDB(ctx, s.base)
	if err != nil {
		s.stop()
		return nil, fmt.Errorf("opening scratch server: %w", err)
	}
	s.admin = admin
	return s, nil
}

// Close drops nothing (each database is dropped by its own close) and stops
// the server when it was started here.
func (s *scratchServer) Close() error {
	return errors.Join(s.admin.Close(), s.stop())
}

// scratchDB is one empty database on a scratchServer.
type scratchDB struct {
	srv  *scratchServer
	name string
	db   *sql.DB
	drv  migrate.Driver
}

// create makes a new, empty database.
func (s *scratchServer) create(ctx context.Context) (*scratchDB, error) {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, fmt.Errorf("naming scratch database: %w", err)
	}
	name := "versiona_scratch_" + hex.EncodeToString(b[:])
	if _, err := s.admin.ExecContext(ctx, `CREATE DATABASE "`+name+`" TEMPLATE template0`); err != nil {
		return nil, fmt.Errorf("creating scratch database: %w", err)
	}
	d := &scratchDB{srv: s, name: name}
	dbURL, err := dburl.WithDatabase(s.base, name)
	if err != nil {
		d.drop()
		return nil, err
	}
	if d.db, err = openDB(ctx, dbURL); err != nil {
		d.drop()
		return nil, err
	}
	if d.drv, err = postgres.Open(d.db); err != nil {
		d.Close()
		return nil, fmt.Errorf("opening scratch database: %w", err)
	}
	return d, nil
}

// Close closes the connections and drops the database.
func (d *scratchDB) Close() error {
	var err error
	if d.db != nil {
		err = d.db.Close()
	}
	return errors.Join(err, d.drop())
}

func (d *scratchDB) drop() error {
	// A fresh context: dropping must happen also when the caller's was cancelled.
	exec := func(ctx context.Context, q string) error { _, err := d.srv.admin.ExecContext(ctx, q); return err }
	if err := pgserver.DropDatabase(context.Background(), exec, d.name); err != nil {
		return fmt.Errorf("scratch database: %w", err)
	}
	return nil
}

// inspect returns the database's schemas, without the revisions schema.
func inspect(ctx context.Context, drv migrate.Driver) (*schema.Realm, error) {
	r, err := drv.InspectRealm(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("inspecting schema: %w", err)
	}
	kept := r.Schemas[:0]
	for _, s := range r.Schemas {
		if s.Name != RevisionsSchema {
			kept = append(kept, s)
		}
	}
	r.Schemas = kept
	if err := domainNulls(ctx, drv, r); err != nil {
		return nil, fmt.Errorf("inspecting schema: %w", err)
	}
	return r, nil
}

// StatementError is a statement of a migration or schema file that the
// database rejected.
type StatementError struct {
	File string // file name
	Line int    // line the statement starts on, from 1
	Stmt string // the statement
	Err  error  // the database's error
}

func (e *StatementError) Error() string {
	return fmt.Sprintf("%s:%d: %v\n  statement: %s", e.File, e.Line, e.Err, firstLine(e.Stmt))
}

func (e *StatementError) Unwrap() error { return e.Err }

// lineAt returns the 1-based line of byte offset pos in b.
func lineAt(b []byte, pos int) int {
	line := 1
	for i := 0; i < pos && i < len(b); i++ {
		if b[i] == '\n' {
			line++
		}
	}
	return line
}

// withScratch runs fn on a scratch server, stopped (or closed) afterwards.
// A failure to stop it is returned too.
func (p *Project) withScratch(ctx context.Context, fn func(srv *scratchServer) error) (err error) {
	srv, err := p.scratchServer(ctx)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, srv.Close()) }()
	return fn(srv)
}

// withScratchDB runs fn on one empty scratch database, dropped afterwards.
func (p *Project) withScratchDB(ctx context.Context, fn func(d *scratchDB) error) error {
	return p.withScratch(ctx, func(srv *scratchServer) error { return srv.with(ctx, fn) })
}

// with runs fn on a new empty database, dropped afterwards. A failure to
// drop it is returned too: it would stay on the server of DevURL.
func (s *scratchServer) with(ctx context.Context, fn func(d *scratchDB) error) (err error) {
	d, err := s.create(ctx)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, d.Close()) }()
	return fn(d)
}
