// Package pgtx owns transactions: the domain packages run every multi-step
// write through WithTx and call Begin nowhere else.
package pgtx

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Beginner starts a transaction: a *pgxpool.Pool, a *pgx.Conn, or a pgx.Tx
// (which starts a savepoint).
type Beginner interface {
	Begin(ctx context.Context) (pgx.Tx, error)
}

// rollbackTimeout bounds a rollback that runs after ctx was cancelled.
const rollbackTimeout = 5 * time.Second

// WithTx runs fn in a transaction and commits it if fn returns nil. If fn
// returns an error or panics, or the commit fails, the transaction is rolled
// back and nothing fn wrote remains. The rollback does not depend on ctx, so a
// cancelled context still releases the connection cleanly.
func WithTx(ctx context.Context, b Beginner, fn func(tx pgx.Tx) error) (err error) {
	tx, err := b.Begin(ctx)
	if err != nil {
		return fmt.Errorf("beginning transaction: %w", err)
	}
	defer func() {
		p := recover()
		if err == nil && p == nil {
			return
		}
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rollbackTimeout)
		defer cancel()
		rerr := tx.Rollback(rctx)
		if p != nil {
			panic(p)
		}
		if rerr != nil && !errors.Is(rerr, pgx.ErrTxClosed) {
			err = errors.Join(err, fmt.Errorf("rolling back: %w", rerr))
		}
	}()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("committing: %w", err)
	}
	return nil
}
