package objects

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"
)

// Querier is one database session: a *sql.Conn or a *sql.Tx (not a pool:
// Read sets the session's search_path for its queries).
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// key is an object's catalog address: the catalog's oid and the object's.
type key struct{ class, obj int64 }

// reader collects a Set from the catalog.
type reader struct {
	set   Set
	byKey map[key]*Object
}

func (r *reader) add(k key, o *Object) {
	o.Comments = map[string]string{}
	r.set[o.ID] = o
	r.byKey[k] = o
}

// Read returns the planned objects of the database at q, leaving out the
// system schemas, Atlas's revisions schema, objects owned by an extension
// (they come with it) and the sequences of identity and serial columns
// (the table planner owns them).
//
// q's search_path is empty while Read runs, so that every name in the
// definitions is schema-qualified; it is restored before Read returns.
// Read returns the first error of a catalog query, saying what it read.
func Read(ctx context.Context, q Querier) (s Set, err error) {
	var path string
	if err := each(ctx, q, "SELECT current_setting('search_path')", func(rows *sql.Rows) error {
		return rows.Scan(&path)
	}); err != nil {
		return nil, fmt.Errorf("reading search_path: %w", err)
	}
	if _, err := q.ExecContext(ctx, "SET search_path = ''"); err != nil {
		return nil, fmt.Errorf("clearing search_path: %w", err)
	}
	defer func() {
		if _, rerr := q.ExecContext(ctx, "SELECT set_config('search_path', $1, false)", path); rerr != nil && err == nil {
			s, err = nil, fmt.Errorf("restoring search_path: %w", rerr)
		}
	}()
	r := &reader{set: Set{}, byKey: map[key]*Object{}}
	for _, step := range []struct {
		what string
		fn   func(context.Context, Querier) error
	}{
		{"extensions", r.extensions},
		{"sequences", r.sequences},
		{"collations", r.collations},
		{"domains", r.domains},
		{"composite types", r.composites},
		{"range types", r.ranges},
		{"text search dictionaries", r.tsDictionaries},
		{"text search configurations", r.tsConfigurations},
		{"functions", r.functions},
		{"aggregates", r.aggregates},
		{"casts", r.casts},
		{"event triggers", r.eventTriggers},
		{"publications", r.publications},
		{"views", r.views},
		{"partitions", r.partitions},
		{"partitions' own constraints", r.partitionConstraints},
		{"indexes", r.indexes},
		{"triggers", r.triggers},
		{"policies", r.policies},
		{"constraints", r.constraints},
		{"privileges", r.privileges},
		{"table and column settings", r.settings},
		{"dependencies", r.dependencies},
		{"names in function bodies", r.bodyDependencies},
		{"functions used by tables", r.usedByTables},
		{"comments", r.comments},
	} {
		if err := step.fn(ctx, q); err != nil {
			return nil, fmt.Errorf("reading %s: %w", step.what, err)
		}
	}
	return r.set, nil
}

// each runs query and calls scan on every row.
func each(ctx context.Context, q Querier, query string, scan func(*sql.Rows) error) error {
	rows, err := q.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// userObjects keeps, in a query over a catalog aliased x with namespace
// column nsp, the objects of user schemas not owned by an extension.
func userObjects(catalog, nsp string) string {
	return fmt.Sprintf(`%[2]s IN (SELECT oid FROM pg_namespace WHERE nspname !~ '^pg_'
	    AND nspname NOT IN ('information_schema', 'atlas_schema_revisions'))
	  AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = '%[1]s'::regclass
	    AND e.objid = x.oid AND e.deptype = 'e')`, catalog, nsp)
}

const extensionsQuery = `
SELECT x.oid::int8, quote_ident(x.extname), quote_ident(n.nspname), x.extversion
FROM pg_extension x JOIN pg_namespace n ON n.oid = x.extnamespace
WHERE x.extname <> 'plpgsql'`

func (r *reader) extensions(ctx context.Context, q Querier) error {
	return each(ctx, q, extensionsQuery, func(rows *sql.Rows) error {
		var oid int64
		o := &Object{ID: ID{Kind: Extension}}
		if err := rows.Scan(&oid, &o.Name, &o.Schema, &o.Version); err != nil {
			return err
		}
		o.Create = fmt.Sprintf("CREATE EXTENSION %s WITH SCHEMA %s VERSION %s", o.Name, o.Schema, quote(o.Version))
		o.Drop = "DROP EXTENSION IF EXISTS " + o.Name
		r.add(key{classExtension, oid}, o)
		return nil
	})
}

// The catalogs' oids are fixed in every PostgreSQL release.
const (
	classClass     = 1259 // pg_class
	classProc      = 1255 // pg_proc
	classTrigger   = 2620 // pg_trigger
	classExtension = 3079 // pg_extension
)

// quote returns s as an SQL string literal.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

var sequencesQuery = `
SELECT x.oid::int8, format('%I.%I', n.nspname, x.relname), x.relname,
       format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle,
       COALESCE(own.col, ''), COALESCE(own.tbl, ''), COALESCE(own.att, ''),
       COALESCE((SELECT string_agg(pg_get_expr(ad.adbin, ad.adrelid), E'\n') FROM pg_depend u
                 JOIN pg_attrdef ad ON ad.oid = u.objid
                 WHERE u.classid = 'pg_attrdef'::regclass AND u.refclassid = 'pg_class'::regclass
                   AND u.refobjid = x.oid), '')
FROM pg_class x
JOIN pg_namespace n ON n.oid = x.relnamespace
JOIN pg_sequence s ON s.seqrelid = x.oid
LEFT JOIN LATERAL (
  SELECT format('%I.%I.%I', tn.nspname, t.relname, a.attname) AS col,
         tn.nspname || '.' || t.relname AS tbl, a.attname::text AS att
  FROM pg_depend d
  JOIN pg_class t ON t.oid = d.refobjid
  JOIN pg_namespace tn ON tn.oid = t.relnamespace
  JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
  WHERE d.classid = 'pg_class'::regclass AND d.objid = x.oid
    AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'a'
) own ON true
WHERE x.relkind = 'S' AND ` + userObjects("pg_class", "x.relnamespace") + `
  AND NOT EXISTS (SELECT 1 FROM pg_depend i WHERE i.classid = 'pg_class'::regclass
    AND i.objid = x.oid AND i.deptype = 'i')`

// serialDefault matches the default of a column Atlas inspects as serial
// (and creates with its sequence): nextval('<table>_<column>_seq').
var serialDefault = regexp.MustCompile(`(?i) *nextval\('(?:"?[\w$]+"?\.)?"?([\w$]+_[\w$]+_seq)"?'(?:::regclass)*\) *$`)

func (r *reader) sequences(ctx context.Context, q Querier) error {
	return each(ctx, q, sequencesQuery, func(rows *sql.Rows) error {
		var (
			oid                          int64
			name, typ, table, column     string
			defaults                     string
			start, incr, min, max, cache int64
			cycle                        bool
		)
		o := &Object{ID: ID{Kind: Sequence}}
		if err := rows.Scan(&oid, &o.Name, &name, &typ, &start, &incr, &min, &max, &cache, &cycle, &o.OwnedBy, &table, &column, &defaults); err != nil {
			return err
		}
		if serial(name, defaults) {
			return nil // the table planner's
		}
		if table != "" {
			o.Tables, o.Columns = []string{table}, []string{table + "." + column}
		}
		opts := fmt.Sprintf("AS %s INCREMENT BY %d MINVALUE %d MAXVALUE %d START WITH %d CACHE %d", typ, incr, min, max, start, cache)
		if !cycle {
			opts += " NO"
		}
		opts += " CYCLE"
		o.Create = "CREATE SEQUENCE " + o.Name + " " + opts
		o.Alter = "ALTER SEQUENCE " + o.Name + " " + opts
		o.Drop = "DROP SEQUENCE IF EXISTS " + o.Name
		r.add(key{classClass, oid}, o)
		return nil
	})
}

var functionsQuery = `
SELECT x.oid::int8, x.prokind = 'p', format('%I.%I(%s)', n.nspname, x.proname, oidvectortypes(x.proargtypes)),
       pg_get_functiondef(x.oid), COALESCE(pg_get_function_result(x.oid), '') || ' ' || pg_get_function_arguments(x.oid)
FROM pg_proc x JOIN pg_namespace n ON n.oid = x.pronamespace
WHERE x.prokind IN ('f', 'p') AND ` + userObjects("pg_proc", "x.pronamespace") + `
  AND ` + notInternal("pg_proc")

func (r *reader) functions(ctx context.Context, q Querier) error {
	return each(ctx, q, functionsQuery, func(rows *sql.Rows) error {
		var (
			oid  int64
			proc bool
		)
		o := &Object{ID: ID{Kind: Function}}
		if err := rows.Scan(&oid, &proc, &o.Name, &o.Create, &o.Signature); err != nil {
			return err
		}
		if proc {
			o.Kind = Procedure
		}
		o.Drop = "DROP " + strings.ToUpper(string(o.Kind)) + " IF EXISTS " + o.Name
		r.add(key{classProc, oid}, o)
		return nil
	})
}

var viewsQuery = `
SELECT x.oid::int8, x.relkind = 'm', format('%I.%I', n.nspname, x.relname),
       pg_get_viewdef(x.oid), COALESCE(array_to_string(x.reloptions, ', '), ''), x.relispopulated
FROM pg_class x JOIN pg_namespace n ON n.oid = x.relnamespace
WHERE x.relkind IN ('v', 'm') AND ` + userObjects("pg_class", "x.relnamespace")

func (r *reader) views(ctx context.Context, q Querier) error {
	return each(ctx, q, viewsQuery, func(rows *sql.Rows) error {
		var (
			oid            int64
			mat, populated bool
			def, opts      string
		)
		o := &Object{ID: ID{Kind: View}}
		if err := rows.Scan(&oid, &mat, &o.Name, &def, &opts, &populated); err != nil {
			return err
		}
		def = strings.TrimRight(strings.TrimSpace(def), ";")
		if mat {
			o.Kind = MaterializedView
		}
		verb := strings.ToUpper(string(o.Kind))
		o.Create = "CREATE " + verb + " " + o.Name
		if opts != "" {
			o.Create += " WITH (" + opts + ")"
		}
		o.Create += " AS\n" + def
		if mat && populated {
			o.Create += "\nWITH DATA"
		} else if mat {
			o.Create += "\nWITH NO DATA"
		}
		o.Drop = "DROP " + verb + " " + o.Name
		r.add(key{classClass, oid}, o)
		return nil
	})
}

var indexesQuery = `
SELECT x.oid::int8, format('%I.%I', n.nspname, x.relname), pg_get_indexdef(x.oid)
FROM pg_index i
JOIN pg_class x ON x.oid = i.indexrelid
JOIN pg_class m ON m.oid = i.indrelid AND (m.relkind = 'm' OR m.relispartition AND NOT x.relispartition
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.oid))
JOIN pg_namespace n ON n.oid = x.relnamespace
WHERE ` + userObjects("pg_class", "x.relnamespace")

func (r *reader) indexes(ctx context.Context, q Querier) error {
	return each(ctx, q, indexesQuery, func(rows *sql.Rows) error {
		var oid int64
		o := &Object{ID: ID{Kind: Index}}
		if err := rows.Scan(&oid, &o.Name, &o.Create); err != nil {
			return err
		}
		o.Drop = "DROP INDEX " + o.Name
		r.add(key{classClass, oid}, o)
		return nil
	})
}

var triggersQuery = `
SELECT x.oid::int8, format('%I ON %I.%I', x.tgname, n.nspname, c.relname), pg_get_triggerdef(x.oid)
FROM pg_trigger x
JOIN pg_class c ON c.oid = x.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE NOT x.tgisinternal AND x.tgparentid = 0 AND ` + userObjects("pg_trigger", "c.relnamespace")

func (r *reader) triggers(ctx context.Context, q Querier) error {
	return each(ctx, q, triggersQuery, func(rows *sql.Rows) error {
		var oid int64
		o := &Object{ID: ID{Kind: Trigger}}
		if err := rows.Scan(&oid, &o.Name, &o.Create); err != nil {
			return err
		}
		o.Drop = "DROP TRIGGER " + o.Name
		r.add(key{classTrigger, oid}, o)
		return nil
	})
}

// serial reports whether a column default (one a line) calls nextval on the sequence
// name in the form Atlas takes for a serial column, whose sequence it
// creates itself.
func serial(name, defaults string) bool {
	for _, d := range strings.Split(defaults, "\n") {
		if m := serialDefault.FindStringSubmatch(d); m != nil && m[1] == name {
			return true
		}
	}
	return false
}
