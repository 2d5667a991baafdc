package testkit

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/versiona/versiona/internal/check"
)

// Bounds is a length range in characters; Max 0 means no upper bound.
type Bounds struct{ Min, Max int }

func (b Bounds) String() string {
	if b.Max == 0 {
		return fmt.Sprintf("%d to unbounded", b.Min)
	}
	return fmt.Sprintf("%d to %d", b.Min, b.Max)
}

// charLength matches one comparison of char_length(column) with a constant
// as pg_get_constraintdef prints it, e.g. "char_length(nome) >= 1" or
// "char_length((texto)::text) <= 200".
var charLength = regexp.MustCompile(`char_length\(\(?(\w+)\)?(?:::text)?\) (>=|<=|>|<|=) (\d+)`)

// CatalogTextBounds reads the length bounds of every text column of tables
// from the catalog of pool's database: the CHECK constraints comparing
// char_length(column) with constants, and varchar(n) types. Columns with no
// bound are absent.
func CatalogTextBounds(ctx context.Context, pool *pgxpool.Pool, tables []string) (map[string]Bounds, error) {
	bounds := map[string]Bounds{}
	rows, err := pool.Query(ctx, `
		SELECT c.conrelid::regclass::text, pg_get_constraintdef(c.oid)
		FROM pg_constraint c
		WHERE c.contype = 'c' AND c.conrelid::regclass::text = ANY($1)`, tables)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var table, def string
		if err := rows.Scan(&table, &def); err != nil {
			return nil, err
		}
		for _, m := range charLength.FindAllStringSubmatch(def, -1) {
			key := table + "." + m[1]
			n, _ := strconv.Atoi(m[3])
			bounds[key] = tighten(bounds[key], m[2], n)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = pool.Query(ctx, `
		SELECT a.attrelid::regclass::text, a.attname, a.atttypmod - 4
		FROM pg_attribute a
		WHERE a.attrelid::regclass::text = ANY($1) AND a.attnum > 0 AND NOT a.attisdropped
		  AND a.atttypid = 'varchar'::regtype AND a.atttypmod > 4`, tables)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var table, column string
		var n int
		if err := rows.Scan(&table, &column, &n); err != nil {
			return nil, err
		}
		bounds[table+"."+column] = tighten(bounds[table+"."+column], "<=", n)
	}
	return bounds, rows.Err()
}

// tighten narrows b by "char_length op n".
func tighten(b Bounds, op string, n int) Bounds {
	lower, upper := -1, -1
	switch op {
	case ">=":
		lower = n
	case ">":
		lower = n + 1
	case "<=":
		upper = n
	case "<":
		upper = n - 1
	case "=":
		lower, upper = n, n
	}
	if lower > b.Min {
		b.Min = lower
	}
	if upper >= 0 && (b.Max == 0 || upper < b.Max) {
		b.Max = upper
	}
	return b
}

// CheckTextRules fails t when a rule's bounds differ from the database's
// for its column, or when the catalog bounds a column of the rules' tables
// that no rule covers. pool must be on a migrated database.
func CheckTextRules(t testing.TB, pool *pgxpool.Pool, rules []check.Text) {
	t.Helper()
	var tables []string
	for _, r := range rules {
		if !slices.Contains(tables, r.Table) {
			tables = append(tables, r.Table)
		}
	}
	db, err := CatalogTextBounds(context.Background(), pool, tables)
	if err != nil {
		t.Fatalf("reading the catalog: %v", err)
	}
	covered := map[string]bool{}
	for _, r := range rules {
		key := r.Table + "." + r.ColumnName()
		covered[key] = true
		if got, want := (Bounds{Min: r.Min, Max: r.Max}), db[key]; got != want {
			t.Errorf("%s %s: Go rule allows %s characters, the database %s", r.Entity, r.Field, got, want)
		}
	}
	for key, b := range db {
		if !covered[key] {
			t.Errorf("the database bounds %s to %s characters, but no Go rule covers it", key, b)
		}
	}
}

// Range is a numeric range from the catalog; HasMax false means no upper
// bound, HasMin false no lower one.
type Range struct {
	Min, Max       float64
	HasMin, HasMax bool
}

func (r Range) String() string {
	lo, hi := "unbounded", "unbounded"
	if r.HasMin {
		lo = strconv.FormatFloat(r.Min, 'g', -1, 64)
	}
	if r.HasMax {
		hi = strconv.FormatFloat(r.Max, 'g', -1, 64)
	}
	return lo + " to " + hi
}

// numericBound matches one comparison of a column with a constant as
// pg_get_constraintdef prints it, e.g. "(vagas > 0)" or
// "(nota <= (10)::numeric)".
var numericBound = regexp.MustCompile(`\((\w+) (>=|<=|>|<) \(?(-?[\d.]+)\)?(?:::\w+)?\)`)

// CatalogRanges reads the numeric bounds the CHECK constraints of tables
// put on their columns. On an integer column "> n" is "from n+1"; on
// others an exclusive bound is an error, since Range has none.
func CatalogRanges(ctx context.Context, pool *pgxpool.Pool, tables []string) (map[string]Range, error) {
	rows, err := pool.Query(ctx, `
		SELECT c.conrelid::regclass::text, pg_get_constraintdef(c.oid),
		       coalesce(array_agg(a.attname::text) FILTER (WHERE a.atttypid IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype)), '{}')
		FROM pg_constraint c
		JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey)
		WHERE c.contype = 'c' AND c.conrelid::regclass::text = ANY($1)
		GROUP BY c.oid`, tables)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ranges := map[string]Range{}
	for rows.Next() {
		var table, def string
		var ints []string
		if err := rows.Scan(&table, &def, &ints); err != nil {
			return nil, err
		}
		for _, m := range numericBound.FindAllStringSubmatch(def, -1) {
			key := table + "." + m[1]
			n, _ := strconv.ParseFloat(m[3], 64)
			r := ranges[key]
			exclusive := m[2] == ">" || m[2] == "<"
			if exclusive && !slices.Contains(ints, m[1]) {
				return nil, fmt.Errorf("%s: exclusive bound on a non-integer column in %s", key, def)
			}
			switch m[2] {
			case ">", ">=":
				if m[2] == ">" {
					n++
				}
				r.Min, r.HasMin = n, true
			case "<", "<=":
				if m[2] == "<" {
					n--
				}
				r.Max, r.HasMax = n, true
			}
			ranges[key] = r
		}
	}
	return ranges, rows.Err()
}

// CheckRangeRules fails t when a numeric rule differs from the database's
// bounds for its column, or when the catalog bounds a column of the rules'
// tables that no rule covers. pool must be on a migrated database.
func CheckRangeRules(t testing.TB, pool *pgxpool.Pool, rules []check.Range) {
	t.Helper()
	var tables []string
	for _, r := range rules {
		if !slices.Contains(tables, r.Table) {
			tables = append(tables, r.Table)
		}
	}
	db, err := CatalogRanges(context.Background(), pool, tables)
	if err != nil {
		t.Fatalf("reading the catalog: %v", err)
	}
	covered := map[string]bool{}
	for _, r := range rules {
		key := r.Table + "." + r.Field
		covered[key] = true
		got := Range{Min: r.Min, HasMin: true, Max: r.Max, HasMax: r.HasMax}
		if want := db[key]; got != want {
			t.Errorf("%s %s: Go rule allows %s, the database %s", r.Entity, r.Field, got, want)
		}
	}
	for key, r := range db {
		if !covered[key] {
			t.Errorf("the database bounds %s to %s, but no Go rule covers it", key, r)
		}
	}
}
