package objects

import (
	"context"
	"database/sql"
	"fmt"
)

// dependsQuery lists what objects depend on, from pg_depend: a view's
// dependencies are recorded on its _RETURN rule, a domain's also on its
// constraints, a publication's on its tables and schemas; a reference to an
// extension's member becomes one to the extension, and one to a table's or
// view's row type one to the relation. For tables, the name and column.
const dependsQuery = `
WITH dep AS (
  SELECT CASE WHEN d.classid = 'pg_rewrite'::regclass THEN 'pg_class'::regclass::oid
              WHEN d.classid = 'pg_constraint'::regclass AND co.contypid <> 0 THEN 'pg_type'::regclass::oid
              WHEN d.classid IN ('pg_publication_rel'::regclass, 'pg_publication_namespace'::regclass)
                THEN 'pg_publication'::regclass::oid
              ELSE d.classid END AS classid,
         COALESCE(r.ev_class, NULLIF(co.contypid, 0), pr.prpubid, pn.pnpubid, d.objid) AS objid, d.refclassid, d.refobjid, d.refobjsubid
  FROM pg_depend d
  LEFT JOIN pg_rewrite r ON d.classid = 'pg_rewrite'::regclass AND r.oid = d.objid
  LEFT JOIN pg_constraint co ON d.classid = 'pg_constraint'::regclass AND co.oid = d.objid
  LEFT JOIN pg_publication_rel pr ON d.classid = 'pg_publication_rel'::regclass AND pr.oid = d.objid
  LEFT JOIN pg_publication_namespace pn ON d.classid = 'pg_publication_namespace'::regclass AND pn.oid = d.objid
  WHERE d.deptype IN ('n', 'a') AND d.objid >= 16384 -- user objects only
    AND d.classid IN ('pg_rewrite'::regclass, 'pg_class'::regclass, 'pg_proc'::regclass,
                      'pg_trigger'::regclass, 'pg_extension'::regclass, 'pg_policy'::regclass,
                      'pg_type'::regclass, 'pg_collation'::regclass, 'pg_cast'::regclass, 'pg_event_trigger'::regclass,
                      'pg_publication'::regclass, 'pg_publication_rel'::regclass, 'pg_publication_namespace'::regclass,
                      'pg_ts_dict'::regclass, 'pg_ts_config'::regclass, 'pg_constraint'::regclass)
), res AS (
  SELECT dep.classid, dep.objid,
         COALESCE(e.refclassid, CASE WHEN t.typrelid <> 0 THEN 'pg_class'::regclass::oid END, dep.refclassid) AS refclassid,
         COALESCE(e.refobjid, NULLIF(t.typrelid, 0), dep.refobjid) AS refobjid,
         CASE WHEN e.refobjid IS NULL AND NULLIF(t.typrelid, 0) IS NULL THEN dep.refobjsubid ELSE 0 END AS refobjsubid
  FROM dep
  LEFT JOIN pg_depend e ON e.classid = dep.refclassid AND e.objid = dep.refobjid AND e.deptype = 'e'
  LEFT JOIN pg_type t ON dep.refclassid = 'pg_type'::regclass AND t.oid = dep.refobjid
)
SELECT DISTINCT res.classid::int8, res.objid::int8, res.refclassid::int8, res.refobjid::int8,
       COALESCE(CASE WHEN c.relkind IN ('r', 'p', 'f') THEN n.nspname || '.' || c.relname END, ''),
       COALESCE(CASE WHEN c.relkind IN ('r', 'p', 'f') AND res.refobjsubid > 0 THEN a.attname::text END, '')
FROM res
LEFT JOIN pg_class c ON res.refclassid = 'pg_class'::regclass AND c.oid = res.refobjid
LEFT JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = res.refobjsubid
WHERE NOT (res.classid = res.refclassid AND res.objid = res.refobjid)
ORDER BY 1, 2, 3, 4, 5, 6`

func (r *reader) dependencies(ctx context.Context, q Querier) error {
	return each(ctx, q, dependsQuery, func(rows *sql.Rows) error {
		var (
			from, to      key
			table, column string
		)
		if err := rows.Scan(&from.class, &from.obj, &to.class, &to.obj, &table, &column); err != nil {
			return err
		}
		o := r.byKey[from]
		if o == nil {
			return nil
		}
		if ref := r.byKey[to]; ref != nil {
			if !hasID(o.Deps, ref.ID) {
				o.Deps = append(o.Deps, ref.ID)
			}
			return nil
		}
		if table == "" || o.Kind == Sequence { // a sequence's table is its owner
			return nil
		}
		if !hasString(o.Tables, table) {
			o.Tables = append(o.Tables, table)
		}
		if column != "" {
			o.Columns = append(o.Columns, table+"."+column)
		}
		return nil
	})
}

func hasID(ids []ID, id ID) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func hasString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// usedQuery lists the functions, types (an array type as its element's),
// collations and text search objects used by a column, a column default
// or generated expression, a constraint, or an index of a table.
const usedQuery = `
SELECT DISTINCT d.refclassid::int8,
       COALESCE((SELECT t.typelem FROM pg_type t WHERE d.refclassid = 'pg_type'::regclass AND t.oid = d.refobjid
                   AND t.typcategory = 'A' AND t.typelem <> 0), d.refobjid)::int8
FROM pg_depend d
WHERE d.refclassid IN ('pg_proc'::regclass, 'pg_type'::regclass, 'pg_collation'::regclass,
                       'pg_ts_config'::regclass, 'pg_ts_dict'::regclass)
  AND d.deptype = 'n' AND d.objid >= 16384
  AND (d.classid IN ('pg_attrdef'::regclass, 'pg_constraint'::regclass)
       OR (d.classid = 'pg_class'::regclass AND EXISTS (
         SELECT 1 FROM pg_class t WHERE t.oid = d.objid AND t.relkind IN ('r', 'p', 'f')))
       OR (d.classid = 'pg_class'::regclass AND EXISTS (
         SELECT 1 FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
         WHERE i.indexrelid = d.objid AND t.relkind IN ('r', 'p'))))`

func (r *reader) usedByTables(ctx context.Context, q Querier) error {
	return each(ctx, q, usedQuery, func(rows *sql.Rows) error {
		var k key
		if err := rows.Scan(&k.class, &k.obj); err != nil {
			return err
		}
		if o := r.byKey[k]; o != nil {
			o.UsedByTables = true
		}
		return nil
	})
}

// commentsQuery lists the comments on the kinds of objects planned here,
// with the quoted column name of a comment on a view's column.
const commentsQuery = `
SELECT d.classoid::int8, d.objoid::int8, quote_literal(d.description),
       COALESCE(quote_ident(a.attname), '')
FROM pg_description d
LEFT JOIN pg_attribute a ON d.objsubid > 0 AND a.attrelid = d.objoid AND a.attnum = d.objsubid
WHERE d.objoid >= 16384 -- user objects only
  AND d.classoid IN ('pg_class'::regclass, 'pg_proc'::regclass, 'pg_trigger'::regclass, 'pg_extension'::regclass,
                     'pg_type'::regclass, 'pg_collation'::regclass, 'pg_cast'::regclass, 'pg_event_trigger'::regclass,
                     'pg_publication'::regclass, 'pg_ts_dict'::regclass, 'pg_ts_config'::regclass,
                     'pg_policy'::regclass, 'pg_constraint'::regclass)`

func (r *reader) comments(ctx context.Context, q Querier) error {
	return each(ctx, q, commentsQuery, func(rows *sql.Rows) error {
		var (
			k            key
			text, column string
		)
		if err := rows.Scan(&k.class, &k.obj, &text, &column); err != nil {
			return err
		}
		o := r.byKey[k]
		if o == nil {
			return nil
		}
		target := o.Kind.commentKeyword() + " " + o.Name
		if column != "" {
			target = "COLUMN " + o.Name + "." + column
		}
		o.Comments[target] = text
		return nil
	})
}

// commentStmt sets the comment on target; text "" removes it.
func commentStmt(id ID, target, text string) Statement {
	if text == "" {
		text = "NULL"
	}
	return Statement{SQL: fmt.Sprintf("COMMENT ON %s IS %s", target, text), Comment: "Set comment on " + id.String()}
}
