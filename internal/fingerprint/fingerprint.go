package fingerprint

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
)

// RevisionsSchema is the schema of the migration engine's revisions table,
// left out of every fingerprint.
const RevisionsSchema = "atlas_schema_revisions"

// Querier runs a query: *sql.DB, *sql.Conn and *sql.Tx satisfy it.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Fact is one line of a fingerprint.
type Fact struct {
	Kind      string // "table", "column", "index", "materialized view", ...
	Name      string // qualified and quoted as PostgreSQL quotes identifiers: public.comentario.texto
	Attribute string // "type", "default", "definition", "comment", ...
	Value     string // "" for a fact that is its attribute alone ("not null")
}

// Object is the fact's kind and name: "column public.comentario.texto".
func (f Fact) Object() string { return f.Kind + " " + f.Name }

// phrase is the attribute with its value: "collation \"C\"".
func (f Fact) phrase() string {
	if f.Value == "" {
		return f.Attribute
	}
	return f.Attribute + " " + f.Value
}

// String is the fact's line, without a line break.
func (f Fact) String() string { return f.Object() + ": " + f.phrase() }

// Fingerprint is a database schema's facts, sorted by kind, name and
// attribute. Each object has at most one fact per attribute.
type Fingerprint struct {
	Facts []Fact
}

// Equal reports whether fp and other have the same facts, that is the same
// text.
func (fp Fingerprint) Equal(other Fingerprint) bool { return slices.Equal(fp.Facts, other.Facts) }

// String is the fingerprint's text: one fact per line, each line ending in
// a line break. Line breaks, tabs and backslashes inside names and values
// are escaped as \n, \r, \t and \\, so the text is one line per fact.
func (fp Fingerprint) String() string {
	var b strings.Builder
	for _, f := range fp.Facts {
		b.WriteString(f.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// Option changes what Read reads.
type Option func(*options)

type options struct {
	excluded []string
	// forgotten are catalogs of readCatalogs taken for unread, by tests of
	// the unclassified objects check.
	forgotten []string
}

// ExcludeSchemas leaves the named schemas, and everything in them, out of
// the fingerprint, in addition to RevisionsSchema and the system schemas.
func ExcludeSchemas(names ...string) Option {
	return func(o *options) { o.excluded = append(o.excluded, names...) }
}

// Read reads the fingerprint of the schema of the database q is connected
// to, in one statement. Given a *sql.DB it uses one of its connections for
// the whole read. It sets the session's search_path, DateStyle,
// IntervalStyle, TimeZone, extra_float_digits, quote_all_identifiers and
// jit for the read and puts them back afterwards, so a *sql.Conn or
// *sql.Tx is left as it was. It returns the database's error, wrapped,
// when a query fails, and an *UnclassifiedError naming them when the
// database holds objects the fingerprint does not read.
func Read(ctx context.Context, q Querier, opts ...Option) (Fingerprint, error) {
	o := options{excluded: []string{RevisionsSchema}}
	for _, opt := range opts {
		opt(&o)
	}
	if db, ok := q.(interface {
		Conn(context.Context) (*sql.Conn, error)
	}); ok {
		conn, err := db.Conn(ctx)
		if err != nil {
			return Fingerprint{}, fmt.Errorf("reading fingerprint: %w", err)
		}
		defer conn.Close()
		q = conn
	}
	restore, err := pinSettings(ctx, q)
	if err != nil {
		return Fingerprint{}, fmt.Errorf("reading fingerprint: %w", err)
	}
	facts, unclassified, err := readSchema(ctx, q, o)
	if rerr := restore(); err == nil && rerr != nil {
		err = rerr
	}
	if err != nil {
		return Fingerprint{}, fmt.Errorf("reading fingerprint: %w", err)
	}
	if len(unclassified) > 0 {
		return Fingerprint{}, &UnclassifiedError{Objects: unclassified}
	}
	return Fingerprint{Facts: facts}, nil
}

// readSchema reads, on a session with pinnedSettings, the facts and the
// objects the fingerprint does not classify.
func readSchema(ctx context.Context, q Querier, o options) (facts []Fact, unclassified []string, err error) {
	present, err := queryPairs(ctx, q, presentQuery())
	if err != nil {
		return nil, nil, err
	}
	holds := func(catalog string) bool {
		return slices.ContainsFunc(present, func(p [2]string) bool { return p[0] == catalog })
	}
	if facts, err = readFacts(ctx, q, catalogQuery(o.excluded, holds)); err != nil {
		return nil, nil, err
	}
	unclassified, err = readUnclassified(ctx, q, o.excluded, o.forgotten)
	return facts, unclassified, err
}

// readFacts runs query and returns its rows as sorted, escaped facts.
func readFacts(ctx context.Context, q Querier, query string) ([]Fact, error) {
	rows, err := q.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var facts []Fact
	for rows.Next() {
		var f Fact
		if err := rows.Scan(&f.Kind, &f.Name, &f.Attribute, &f.Value); err != nil {
			return nil, err
		}
		f.Name, f.Value = escape(f.Name), escape(f.Value)
		facts = append(facts, f)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(facts, compareFacts)
	return facts, nil
}

func compareFacts(a, b Fact) int {
	if c := strings.Compare(a.Kind, b.Kind); c != 0 {
		return c
	}
	if c := strings.Compare(a.Name, b.Name); c != 0 {
		return c
	}
	if c := strings.Compare(a.Attribute, b.Attribute); c != 0 {
		return c
	}
	return strings.Compare(a.Value, b.Value)
}

var escaper = strings.NewReplacer(`\`, `\\`, "\n", `\n`, "\r", `\r`, "\t", `\t`)

func escape(s string) string { return escaper.Replace(s) }

// pinnedSettings are the session settings the deparsers' output depends
// on, with the values a read uses: an empty search_path qualifies every
// name outside pg_catalog. JIT compilation, which the planner may choose
// for the catalogs of a large schema, would cost more than the read.
var pinnedSettings = [][2]string{
	{"search_path", ""},
	{"DateStyle", "ISO, YMD"},
	{"IntervalStyle", "postgres"},
	{"TimeZone", "UTC"},
	{"extra_float_digits", "1"},
	{"quote_all_identifiers", "off"},
	{"jit", "off"},
}

// pinSettings sets pinnedSettings on q's session and returns the function
// that puts back the values it found. One statement reads and sets: the
// subquery, kept apart by OFFSET 0, reads before the outer list sets.
func pinSettings(ctx context.Context, q Querier) (restore func() error, err error) {
	var get, set, put []string
	saved := make([]any, len(pinnedSettings))
	for i, s := range pinnedSettings {
		get = append(get, fmt.Sprintf("current_setting('%s') AS s%d", s[0], i))
		set = append(set, fmt.Sprintf("s%d, set_config('%s', '%s', false)", i, s[0], s[1]))
		put = append(put, fmt.Sprintf("set_config('%s', $%d, false)", s[0], i+1))
		saved[i] = new(string)
	}
	var dest []any // each saved value, then what set_config returned
	for _, v := range saved {
		dest = append(dest, v, new(string))
	}
	pin := "SELECT " + strings.Join(set, ", ") + " FROM (SELECT " + strings.Join(get, ", ") + " OFFSET 0) saved"
	if err := queryRow(ctx, q, pin, nil, dest...); err != nil {
		return nil, err
	}
	args := make([]any, len(saved))
	for i, v := range saved {
		args[i] = *v.(*string)
	}
	return func() error {
		// The session is put back even when the read was cancelled.
		return queryRow(context.WithoutCancel(ctx), q, "SELECT "+strings.Join(put, ", "), args)
	}, nil
}

// queryRow runs a query of one row and scans it into dest, or discards
// it when dest is empty.
func queryRow(ctx context.Context, q Querier, query string, args []any, dest ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return err
		}
		return sql.ErrNoRows
	}
	if len(dest) > 0 {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
	}
	return rows.Close()
}
