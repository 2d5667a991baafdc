package objects

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
)

// More catalogs' fixed oids.
const (
	classType        = 1247 // pg_type
	classCollation   = 3456 // pg_collation
	classCast        = 2605 // pg_cast
	classEventTrig   = 3466 // pg_event_trigger
	classPublication = 6104 // pg_publication
	classTSDict      = 3600 // pg_ts_dict
	classTSConfig    = 3602 // pg_ts_config
)

// notInternal keeps, in a query over a catalog aliased x, the objects that
// no other object created for itself (a range type's constructors and
// multirange casts).
func notInternal(catalog string) string {
	return fmt.Sprintf(`NOT EXISTS (SELECT 1 FROM pg_depend i WHERE i.classid = '%s'::regclass
	    AND i.objid = x.oid AND i.deptype = 'i')`, catalog)
}

var collationsQuery = `
SELECT x.oid::int8, format('%I.%I', n.nspname, x.collname),
       CASE x.collprovider WHEN 'i' THEN 'icu' WHEN 'c' THEN 'libc' ELSE 'default' END,
       COALESCE(x.collcollate, ''), COALESCE(x.collctype, ''), COALESCE(x.colliculocale, ''), x.collisdeterministic
FROM pg_collation x JOIN pg_namespace n ON n.oid = x.collnamespace
WHERE ` + userObjects("pg_collation", "x.collnamespace")

func (r *reader) collations(ctx context.Context, q Querier) error {
	return each(ctx, q, collationsQuery, func(rows *sql.Rows) error {
		var (
			oid                   int64
			provider, coll, ctype string
			icu                   string
			deterministic         bool
		)
		o := &Object{ID: ID{Kind: Collation}}
		if err := rows.Scan(&oid, &o.Name, &provider, &coll, &ctype, &icu, &deterministic); err != nil {
			return err
		}
		opts := []string{"provider = " + provider}
		if provider == "icu" {
			opts = append(opts, "locale = "+quote(icu))
		} else {
			opts = append(opts, "lc_collate = "+quote(coll), "lc_ctype = "+quote(ctype))
		}
		if !deterministic {
			opts = append(opts, "deterministic = false")
		}
		o.Create = "CREATE COLLATION " + o.Name + " (" + strings.Join(opts, ", ") + ")"
		o.Drop = "DROP COLLATION IF EXISTS " + o.Name
		r.add(key{classCollation, oid}, o)
		return nil
	})
}

// domainsQuery lists domains with their base type, collation (when not the
// base type's), default, NOT NULL and CHECK constraints in name order,
// each as name, definition and whether it is validated.
var domainsQuery = `
SELECT x.oid::int8, format('%I.%I', n.nspname, x.typname), format_type(x.typbasetype, x.typtypmod),
       CASE WHEN x.typcollation <> b.typcollation THEN x.typcollation::regcollation::text ELSE '' END,
       COALESCE(pg_get_expr(x.typdefaultbin, 0), ''), x.typnotnull,
       COALESCE((SELECT json_agg(json_build_array(quote_ident(c.conname), pg_get_constraintdef(c.oid), c.convalidated)
                                 ORDER BY c.conname)
                 FROM pg_constraint c WHERE c.contypid = x.oid AND c.contype = 'c'), '[]')
FROM pg_type x
JOIN pg_namespace n ON n.oid = x.typnamespace
JOIN pg_type b ON b.oid = x.typbasetype
WHERE x.typtype = 'd' AND ` + userObjects("pg_type", "x.typnamespace")

func (r *reader) domains(ctx context.Context, q Querier) error {
	return each(ctx, q, domainsQuery, func(rows *sql.Rows) error {
		var (
			oid                   int64
			base, coll, def, cons string
			notNull               bool
		)
		o := &Object{ID: ID{Kind: Domain}}
		if err := rows.Scan(&oid, &o.Name, &base, &coll, &def, &notNull, &cons); err != nil {
			return err
		}
		var checks [][3]any // name, definition, validated
		if err := jsonRows(cons, &checks); err != nil {
			return err
		}
		o.Head = base
		if coll != "" {
			o.Head += " COLLATE " + coll
		}
		alter := "ALTER DOMAIN " + o.Name + " "
		create := []string{"CREATE DOMAIN " + o.Name + " AS " + o.Head}
		if def != "" {
			create = append(create, "DEFAULT "+def)
			o.Parts = append(o.Parts, Part{Key: "default", Add: alter + "SET DEFAULT " + def,
				Drop: alter + "DROP DEFAULT", Change: alter + "SET DEFAULT " + def})
		}
		if notNull {
			create = append(create, "NOT NULL")
			o.Parts = append(o.Parts, Part{Key: "not null", Add: alter + "SET NOT NULL", Drop: alter + "DROP NOT NULL"})
		}
		for _, c := range checks {
			name, def, valid := c[0].(string), c[1].(string), c[2].(bool)
			add := alter + "ADD CONSTRAINT " + name + " " + def
			if valid {
				create = append(create, "CONSTRAINT "+name+" "+def)
			} else {
				o.Then = append(o.Then, add)
			}
			o.Parts = append(o.Parts, Part{Key: "constraint " + name, Add: add, Drop: alter + "DROP CONSTRAINT " + name})
		}
		o.Create = strings.Join(create, " ")
		o.Drop = "DROP DOMAIN IF EXISTS " + o.Name
		r.add(key{classType, oid}, o)
		return nil
	})
}

// compositesQuery lists composite types (not tables' row types) with their
// attributes in order: name, type, collation when not the type's.
var compositesQuery = `
SELECT x.oid::int8, x.typrelid::int8, format('%I.%I', n.nspname, x.typname),
       COALESCE((SELECT json_agg(json_build_array(quote_ident(a.attname), format_type(a.atttypid, a.atttypmod),
                                   CASE WHEN a.attcollation <> t.typcollation THEN a.attcollation::regcollation::text ELSE '' END)
                                 ORDER BY a.attnum)
                 FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
                 WHERE a.attrelid = x.typrelid AND a.attnum > 0 AND NOT a.attisdropped), '[]')
FROM pg_type x
JOIN pg_namespace n ON n.oid = x.typnamespace
JOIN pg_class c ON c.oid = x.typrelid AND c.relkind = 'c'
WHERE x.typtype = 'c' AND ` + userObjects("pg_type", "x.typnamespace")

func (r *reader) composites(ctx context.Context, q Querier) error {
	return each(ctx, q, compositesQuery, func(rows *sql.Rows) error {
		var (
			oid, rel int64
			attrs    string
		)
		o := &Object{ID: ID{Kind: Type}, Head: "composite"}
		if err := rows.Scan(&oid, &rel, &o.Name, &attrs); err != nil {
			return err
		}
		var list [][3]string // name, type, collation
		if err := jsonRows(attrs, &list); err != nil {
			return err
		}
		alter := "ALTER TYPE " + o.Name + " "
		var defs []string
		for _, a := range list {
			typ := a[1]
			if a[2] != "" {
				typ += " COLLATE " + a[2]
			}
			defs = append(defs, a[0]+" "+typ)
			o.Parts = append(o.Parts, Part{Key: "attribute " + a[0], Add: alter + "ADD ATTRIBUTE " + a[0] + " " + typ,
				Drop: alter + "DROP ATTRIBUTE " + a[0], Change: alter + "ALTER ATTRIBUTE " + a[0] + " TYPE " + typ, Locked: true, Positional: true})
		}
		o.Create = "CREATE TYPE " + o.Name + " AS (" + strings.Join(defs, ", ") + ")"
		o.Drop = "DROP TYPE IF EXISTS " + o.Name
		r.add(key{classClass, rel}, o)
		r.byKey[key{classType, oid}] = o // comments and columns name the type
		return nil
	})
}

// rangesQuery lists range types with the options CREATE TYPE … AS RANGE
// takes, those at their default left out.
var rangesQuery = `
SELECT x.oid::int8, format('%I.%I', n.nspname, x.typname), concat_ws(', ',
         'subtype = ' || format_type(g.rngsubtype, NULL),
         CASE WHEN NOT oc.opcdefault THEN 'subtype_opclass = ' || format('%I.%I', ocn.nspname, oc.opcname) END,
         CASE WHEN g.rngcollation <> 0 AND g.rngcollation <> s.typcollation THEN 'collation = ' || g.rngcollation::regcollation::text END,
         CASE WHEN g.rngcanonical <> 0 THEN 'canonical = ' || g.rngcanonical::regproc::text END,
         CASE WHEN g.rngsubdiff <> 0 THEN 'subtype_diff = ' || g.rngsubdiff::regproc::text END,
         'multirange_type_name = ' || format('%I.%I', mn.nspname, m.typname))
FROM pg_type x
JOIN pg_namespace n ON n.oid = x.typnamespace
JOIN pg_range g ON g.rngtypid = x.oid
JOIN pg_type s ON s.oid = g.rngsubtype
JOIN pg_opclass oc ON oc.oid = g.rngsubopc
JOIN pg_namespace ocn ON ocn.oid = oc.opcnamespace
JOIN pg_type m ON m.oid = g.rngmultitypid
JOIN pg_namespace mn ON mn.oid = m.typnamespace
WHERE x.typtype = 'r' AND ` + userObjects("pg_type", "x.typnamespace")

func (r *reader) ranges(ctx context.Context, q Querier) error {
	return each(ctx, q, rangesQuery, func(rows *sql.Rows) error {
		var (
			oid  int64
			opts string
		)
		o := &Object{ID: ID{Kind: Type}}
		if err := rows.Scan(&oid, &o.Name, &opts); err != nil {
			return err
		}
		o.Create = "CREATE TYPE " + o.Name + " AS RANGE (" + opts + ")"
		o.Drop = "DROP TYPE IF EXISTS " + o.Name
		r.add(key{classType, oid}, o)
		return nil
	})
}

// jsonRows decodes the JSON array a query aggregated into v.
func jsonRows(text string, v any) error {
	if err := json.Unmarshal([]byte(text), v); err != nil {
		return fmt.Errorf("decoding %q: %w", text, err)
	}
	return nil
}
