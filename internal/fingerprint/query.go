package fingerprint

import (
	"fmt"
	"slices"
	"strings"
)

// excludedMarker is replaced by the SQL list of the schemas excluded by
// the caller.
const excludedMarker = "/*excluded*/"

// readCatalogs are the catalogs of pg_catalog, with an oid column and not
// shared, whose objects factsQuery reads (a catalog a kind is only derived
// from, like pg_amop of an operator family, counts). An object of any
// other such catalog is unclassified: Read refuses to say anything about a
// database that holds one. pg_largeobject_metadata is listed though not
// read: large objects are data, which pg_dump --schema-only leaves out too.
var readCatalogs = []string{
	"pg_am", "pg_amop", "pg_amproc", "pg_attrdef", "pg_cast", "pg_class", "pg_collation", "pg_constraint",
	"pg_conversion", "pg_default_acl", "pg_enum", "pg_event_trigger", "pg_extension", "pg_foreign_data_wrapper",
	"pg_foreign_server", "pg_language", "pg_largeobject_metadata", "pg_namespace", "pg_opclass", "pg_operator",
	"pg_opfamily", "pg_policy", "pg_proc", "pg_publication", "pg_publication_namespace", "pg_publication_rel",
	"pg_rewrite", "pg_statistic_ext", "pg_transform", "pg_trigger", "pg_ts_config", "pg_ts_dict", "pg_ts_parser",
	"pg_ts_template", "pg_type", "pg_user_mapping",
}

// secretOptionPattern matches the names of foreign server options whose
// values may be secrets: a fact gives an md5 of such a value, never the
// value. Every user mapping option is taken for a secret.
const secretOptionPattern = `pass|secret|key|token`

// catalogQuery returns the one statement that reads every fact, as rows of
// (kind, name, attribute, value), value NULL meaning no fact, with the
// branches of optionalFacts whose catalog present reports holding objects.
// It runs with an empty search_path, so that every name the deparsers
// print outside pg_catalog is schema-qualified.
func catalogQuery(excluded []string, present func(catalog string) bool) string {
	var b strings.Builder
	b.WriteString(factsQuery)
	for _, o := range optionalFacts {
		if present(o.catalog) {
			b.WriteString(o.branch)
		}
	}
	return withExcluded(b.String(), excluded)
}

// probeWhere is how presentQuery finds a catalog's objects where it is not
// by their oid: pg_seclabel has none, pg_subscription is shared.
var probeWhere = map[string]string{
	"pg_seclabel":     "true",
	"pg_subscription": "o.subdbid = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database())",
}

// presentQuery lists the catalogs of optionalFacts that hold an object
// made after initdb.
func presentQuery() string {
	var probes []string
	for _, o := range optionalFacts {
		where, ok := probeWhere[o.catalog]
		if !ok {
			where = "o.oid >= 16384"
		}
		probe := fmt.Sprintf("SELECT '%[1]s', '' WHERE EXISTS (SELECT FROM pg_catalog.%[1]s o WHERE %[2]s)", o.catalog, where)
		if !slices.Contains(probes, probe) {
			probes = append(probes, probe)
		}
	}
	return strings.Join(probes, "\nUNION ALL ")
}

// withExcluded puts the SQL list of the excluded schemas into query.
func withExcluded(query string, excluded []string) string {
	quoted := make([]string, len(excluded))
	for i, s := range excluded {
		quoted[i] = quoteLiteral(s)
	}
	return strings.ReplaceAll(query, excludedMarker, strings.Join(quoted, ", "))
}

func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// schemasCTE is the schemas that are read: outside the system schemas and
// the excluded ones, and not members of an extension.
const schemasCTE = `ns AS (
	SELECT n.oid, n.nspname, quote_ident(n.nspname) AS q
	FROM pg_namespace n
	WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
	  AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp\_%'
	  AND n.nspname::text <> ALL (ARRAY[` + excludedMarker + `]::text[])
	  AND NOT EXISTS (SELECT FROM pg_depend e WHERE e.classid = 'pg_namespace'::regclass AND e.objid = n.oid AND e.deptype = 'e')
)`

// factsQuery reads one kind of object per UNION ALL branch, each with its
// facts as a LATERAL VALUES list. The CTEs hold the schemas, the relations
// and types that are read (in those schemas, not members of an extension),
// the roles as facts name them, and each object's owner and privileges
// when they are not the default: an owner other than the database's, a
// privilege list other than the one the object was created with
// (acldefault, or pg_init_privs for a built-in object or an extension's
// member), sorted, its owner written (owner).
const factsQuery = `
WITH ` + schemasCTE + `, excluded AS (
	SELECT n.oid FROM pg_namespace n WHERE n.nspname::text = ANY (ARRAY[` + excludedMarker + `]::text[])
), rel AS (
	SELECT c.oid, c.relkind, c.relpersistence, c.relispartition, c.relpartbound, c.reloptions,
	       c.relrowsecurity, c.relforcerowsecurity, c.relam, c.relreplident, c.reloftype, n.q || '.' || quote_ident(c.relname) AS q
	FROM pg_class c JOIN ns n ON n.oid = c.relnamespace
	WHERE c.relkind <> 't'
	  AND NOT EXISTS (SELECT FROM pg_depend e WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')
), typ AS (
	SELECT t.oid, t.typtype, t.typbasetype, t.typtypmod, t.typcollation, t.typdefaultbin, t.typnotnull, t.typrelid, t.typisdefined,
	       n.q || '.' || quote_ident(t.typname) AS q
	FROM pg_type t JOIN ns n ON n.oid = t.typnamespace
	WHERE (t.typtype IN ('e', 'd', 'r', 'c', 'b') OR (t.typtype = 'p' AND NOT t.typisdefined))
	  AND (t.typtype <> 'c' OR (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c')
	  AND NOT EXISTS (SELECT FROM pg_depend e WHERE e.classid = 'pg_type'::regclass AND e.objid = t.oid AND e.deptype IN ('e', 'i'))
), role AS (
	SELECT r.oid, CASE WHEN r.rolname = 'pg_database_owner' OR r.oid = (SELECT d.datdba FROM pg_database d WHERE d.datname = current_database())
		THEN '(database owner)' ELSE quote_ident(r.rolname) END AS q
	FROM pg_roles r
	UNION ALL SELECT 0, 'PUBLIC'
), owned AS (
	SELECT 'pg_namespace'::regclass::oid AS classid, n.oid AS objid, 0 AS objsubid, n.nspowner AS owner, n.nspacl AS acl, 'n'::"char" AS t,
	       n.oid AS nsp
	FROM pg_namespace n
	UNION ALL SELECT 'pg_class'::regclass, c.oid, 0, c.relowner, c.relacl, CASE c.relkind WHEN 'S' THEN 's'::"char" ELSE 'r' END, c.relnamespace
		FROM pg_class c WHERE c.oid >= 16384 OR c.relacl IS NOT NULL
	UNION ALL SELECT 'pg_class'::regclass, a.attrelid, a.attnum, c.relowner, a.attacl, 'c'::"char", c.relnamespace
		FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid WHERE a.attacl IS NOT NULL
	UNION ALL SELECT 'pg_proc'::regclass, p.oid, 0, p.proowner, p.proacl, 'f'::"char", p.pronamespace
		FROM pg_proc p WHERE p.oid >= 16384 OR p.proacl IS NOT NULL
	UNION ALL SELECT 'pg_type'::regclass, t.oid, 0, t.typowner, t.typacl, 'T'::"char", t.typnamespace
		FROM pg_type t WHERE t.oid >= 16384 OR t.typacl IS NOT NULL
	UNION ALL SELECT 'pg_foreign_data_wrapper'::regclass, w.oid, 0, w.fdwowner, w.fdwacl, 'F'::"char", NULL FROM pg_foreign_data_wrapper w
	UNION ALL SELECT 'pg_foreign_server'::regclass, s.oid, 0, s.srvowner, s.srvacl, 'S'::"char", NULL FROM pg_foreign_server s
	UNION ALL SELECT 'pg_language'::regclass, l.oid, 0, l.lanowner, l.lanacl, 'l'::"char", NULL FROM pg_language l
	UNION ALL SELECT 'pg_default_acl'::regclass, da.oid, 0, da.defaclrole, da.defaclacl, NULL, NULL FROM pg_default_acl da
	UNION ALL SELECT 'pg_collation'::regclass, x.oid, 0, x.collowner, NULL, NULL, NULL FROM pg_collation x WHERE x.oid >= 16384
	UNION ALL SELECT 'pg_statistic_ext'::regclass, x.oid, 0, x.stxowner, NULL, NULL, NULL FROM pg_statistic_ext x
), granted AS (
	SELECT o.classid, o.objid, o.objsubid, o.owner, o.acl
	FROM owned o
	LEFT JOIN pg_init_privs ip ON ip.objoid = o.objid AND ip.classoid = o.classid AND ip.objsubid = o.objsubid
	CROSS JOIN LATERAL (SELECT coalesce(ip.initprivs, acldefault(o.t, o.owner)) AS acl) b
	WHERE o.acl IS NOT NULL AND (b.acl IS NULL OR NOT (o.acl @> b.acl AND o.acl <@ b.acl))
	  AND o.nsp IS DISTINCT FROM 'information_schema'::regnamespace
), grants AS (
	SELECT g.classid, g.objid, g.objsubid, CASE WHEN e.grantee = g.owner THEN '(owner)' ELSE ge.q END || ' '
		|| string_agg(e.privilege_type, ', ' ORDER BY e.privilege_type COLLATE "C")
		|| CASE WHEN e.is_grantable THEN ' with grant option' ELSE '' END
		|| CASE WHEN e.grantor <> g.owner THEN ' granted by ' || gr.q ELSE '' END AS item
	FROM granted g
	CROSS JOIN LATERAL aclexplode(g.acl) e
	JOIN role ge ON ge.oid = e.grantee
	JOIN role gr ON gr.oid = e.grantor
	GROUP BY g.classid, g.objid, g.objsubid, g.owner, e.grantee, ge.q, e.grantor, gr.q, e.is_grantable
), privileges AS (
	SELECT g.classid, g.objid, g.objsubid, coalesce(string_agg(i.item, '; ' ORDER BY i.item COLLATE "C"), 'none') AS privileges
	FROM granted g
	LEFT JOIN grants i ON i.classid = g.classid AND i.objid = g.objid AND i.objsubid = g.objsubid
	GROUP BY g.classid, g.objid, g.objsubid
), priv AS (
	SELECT o.classid, o.objid, o.objsubid, CASE WHEN o.objsubid = 0 AND ow.q <> '(database owner)' THEN ow.q END AS owner, pr.privileges
	FROM owned o
	JOIN role ow ON ow.oid = o.owner
	LEFT JOIN privileges pr ON pr.classid = o.classid AND pr.objid = o.objid AND pr.objsubid = o.objsubid
	WHERE (o.objsubid = 0 AND ow.q <> '(database owner)' AND (o.objid >= 16384 OR o.classid = 'pg_namespace'::regclass))
	   OR pr.privileges IS NOT NULL
)
SELECT 'schema', n.q, f.a, f.v
FROM ns n
LEFT JOIN priv p ON p.classid = 'pg_namespace'::regclass AND p.objid = n.oid AND p.objsubid = 0
LEFT JOIN pg_description d ON d.classoid = 'pg_namespace'::regclass AND d.objoid = n.oid AND d.objsubid = 0
CROSS JOIN LATERAL (VALUES ('exists', ''), ('owner', p.owner), ('privileges', p.privileges), ('comment', quote_literal(d.description))) f(a, v)
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
LEFT JOIN priv p ON p.classid = 'pg_collation'::regclass AND p.objid = co.oid AND p.objsubid = 0
LEFT JOIN pg_description d ON d.classoid = 'pg_collation'::regclass AND d.objoid = co.oid AND d.objsubid = 0
CROSS JOIN LATERAL (VALUES
	('provider', CASE co.collprovider WHEN 'i' THEN 'icu' WHEN 'c' THEN 'libc' WHEN 'b' THEN 'builtin' ELSE 'default' END),
	('locale', concat_ws(', ', 'lc_collate ' || quote_literal(co.collcollate), 'lc_ctype ' || quote_literal(co.collctype),
		quote_literal(coalesce(cj.j ->> 'colllocale', cj.j ->> 'colliculocale')),
		'rules ' || quote_literal(cj.j ->> 'collicurules'))),
	('deterministic', CASE WHEN co.collisdeterministic THEN 'yes' ELSE 'no' END),
	('owner', p.owner),
	('comment', quote_literal(d.description))
) f(a, v)
WHERE co.oid >= 16384 AND f.v IS NOT NULL
  AND NOT EXISTS (SELECT FROM pg_depend e WHERE e.classid = 'pg_collation'::regclass AND e.objid = co.oid AND e.deptype = 'e')

UNION ALL
SELECT 'table', r.q, f.a, f.v
FROM rel r
LEFT JOIN priv p ON p.classid = 'pg_class'::regclass AND p.objid = r.oid AND p.objsubid = 0
LEFT JOIN pg_foreign_table ft ON ft.ftrelid = r.oid
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
	('of type', CASE WHEN r.reloftype <> 0 THEN format_type(r.reloftype, NULL) END),
	('replica identity', CASE WHEN r.relkind = 'f' THEN NULL ELSE CASE r.relreplident WHEN 'n' THEN 'nothing' WHEN 'f' THEN 'full' WHEN 'i' THEN 'index ' || coalesce((SELECT quote_ident(c.relname)
		FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = r.oid AND i.indisreplident), '') END END),
	('server', (SELECT quote_ident(s.srvname) FROM pg_foreign_server s WHERE s.oid = ft.ftserver)),
	('foreign options', (SELECT string_agg(o, ', ' ORDER BY o COLLATE "C") FROM unnest(ft.ftoptions) o)),
	('owner', p.owner),
	('privileges', p.privileges),
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
LEFT JOIN priv p ON p.classid = 'pg_class'::regclass AND p.objid = r.oid AND p.objsubid = a.attnum
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
	('storage', CASE WHEN a.attstorage <> t.typstorage THEN CASE a.attstorage WHEN 'p' THEN 'plain' WHEN 'e' THEN 'external'
		WHEN 'm' THEN 'main' ELSE 'extended' END END),
	('compression', CASE a.attcompression WHEN 'p' THEN 'pglz' WHEN 'l' THEN 'lz4' END),
	('statistics', CASE WHEN a.attstattarget >= 0 THEN a.attstattarget::text END),
	('options', (SELECT string_agg(o, ', ' ORDER BY o COLLATE "C") FROM unnest(a.attoptions) o)),
	('foreign options', (SELECT string_agg(o, ', ' ORDER BY o COLLATE "C") FROM unnest(a.attfdwoptions) o)),
	('privileges', p.privileges),
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
	('partition of', (SELECT ih.inhparent::regclass::text FROM pg_inherits ih WHERE ih.inhrelid = r.oid)),
	('clustered', CASE WHEN i.indisclustered THEN '' END),
	('statistics', (SELECT string_agg(a.attnum || ' ' || a.attstattarget, ', ' ORDER BY a.attnum)
		FROM pg_attribute a WHERE a.attrelid = r.oid AND a.attnum > 0 AND a.attstattarget >= 0)),
	('comment', quote_literal(d.description))
) f(a, v)
WHERE f.v IS NOT NULL

UNION ALL
SELECT CASE r.relkind WHEN 'v' THEN 'view' ELSE 'materialized view' END, r.q, f.a, f.v
FROM rel r
LEFT JOIN priv p ON p.classid = 'pg_class'::regclass AND p.objid = r.oid AND p.objsubid = 0
LEFT JOIN pg_description d ON d.classoid = 'pg_class'::regclass AND d.objoid = r.oid AND d.objsubid = 0
CROSS JOIN LATERAL (VALUES
	('definition', pg_get_viewdef(r.oid)),
	('options', (SELECT string_agg(o, ', ' ORDER BY o COLLATE "C") FROM unnest(r.reloptions) o)),
	('owner', p.owner),
	('privileges', p.privileges),
	('comment', quote_literal(d.description))
) f(a, v)
WHERE r.relkind IN ('v', 'm') AND f.v IS NOT NULL

UNION ALL
SELECT 'sequence', r.q, f.a, f.v
FROM rel r
JOIN pg_sequence s ON s.seqrelid = r.oid
LEFT JOIN priv p ON p.classid = 'pg_class'::regclass AND p.objid = r.oid AND p.objsubid = 0
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
	('persistence', CASE WHEN r.relpersistence = 'u' THEN 'unlogged' END),
	('owner', p.owner),
	('privileges', p.privileges),
	('comment', quote_literal(d.description))
) f(a, v)
WHERE o.deptype IS DISTINCT FROM 'i' AND f.v IS NOT NULL

UNION ALL
SELECT CASE t.typtype WHEN 'e' THEN 'enum' WHEN 'd' THEN 'domain' WHEN 'r' THEN 'range' ELSE 'type' END, t.q, f.a, f.v
FROM typ t
LEFT JOIN pg_range rg ON rg.rngtypid = t.oid
LEFT JOIN pg_type bt ON bt.oid = t.oid AND t.typtype = 'b'
LEFT JOIN priv p ON p.classid = 'pg_type'::regclass AND p.objid = t.oid AND p.objsubid = 0
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
	('options', CASE WHEN rg.rngtypid IS NOT NULL THEN concat_ws(', ',
		'subtype opclass ' || (SELECT quote_ident(oc.opcname) FROM pg_opclass oc WHERE oc.oid = rg.rngsubopc AND NOT oc.opcdefault),
		'collation ' || CASE WHEN rg.rngcollation <> (SELECT st.typcollation FROM pg_type st WHERE st.oid = rg.rngsubtype)
			THEN rg.rngcollation::regcollation::text END,
		'canonical ' || CASE WHEN rg.rngcanonical <> 0 THEN rg.rngcanonical::regprocedure::text END,
		'subtype diff ' || CASE WHEN rg.rngsubdiff <> 0 THEN rg.rngsubdiff::regprocedure::text END,
		'multirange ' || format_type(rg.rngmultitypid, NULL)) END),
	('definition', CASE WHEN bt.oid IS NOT NULL THEN concat_ws(', ',
		'input ' || bt.typinput::regprocedure::text, 'output ' || bt.typoutput::regprocedure::text,
		'receive ' || CASE WHEN bt.typreceive <> 0 THEN bt.typreceive::regprocedure::text END,
		'send ' || CASE WHEN bt.typsend <> 0 THEN bt.typsend::regprocedure::text END,
		'typmod_in ' || CASE WHEN bt.typmodin <> 0 THEN bt.typmodin::regprocedure::text END,
		'typmod_out ' || CASE WHEN bt.typmodout <> 0 THEN bt.typmodout::regprocedure::text END,
		'analyze ' || CASE WHEN bt.typanalyze <> 0 THEN bt.typanalyze::regprocedure::text END,
		'subscript ' || CASE WHEN bt.typsubscript <> 0 THEN bt.typsubscript::regprocedure::text END,
		'internallength ' || CASE WHEN bt.typlen < 0 THEN 'variable' ELSE bt.typlen::text END,
		CASE WHEN bt.typbyval THEN 'passedbyvalue' END, 'alignment ' || bt.typalign::text, 'storage ' || bt.typstorage::text,
		'category ' || quote_literal(bt.typcategory::text), CASE WHEN bt.typispreferred THEN 'preferred' END,
		'default ' || quote_literal(bt.typdefault), 'element ' || CASE WHEN bt.typelem <> 0 THEN format_type(bt.typelem, NULL) END,
		'delimiter ' || quote_literal(bt.typdelim::text), CASE WHEN bt.typcollation <> 0 THEN 'collatable' END) END),
	('shell', CASE WHEN t.typtype = 'p' THEN '' END),
	('owner', p.owner),
	('privileges', p.privileges),
	('comment', quote_literal(d.description))
) f(a, v)
WHERE f.v IS NOT NULL

UNION ALL
SELECT CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END,
	n.q || '.' || quote_ident(p.proname) || '(' || pg_get_function_identity_arguments(p.oid) || ')', f.a, f.v
FROM pg_proc p
JOIN ns n ON n.oid = p.pronamespace
LEFT JOIN pg_aggregate ag ON ag.aggfnoid = p.oid
LEFT JOIN priv pv ON pv.classid = 'pg_proc'::regclass AND pv.objid = p.oid AND pv.objsubid = 0
LEFT JOIN pg_description d ON d.classoid = 'pg_proc'::regclass AND d.objoid = p.oid AND d.objsubid = 0
CROSS JOIN LATERAL (VALUES
	('definition', CASE WHEN p.prokind <> 'a' THEN pg_get_functiondef(p.oid) END),
	('definition', CASE WHEN p.prokind = 'a' THEN concat_ws(', ', 'returns ' || pg_get_function_result(p.oid),
		'sfunc ' || ag.aggtransfn::regprocedure::text, 'stype ' || format_type(ag.aggtranstype, NULL),
		CASE WHEN ag.aggfinalfn <> 0 THEN 'finalfunc ' || ag.aggfinalfn::regprocedure::text END,
		CASE WHEN ag.aggcombinefn <> 0 THEN 'combinefunc ' || ag.aggcombinefn::regprocedure::text END,
		'initcond ' || quote_literal(ag.agginitval),
		CASE ag.aggkind WHEN 'o' THEN 'ordered-set' WHEN 'h' THEN 'hypothetical-set' END) END),
	('owner', pv.owner),
	('privileges', pv.privileges),
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
CROSS JOIN LATERAL (VALUES
	('definition', pg_get_ruledef(rw.oid)),
	('status', CASE rw.ev_enabled WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'enabled on replicas only' WHEN 'A' THEN 'enabled always' END),
	('comment', quote_literal(d.description))
) f(a, v)
WHERE rw.rulename <> '_RETURN' AND f.v IS NOT NULL

UNION ALL
SELECT 'statistics', n.q || '.' || quote_ident(st.stxname), f.a, f.v
FROM pg_statistic_ext st
JOIN ns n ON n.oid = st.stxnamespace
LEFT JOIN pg_description d ON d.classoid = 'pg_statistic_ext'::regclass AND d.objoid = st.oid AND d.objsubid = 0
LEFT JOIN priv p ON p.classid = 'pg_statistic_ext'::regclass AND p.objid = st.oid AND p.objsubid = 0
CROSS JOIN LATERAL (VALUES
	('definition', pg_get_statisticsobjdef(st.oid)),
	('statistics', CASE WHEN st.stxstattarget >= 0 THEN st.stxstattarget::text END),
	('owner', p.owner),
	('comment', quote_literal(d.description))
) f(a, v)
WHERE f.v IS NOT NULL

UNION ALL
SELECT CASE WHEN x.member THEN 'extension member' ELSE 'system object' END, pg_describe_object(p.classid, p.objid, p.objsubid),
	'privileges', p.privileges
FROM priv p
CROSS JOIN LATERAL (SELECT EXISTS (SELECT FROM pg_depend e WHERE e.classid = p.classid AND e.objid = p.objid AND e.deptype = 'e') AS member) x
WHERE p.privileges IS NOT NULL AND p.classid <> 'pg_default_acl'::regclass AND (x.member OR p.objid < 16384)
  AND NOT (p.classid = 'pg_namespace'::regclass AND p.objid IN (SELECT ns.oid FROM ns))
`

// optionalFacts are the branches of the kinds most schemas have none of,
// each with the catalog that holds its objects: catalogQuery adds a branch
// only when its catalog holds an object made after initdb (a row of pg_seclabel
// at all), which keeps the planning of the statement short.
var optionalFacts = []struct{ catalog, branch string }{
	{"pg_language", `
UNION ALL
SELECT 'language', quote_ident(l.lanname), f.a, f.v
FROM pg_language l
LEFT JOIN priv p ON p.classid = 'pg_language'::regclass AND p.objid = l.oid AND p.objsubid = 0
LEFT JOIN pg_description d ON d.classoid = 'pg_language'::regclass AND d.objoid = l.oid AND d.objsubid = 0
CROSS JOIN LATERAL (VALUES
	('handler', l.lanplcallfoid::regprocedure::text),
	('inline', CASE WHEN l.laninline <> 0 THEN l.laninline::regprocedure::text END),
	('validator', CASE WHEN l.lanvalidator <> 0 THEN l.lanvalidator::regprocedure::text END),
	('trusted', CASE WHEN l.lanpltrusted THEN '' END),
	('owner', p.owner),
	('privileges', p.privileges),
	('comment', quote_literal(d.description))
) f(a, v)
WHERE l.oid >= 16384 AND f.v IS NOT NULL AND NOT EXISTS (SELECT FROM pg_depend e WHERE e.classid = 'pg_language'::regclass AND e.objid = l.oid AND e.deptype = 'e')
`},
	{"pg_cast", `
UNION ALL
SELECT 'cast', '(' || format_type(c.castsource, NULL) || ' AS ' || format_type(c.casttarget, NULL) || ')', f.a, f.v
FROM pg_cast c
LEFT JOIN pg_description d ON d.classoid = 'pg_cast'::regclass AND d.objoid = c.oid AND d.objsubid = 0
CROSS JOIN LATERAL (VALUES
	('method', CASE c.castmethod WHEN 'f' THEN 'function ' || c.castfunc::regprocedure::text WHEN 'i' THEN 'inout' ELSE 'binary coercible' END),
	('context', CASE c.castcontext WHEN 'e' THEN 'explicit' WHEN 'a' THEN 'assignment' ELSE 'implicit' END),
	('comment', quote_literal(d.description))
) f(a, v)
WHERE c.oid >= 16384 AND f.v IS NOT NULL
  AND NOT EXISTS (SELECT FROM pg_type t WHERE t.oid IN (c.castsource, c.casttarget) AND t.typnamespace IN (SELECT x.oid FROM excluded x))
  AND NOT EXISTS (SELECT FROM pg_proc pr WHERE pr.oid = c.castfunc AND pr.pronamespace IN (SELECT x.oid FROM excluded x))
  AND NOT EXISTS (SELECT FROM pg_depend e WHERE e.classid = 'pg_cast'::regclass AND e.objid = c.oid AND e.deptype IN ('e', 'i'))
`},
	{"pg_am", `
UNION ALL
SELECT 'access method', quote_ident(am.amname), f.a, f.v
FROM pg_am am
LEFT JOIN pg_description d ON d.classoid = 'pg_am'::regclass AND d.objoid = am.oid AND d.objsubid = 0
CROSS JOIN LATERAL (VALUES
	('type', CASE am.amtype WHEN 't' THEN 'table' ELSE 'index' END),
	('handler', am.amhandler::regprocedure::text),
	('comment', quote_literal(d.description))
) f(a, v)
WHERE am.oid >= 16384 AND f.v IS NOT NULL AND NOT EXISTS (SELECT FROM pg_depend e WHERE e.classid = 'pg_am'::regclass AND e.objid = am.oid AND e.deptype = 'e')
`},
	{"pg_transform", `
UNION ALL
SELECT 'transform', 'for ' || format_type(tr.trftype, NULL) || ' language ' || quote_ident(l.lanname), f.a, f.v
FROM pg_transform tr
JOIN pg_language l ON l.oid = tr.trflang
LEFT JOIN pg_description d ON d.classoid = 'pg_transform'::regclass AND d.objoid = tr.oid AND d.objsubid = 0
CROSS JOIN LATERAL (VALUES
	('from sql', CASE WHEN tr.trffromsql <> 0 THEN tr.trffromsql::regprocedure::text ELSE 'none' END),
	('to sql', CASE WHEN tr.trftosql <> 0 THEN tr.trftosql::regprocedure::text ELSE 'none' END),
	('comment', quote_literal(d.description))
) f(a, v)
WHERE tr.oid >= 16384 AND f.v IS NOT NULL
  AND NOT EXISTS (SELECT FROM pg_type t WHERE t.oid = tr.trftype AND t.typnamespace IN (SELECT x.oid FROM excluded x))
  AND NOT EXISTS (SELECT FROM pg_proc pr WHERE pr.oid IN (tr.trffromsql, tr.trftosql) AND pr.pronamespace IN (SELECT x.oid FROM excluded x))
  AND NOT EXISTS (SELECT FROM pg_depend e WHERE e.classid = 'pg_transform'::regclass AND e.objid = tr.oid AND e.deptype = 'e')
`},
	{"pg_conversion", `
UNION ALL
SELECT 'conversion', n.q || '.' || quote_ident(cv.conname), f.a, f.v
FROM pg_conversion cv
JOIN ns n ON n.oid = cv.connamespace
LEFT JOIN role ow ON ow.oid = cv.conowner AND ow.q <> '(database owner)'
LEFT JOIN pg_description d ON d.classoid = 'pg_conversion'::regclass AND d.objoid = cv.oid AND d.objsubid = 0
CROSS JOIN LATERAL (VALUES
	('definition', format('for %L to %L from %s', pg_encoding_to_char(cv.conforencoding), pg_encoding_to_char(cv.contoencoding),
		cv.conproc::regprocedure) || CASE WHEN cv.condefault THEN ', default' ELSE '' END),
	('owner', ow.q),
	('comment', quote_literal(d.description))
) f(a, v)
WHERE cv.oid >= 16384 AND f.v IS NOT NULL AND NOT EXISTS (SELECT FROM pg_depend e WHERE e.classid = 'pg_conversion'::regclass AND e.objid = cv.oid AND e.deptype = 'e')
`},
	{"pg_operator", `
UNION ALL
SELECT 'operator', op.oid::regoperator::text, f.a, f.v
FROM pg_operator op
JOIN ns n ON n.oid = op.oprnamespace
LEFT JOIN role ow ON ow.oid = op.oprowner AND ow.q <> '(database owner)'
LEFT JOIN pg_description d ON d.classoid = 'pg_operator'::regclass AND d.objoid = op.oid AND d.objsubid = 0
CROSS JOIN LATERAL (VALUES
	('definition', concat_ws(', ',
		'function ' || CASE WHEN op.oprcode <> 0 THEN op.oprcode::regprocedure::text END,
		'commutator ' || CASE WHEN op.oprcom <> 0 THEN op.oprcom::regoperator::text END,
		'negator ' || CASE WHEN op.oprnegate <> 0 THEN op.oprnegate::regoperator::text END,
		'restrict ' || CASE WHEN op.oprrest <> 0 THEN op.oprrest::regprocedure::text END,
		'join ' || CASE WHEN op.oprjoin <> 0 THEN op.oprjoin::regprocedure::text END,
		CASE WHEN op.oprcanhash THEN 'hashes' END, CASE WHEN op.oprcanmerge THEN 'merges' END)),
	('owner', ow.q),
	('comment', quote_literal(d.description))
) f(a, v)
WHERE op.oid >= 16384 AND f.v IS NOT NULL AND NOT EXISTS (SELECT FROM pg_depend e WHERE e.classid = 'pg_operator'::regclass AND e.objid = op.oid AND e.deptype = 'e')
`},
	{"pg_opfamily", `
UNION ALL
SELECT 'operator family', n.q || '.' || quote_ident(opf.opfname) || ' using ' || quote_ident(am.amname), f.a, f.v
FROM pg_opfamily opf
JOIN ns n ON n.oid = opf.opfnamespace
JOIN pg_am am ON am.oid = opf.opfmethod
LEFT JOIN role ow ON ow.oid = opf.opfowner AND ow.q <> '(database owner)'
LEFT JOIN pg_description d ON d.classoid = 'pg_opfamily'::regclass AND d.objoid = opf.oid AND d.objsubid = 0
CROSS JOIN LATERAL (VALUES
	('exists', ''),
	('operators', (SELECT string_agg(x.item, ', ' ORDER BY x.item COLLATE "C")
		FROM (SELECT ao.amopstrategy || ' ' || ao.amopopr::regoperator::text
			|| CASE WHEN ao.amoppurpose = 'o' THEN ' for order by ' || (SELECT sf.opfnamespace::regnamespace::text || '.' || quote_ident(sf.opfname)
				FROM pg_opfamily sf WHERE sf.oid = ao.amopsortfamily) ELSE '' END AS item
			FROM pg_amop ao WHERE ao.amopfamily = opf.oid) x)),
	('functions', (SELECT string_agg(x.item, ', ' ORDER BY x.item COLLATE "C")
		FROM (SELECT ap.amprocnum || ' (' || format_type(ap.amproclefttype, NULL) || ', ' || format_type(ap.amprocrighttype, NULL) || ') '
			|| ap.amproc::regprocedure::text AS item
			FROM pg_amproc ap WHERE ap.amprocfamily = opf.oid) x)),
	('owner', ow.q),
	('comment', quote_literal(d.description))
) f(a, v)
WHERE opf.oid >= 16384 AND f.v IS NOT NULL AND NOT EXISTS (SELECT FROM pg_depend e WHERE e.classid = 'pg_opfamily'::regclass AND e.objid = opf.oid AND e.deptype = 'e')
`},
	{"pg_opclass", `
UNION ALL
SELECT 'operator class', n.q || '.' || quote_ident(opc.opcname) || ' using ' || quote_ident(am.amname), f.a, f.v
FROM pg_opclass opc
JOIN ns n ON n.oid = opc.opcnamespace
JOIN pg_am am ON am.oid = opc.opcmethod
JOIN pg_opfamily opf ON opf.oid = opc.opcfamily
LEFT JOIN role ow ON ow.oid = opc.opcowner AND ow.q <> '(database owner)'
LEFT JOIN pg_description d ON d.classoid = 'pg_opclass'::regclass AND d.objoid = opc.oid AND d.objsubid = 0
CROSS JOIN LATERAL (VALUES
	('type', format_type(opc.opcintype, NULL)),
	('default', CASE WHEN opc.opcdefault THEN '' END),
	('family', opf.opfnamespace::regnamespace::text || '.' || quote_ident(opf.opfname)),
	('storage', CASE WHEN opc.opckeytype <> 0 THEN format_type(opc.opckeytype, NULL) END),
	('owner', ow.q),
	('comment', quote_literal(d.description))
) f(a, v)
WHERE opc.oid >= 16384 AND f.v IS NOT NULL AND NOT EXISTS (SELECT FROM pg_depend e WHERE e.classid = 'pg_opclass'::regclass AND e.objid = opc.oid AND e.deptype = 'e')
`},
	{"pg_ts_parser", `
UNION ALL
SELECT 'text search parser', n.q || '.' || quote_ident(prs.prsname), f.a, f.v
FROM pg_ts_parser prs
JOIN ns n ON n.oid = prs.prsnamespace
LEFT JOIN pg_description d ON d.classoid = 'pg_ts_parser'::regclass AND d.objoid = prs.oid AND d.objsubid = 0
CROSS JOIN LATERAL (VALUES
	('functions', concat_ws(', ', 'start ' || prs.prsstart::regprocedure::text, 'gettoken ' || prs.prstoken::regprocedure::text,
		'end ' || prs.prsend::regprocedure::text, 'headline ' || CASE WHEN prs.prsheadline <> 0 THEN prs.prsheadline::regprocedure::text END,
		'lextypes ' || prs.prslextype::regprocedure::text)),
	('comment', quote_literal(d.description))
) f(a, v)
WHERE prs.oid >= 16384 AND f.v IS NOT NULL AND NOT EXISTS (SELECT FROM pg_depend e WHERE e.classid = 'pg_ts_parser'::regclass AND e.objid = prs.oid AND e.deptype = 'e')
`},
	{"pg_ts_template", `
UNION ALL
SELECT 'text search template', n.q || '.' || quote_ident(tm.tmplname), f.a, f.v
FROM pg_ts_template tm
JOIN ns n ON n.oid = tm.tmplnamespace
LEFT JOIN pg_description d ON d.classoid = 'pg_ts_template'::regclass AND d.objoid = tm.oid AND d.objsubid = 0
CROSS JOIN LATERAL (VALUES
	('functions', concat_ws(', ', 'init ' || CASE WHEN tm.tmplinit <> 0 THEN tm.tmplinit::regprocedure::text END,
		'lexize ' || tm.tmpllexize::regprocedure::text)),
	('comment', quote_literal(d.description))
) f(a, v)
WHERE tm.oid >= 16384 AND f.v IS NOT NULL AND NOT EXISTS (SELECT FROM pg_depend e WHERE e.classid = 'pg_ts_template'::regclass AND e.objid = tm.oid AND e.deptype = 'e')
`},
	{"pg_ts_dict", `
UNION ALL
SELECT 'text search dictionary', n.q || '.' || quote_ident(dc.dictname), f.a, f.v
FROM pg_ts_dict dc
JOIN ns n ON n.oid = dc.dictnamespace
JOIN pg_ts_template tm ON tm.oid = dc.dicttemplate
LEFT JOIN role ow ON ow.oid = dc.dictowner AND ow.q <> '(database owner)'
LEFT JOIN pg_description d ON d.classoid = 'pg_ts_dict'::regclass AND d.objoid = dc.oid AND d.objsubid = 0
CROSS JOIN LATERAL (VALUES
	('template', tm.tmplnamespace::regnamespace::text || '.' || quote_ident(tm.tmplname)),
	('options', dc.dictinitoption),
	('owner', ow.q),
	('comment', quote_literal(d.description))
) f(a, v)
WHERE dc.oid >= 16384 AND f.v IS NOT NULL AND NOT EXISTS (SELECT FROM pg_depend e WHERE e.classid = 'pg_ts_dict'::regclass AND e.objid = dc.oid AND e.deptype = 'e')
`},
	{"pg_ts_config", `
UNION ALL
SELECT 'text search configuration', n.q || '.' || quote_ident(cfg.cfgname), f.a, f.v
FROM pg_ts_config cfg
JOIN ns n ON n.oid = cfg.cfgnamespace
JOIN pg_ts_parser prs ON prs.oid = cfg.cfgparser
LEFT JOIN role ow ON ow.oid = cfg.cfgowner AND ow.q <> '(database owner)'
LEFT JOIN pg_description d ON d.classoid = 'pg_ts_config'::regclass AND d.objoid = cfg.oid AND d.objsubid = 0
CROSS JOIN LATERAL (VALUES
	('parser', prs.prsnamespace::regnamespace::text || '.' || quote_ident(prs.prsname)),
	('mapping', (SELECT string_agg(x.item, ', ' ORDER BY x.maptokentype)
		FROM (SELECT m.maptokentype, coalesce(tt.alias, m.maptokentype::text) || ' '
			|| string_agg(dm.dictnamespace::regnamespace::text || '.' || quote_ident(dm.dictname), ' ' ORDER BY m.mapseqno) AS item
			FROM pg_ts_config_map m
			JOIN pg_ts_dict dm ON dm.oid = m.mapdict
			LEFT JOIN ts_token_type(cfg.cfgparser) tt ON tt.tokid = m.maptokentype
			WHERE m.mapcfg = cfg.oid
			GROUP BY m.maptokentype, tt.alias) x)),
	('owner', ow.q),
	('comment', quote_literal(d.description))
) f(a, v)
WHERE cfg.oid >= 16384 AND f.v IS NOT NULL AND NOT EXISTS (SELECT FROM pg_depend e WHERE e.classid = 'pg_ts_config'::regclass AND e.objid = cfg.oid AND e.deptype = 'e')
`},
	{"pg_foreign_data_wrapper", `
UNION ALL
SELECT 'foreign data wrapper', quote_ident(w.fdwname), f.a, f.v
FROM pg_foreign_data_wrapper w
LEFT JOIN priv p ON p.classid = 'pg_foreign_data_wrapper'::regclass AND p.objid = w.oid AND p.objsubid = 0
LEFT JOIN pg_description d ON d.classoid = 'pg_foreign_data_wrapper'::regclass AND d.objoid = w.oid AND d.objsubid = 0
CROSS JOIN LATERAL (VALUES
	('handler', CASE WHEN w.fdwhandler <> 0 THEN w.fdwhandler::regprocedure::text ELSE 'none' END),
	('validator', CASE WHEN w.fdwvalidator <> 0 THEN w.fdwvalidator::regprocedure::text ELSE 'none' END),
	('options', (SELECT string_agg(o, ', ' ORDER BY o COLLATE "C") FROM unnest(w.fdwoptions) o)),
	('owner', p.owner),
	('privileges', p.privileges),
	('comment', quote_literal(d.description))
) f(a, v)
WHERE f.v IS NOT NULL AND NOT EXISTS (SELECT FROM pg_depend e WHERE e.classid = 'pg_foreign_data_wrapper'::regclass AND e.objid = w.oid AND e.deptype = 'e')
`},
	{"pg_foreign_server", `
UNION ALL
SELECT 'server', quote_ident(sv.srvname), f.a, f.v
FROM pg_foreign_server sv
JOIN pg_foreign_data_wrapper w ON w.oid = sv.srvfdw
LEFT JOIN priv p ON p.classid = 'pg_foreign_server'::regclass AND p.objid = sv.oid AND p.objsubid = 0
LEFT JOIN pg_description d ON d.classoid = 'pg_foreign_server'::regclass AND d.objoid = sv.oid AND d.objsubid = 0
CROSS JOIN LATERAL (VALUES
	('wrapper', quote_ident(w.fdwname)),
	('type', quote_literal(sv.srvtype)),
	('version', quote_literal(sv.srvversion)),
	('options', (SELECT string_agg(CASE WHEN o.option_name ~* '` + secretOptionPattern + `'
		THEN o.option_name || ' md5 ' || md5(sv.srvname || ' ' || o.option_name || '=' || o.option_value)
		ELSE o.option_name || '=' || o.option_value END, ', ' ORDER BY o.option_name COLLATE "C")
		FROM pg_options_to_table(sv.srvoptions) o)),
	('owner', p.owner),
	('privileges', p.privileges),
	('comment', quote_literal(d.description))
) f(a, v)
WHERE f.v IS NOT NULL AND NOT EXISTS (SELECT FROM pg_depend e WHERE e.classid = 'pg_foreign_server'::regclass AND e.objid = sv.oid AND e.deptype = 'e')
`},
	{"pg_foreign_server", `
UNION ALL
SELECT 'user mapping', ro.q || ' on ' || quote_ident(um.srvname), f.a, f.v
FROM pg_user_mappings um
JOIN role ro ON ro.oid = um.umuser
CROSS JOIN LATERAL (VALUES
	('exists', ''),
	('options', (SELECT string_agg(o.option_name || ' md5 ' || md5(ro.q || ' ' || um.srvname || ' ' || o.option_name || '=' || o.option_value),
		', ' ORDER BY o.option_name COLLATE "C") FROM pg_options_to_table(um.umoptions) o))
) f(a, v)
WHERE f.v IS NOT NULL
`},
	{"pg_event_trigger", `
UNION ALL
SELECT 'event trigger', quote_ident(et.evtname), f.a, f.v
FROM pg_event_trigger et
LEFT JOIN role ow ON ow.oid = et.evtowner AND ow.q <> '(database owner)'
LEFT JOIN pg_description d ON d.classoid = 'pg_event_trigger'::regclass AND d.objoid = et.oid AND d.objsubid = 0
CROSS JOIN LATERAL (VALUES
	('event', et.evtevent::text),
	('function', et.evtfoid::regprocedure::text),
	('tags', (SELECT string_agg(quote_literal(tg), ', ' ORDER BY tg COLLATE "C") FROM unnest(et.evttags) tg)),
	('status', CASE et.evtenabled WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'enabled on replicas only' WHEN 'A' THEN 'enabled always' END),
	('owner', ow.q),
	('comment', quote_literal(d.description))
) f(a, v)
WHERE f.v IS NOT NULL AND NOT EXISTS (SELECT FROM pg_depend e WHERE e.classid = 'pg_event_trigger'::regclass AND e.objid = et.oid AND e.deptype = 'e')
`},
	{"pg_publication", `
UNION ALL
SELECT 'publication', quote_ident(pb.pubname), f.a, f.v
FROM pg_publication pb
LEFT JOIN role ow ON ow.oid = pb.pubowner AND ow.q <> '(database owner)'
LEFT JOIN pg_description d ON d.classoid = 'pg_publication'::regclass AND d.objoid = pb.oid AND d.objsubid = 0
CROSS JOIN LATERAL (VALUES
	('publish', concat_ws(', ', CASE WHEN pb.pubinsert THEN 'insert' END, CASE WHEN pb.pubupdate THEN 'update' END,
		CASE WHEN pb.pubdelete THEN 'delete' END, CASE WHEN pb.pubtruncate THEN 'truncate' END)),
	('all tables', CASE WHEN pb.puballtables THEN '' END),
	('via partition root', CASE WHEN pb.pubviaroot THEN '' END),
	('owner', ow.q),
	('comment', quote_literal(d.description))
) f(a, v)
WHERE f.v IS NOT NULL
`},
	{"pg_publication", `
UNION ALL
SELECT 'publication table', quote_ident(pb.pubname) || '.' || r.q, f.a, f.v
FROM pg_publication_rel pr
JOIN pg_publication pb ON pb.oid = pr.prpubid
JOIN rel r ON r.oid = pr.prrelid
CROSS JOIN LATERAL (VALUES
	('member', ''),
	('columns', (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)
		FROM pg_attribute a WHERE a.attrelid = pr.prrelid AND a.attnum = ANY (pr.prattrs))),
	('where', pg_get_expr(pr.prqual, pr.prrelid))
) f(a, v)
WHERE f.v IS NOT NULL
`},
	{"pg_publication", `
UNION ALL
SELECT 'publication schema', quote_ident(pb.pubname) || '.' || n.q, 'member', ''
FROM pg_publication_namespace pn
JOIN pg_publication pb ON pb.oid = pn.pnpubid
JOIN ns n ON n.oid = pn.pnnspid
`},
	{"pg_default_acl", `
UNION ALL
SELECT 'default privileges', ro.q || coalesce(' in schema ' || n.q, '') || ' on '
	|| CASE da.defaclobjtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences' WHEN 'f' THEN 'functions' WHEN 'T' THEN 'types' ELSE 'schemas' END,
	'privileges', p.privileges
FROM pg_default_acl da
JOIN role ro ON ro.oid = da.defaclrole
LEFT JOIN ns n ON n.oid = da.defaclnamespace
LEFT JOIN priv p ON p.classid = 'pg_default_acl'::regclass AND p.objid = da.oid AND p.objsubid = 0
WHERE (da.defaclnamespace = 0 OR n.oid IS NOT NULL) AND p.privileges IS NOT NULL
`},
	{"pg_subscription", `
UNION ALL
SELECT 'subscription', quote_ident(su.subname), f.a, f.v
FROM pg_subscription su
LEFT JOIN role ow ON ow.oid = su.subowner AND ow.q <> '(database owner)'
LEFT JOIN pg_shdescription d ON d.classoid = 'pg_subscription'::regclass AND d.objoid = su.oid
CROSS JOIN LATERAL (VALUES
	('publications', (SELECT string_agg(quote_ident(pn), ', ' ORDER BY pn COLLATE "C") FROM unnest(su.subpublications) pn)),
	('enabled', CASE WHEN su.subenabled THEN 'yes' ELSE 'no' END),
	('options', concat_ws(', ', 'slot name ' || coalesce(quote_ident(su.subslotname), 'none'),
		'synchronous commit ' || su.subsynccommit, CASE WHEN su.subbinary THEN 'binary' END, 'streaming ' || su.substream::text,
		'two phase ' || su.subtwophasestate::text, CASE WHEN su.subdisableonerr THEN 'disable on error' END)),
	('owner', ow.q),
	('comment', quote_literal(d.description))
) f(a, v)
WHERE su.subdbid = (SELECT dd.oid FROM pg_database dd WHERE dd.datname = current_database()) AND f.v IS NOT NULL
`},
	{"pg_seclabel", `
UNION ALL
SELECT 'security label', pg_describe_object(sl.classoid, sl.objoid, sl.objsubid) || ' for ' || quote_ident(sl.provider), 'label', quote_literal(sl.label)
FROM pg_seclabel sl
CROSS JOIN LATERAL pg_identify_object(sl.classoid, sl.objoid, sl.objsubid) io
WHERE (io.schema IS NULL OR io.schema IN (SELECT ns.nspname FROM ns))
  AND NOT EXISTS (SELECT FROM pg_depend e WHERE e.classid = sl.classoid AND e.objid = sl.objoid AND e.deptype = 'e')
`},
}
