package main

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/versiona/versiona/db"
	"github.com/versiona/versiona/internal/bulkload"
	"github.com/versiona/versiona/internal/pgtx"
)

// batchSize is the number of rows per COPY statement: large enough that
// round trips do not matter, small enough to keep memory flat at any scale.
const batchSize = 50_000

// notEmptyError refuses to seed a database that already holds data.
type notEmptyError struct{ tables []string }

func (e *notEmptyError) Error() string {
	return fmt.Sprintf("the database already holds rows in %s; nothing was changed. "+
		"Use an empty database, or pass -reset to delete those rows first",
		strings.Join(e.tables, ", "))
}

type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// affectedTables returns those of versiona's tables that exist, in seed
// order, then every other table that references them through foreign keys,
// directly or through others (a table added to schema.sql, say): the tables
// a seed empties. Names are as PostgreSQL prints them, quoted where needed.
func affectedTables(ctx context.Context, q querier) ([]string, error) {
	rows, err := q.Query(ctx, `
		WITH RECURSIVE affected(oid, n) AS (
			SELECT to_regclass(t), n FROM unnest($1::text[]) WITH ORDINALITY AS u(t, n)
			WHERE to_regclass(t) IS NOT NULL
			UNION
			SELECT c.conrelid, NULL::bigint
			FROM pg_constraint c JOIN affected a ON c.confrelid = a.oid
			WHERE c.contype = 'f'
		)
		SELECT oid::regclass::text FROM affected GROUP BY oid ORDER BY min(n) NULLS LAST, 1`, tableNames())
	if err != nil {
		return nil, fmt.Errorf("listing tables: %w", err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("listing tables: %w", err)
	}
	return names, nil
}

// tablesWithRows returns those of the tables named (as affectedTables
// returns them) that hold at least one row.
func tablesWithRows(ctx context.Context, q querier, names []string) ([]string, error) {
	var full []string
	for _, t := range names {
		var has bool
		// t is a table name from the catalog, quoted by PostgreSQL.
		if err := q.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM "+t+")").Scan(&has); err != nil {
			return nil, fmt.Errorf("looking for rows in %s: %w", t, err)
		}
		if has {
			full = append(full, t)
		}
	}
	return full, nil
}

// seed writes d in one transaction: it locks the tables affectedTables
// names, refuses (unless reset) when they hold rows, empties them and
// restarts their identities so that row i of each table gets id i+1, then
// bulk-loads versiona's tables with COPY, deferring each table's foreign
// keys and non-unique indexes (bulkload.Load). On any error, including a
// cancelled ctx, nothing remains.
func seed(ctx context.Context, b pgtx.Beginner, d *dataset, reset bool, p *progress) error {
	return pgtx.WithTx(ctx, b, func(tx pgx.Tx) error {
		names, err := affectedTables(ctx, tx)
		if err != nil {
			return err
		}
		list := strings.Join(names, ", ")
		// Wait a while for other sessions to finish with the tables, not forever.
		if _, err := tx.Exec(ctx, "SET LOCAL lock_timeout = '10s'"); err != nil {
			return fmt.Errorf("locking tables: %w", err)
		}
		if _, err := tx.Exec(ctx, "LOCK TABLE "+list+" IN ACCESS EXCLUSIVE MODE"); err != nil {
			return fmt.Errorf("locking tables: %w", err)
		}
		if !reset {
			full, err := tablesWithRows(ctx, tx, names)
			if err != nil {
				return err
			}
			if len(full) > 0 {
				return &notEmptyError{tables: full}
			}
		}
		if _, err := tx.Exec(ctx, "TRUNCATE "+list+" RESTART IDENTITY"); err != nil {
			return fmt.Errorf("emptying tables: %w", err)
		}

		if _, err := tx.Exec(ctx, "SET LOCAL maintenance_work_mem = '256MB'"); err != nil {
			return fmt.Errorf("configuring the load: %w", err)
		}

		q := db.New(tx)
		p.start(d.rows())
		for _, t := range demoTables {
			p.table(t.name, t.rows(d))
			err := bulkload.Load(ctx, tx, t.name, bulkload.Options{}, func() error {
				if err := t.load(ctx, q, d, p); err != nil {
					return err
				}
				p.checking()
				return nil
			})
			if err != nil {
				return err
			}
			p.tableDone()
		}
		return nil
	})
}

func chunks[T any](rows []T) iter.Seq[[]T] { return slices.Chunk(rows, batchSize) }

// copyAll copies the batches into table with copyFrom, reporting progress.
func copyAll[T any](ctx context.Context, p *progress, table string, batches iter.Seq[[]T],
	copyFrom func(context.Context, []T) (int64, error)) error {
	for batch := range batches {
		if _, err := copyFrom(ctx, batch); err != nil {
			return fmt.Errorf("copying into %s: %w", table, err)
		}
		p.add(len(batch))
	}
	return nil
}

// prefetch runs seq in its own goroutine, one value ahead, so that the next
// batch is generated while the current one is being copied.
func prefetch[T any](seq iter.Seq[T]) iter.Seq[T] {
	return func(yield func(T) bool) {
		values := make(chan T, 1)
		stop := make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			defer close(values)
			for v := range seq {
				select {
				case values <- v:
				case <-stop:
					return
				}
			}
		}()
		defer func() {
			close(stop)
			<-done
		}()
		for v := range values {
			if !yield(v) {
				return
			}
		}
	}
}

// counts are the row counts of versiona's tables, by name.
type counts map[string]int64

// countRows counts the rows of every table of demoTables, in one snapshot.
func countRows(ctx context.Context, q querier) (counts, error) {
	names := tableNames()
	selects := make([]string, len(names))
	for i, name := range names {
		// The names are demoTables', not input.
		selects[i] = "(SELECT count(*) FROM " + pgx.Identifier{name}.Sanitize() + ")"
	}
	n := make([]int64, len(names))
	dest := make([]any, len(names))
	for i := range n {
		dest[i] = &n[i]
	}
	if err := q.QueryRow(ctx, "SELECT "+strings.Join(selects, ", ")).Scan(dest...); err != nil {
		return nil, fmt.Errorf("counting rows: %w", err)
	}
	c := counts{}
	for i, name := range names {
		c[name] = n[i]
	}
	return c, nil
}
