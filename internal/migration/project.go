package migration

import (
	"time"

	"ariga.io/atlas/sql/migrate"
)

// LockName is the PostgreSQL advisory lock held while applying or reverting.
// It is the Atlas CLI's, so the two tools never migrate a database at once.
const LockName = "atlas_migrate_execute"

// OperatorVersion is recorded in the operator_version column.
const OperatorVersion = "versiona migrate"

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
	// Progress, when set, is called as each step of a long operation
	// starts or ends (a file being applied, say), from the calling
	// goroutine.
	Progress func(Event)
	// LockTimeout bounds the wait for the advisory lock; zero means a minute.
	LockTimeout time.Duration

	// skipVerify turns off Diff's fingerprint verification; only the
	// benchmark that measures its cost sets it.
	skipVerify bool
}

// EventKind says what an Event reports.
type EventKind string

// The steps reported to Project.Progress.
const (
	EventApplying EventKind = "applying" // a file starts; File is set
	EventApplied  EventKind = "applied"  // a file committed; File and Duration are set
	EventFailed   EventKind = "failed"   // a file failed; File and Duration are set
	EventLocking  EventKind = "locking"  // waiting for the advisory lock LockName
)

// Event is one step of an operation, reported as it happens.
type Event struct {
	Kind     EventKind
	File     string        // migration file name, when the step concerns one
	Duration time.Duration // time the file took, for EventApplied and EventFailed
}

func (p *Project) report(e Event) {
	if p.Progress != nil {
		p.Progress(e)
	}
}

func (p *Project) lockTimeout() time.Duration {
	if p.LockTimeout <= 0 {
		return time.Minute
	}
	return p.LockTimeout
}
