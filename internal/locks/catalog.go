package locks

import (
	"context"
	"fmt"
)

// userRelations restricts a pg_class query aliased c, joined to pg_namespace
// n, to the relations of user schemas.
const userRelations = `n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\_%'`

// ReadEnv reads from the database what Lint needs to know about it: its
// tables, the table of each index, the type of each column and the columns
// with a validated CHECK (col IS NOT NULL). Call it on a database at the
// version before the file (the replay's scratch copy), then set
// Transactional for the file. It returns the database error if a query
// fails.
func ReadEnv(ctx context.Context, q Querier) (Env, error) {
	tables := map[qname]bool{}
	partitioned := map[qname]bool{}
	indexes := map[qname]qname{}
	types := map[columnKey]string{}
	checked := map[columnKey]bool{}
	reads := []struct {
		what, query string
		row         func(s []string)
		columns     int
	}{
		{"tables", `SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE c.relkind IN ('r', 'p', 'm') AND ` + userRelations,
			func(s []string) { tables[qname{s[0], s[1]}] = true }, 2},
		{"partitioned tables", `SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE c.relkind = 'p' AND ` + userRelations,
			func(s []string) { partitioned[qname{s[0], s[1]}] = true }, 2},
		{"indexes", `SELECT n.nspname, c.relname, tn.nspname, t.relname FROM pg_index i
			JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
			JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace tn ON tn.oid = t.relnamespace
			WHERE ` + userRelations,
			func(s []string) { indexes[qname{s[0], s[1]}] = qname{s[2], s[3]} }, 4},
		{"column types", `SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod)
			FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p') AND ` + userRelations,
			func(s []string) { types[columnKey{qname{s[0], s[1]}, s[2]}] = s[3] }, 4},
		{"checks", `SELECT n.nspname, c.relname, pg_get_constraintdef(k.oid) FROM pg_constraint k
			JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE k.contype = 'c' AND k.convalidated AND ` + userRelations,
			func(s []string) {
				if col := checkNotNullColumn(s[2]); col != "" {
					checked[columnKey{qname{s[0], s[1]}, col}] = true
				}
			}, 3},
	}
	for _, r := range reads {
		if err := scanStrings(ctx, q, r.query, r.columns, r.row); err != nil {
			return Env{}, fmt.Errorf("reading %s: %w", r.what, err)
		}
	}
	return Env{
		Existing: func(schema, table string) bool { return tables[qname{schema, table}] },
		IndexTable: func(schema, index string) (string, string, bool) {
			t, ok := indexes[qname{schema, index}]
			return t.schema, t.name, ok
		},
		NotNullChecked: func(schema, table, column string) bool { return checked[columnKey{qname{schema, table}, column}] },
		ColumnType: func(schema, table, column string) (string, bool) {
			t, ok := types[columnKey{qname{schema, table}, column}]
			return t, ok
		},
		Partitioned: func(schema, table string) bool { return partitioned[qname{schema, table}] },
	}, nil
}

// checkNotNullColumn returns c when def, as pg_get_constraintdef prints it,
// is CHECK ((c IS NOT NULL)).
func checkNotNullColumn(def string) string {
	toks := tokenize(def)
	if !hasWords(toks, "check") {
		return ""
	}
	_, next, ok := group(toks[1:])
	if !ok || 1+next != len(toks) {
		return ""
	}
	return notNullColumn(toks[1:])
}

// scanStrings runs query and calls row with each row's n text columns.
func scanStrings(ctx context.Context, q Querier, query string, n int, row func([]string)) error {
	rows, err := q.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	vals := make([]string, n)
	ptrs := make([]any, n)
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		row(vals)
	}
	return rows.Err()
}
