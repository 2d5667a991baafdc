// Package bulkload loads rows into a table several times faster than with
// its secondary structures in place, without weakening any constraint.
//
// Load drops a table's own foreign keys and non-unique indexes, runs the
// caller's load (typically COPY), then builds the indexes again and re-adds
// the foreign keys, all in the caller's transaction. It is as safe as
// loading into the table as it was:
//
//   - primary-key, unique, check and exclusion constraints, and the indexes
//     behind them, stay in place, so every row is checked against them as it
//     arrives;
//   - each foreign key is re-added without NOT VALID, which checks every row
//     of the table in one join instead of one lookup per row and key;
//   - definitions and comments are read from the catalog and restored as
//     they were;
//   - everything happens in one transaction: dropping takes an ACCESS
//     EXCLUSIVE lock held until the end, so no other session sees the table
//     without its keys, and after any error the rollback leaves it as it was.
package bulkload

import (
	"context"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"
)

// Options choose what a load defers. The zero value defers both the foreign
// keys and the non-unique indexes: the fastest plan.
type Options struct {
	// KeepIndexes leaves the non-unique indexes in place.
	KeepIndexes bool
	// KeepForeignKeys leaves the foreign keys in place.
	KeepForeignKeys bool
}

// Querier reads the catalog: a pgx.Tx, a *pgx.Conn or a *pgxpool.Pool.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// object is an index or foreign key that a load defers, with the statements
// that drop it, create it as the catalog defines it, and restore its comment
// ("" when it has none). Every statement is built by the catalog, with
// identifiers and the comment quoted there.
type object struct {
	Name, Drop, Create, Comment string
}

// plan is what a load defers on one table.
type plan struct{ indexes, foreignKeys []object }

// read returns what opts defers on table.
func read(ctx context.Context, q Querier, table string, opts Options) (plan, error) {
	var p plan
	if !opts.KeepForeignKeys {
		rows, err := q.Query(ctx, `SELECT c.conname::text,
			       format('ALTER TABLE %s DROP CONSTRAINT %I', c.conrelid::regclass, c.conname),
			       format('ALTER TABLE %s ADD CONSTRAINT %I %s', c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid)),
			       CASE WHEN d IS NULL THEN '' ELSE format('COMMENT ON CONSTRAINT %I ON %s IS %L', c.conname, c.conrelid::regclass, d) END
			FROM pg_constraint c, obj_description(c.oid, 'pg_constraint') AS d
			WHERE c.conrelid = $1::regclass AND c.contype = 'f'
			ORDER BY 1`, table)
		if err != nil {
			return plan{}, fmt.Errorf("reading the foreign keys of %s: %w", table, err)
		}
		if p.foreignKeys, err = pgx.CollectRows(rows, pgx.RowToStructByPos[object]); err != nil {
			return plan{}, fmt.Errorf("reading the foreign keys of %s: %w", table, err)
		}
	}
	if !opts.KeepIndexes {
		// An index behind a constraint (primary key, unique, exclusion) is
		// the constraint: it stays.
		rows, err := q.Query(ctx, `SELECT i.indexrelid::regclass::text,
			       format('DROP INDEX %s', i.indexrelid::regclass),
			       pg_get_indexdef(i.indexrelid),
			       CASE WHEN d IS NULL THEN '' ELSE format('COMMENT ON INDEX %s IS %L', i.indexrelid::regclass, d) END
			FROM pg_index i, obj_description(i.indexrelid, 'pg_class') AS d
			WHERE i.indrelid = $1::regclass AND NOT i.indisunique AND NOT i.indisprimary
			  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
			ORDER BY 1`, table)
		if err != nil {
			return plan{}, fmt.Errorf("reading the indexes of %s: %w", table, err)
		}
		if p.indexes, err = pgx.CollectRows(rows, pgx.RowToStructByPos[object]); err != nil {
			return plan{}, fmt.Errorf("reading the indexes of %s: %w", table, err)
		}
	}
	return p, nil
}

// Load runs load in tx with what opts defers on table dropped, then builds
// the indexes again, re-adds the foreign keys (checking every row) and
// restores their comments. table is a table name as SQL reads it.
//
// Load returns load's error unchanged, or an error naming the index or
// foreign key that could not be read, dropped, built or re-added, wrapping
// the database's error: a row that breaks a foreign key fails here with
// SQLSTATE 23503. After any error tx must be rolled back, which leaves the
// table as it was.
func Load(ctx context.Context, tx pgx.Tx, table string, opts Options, load func() error) error {
	p, err := read(ctx, tx, table, opts)
	if err != nil {
		return err
	}
	exec := func(sql, what string) error {
		if _, err := tx.Exec(ctx, sql); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		return nil
	}
	for _, o := range slices.Concat(p.foreignKeys, p.indexes) {
		if err := exec(o.Drop, "dropping "+o.Name+" before the load"); err != nil {
			return err
		}
	}
	if err := load(); err != nil {
		return err
	}
	for _, ix := range p.indexes {
		if err := exec(ix.Create, "building "+ix.Name); err != nil {
			return err
		}
	}
	for _, fk := range p.foreignKeys {
		if err := exec(fk.Create, "checking "+fk.Name); err != nil {
			return err
		}
	}
	for _, o := range slices.Concat(p.indexes, p.foreignKeys) {
		if o.Comment == "" {
			continue
		}
		if err := exec(o.Comment, "restoring the comment of "+o.Name); err != nil {
			return err
		}
	}
	return nil
}

// Statements returns the statements Load runs around the load of table, for
// a script that loads it in one transaction (psql --single-transaction):
// before drops what opts defers, after restores it as the catalog defines it
// now, comments included. It returns an error wrapping the database's when
// the catalog cannot be read.
func Statements(ctx context.Context, q Querier, table string, opts Options) (before, after []string, err error) {
	p, err := read(ctx, q, table, opts)
	if err != nil {
		return nil, nil, err
	}
	for _, o := range slices.Concat(p.foreignKeys, p.indexes) {
		before = append(before, o.Drop)
	}
	for _, o := range slices.Concat(p.indexes, p.foreignKeys) {
		after = append(after, o.Create)
	}
	for _, o := range slices.Concat(p.indexes, p.foreignKeys) {
		if o.Comment != "" {
			after = append(after, o.Comment)
		}
	}
	return before, after, nil
}
