package migration

import (
	"context"
	"fmt"
	"strings"
)

// UnsupportedError lists objects the engine cannot plan that the schema
// file holds and the migration directory does not build. A migration generated anyway would silently leave them out, so Diff
// refuses. The same object on both sides — created by a hand-written
// migration — is not refused: the fingerprint then checks it like any other.
type UnsupportedError struct {
	Objects []string // "kind name", e.g. "rule nada on public.usuarios"
}

func (e *UnsupportedError) Error() string {
	return fmt.Sprintf("the schema file holds %d object(s) the migrations do not build and the engine cannot plan:\n  %s\n"+
		"write the change in a hand-written migration (`migrate new`, then `migrate hash`): "+
		"once the directory builds them as the schema file has them, diff accepts them",
		len(e.Objects), strings.Join(e.Objects, "\n  "))
}

// unsupportedQuery lists, from the catalog, what a loaded schema holds
// beyond what Atlas plans (tables, columns, constraints, indexes, comments,
// enum types) and package objects plans (extensions, sequences, views,
// materialized views, functions, procedures, triggers, aggregates, casts,
// collations, domains, composite and range types, event triggers,
// publications, text search dictionaries and configurations). Objects owned by an
// extension are left out: they come with it.
const unsupportedQuery = `
WITH ns AS (
  SELECT oid, nspname FROM pg_namespace
  WHERE nspname !~ '^pg_' AND nspname <> 'information_schema'
), ext AS (
  SELECT classid, objid FROM pg_depend WHERE deptype = 'e'
)
SELECT kind, name FROM (
  SELECT CASE c.relkind WHEN 'f' THEN 'foreign table' ELSE 'composite type' END AS kind,
         format('%I.%I', n.nspname, c.relname) AS name
  FROM pg_class c JOIN ns n ON n.oid = c.relnamespace
  WHERE c.relkind = 'f'
    AND ('pg_class'::regclass::oid, c.oid) NOT IN (SELECT classid, objid FROM ext)
    AND ('pg_type'::regclass::oid, c.reltype) NOT IN (SELECT classid, objid FROM ext)
  UNION ALL
  SELECT CASE p.prokind WHEN 'a' THEN 'aggregate' ELSE 'window function' END,
         format('%I.%I(%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid))
  FROM pg_proc p JOIN ns n ON n.oid = p.pronamespace
  WHERE p.prokind NOT IN ('f', 'p', 'a') AND (p.tableoid, p.oid) NOT IN (SELECT classid, objid FROM ext)
  UNION ALL
  SELECT CASE t.typtype WHEN 'd' THEN 'domain' WHEN 'r' THEN 'range type' ELSE 'base type' END,
         format('%I.%I', n.nspname, t.typname)
  FROM pg_type t JOIN ns n ON n.oid = t.typnamespace
  WHERE (t.typtype = 'b' OR (t.typtype = 'r' AND EXISTS (SELECT FROM pg_range r WHERE r.rngtypid = t.oid AND r.rngcanonical <> 0)))
    AND t.typcategory <> 'A'
    AND (t.tableoid, t.oid) NOT IN (SELECT classid, objid FROM ext)
  UNION ALL
  SELECT 'rule', format('%I on %I.%I', r.rulename, n.nspname, c.relname)
  FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class JOIN ns n ON n.oid = c.relnamespace
  WHERE r.rulename <> '_RETURN'
  UNION ALL
  SELECT 'exclusion constraint', format('%I on %I.%I', co.conname, n.nspname, c.relname)
  FROM pg_constraint co JOIN pg_class c ON c.oid = co.conrelid JOIN ns n ON n.oid = c.relnamespace
  WHERE co.contype = 'x'
  UNION ALL
  SELECT 'table inheritance', format('%I.%I', n.nspname, c.relname)
  FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN ns n ON n.oid = c.relnamespace
  WHERE NOT c.relispartition
  UNION ALL
  SELECT 'operator', format('%I.%s', n.nspname, o.oprname)
  FROM pg_operator o JOIN ns n ON n.oid = o.oprnamespace
  WHERE (o.tableoid, o.oid) NOT IN (SELECT classid, objid FROM ext)
  UNION ALL
  SELECT 'statistics object', format('%I.%I', n.nspname, s.stxname)
  FROM pg_statistic_ext s JOIN ns n ON n.oid = s.stxnamespace
  UNION ALL
  SELECT 'text search parser', format('%I.%I', n.nspname, t.prsname)
  FROM pg_ts_parser t JOIN ns n ON n.oid = t.prsnamespace
  WHERE (t.tableoid, t.oid) NOT IN (SELECT classid, objid FROM ext)
  UNION ALL
  SELECT 'text search template', format('%I.%I', n.nspname, t.tmplname)
  FROM pg_ts_template t JOIN ns n ON n.oid = t.tmplnamespace
  WHERE (t.tableoid, t.oid) NOT IN (SELECT classid, objid FROM ext)
) o
ORDER BY kind, name`

// unsupportedObjects returns the objects of the database at q that Atlas's
// open-source engine ignores, as "kind name".
func unsupportedObjects(ctx context.Context, q execQuerier) ([]string, error) {
	rows, err := q.QueryContext(ctx, unsupportedQuery)
	if err != nil {
		return nil, fmt.Errorf("listing unsupported objects: %w", err)
	}
	defer rows.Close()
	var objs []string
	for rows.Next() {
		var kind, name string
		if err := rows.Scan(&kind, &name); err != nil {
			return nil, fmt.Errorf("listing unsupported objects: %w", err)
		}
		objs = append(objs, kind+" "+name)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing unsupported objects: %w", err)
	}
	return objs, nil
}
