package migration

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/versiona/versiona/internal/locks"
)

// blockerPoll is how often the sessions blocking a migration statement are
// read while it waits for a lock.
const blockerPoll = 100 * time.Millisecond

// LockTimeoutError is a file (or a revert) that hit the lock timeout on
// every attempt. The database is as it was before the last attempt.
type LockTimeoutError struct {
	Attempts int             // attempts made
	Blockers []locks.Blocker // sessions the last attempt waited behind; none if unseen
	Err      error           // the last attempt's error (SQLSTATE 55P03)
}

func (e *LockTimeoutError) Error() string {
	return fmt.Sprintf("%v\n  %s", e.Err, e.Summary())
}

// Summary says how many attempts hit the lock timeout and behind whom.
func (e *LockTimeoutError) Summary() string {
	s := fmt.Sprintf("lock timeout on all %d attempt(s)", e.Attempts)
	if len(e.Blockers) == 0 {
		return s
	}
	s += "; blocked by:"
	for _, b := range e.Blockers {
		s += "\n    " + b.String()
	}
	return s
}

func (e *LockTimeoutError) Unwrap() error { return e.Err }

// withRetries calls attempt (1, 2, …) until it succeeds, fails otherwise
// than on a lock timeout, or has run p.attempts() times, pausing between
// attempts as locks.Retry does. During each attempt it watches, from
// another connection, the sessions that block s, and reports each failed
// attempt but the last as an EventRetrying naming them. When every attempt
// hit the lock timeout it returns a *LockTimeoutError.
func (p *Project) withRetries(ctx context.Context, s *session, file string, attempt func(n int) error) error {
	var (
		blockers []locks.Blocker
		tries    int
		last     error
	)
	err := locks.Retry(ctx, p.attempts(), p.retryPause(), func(n int) error {
		stop := locks.WatchBlockers(ctx, s.db, s.pid, blockerPoll)
		tries, last = n, attempt(n)
		blockers = stop()
		return last
	}, func(n int, err error, pause time.Duration) {
		p.report(Event{Kind: EventRetrying, File: file, Attempt: n, Err: err, Blockers: blockers, Pause: pause})
	})
	if err == nil || ctx.Err() != nil || !locks.IsLockTimeout(err) {
		return err
	}
	return &LockTimeoutError{Attempts: tries, Blockers: blockers, Err: last}
}

// timeoutSettings returns the statements that set p's lock and statement
// timeouts, for the transaction (local) or the session.
func (p *Project) timeoutSettings(local bool) []string {
	set := "SET "
	if local {
		set = "SET LOCAL "
	}
	var stmts []string
	if d := p.lockTimeout(); d > 0 {
		stmts = append(stmts, set+"lock_timeout = "+millis(d))
	}
	if d := p.StatementTimeout; d > 0 {
		stmts = append(stmts, set+"statement_timeout = "+millis(d))
	}
	return stmts
}

// millis renders d as a PostgreSQL duration in whole milliseconds, at least 1.
func millis(d time.Duration) string { return fmt.Sprintf("'%dms'", max(d.Milliseconds(), 1)) }

// setTimeouts runs p's timeout settings on q.
func (p *Project) setTimeouts(ctx context.Context, q execQuerier, local bool) error {
	for _, stmt := range p.timeoutSettings(local) {
		if _, err := q.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("setting timeouts: %w", err)
		}
	}
	return nil
}

// resetTimeouts restores the session's own timeouts after a file that ran
// outside a transaction; it runs even when ctx is done.
func resetTimeouts(ctx context.Context, q execQuerier) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rollbackTimeout)
	defer cancel()
	if _, err := q.ExecContext(ctx, "RESET lock_timeout; RESET statement_timeout"); err != nil {
		return fmt.Errorf("resetting timeouts: %w", err)
	}
	return nil
}

// dropNewInvalid drops the invalid indexes that are not in before: those a
// CREATE INDEX CONCURRENTLY of the file left behind when it failed. It
// drops them concurrently, under the session's lock_timeout, and returns
// the indexes still there when one could not be dropped.
func dropNewInvalid(ctx context.Context, q execQuerier, before []string) (left []string, err error) {
	now, err := locks.InvalidIndexes(ctx, q)
	if err != nil {
		return nil, err
	}
	now = slices.DeleteFunc(now, func(n string) bool { return slices.Contains(before, n) })
	for i, name := range now {
		if _, err := q.ExecContext(ctx, "DROP INDEX CONCURRENTLY IF EXISTS "+name); err != nil {
			return now[i:], fmt.Errorf("dropping invalid index %s: %w", name, err)
		}
	}
	return nil, nil
}
