// Package erd draws a PostgreSQL schema as a Mermaid entity-relationship
// diagram (erDiagram), read from the database's own catalog: tables, columns
// with their types, primary, foreign and unique keys, and the relationships
// the foreign keys make, with their cardinality.
//
// docs/schema.md is its output for a database migrated to the head of
// db/migrations; the package's test fails when that file is stale and
// rewrites it when run with -update:
//
//	go test ./internal/erd -update
package erd

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5"
)

// Querier runs catalog queries: a *pgx.Conn, *pgxpool.Pool or pgx.Tx.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// Table is a table of the schema.
type Table struct {
	Name    string
	Comment string // COMMENT ON TABLE, "" when none
	Columns []Column
}

// Column is a column of a table.
type Column struct {
	Name       string
	Type       string // as PostgreSQL prints it, e.g. "character varying(200)"
	NotNull    bool
	Default    string // the default expression, or "identity"; "" when none
	Enum       []string
	PK, FK     bool
	Unique     string   // key of the unique index covering only this column, e.g. "lower(email)"
	UniqueWith []string // keys of the unique indexes on several columns including it, e.g. "aluno_id, turma_id"
}

// Relation is a foreign key: Child.Columns reference Parent.
type Relation struct {
	Name     string // constraint name
	Child    string
	Columns  []string
	Parent   string
	NotNull  bool   // every referencing column is NOT NULL
	Unique   bool   // the referencing columns are unique: at most one child per parent
	OnDelete string // "cascade", "restrict", "set null", "set default" or "no action"
}

// Schema is what Read finds in one PostgreSQL schema.
type Schema struct {
	Tables    []Table    // by name
	Relations []Relation // by child table, then constraint name
}

// Read returns the tables and foreign keys of the PostgreSQL schema named
// schema (e.g. "public"). It returns an error when a catalog query fails.
func Read(ctx context.Context, q Querier, schema string) (*Schema, error) {
	s := &Schema{}
	byName := map[string]*Table{}

	type tableRow struct {
		Name    string
		Comment *string
	}
	tables, err := collect[tableRow](ctx, q, `
		SELECT c.relname, obj_description(c.oid, 'pg_class')
		FROM pg_class c
		WHERE c.relnamespace = $1::regnamespace AND c.relkind IN ('r', 'p')
		ORDER BY c.relname`, schema)
	if err != nil {
		return nil, fmt.Errorf("reading tables: %w", err)
	}
	s.Tables = make([]Table, len(tables))
	for i, t := range tables {
		s.Tables[i] = Table{Name: t.Name, Comment: deref(t.Comment)}
		byName[t.Name] = &s.Tables[i]
	}

	type columnRow struct {
		Table, Name, Type string
		NotNull           bool
		Identity          string
		Default           *string
		Enum              []string
	}
	columns, err := collect[columnRow](ctx, q, `
		SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
		       a.attidentity::text, pg_get_expr(d.adbin, d.adrelid),
		       ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = a.atttypid ORDER BY e.enumsortorder)
		FROM pg_attribute a
		JOIN pg_class c ON c.oid = a.attrelid
		LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
		WHERE c.relnamespace = $1::regnamespace AND c.relkind IN ('r', 'p')
		  AND a.attnum > 0 AND NOT a.attisdropped
		ORDER BY c.relname, a.attnum`, schema)
	if err != nil {
		return nil, fmt.Errorf("reading columns: %w", err)
	}
	for _, c := range columns {
		col := Column{Name: c.Name, Type: c.Type, NotNull: c.NotNull, Default: deref(c.Default), Enum: c.Enum}
		if c.Identity != "" {
			col.Default = "identity"
		}
		byName[c.Table].Columns = append(byName[c.Table].Columns, col)
	}

	// Keys: primary and foreign keys from the constraints; uniqueness from
	// the unique indexes, which also cover unique constraints and
	// expression indexes such as lower(email).
	type keyRow struct {
		Table, Kind string
		Columns     []string
	}
	keys, err := collect[keyRow](ctx, q, `
		SELECT c.relname, k.contype::text,
		       ARRAY(SELECT a.attname::text FROM unnest(k.conkey) WITH ORDINALITY u(n, i)
		             JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n ORDER BY u.i)
		FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
		WHERE c.relnamespace = $1::regnamespace AND k.contype IN ('p', 'f')
		ORDER BY 1, 2`, schema)
	if err != nil {
		return nil, fmt.Errorf("reading keys: %w", err)
	}
	for _, k := range keys {
		t := byName[k.Table]
		for _, name := range k.Columns {
			col := t.column(name)
			switch k.Kind {
			case "p":
				col.PK = true
			case "f":
				col.FK = true
			}
		}
	}

	type uniqueRow struct {
		Table, Def string
		Columns    []string
	}
	uniques, err := collect[uniqueRow](ctx, q, `
		SELECT c.relname, pg_get_indexdef(i.indexrelid),
		       ARRAY(SELECT DISTINCT a.attname::text FROM pg_attribute a
		             WHERE a.attrelid = i.indrelid AND (a.attnum = ANY (i.indkey) OR a.attnum IN (
		                 SELECT d.refobjsubid FROM pg_depend d
		                 WHERE d.classid = 'pg_class'::regclass AND d.objid = i.indexrelid
		                   AND d.refclassid = 'pg_class'::regclass AND d.refobjid = i.indrelid AND d.refobjsubid > 0)))
		FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
		WHERE c.relnamespace = $1::regnamespace AND i.indisunique AND NOT i.indisprimary AND i.indpred IS NULL
		ORDER BY 1, 2`, schema)
	if err != nil {
		return nil, fmt.Errorf("reading unique indexes: %w", err)
	}
	for _, u := range uniques {
		if len(u.Columns) == 1 {
			byName[u.Table].column(u.Columns[0]).Unique = indexKey(u.Def)
			continue
		}
		for _, name := range u.Columns {
			col := byName[u.Table].column(name)
			col.UniqueWith = append(col.UniqueWith, indexKey(u.Def))
		}
	}

	type relationRow struct {
		Name, Child string
		Columns     []string
		Parent      string
		NotNull     bool
		Unique      bool
		OnDelete    string
	}
	relations, err := collect[relationRow](ctx, q, `
		SELECT k.conname, c.relname,
		       ARRAY(SELECT a.attname::text FROM unnest(k.conkey) WITH ORDINALITY u(n, i)
		             JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n ORDER BY u.i),
		       p.relname,
		       NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = k.conrelid AND a.attnum = ANY (k.conkey) AND NOT a.attnotnull),
		       EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = k.conrelid AND i.indisunique AND i.indpred IS NULL
		               AND i.indexprs IS NULL AND i.indkey::int2[] @> k.conkey AND i.indkey::int2[] <@ k.conkey),
		       CASE k.confdeltype WHEN 'c' THEN 'cascade' WHEN 'r' THEN 'restrict' WHEN 'n' THEN 'set null'
		                          WHEN 'd' THEN 'set default' ELSE 'no action' END
		FROM pg_constraint k
		JOIN pg_class c ON c.oid = k.conrelid
		JOIN pg_class p ON p.oid = k.confrelid
		WHERE c.relnamespace = $1::regnamespace AND k.contype = 'f'
		ORDER BY c.relname, k.conname`, schema)
	if err != nil {
		return nil, fmt.Errorf("reading foreign keys: %w", err)
	}
	for _, r := range relations {
		s.Relations = append(s.Relations, Relation(r))
	}
	return s, nil
}

func collect[T any](ctx context.Context, q Querier, sql string, args ...any) ([]T, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[T])
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func (t *Table) column(name string) *Column {
	for i := range t.Columns {
		if t.Columns[i].Name == name {
			return &t.Columns[i]
		}
	}
	panic(fmt.Sprintf("erd: table %s has no column %s", t.Name, name)) // the catalog is consistent
}

var indexKeyRE = regexp.MustCompile(`USING \w+ \((.*)\)$`)

// indexKey returns the key of an index definition: "lower(email)" from
// "CREATE UNIQUE INDEX ... USING btree (lower(email))".
func indexKey(def string) string {
	if m := indexKeyRE.FindStringSubmatch(def); m != nil {
		return m[1]
	}
	return def
}

// Mermaid returns s as a Mermaid erDiagram: the relationships first, then
// each table with its columns. Column types are PostgreSQL's short names;
// a type Mermaid cannot spell (such as numeric(4,2)) is shortened and given
// in full in the column's comment, together with NULL-ability, defaults,
// enum values and the expression of a unique index.
func (s *Schema) Mermaid() string {
	var b strings.Builder
	b.WriteString("erDiagram\n")
	for _, r := range s.Relations {
		parent := "||"
		if !r.NotNull {
			parent = "|o"
		}
		child := "o{"
		if r.Unique {
			child = "o|"
		}
		fmt.Fprintf(&b, "    %s %s--%s %s : %q\n", r.Parent, parent, child, r.Child,
			strings.Join(r.Columns, ", ")+", on delete "+r.OnDelete)
	}
	for _, t := range s.Tables {
		fmt.Fprintf(&b, "    %s {\n", t.Name)
		for _, c := range t.Columns {
			typ, notes := mermaidType(c.Type)
			var keys []string
			if c.PK {
				keys = append(keys, "PK")
			}
			if c.FK {
				keys = append(keys, "FK")
			}
			if c.Unique != "" && !c.PK {
				keys = append(keys, "UK")
				if c.Unique != c.Name {
					notes = append(notes, "unique "+c.Unique)
				}
			}
			for _, k := range c.UniqueWith {
				notes = append(notes, "unique ("+k+")")
			}
			if !c.NotNull {
				notes = append(notes, "nullable")
			}
			switch c.Default {
			case "":
			case "identity":
				notes = append(notes, "identity")
			default:
				notes = append(notes, "default "+strings.TrimSuffix(c.Default, "::"+c.Type))
			}
			if len(c.Enum) > 0 {
				notes = append(notes, strings.Join(c.Enum, " | "))
			}
			line := "        " + typ + " " + c.Name
			if len(keys) > 0 {
				line += " " + strings.Join(keys, ", ")
			}
			if len(notes) > 0 {
				line += ` "` + strings.ReplaceAll(strings.Join(notes, "; "), `"`, "'") + `"`
			}
			b.WriteString(line + "\n")
		}
		b.WriteString("    }\n")
	}
	return b.String()
}

// shortTypes are PostgreSQL's short names of types format_type spells in
// several words.
var shortTypes = []struct{ long, short string }{
	{"timestamp with time zone", "timestamptz"},
	{"timestamp without time zone", "timestamp"},
	{"time with time zone", "timetz"},
	{"time without time zone", "time"},
	{"character varying", "varchar"},
	{"bit varying", "varbit"},
	{"double precision", "float8"},
	{"character", "char"},
}

// mermaidWord is what Mermaid accepts as an attribute type.
var mermaidWord = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_\-\[\]()]*$`)

// mermaidType spells typ for Mermaid; notes carry the full type when it had
// to be shortened.
func mermaidType(typ string) (word string, notes []string) {
	word = typ
	for _, s := range shortTypes {
		if rest, ok := strings.CutPrefix(word, s.long); ok {
			word = s.short + rest
			break
		}
	}
	word = strings.ReplaceAll(word, " ", "_")
	if mermaidWord.MatchString(word) {
		return word, nil
	}
	base, _, _ := strings.Cut(word, "(")
	if !mermaidWord.MatchString(base) {
		base = "type"
	}
	return base, []string{typ}
}

// Markdown returns the document docs/schema.md: a title, how it was made,
// the diagram, and the tables with their comments.
func (s *Schema) Markdown(title, source string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", title)
	fmt.Fprintf(&b, "<!-- Generated by `go test ./internal/erd -update`. Do not edit. -->\n\n")
	fmt.Fprintf(&b, "%s\n\n", source)
	b.WriteString("```mermaid\n")
	b.WriteString(s.Mermaid())
	b.WriteString("```\n\n")
	b.WriteString("Keys: PK primary key, FK foreign key, UK unique. Relationships read parent to child:\n")
	b.WriteString("`||--o{` one parent, any number of children.\n\n")
	b.WriteString("| table | columns | what it holds |\n|---|---|---|\n")
	for _, t := range s.Tables {
		fmt.Fprintf(&b, "| `%s` | %d | %s |\n", t.Name, len(t.Columns), strings.ReplaceAll(t.Comment, "|", `\|`))
	}
	return b.String()
}
