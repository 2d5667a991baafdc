package fingerprint

import "strings"

// excludedMarker is replaced by the SQL list of the schemas excluded by
// the caller.
const excludedMarker = "/*excluded*/"

// catalogQuery returns the one statement that reads every fact, as rows of
// (kind, name, attribute, value), value NULL meaning no fact. It runs with
// an empty search_path, so that every name the deparsers print outside
// pg_catalog is schema-qualified.
func catalogQuery(excluded []string) string {
	quoted := make([]string, len(excluded))
	for i, s := range excluded {
		quoted[i] = "'" + strings.ReplaceAll(s, "'", "''") + "'"
	}
	return strings.Replace(factsQuery, excludedMarker, strings.Join(quoted, ", "), 1)
}

// factsQuery reads one kind of object per UNION ALL branch, each with its
// facts as a LATERAL VALUES list. The CTEs hold the schemas and the
// relations and types that are read: outside the system schemas and the
// excluded ones, and not members of an extension.
const factsQuery = `
WITH ns AS (
	SELECT n.oid, quote_ident(n.nspname) AS q
	FROM pg_namespace n
	WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
	  AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp\_%'
	  AND n.nspname::text <> ALL (ARRAY[` + excludedMarker + `]::text[])
	  AND NOT EXISTS (SELECT FROM pg_depend e WHERE e.classid = 'pg_namespace'::regclass AND e.objid = n.oid AND e.deptype = 'e')
), rel AS (
	SELECT c.oid, c.relkind, c.relpersistence, c.relispartition, c.relpartbound, c.reloptions,
	       c.relrowsecurity, c.relforcerowsecurity, c.relam, n.q || '.' || quote_ident(c.relname) AS q
	FROM pg_class c JOIN ns n ON n.oid = c.relnamespace
	WHERE c.relkind <> 't'
	  AND NOT EXISTS (SELECT FROM pg_depend e WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')
), typ AS (
	SELECT t.oid, t.typtype, t.typbasetype, t.typtypmod, t.typcollation, t.typdefaultbin, t.typnotnull, t.typrelid,
	       n.q || '.' || quote_ident(t.typname) AS q
	FROM pg_type t JOIN ns n ON n.oid = t.typnamespace
	WHERE t.typtype IN ('e', 'd', 'r', 'c')
	  AND (t.typtype <> 'c' OR (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c')
	  AND NOT EXISTS (SELECT FROM pg_depend e WHERE e.classid = 'pg_type'::regclass AND e.objid = t.oid AND e.deptype = 'e')
)
SELECT 'schema', n.q, f.a, f.v
FROM ns n
LEFT JOIN pg_description d ON d.classoid = 'pg_namespace'::regclass AND d.objoid = n.oid AND d.objsubid = 0
CROSS JOIN LATERAL (VALUES ('exists', ''), ('comment', quote_literal(d.description))) f(a, v)
WHERE f.v IS NOT NULL

UNION ALL
SELECT 'extension', quote_ident(x.extname), f.a, f.v
FROM pg_extension x
LEFT JOIN pg_description d ON d.classoid = 'pg_extension'::regclass AND d.objoid = x.oid AND d.objsubid = 0
CROSS JOIN LATERAL (VALUES
	('schema', x.extnamespace::regnamespace::text),
	('version', x.extversion),
	('comment', quote_literal(d.description))
) f(a, v)
WHERE f.v IS NOT NULL

UNION ALL
SELECT 'collation', n.q || '.' || quote_ident(co.collname), f.a, f.v
FROM pg_collation co
JOIN ns n ON n.oid = co.collnamespace
CROSS JOIN LATERAL (SELECT to_jsonb(co) AS j) cj
LEFT JOIN pg_description d ON d.classoid = 'pg_collation'::regclass AND d.objoid = co.oid AND d.objsubid = 0
CROSS JOIN LATERAL (VALUES
	('provider', CASE co.collprovider WHEN 'i' THEN 'icu' WHEN 'c' THEN 'libc' WHEN 'b' THEN 'builtin' ELSE 'default' END),
	('locale', concat_ws(', ', 'lc_collate ' || quote_literal(co.collcollate), 'lc_ctype ' || quote_literal(co.collctype),
		quote_literal(coalesce(cj.j ->> 'colllocale', cj.j ->> 'colliculocale')),
		'rules ' || quote_literal(cj.j ->> 'collicurules'))),
	('deterministic', CASE WHEN co.collisdeterministic THEN 'yes' ELSE 'no' END),
	('comment', quote_literal(d.description))
) f(a, v)
WHERE f.v IS NOT NULL
  AND NOT EXISTS (SELECT FROM pg_depend e WHERE e.classid = 'pg_collation'::regclass AND e.objid = co.oid AND e.deptype = 'e')

UNION ALL
SELECT 'table', r.q, f.a, f.v
FROM rel r
LEFT JOIN pg_description d ON d.classoid = 'pg_class'::regclass AND d.objoid = r.oid AND d.objsubid = 0
CROSS JOIN LATERAL (VALUES
	('persistence', CASE r.relpersistence WHEN 'u' THEN 'unlogged' ELSE 'permanent' END),
	('partition key', CASE r.relkind WHEN 'p' THEN pg_get_partkeydef(r.oid) END),
	('partition of', CASE WHEN r.relispartition THEN
		(SELECT i.inhparent::regclass::text FROM pg_inherits i WHERE i.inhrelid = r.oid) || ' ' || pg_get_expr(r.relpartbound, r.oid) END),
	('inherits', CASE WHEN NOT r.relispartition THEN
		(SELECT string_agg(i.inhparent::regclass::text, ', ' ORDER BY i.inhseqno) FROM pg_inherits i WHERE i.inhrelid = r.oid) END),
	('row-level security', CASE WHEN r.relrowsecurity OR r.relforcerowsecurity THEN
		concat_ws(', ', CASE WHEN r.relrowsecurity THEN 'enabled' ELSE 'disabled' END, CASE WHEN r.relforcerowsecurity THEN 'forced' END) END),
	('storage options', (SELECT string_agg(o, ', ' ORDER BY o COLLATE "C") FROM unnest(r.reloptions) o)),
	('access method', (SELECT am.amname::text FROM pg_am am WHERE am.oid = r.relam AND am.amname <> 'heap')),
	('comment', quote_literal(d.description))
) f(a, v)
WHERE r.relkind IN ('r', 'p', 'f') AND f.v IS NOT NULL

UNION ALL
SELECT 'column', r.q || '.' || quote_ident(a.attname), f.a, f.v
FROM rel r
JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
LEFT JOIN pg_depend dep ON a.attidentity <> '' AND dep.classid = 'pg_class'::regclass AND dep.refclassid = 'pg_class'::regclass
	AND dep.refobjid = r.oid AND dep.refobjsubid = a.attnum AND dep.deptype = 'i'
LEFT JOIN pg_sequence s ON s.seqrelid = dep.objid
LEFT JOIN pg_description d ON d.classoid = 'pg_class'::regclass AND d.objoid = r.oid AND d.objsubid = a.attnum
CROSS JOIN LATERAL (VALUES
	('type', CASE WHEN r.relkind IN ('r', 'p', 'f') THEN format_type(a.atttypid, a.atttypmod) END),
	('collation', CASE WHEN r.relkind IN ('r', 'p', 'f') AND a.attcollation <> t.typcollation THEN a.attcollation::regcollation::text END),
	('not null', CASE WHEN a.attnotnull THEN '' END),
	('default', CASE WHEN a.attgenerated = '' THEN pg_get_expr(ad.adbin, ad.adrelid) END),
	('generated', CASE WHEN a.attgenerated = 's' THEN 'always as (' || pg_get_expr(ad.adbin, ad.adrelid) || ') stored' END),
	('identity', CASE a.attidentity WHEN 'a' THEN 'always' WHEN 'd' THEN 'by default' END
		|| format(', start %s, increment %s, minvalue %s, maxvalue %s, cache %s', s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache)
		|| CASE WHEN s.seqcycle THEN ', cycle' ELSE '' END),
	('comment', quote_literal(d.description))
) f(a, v)
WHERE r.relkind IN ('r', 'p', 'f', 'v', 'm', 'c') AND f.v IS NOT NULL

UNION ALL
SELECT 'constraint', coalesce(r.q, ty.q) || '.' || quote_ident(con.conname), f.a, f.v
FROM pg_constraint con
LEFT JOIN rel r ON r.oid = con.conrelid AND con.conrelid <> 0
LEFT JOIN typ ty ON ty.oid = con.contypid AND con.contypid <> 0
LEFT JOIN pg_description d ON d.classoid = 'pg_constraint'::regclass AND d.objoid = con.oid AND d.objsubid = 0
CROSS JOIN LATERAL (VALUES
	('definition', pg_get_constraintdef(con.oid)),
	('comment', quote_literal(d.description))
) f(a, v)
WHERE (r.oid IS NOT NULL OR ty.oid IS NOT NULL) AND f.v IS NOT NULL

UNION ALL
SELECT 'index', r.q, f.a, f.v
FROM rel r
JOIN pg_index i ON i.indexrelid = r.oid
LEFT JOIN pg_description d ON d.classoid = 'pg_class'::regclass AND d.objoid = r.oid AND d.objsubid = 0
CROSS JOIN LATERAL (VALUES
	('definition', CASE WHEN NOT EXISTS (SELECT FROM pg_constraint c WHERE c.conindid = i.indexrelid
		AND c.conrelid = i.indrelid AND c.contype IN ('p', 'u', 'x')) THEN pg_get_indexdef(r.oid) END),
	('partition of', CASE WHEN r.relispartition THEN (SELECT h.inhparent::regclass::text FROM pg_inherits h WHERE h.inhrelid = r.oid) END),
	('comment', quote_literal(d.description))
) f(a, v)
WHERE f.v IS NOT NULL

UNION ALL
SELECT CASE r.relkind WHEN 'v' THEN 'view' ELSE 'materialized view' END, r.q, f.a, f.v
FROM rel r
LEFT JOIN pg_description d ON d.classoid = 'pg_class'::regclass AND d.objoid = r.oid AND d.objsubid = 0
CROSS JOIN LATERAL (VALUES
	('definition', pg_get_viewdef(r.oid)),
	('options', (SELECT string_agg(o, ', ' ORDER BY o COLLATE "C") FROM unnest(r.reloptions) o)),
	('comment', quote_literal(d.description))
) f(a, v)
WHERE r.relkind IN ('v', 'm') AND f.v IS NOT NULL

UNION ALL
SELECT 'sequence', r.q, f.a, f.v
FROM rel r
JOIN pg_sequence s ON s.seqrelid = r.oid
LEFT JOIN pg_depend o ON o.classid = 'pg_class'::regclass AND o.objid = r.oid AND o.refclassid = 'pg_class'::regclass
	AND o.refobjsubid > 0 AND o.deptype IN ('a', 'i')
LEFT JOIN pg_description d ON d.classoid = 'pg_class'::regclass AND d.objoid = r.oid AND d.objsubid = 0
CROSS JOIN LATERAL (VALUES
	('type', format_type(s.seqtypid, NULL)),
	('start', s.seqstart::text),
	('increment', s.seqincrement::text),
	('minvalue', s.seqmin::text),
	('maxvalue', s.seqmax::text),
	('cache', s.seqcache::text),
	('cycle', CASE WHEN s.seqcycle THEN '' END),
	('owned by', o.refobjid::regclass::text || '.'
		|| (SELECT quote_ident(a.attname) FROM pg_attribute a WHERE a.attrelid = o.refobjid AND a.attnum = o.refobjsubid)),
	('comment', quote_literal(d.description))
) f(a, v)
WHERE o.deptype IS DISTINCT FROM 'i' AND f.v IS NOT NULL

UNION ALL
SELECT CASE t.typtype WHEN 'e' THEN 'enum' WHEN 'd' THEN 'domain' WHEN 'r' THEN 'range' ELSE 'type' END, t.q, f.a, f.v
FROM typ t
LEFT JOIN pg_range rg ON rg.rngtypid = t.oid
LEFT JOIN pg_description d ON d.classoid = 'pg_type'::regclass AND d.objoid = t.oid AND d.objsubid = 0
CROSS JOIN LATERAL (VALUES
	('values', CASE WHEN t.typtype = 'e' THEN coalesce((SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder)
		FROM pg_enum e WHERE e.enumtypid = t.oid), '') END),
	('type', CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END),
	('collation', CASE WHEN t.typtype = 'd' AND t.typcollation <> (SELECT b.typcollation FROM pg_type b WHERE b.oid = t.typbasetype)
		THEN t.typcollation::regcollation::text END),
	('default', CASE WHEN t.typtype = 'd' THEN pg_get_expr(t.typdefaultbin, 0) END),
	('not null', CASE WHEN t.typnotnull THEN '' END),
	('attributes', CASE WHEN t.typtype = 'c' THEN (SELECT string_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod)
		|| CASE WHEN a.attcollation <> at.typcollation THEN ' collate ' || a.attcollation::regcollation::text ELSE '' END, ', ' ORDER BY a.attnum)
		FROM pg_attribute a JOIN pg_type at ON at.oid = a.atttypid
		WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped) END),
	('subtype', format_type(rg.rngsubtype, NULL)),
	('comment', quote_literal(d.description))
) f(a, v)
WHERE f.v IS NOT NULL

UNION ALL
SELECT CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END,
	n.q || '.' || quote_ident(p.proname) || '(' || pg_get_function_identity_arguments(p.oid) || ')', f.a, f.v
FROM pg_proc p
JOIN ns n ON n.oid = p.pronamespace
LEFT JOIN pg_aggregate ag ON ag.aggfnoid = p.oid
LEFT JOIN pg_description d ON d.classoid = 'pg_proc'::regclass AND d.objoid = p.oid AND d.objsubid = 0
CROSS JOIN LATERAL (VALUES
	('definition', CASE WHEN p.prokind <> 'a' THEN pg_get_functiondef(p.oid) END),
	('definition', CASE WHEN p.prokind = 'a' THEN concat_ws(', ', 'returns ' || pg_get_function_result(p.oid),
		'sfunc ' || ag.aggtransfn::regprocedure::text, 'stype ' || format_type(ag.aggtranstype, NULL),
		CASE WHEN ag.aggfinalfn <> 0 THEN 'finalfunc ' || ag.aggfinalfn::regprocedure::text END,
		CASE WHEN ag.aggcombinefn <> 0 THEN 'combinefunc ' || ag.aggcombinefn::regprocedure::text END,
		'initcond ' || quote_literal(ag.agginitval),
		CASE ag.aggkind WHEN 'o' THEN 'ordered-set' WHEN 'h' THEN 'hypothetical-set' END) END),
	('comment', quote_literal(d.description))
) f(a, v)
WHERE f.v IS NOT NULL
  AND NOT EXISTS (SELECT FROM pg_depend e WHERE e.classid = 'pg_proc'::regclass AND e.objid = p.oid AND e.deptype = 'e')

UNION ALL
SELECT 'trigger', r.q || '.' || quote_ident(tg.tgname), f.a, f.v
FROM pg_trigger tg
JOIN rel r ON r.oid = tg.tgrelid
LEFT JOIN pg_description d ON d.classoid = 'pg_trigger'::regclass AND d.objoid = tg.oid AND d.objsubid = 0
CROSS JOIN LATERAL (VALUES
	('definition', pg_get_triggerdef(tg.oid)),
	('status', CASE tg.tgenabled WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'enabled on replicas only' WHEN 'A' THEN 'enabled always' END),
	('comment', quote_literal(d.description))
) f(a, v)
WHERE NOT tg.tgisinternal AND f.v IS NOT NULL

UNION ALL
SELECT 'policy', r.q || '.' || quote_ident(pol.polname), f.a, f.v
FROM pg_policy pol
JOIN rel r ON r.oid = pol.polrelid
LEFT JOIN pg_description d ON d.classoid = 'pg_policy'::regclass AND d.objoid = pol.oid AND d.objsubid = 0
CROSS JOIN LATERAL (VALUES
	('command', CASE pol.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE' WHEN 'd' THEN 'DELETE' ELSE 'ALL' END),
	('type', CASE WHEN pol.polpermissive THEN 'permissive' ELSE 'restrictive' END),
	('roles', (SELECT string_agg(x.role, ', ' ORDER BY x.role COLLATE "C")
		FROM (SELECT CASE WHEN o = 0 THEN 'PUBLIC' ELSE o::regrole::text END AS role FROM unnest(pol.polroles) o) x)),
	('using', pg_get_expr(pol.polqual, pol.polrelid)),
	('with check', pg_get_expr(pol.polwithcheck, pol.polrelid)),
	('comment', quote_literal(d.description))
) f(a, v)
WHERE f.v IS NOT NULL

UNION ALL
SELECT 'rule', r.q || '.' || quote_ident(rw.rulename), f.a, f.v
FROM pg_rewrite rw
JOIN rel r ON r.oid = rw.ev_class
LEFT JOIN pg_description d ON d.classoid = 'pg_rewrite'::regclass AND d.objoid = rw.oid AND d.objsubid = 0
CROSS JOIN LATERAL (VALUES ('definition', pg_get_ruledef(rw.oid)), ('comment', quote_literal(d.description))) f(a, v)
WHERE rw.rulename <> '_RETURN' AND f.v IS NOT NULL

UNION ALL
SELECT 'statistics', n.q || '.' || quote_ident(st.stxname), f.a, f.v
FROM pg_statistic_ext st
JOIN ns n ON n.oid = st.stxnamespace
LEFT JOIN pg_description d ON d.classoid = 'pg_statistic_ext'::regclass AND d.objoid = st.oid AND d.objsubid = 0
CROSS JOIN LATERAL (VALUES ('definition', pg_get_statisticsobjdef(st.oid)), ('comment', quote_literal(d.description))) f(a, v)
WHERE f.v IS NOT NULL
`
