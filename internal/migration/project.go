package migration

import (
	"database/sql"
	"time"

	"ariga.io/atlas/sql/migrate"

	"github.com/versiona/versiona/internal/locks"
)

// LockName is the PostgreSQL advisory lock held while applying or reverting.
// It is the Atlas CLI's, so the two tools never migrate a database at once.
const LockName = locks.MigrationLock

// OperatorVersion is recorded in the operator_version column.
const OperatorVersion = "versiona migrate"

// ApplicationName is the application_name of the sessions that migrate a
// database, as other sessions see it in pg_stat_activity.
const ApplicationName = "versiona migrate"

// Defaults of the Project fields that bound waits on a live database.
const (
	DefaultLockWait    = time.Minute     // wait for the advisory lock LockName
	DefaultLockTimeout = 2 * time.Second // lock_timeout of each statement
	DefaultRetries     = 5               // retries of a file after a lock timeout
	DefaultRetryPause  = time.Second     // first pause before a retry; it doubles
)

// Project is a migration directory with the desired schema it is generated
// from. The zero value of every field but Dir is usable.
//
// The engine never writes to a terminal: every operation returns a result
// for the caller to render, and reports progress through Progress.
type Project struct {
	// Dir holds the migration files and atlas.sum.
	Dir migrate.Dir
	// Schema is the path of the desired-state schema file (used by Diff).
	Schema string
	// DevURL is a database on the server where scratch databases are
	// created and dropped; the role needs CREATEDB. Empty: a throwaway
	// server is started for each command.
	DevURL string
	// DB, when set, is the database Apply, Down, Status, Drift and Baseline
	// work on, and their URL argument is ignored: each takes one connection
	// from it for its run and returns it; DB is never closed.
	DB *sql.DB
	// Progress, when set, is called as each step of a long operation
	// starts or ends (a file being applied, say), from the calling
	// goroutine.
	Progress func(Event)

	// LockWait bounds the wait for the advisory lock LockName (Apply and
	// Down); zero means DefaultLockWait, a negative value a single try.
	LockWait time.Duration
	// LockTimeout is the lock_timeout each migration statement runs
	// under: a statement that waits longer for a lock fails, and its file
	// is rolled back and retried. Zero means DefaultLockTimeout, a negative
	// value no limit.
	LockTimeout time.Duration
	// StatementTimeout is the statement_timeout of each migration
	// statement; zero or negative means no limit. A statement that runs
	// longer fails its file, which is not retried.
	StatementTimeout time.Duration
	// Retries is how many times a file that hit the lock timeout is run
	// again; zero means DefaultRetries, a negative value none.
	Retries int
	// RetryPause is the pause before the first retry; each later pause
	// doubles it, less a random part of up to half. Zero means
	// DefaultRetryPause.
	RetryPause time.Duration

	// lockTuning holds the advisory lock's timings (poll and report
	// intervals), shortened by tests.
	lockTuning locks.Lock

	// lintInspectAll makes Lint inspect the whole schema around every
	// statement; the test of the scoped inspection compares the two.
	lintInspectAll bool

	// skipVerify turns off Diff's fingerprint verification; only the
	// benchmark that measures its cost sets it.
	skipVerify bool
}

// EventKind says what an Event reports.
type EventKind string

// The steps reported to Project.Progress.
const (
	EventApplying EventKind = "applying"  // a file starts; File is set
	EventApplied  EventKind = "applied"   // a file committed; File and Duration are set
	EventFailed   EventKind = "failed"    // a file failed; File and Duration are set
	EventLocking  EventKind = "locking"   // waiting for the advisory lock LockName starts
	EventLockWait EventKind = "lock wait" // still waiting for LockName; Holder and Duration are set
	// EventRetrying: an attempt of File hit the lock timeout; Attempt,
	// Err, Blockers and Pause (before the next attempt) are set.
	EventRetrying EventKind = "retrying"
)

// Event is one step of an operation, reported as it happens.
type Event struct {
	Kind EventKind
	File string // migration file name, when the step concerns one
	// Duration is the time the file took (EventApplied, EventFailed) or
	// the time waited so far (EventLockWait).
	Duration time.Duration
	Holder   locks.Holder    // session holding LockName (EventLockWait); zero if unknown
	Attempt  int             // the attempt that failed, from 1 (EventRetrying)
	Err      error           // why it failed (EventRetrying)
	Blockers []locks.Blocker // sessions the failed attempt waited behind (EventRetrying)
	Pause    time.Duration   // pause before the next attempt (EventRetrying)
}

func (p *Project) report(e Event) {
	if p.Progress != nil {
		p.Progress(e)
	}
}

// setting resolves a Project knob: zero means def, a negative value none (0).
func setting[T int | time.Duration](v, def T) T {
	switch {
	case v == 0:
		return def
	case v < 0:
		return 0
	}
	return v
}

func (p *Project) lockWait() time.Duration    { return setting(p.LockWait, DefaultLockWait) }
func (p *Project) lockTimeout() time.Duration { return setting(p.LockTimeout, DefaultLockTimeout) }

// attempts is how many times a file may run: once, plus its retries.
func (p *Project) attempts() int { return 1 + setting(p.Retries, DefaultRetries) }

func (p *Project) retryPause() time.Duration {
	if p.RetryPause <= 0 {
		return DefaultRetryPause
	}
	return p.RetryPause
}
