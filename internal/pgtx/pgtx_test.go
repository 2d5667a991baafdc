package pgtx_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/versiona/versiona/internal/dbtest"
	"github.com/versiona/versiona/internal/pgtx"
)

func TestMain(m *testing.M) {
	dbtest.Main(m, func(ctx context.Context, url string) error {
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, "CREATE TABLE t (v int)")
		return err
	})
}

func rows(t *testing.T, pool *pgxpool.Pool) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), "SELECT count(*) FROM t").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func insert(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, "INSERT INTO t VALUES (1)")
	return err
}

func TestWithTx(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("commits on success", func(t *testing.T) {
		pool := dbtest.New(t)
		if err := pgtx.WithTx(ctx, pool, func(tx pgx.Tx) error { return insert(ctx, tx) }); err != nil {
			t.Fatal(err)
		}
		if n := rows(t, pool); n != 1 {
			t.Fatalf("%d rows, want 1", n)
		}
	})
	t.Run("rolls back on error", func(t *testing.T) {
		pool := dbtest.New(t)
		boom := errors.New("boom")
		err := pgtx.WithTx(ctx, pool, func(tx pgx.Tx) error {
			if err := insert(ctx, tx); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("error = %v, want %v", err, boom)
		}
		if n := rows(t, pool); n != 0 {
			t.Fatalf("%d rows, want 0", n)
		}
	})
	t.Run("rolls back on panic", func(t *testing.T) {
		pool := dbtest.New(t)
		func() {
			defer func() {
				if recover() == nil {
					t.Fatal("panic not propagated")
				}
			}()
			_ = pgtx.WithTx(ctx, pool, func(tx pgx.Tx) error {
				if err := insert(ctx, tx); err != nil {
					return err
				}
				panic("boom")
			})
		}()
		if n := rows(t, pool); n != 0 {
			t.Fatalf("%d rows, want 0", n)
		}
		if s := pool.Stat(); s.AcquiredConns() != 0 {
			t.Fatalf("%d connections still acquired", s.AcquiredConns())
		}
	})
	t.Run("rolls back when the context is cancelled", func(t *testing.T) {
		pool := dbtest.New(t)
		cctx, cancel := context.WithCancel(ctx)
		err := pgtx.WithTx(cctx, pool, func(tx pgx.Tx) error {
			if err := insert(cctx, tx); err != nil {
				return err
			}
			cancel()
			return cctx.Err()
		})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("error = %v, want context.Canceled", err)
		}
		if n := rows(t, pool); n != 0 {
			t.Fatalf("%d rows, want 0", n)
		}
	})
	t.Run("nests as a savepoint in a caller's transaction", func(t *testing.T) {
		pool := dbtest.New(t)
		err := pgtx.WithTx(ctx, pool, func(outer pgx.Tx) error {
			if err := insert(ctx, outer); err != nil {
				return err
			}
			_ = pgtx.WithTx(ctx, outer, func(inner pgx.Tx) error {
				if err := insert(ctx, inner); err != nil {
					return err
				}
				return errors.New("undo the inner insert only")
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if n := rows(t, pool); n != 1 {
			t.Fatalf("%d rows, want 1", n)
		}
	})
}
