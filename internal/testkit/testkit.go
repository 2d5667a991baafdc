// Package testkit holds the helpers the domain packages' tests share:
// error assertions, row counts, table snapshots, page walking, and the
// comparison of Go text rules with the migrated catalog. Databases come from
// package dbtest.
package testkit

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/versiona/versiona"
)

// WantErr fails t unless err matches kind and is a *versiona.Error naming
// field.
func WantErr(t testing.TB, err, kind error, field string) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("error = %v, want %v", err, kind)
	}
	var de *versiona.Error
	if !errors.As(err, &de) {
		t.Fatalf("error %v is not a *versiona.Error", err)
	}
	if de.Field != field {
		t.Fatalf("error %v names field %q, want %q", err, de.Field, field)
	}
}

// Count returns the number of rows of table.
func Count(t testing.TB, pool *pgxpool.Pool, table string) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), "SELECT count(*) FROM "+pgx.Identifier{table}.Sanitize()).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Snapshot returns the content of tables (each with an id column) as one
// string: equal snapshots mean no row was added, changed or removed.
func Snapshot(t testing.TB, pool *pgxpool.Pool, tables ...string) string {
	t.Helper()
	parts := make([]string, len(tables))
	for i, table := range tables {
		q := "SELECT coalesce(string_agg(r::text, ',' ORDER BY id), '') FROM " + pgx.Identifier{table}.Sanitize() + " r"
		if err := pool.QueryRow(context.Background(), q).Scan(&parts[i]); err != nil {
			t.Fatal(err)
		}
	}
	return strings.Join(parts, " | ")
}

// PageIDs calls list with the last id of each page until a page is empty
// and returns every id seen.
func PageIDs(t testing.TB, list func(after int64) ([]int64, error)) []int64 {
	t.Helper()
	var all []int64
	var after int64
	for {
		ids, err := list(after)
		if err != nil {
			t.Fatal(err)
		}
		if len(ids) == 0 {
			return all
		}
		all = append(all, ids...)
		after = ids[len(ids)-1]
	}
}
