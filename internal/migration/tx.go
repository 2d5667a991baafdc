package migration

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// rollbackTimeout bounds a rollback that runs after ctx was cancelled.
const rollbackTimeout = 5 * time.Second

// withTx runs fn in a transaction on conn and commits it when fn returns nil
// and ctx is not done. When fn returns an error or panics, ctx is cancelled,
// or the commit fails, the transaction is rolled back and nothing fn wrote
// remains. The rollback does not depend on ctx: after a cancellation it still
// reaches the server, and conn stays usable (to record what failed, say).
// A refused commit (a deferred constraint) is returned as a *commitError.
//
// It is the only place in this package that begins a transaction. Package
// pgtx owns the transactions of the rest of versiona, but on pgx; Atlas's
// driver and executor run on database/sql, so migrations need a *sql.Tx.
func withTx(ctx context.Context, conn *sql.Conn, fn func(tx *sql.Tx) error) (err error) {
	// database/sql rolls a transaction back itself when the context given to
	// BeginTx ends, through a ROLLBACK that is already cancelled, which
	// breaks the connection. The transaction's context therefore outlives
	// ctx; fn's statements still run on ctx.
	txCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	tx, err := conn.BeginTx(txCtx, nil)
	if err != nil {
		return fmt.Errorf("beginning transaction: %w", err)
	}
	defer func() {
		p := recover()
		if err == nil && p == nil {
			return
		}
		stop := time.AfterFunc(rollbackTimeout, cancel)
		rerr := tx.Rollback()
		stop.Stop()
		if p != nil {
			panic(p)
		}
		if rerr != nil && !errors.Is(rerr, sql.ErrTxDone) {
			err = errors.Join(err, fmt.Errorf("rolling back: %w", rerr))
		}
	}()
	if err := fn(tx); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return &commitError{err: err}
	}
	return nil
}

// commitError is a COMMIT the server refused after every statement ran, as
// when a deferred constraint does not hold.
type commitError struct{ err error }

func (e *commitError) Error() string { return "committing: " + e.err.Error() }
func (e *commitError) Unwrap() error { return e.err }
