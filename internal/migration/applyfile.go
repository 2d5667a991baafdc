package migration

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"ariga.io/atlas/sql/migrate"
	"github.com/jackc/pgerrcode"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/versiona/versiona/internal/locks"
)

// Why a file did not apply, as ApplyError.Cause says it.
const (
	CauseStatement   = "statement"       // the database refused a statement
	CauseCommit      = "commit"          // the commit failed (a deferred constraint)
	CauseInterrupted = "interrupted"     // the context was cancelled (Ctrl-C)
	CauseConnection  = "connection lost" // the server ended the session
	CauseLockTimeout = "lock timeout"    // every attempt hit the lock timeout
	CauseOther       = "error"           // anything else
)

// ApplyError is a migration file that did not apply.
type ApplyError struct {
	File       string // file name
	Cause      string // one of the Cause constants
	RolledBack bool   // the file ran in a transaction, which was rolled back
	// RecordErr is why the error could not be written on the file's
	// revision, nil when it was (or nothing needed writing).
	RecordErr error
	Err       error // what went wrong; a *StatementError for a refused statement
	// Attempts and Blockers are set for CauseLockTimeout: the attempts
	// made and the sessions the last one waited behind.
	Attempts int
	Blockers []locks.Blocker
	// Invalid lists the invalid indexes a failed CREATE INDEX CONCURRENTLY
	// left behind and that could not be dropped.
	Invalid []string
}

func (e *ApplyError) Error() string {
	msg := fmt.Sprintf("applying %s: %v", e.File, e.Err)
	if e.Cause == CauseLockTimeout {
		msg += "\n  " + (&LockTimeoutError{Attempts: e.Attempts, Blockers: e.Blockers}).Summary()
	}
	if len(e.Invalid) > 0 {
		msg += fmt.Sprintf("\n  left invalid index(es) %s: drop them with DROP INDEX CONCURRENTLY", strings.Join(e.Invalid, ", "))
	}
	switch {
	case e.Cause == CauseLockTimeout && e.RolledBack:
		msg += fmt.Sprintf("\n  %s was rolled back; run `migrate apply` again once the blocking sessions are done", e.File)
	case e.Cause == CauseLockTimeout:
		msg += "\n  the statements before it stay applied; run `migrate apply` again to resume"
	case !e.RolledBack:
	case e.Cause == CauseInterrupted || e.Cause == CauseConnection:
		msg += fmt.Sprintf("\n  %s: the file is intact and was rolled back; run `migrate apply` again", e.Cause)
	case e.Cause == CauseStatement || e.Cause == CauseCommit:
		msg += fmt.Sprintf("\n  %s was rolled back; fix it, run `migrate hash`, then `migrate apply` again", e.File)
	}
	if e.RecordErr != nil {
		msg += fmt.Sprintf("\n  the error could not be recorded in the revisions table: %v", e.RecordErr)
	}
	return msg
}

func (e *ApplyError) Unwrap() error { return e.Err }

// applyFile runs one file in its own transaction (unless its txmode is
// none), under p's timeouts and retried after a lock timeout, and records
// its revision. What the file sets for the session ends with it: the
// session is reset afterwards (RESET ALL), as every replay does (runFile).
// It returns the time the file took.
func (p *Project) applyFile(ctx context.Context, sess *session, f migrate.File) (time.Duration, error) {
	noTx := noTransaction(f)
	p.report(Event{Kind: EventApplying, File: f.Name()})
	start := time.Now()
	var (
		revs    *Revisions
		err     error
		invalid []string
	)
	if noTx {
		invalid, err = p.runNoTx(ctx, sess, f)
	} else {
		err = p.withRetries(ctx, sess, f.Name(), func(int) error {
			return withTx(ctx, sess.conn, func(tx *sql.Tx) error {
				if err := p.setTimeouts(ctx, tx, true); err != nil {
					return err
				}
				revs = NewRevisions(tx)
				return p.execute(ctx, tx, revs, f)
			})
		})
	}
	took := time.Since(start)
	if err == nil {
		p.report(Event{Kind: EventApplied, File: f.Name(), Duration: took})
		return took, resetSession(ctx, sess.conn)
	}
	p.report(Event{Kind: EventFailed, File: f.Name(), Duration: took})
	aerr := classify(ctx, f, err)
	aerr.RolledBack, aerr.Invalid = !noTx, invalid
	if !noTx && revs != nil && revs.last != nil {
		aerr.RecordErr = recordFailure(ctx, sess, revs.last, aerr)
	}
	return took, aerr
}

// runNoTx runs a "-- atlas:txmode none" file on the session, whose timeouts
// are set for the file and reset afterwards. Each statement commits on its
// own and the executor records how far the file got, so a retry resumes at
// the statement that hit the lock timeout; the invalid index a failed
// CREATE INDEX CONCURRENTLY left is dropped first. It returns the invalid
// indexes of the file still there when it fails.
func (p *Project) runNoTx(ctx context.Context, sess *session, f migrate.File) (invalid []string, err error) {
	if err := p.setTimeouts(ctx, sess.conn, false); err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, resetTimeouts(ctx, sess.conn)) }()
	before, err := locks.InvalidIndexes(ctx, sess.conn)
	if err != nil {
		return nil, err
	}
	err = p.withRetries(ctx, sess, f.Name(), func(n int) error {
		if n > 1 {
			if _, err := dropNewInvalid(ctx, sess.conn, before); err != nil {
				return err
			}
		}
		return p.execute(ctx, sess.conn, NewRevisions(sess.conn), f)
	})
	if err != nil && ctx.Err() == nil {
		invalid, _ = dropNewInvalid(ctx, sess.conn, before)
	}
	return invalid, err
}

// classify says why f failed with err.
func classify(ctx context.Context, f migrate.File, err error) *ApplyError {
	aerr := &ApplyError{File: f.Name(), Cause: CauseOther, Err: err}
	var (
		se  *migrate.StmtExecError
		ce  *commitError
		lte *LockTimeoutError
	)
	switch {
	case ctx.Err() != nil:
		aerr.Cause = CauseInterrupted
	case errors.As(err, &lte):
		aerr.Cause, aerr.Attempts, aerr.Blockers = CauseLockTimeout, lte.Attempts, lte.Blockers
	case connectionLost(err):
		aerr.Cause = CauseConnection
	case errors.As(err, &ce):
		aerr.Cause = CauseCommit
	case errors.As(err, &se):
		aerr.Cause = CauseStatement
	}
	if errors.As(err, &se) {
		aerr.Err = &StatementError{File: f.Name(), Line: lineAt(f.Bytes(), se.Stmt.Pos), Stmt: se.Stmt.Text, Err: se.Err}
	}
	return aerr
}

// connectionLost reports whether err means the session is gone: the server
// ended it (pg_terminate_backend, shutdown) or the network dropped.
func connectionLost(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case pgerrcode.AdminShutdown, pgerrcode.CrashShutdown, pgerrcode.CannotConnectNow, pgerrcode.IdleSessionTimeout:
			return true
		}
	}
	var netErr net.Error
	return errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, net.ErrClosed) || errors.As(err, &netErr) || pgconn.SafeToRetry(err)
}

// recordFailure writes the error on the revision of a file that was rolled
// back whole, as a revision that applied nothing, so the next run starts
// the file over. It writes through a fresh connection of the pool, since
// the session's may be the one that died.
func recordFailure(ctx context.Context, sess *session, rev *migrate.Revision, aerr *ApplyError) error {
	rev.Applied, rev.PartialHashes = 0, nil
	var ce *commitError
	switch {
	case errors.As(aerr.Err, &ce):
		// The executor wrote its success row before the commit.
		rev.Error, rev.ErrorStmt = ce.err.Error(), "COMMIT"
	case rev.Error == "":
		rev.Error = aerr.Err.Error()
	}
	if aerr.Cause == CauseInterrupted || aerr.Cause == CauseConnection {
		rev.Error = aerr.Cause + ": " + rev.Error
	}
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	return NewRevisions(sess.db).WriteRevision(wctx, rev)
}
