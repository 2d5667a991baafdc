package migration

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"time"

	"ariga.io/atlas/sql/migrate"
	"github.com/jackc/pgerrcode"
	"github.com/jackc/pgx/v5/pgconn"
)

// Why a file did not apply, as ApplyError.Cause says it.
const (
	CauseStatement   = "statement"       // the database refused a statement
	CauseCommit      = "commit"          // the commit failed (a deferred constraint)
	CauseInterrupted = "interrupted"     // the context was cancelled (Ctrl-C)
	CauseConnection  = "connection lost" // the server ended the session
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
}

func (e *ApplyError) Error() string {
	msg := fmt.Sprintf("applying %s: %v", e.File, e.Err)
	switch {
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
// none) and records its revision. It returns the time the file took.
func (p *Project) applyFile(ctx context.Context, sess *session, f migrate.File) (time.Duration, error) {
	noTx := false
	if lf, ok := f.(*migrate.LocalFile); ok {
		noTx = slices.Contains(lf.Directive("txmode"), "none")
	}
	p.report(Event{Kind: EventApplying, File: f.Name()})
	start := time.Now()
	var revs *Revisions
	run := func(q execQuerier) error {
		revs = NewRevisions(q)
		return p.execute(ctx, q, revs, f)
	}
	var err error
	if noTx {
		err = run(sess.conn)
	} else {
		err = withTx(ctx, sess.conn, func(tx *sql.Tx) error { return run(tx) })
	}
	took := time.Since(start)
	if err == nil {
		p.report(Event{Kind: EventApplied, File: f.Name(), Duration: took})
		return took, nil
	}
	p.report(Event{Kind: EventFailed, File: f.Name(), Duration: took})
	aerr := classify(ctx, f, err)
	aerr.RolledBack = !noTx
	if !noTx && revs != nil && revs.last != nil {
		aerr.RecordErr = recordFailure(ctx, sess, revs.last, aerr)
	}
	return took, aerr
}

// classify says why f failed with err.
func classify(ctx context.Context, f migrate.File, err error) *ApplyError {
	aerr := &ApplyError{File: f.Name(), Cause: CauseOther, Err: err}
	var (
		se *migrate.StmtExecError
		ce *commitError
	)
	switch {
	case ctx.Err() != nil:
		aerr.Cause = CauseInterrupted
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
