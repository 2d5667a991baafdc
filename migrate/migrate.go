// Package migrate is versiona's migration engine for Go services that own
// their PostgreSQL schema: it applies a directory of migrations in Atlas's
// format (embedded with embed.FS, say) under the migration lock, reports
// status, checks the live schema for drift, reverts, and stamps a database
// another tool migrated. It is the engine behind the migrate command.
//
//	//go:embed migrations
//	var files embed.FS
//
//	dir, _ := fs.Sub(files, "migrations")
//	m, err := migrate.New(db, dir, &migrate.Config{Logger: slog.Default()})
//	…
//	res, err := m.Apply(ctx, nil)
//
// Every file runs in its own transaction (unless it starts with
// "-- atlas:txmode none"), under a short lock_timeout, retried after a lock
// timeout; the revisions table is Atlas's, so the Atlas CLI and the migrate
// command read the same history. Results are plain structs that marshal to
// JSON; failures are typed errors (*ApplyError, *VerifyError,
// *NeedsBaselineError…) to match with errors.As. The package never prints:
// it reports progress to Config.Logger or Config.Progress.
package migrate

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/versiona/versiona/internal/migration"
)

// Results and options, as the engine defines them.
type (
	ApplyOptions    = migration.ApplyOptions
	ApplyResult     = migration.ApplyResult
	AppliedFile     = migration.AppliedFile
	Status          = migration.Status
	Revision        = migration.Revision
	DriftResult     = migration.DriftResult
	Difference      = migration.Difference
	DownOptions     = migration.DownOptions
	DownResult      = migration.DownResult
	BaselineOptions = migration.BaselineOptions
	BaselineResult  = migration.BaselineResult
	Event           = migration.Event
	EventKind       = migration.EventKind
)

// Errors the calls return, to match with errors.As.
type (
	// ApplyError is a migration file that failed: file, line, statement,
	// SQLSTATE; the file was rolled back (unless txmode none).
	ApplyError = migration.ApplyError
	// VerifyError is a schema that is not what it had to be, fact by fact
	// (Down's result, Baseline's live database).
	VerifyError = migration.VerifyError
	// NeedsBaselineError is a database holding a schema but no revision:
	// Apply created nothing; Baseline stamps it.
	NeedsBaselineError = migration.NeedsBaselineError
	// OutOfOrderError is a pending file older than the current version.
	OutOfOrderError = migration.OutOfOrderError
)

// Config tunes a Migrator. The zero value works.
type Config struct {
	// Logger receives each step (a file applied, a wait for the lock, a
	// retry after a lock timeout) at Info level, failures at Warn.
	Logger *slog.Logger
	// Progress, when set, is called with each step as well.
	Progress func(Event)
	// DevURL is a database on a server where Drift, Down and Baseline may
	// create scratch databases; empty: a throwaway server is started, from
	// the PostgreSQL binaries installed on the machine.
	DevURL string
	// LockWait bounds the wait for the migration lock (default 1m; negative:
	// try once). LockTimeout is each statement's lock_timeout (default 2s;
	// negative: none), StatementTimeout its statement_timeout (default
	// none). Retries is how often a file that hit the lock timeout runs
	// again (default 5; negative: never).
	LockWait, LockTimeout, StatementTimeout time.Duration
	Retries                                 int
}

// Migrator migrates one database with one migration directory.
type Migrator struct {
	p migration.Project
}

// New returns a Migrator for db and the migration directory at the root of
// migrations: its *.sql files and atlas.sum (other files are ignored). db is
// only borrowed: each call takes one connection and gives it back; it is
// never closed. cfg may be nil. It returns an error when migrations cannot
// be read; a stale atlas.sum or a badly named file is refused by each call.
func New(db *sql.DB, migrations fs.FS, cfg *Config) (*Migrator, error) {
	if db == nil {
		return nil, errors.New("migrate: no database")
	}
	dir, err := migration.DirFS(migrations)
	if err != nil {
		return nil, err
	}
	if cfg == nil {
		cfg = &Config{}
	}
	m := &Migrator{p: migration.Project{
		Dir: dir, DB: db, DevURL: cfg.DevURL,
		LockWait: cfg.LockWait, LockTimeout: cfg.LockTimeout, StatementTimeout: cfg.StatementTimeout, Retries: cfg.Retries,
	}}
	m.p.Progress = progress(cfg.Logger, cfg.Progress)
	return m, nil
}

// NewFromPool is New for a pgx pool. The *sql.DB it wraps the pool in
// lives as long as the pool.
func NewFromPool(pool *pgxpool.Pool, migrations fs.FS, cfg *Config) (*Migrator, error) {
	if pool == nil {
		return nil, errors.New("migrate: no database")
	}
	return New(stdlib.OpenDBFromPool(pool), migrations, cfg)
}

// Apply runs the pending files in order (all, opts.N, or up to opts.To),
// each recorded in the revisions table, under the migration lock. opts may
// be nil. It returns the files applied before a failure along with an
// *ApplyError, a *NeedsBaselineError for a database that has a schema but
// no revision, and an *OutOfOrderError for a pending file older than the
// current version.
func (m *Migrator) Apply(ctx context.Context, opts *ApplyOptions) (*ApplyResult, error) {
	if opts == nil {
		opts = &ApplyOptions{}
	}
	return m.p.Apply(ctx, "", *opts)
}

// Status returns the current version, the pending files and the applied
// history. It changes nothing.
func (m *Migrator) Status(ctx context.Context) (*Status, error) { return m.p.Status(ctx, "") }

// Drift compares the live schema with the one the directory builds at the
// database's current version, replayed on a scratch database, fact by
// fact. Drift is not an error: the result says it.
func (m *Migrator) Drift(ctx context.Context) (*DriftResult, error) { return m.p.Drift(ctx, "") }

// Down reverts to an earlier version (opts.N files back, or to opts.To),
// planned from the directory's own history, in one transaction; it returns
// a *VerifyError, having changed nothing, when the live schema drifted or
// the result would not be the directory's state at the target.
func (m *Migrator) Down(ctx context.Context, opts *DownOptions) (*DownResult, error) {
	if opts == nil {
		opts = &DownOptions{}
	}
	return m.p.Down(ctx, "", *opts)
}

// Baseline records the version a database migrated by another tool is at,
// after checking that its schema is the directory's at that version; it
// returns a *VerifyError naming the differences, writing nothing, when it
// is not.
func (m *Migrator) Baseline(ctx context.Context, opts *BaselineOptions) (*BaselineResult, error) {
	if opts == nil {
		opts = &BaselineOptions{}
	}
	return m.p.Baseline(ctx, "", *opts)
}

// progress turns events into log records and calls fn.
func progress(log *slog.Logger, fn func(Event)) func(Event) {
	if log == nil && fn == nil {
		return nil
	}
	return func(e Event) {
		if log != nil {
			logEvent(log, e)
		}
		if fn != nil {
			fn(e)
		}
	}
}

func logEvent(log *slog.Logger, e Event) {
	attrs := []any{slog.String("step", string(e.Kind))}
	if e.File != "" {
		attrs = append(attrs, slog.String("file", e.File))
	}
	if e.Duration > 0 {
		attrs = append(attrs, slog.Duration("duration", e.Duration))
	}
	switch e.Kind {
	case migration.EventFailed:
		log.Warn("migration failed", attrs...)
	case migration.EventRetrying:
		log.Warn("migration hit the lock timeout; retrying", append(attrs, slog.Int("attempt", e.Attempt), slog.Duration("pause", e.Pause), slog.Any("error", e.Err))...)
	case migration.EventLockWait:
		log.Info("waiting for the migration lock", append(attrs, slog.Int("holder_pid", e.Holder.PID))...)
	default:
		log.Info("migration "+string(e.Kind), attrs...)
	}
}
