package fingerprint

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// UnclassifiedError is Read's refusal to describe a database that holds
// objects the fingerprint does not read: two such databases could differ
// in them and still have equal fingerprints.
type UnclassifiedError struct {
	// Objects are named as pg_describe_object names them, sorted:
	// "event trigger audit".
	Objects []string
}

func (e *UnclassifiedError) Error() string {
	return "the fingerprint cannot check " + strings.Join(e.Objects, ", ") + ": it does not read objects of that kind"
}

// readUnclassified returns the objects of the database that no catalog in
// readCatalogs, less the forgotten ones, holds: every row numbered from
// FirstNormalObjectId (16384) of every other catalog of pg_catalog with an
// oid column, leaving out the members of an extension, the objects that
// are part of another (an internal dependency of the whole object in
// pg_depend: an array type, a table's row type, a constraint's index),
// those in a schema the fingerprint leaves out and those that belong to a
// relation in such a schema.
func readUnclassified(ctx context.Context, q Querier, excluded, forgotten []string) ([]string, error) {
	known := make([]string, 0, len(readCatalogs))
	for _, c := range readCatalogs {
		if !slices.Contains(forgotten, c) {
			known = append(known, quoteLiteral(c))
		}
	}
	catalogs, err := queryPairs(ctx, q, `
SELECT c.relname, coalesce((SELECT a.attname FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0
	AND a.attname LIKE '%namespace' AND a.atttypid = 'oid'::regtype), '')
FROM pg_class c
WHERE c.relnamespace = 'pg_catalog'::regnamespace AND c.relkind = 'r' AND NOT c.relisshared
  AND EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'oid' AND a.attnum > 0)
  AND c.relname <> ALL (ARRAY[`+strings.Join(known, ", ")+`]::name[])
ORDER BY c.relname`)
	if err != nil || len(catalogs) == 0 {
		return nil, err
	}
	var rows []string
	for _, c := range catalogs {
		row := fmt.Sprintf("SELECT 'pg_catalog.%[1]s'::regclass::oid AS classid, o.oid AS objid FROM pg_catalog.%[1]s o WHERE o.oid >= 16384", c[0])
		if c[1] != "" {
			row += fmt.Sprintf(" AND o.%s IN (SELECT ns.oid FROM ns)", c[1])
		}
		rows = append(rows, row)
	}
	pairs, err := queryPairs(ctx, q, withExcluded(`
WITH `+schemasCTE+`, u AS (
	`+strings.Join(rows, "\n\tUNION ALL ")+`
)
SELECT o.name, '' FROM (SELECT pg_describe_object(u.classid, u.objid, 0) AS name
FROM u
WHERE NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = u.classid AND d.objid = u.objid AND d.objsubid = 0 AND d.deptype IN ('e', 'i'))
  AND NOT EXISTS (SELECT FROM pg_depend d JOIN pg_class c ON c.oid = d.refobjid
	WHERE d.classid = u.classid AND d.objid = u.objid AND d.refclassid = 'pg_class'::regclass
	  AND c.relnamespace NOT IN (SELECT ns.oid FROM ns))) o
ORDER BY o.name COLLATE "C"`, excluded))
	var objects []string
	for _, p := range pairs {
		objects = append(objects, p[0])
	}
	return objects, err
}

// queryPairs runs a query of two text columns and returns its rows.
func queryPairs(ctx context.Context, q Querier, query string) ([][2]string, error) {
	rows, err := q.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var pairs [][2]string
	for rows.Next() {
		var p [2]string
		if err := rows.Scan(&p[0], &p[1]); err != nil {
			return nil, err
		}
		pairs = append(pairs, p)
	}
	return pairs, rows.Err()
}
