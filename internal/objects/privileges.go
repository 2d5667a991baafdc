package objects

import (
	"context"
	"database/sql"
	"strings"
)

// Privileges, planned as the difference between an object's ACL and the
// default its owner gets (acldefault): an ACL equal to the default holds
// no grant. Each object is one grantee's privileges on one target, with or
// without the grant option.
const (
	// Grant is privileges granted beyond the default: Create grants them,
	// Drop revokes them. Default privileges (ALTER DEFAULT PRIVILEGES)
	// added to the built-in ones are grants too.
	Grant Kind = "grant"
	// Revoke is default privileges revoked: Create revokes them, Drop
	// grants them back.
	Revoke Kind = "revoke"
)

// privilegesQuery lists, for every schema, relation, column, function,
// procedure and type or domain of the user schemas, and for every entry
// of pg_default_acl, each grantee's privileges that differ from the
// owner's default: wanted true for those granted beyond it, false for
// those of the default revoked. Extension members are left out.
var privilegesQuery = `
WITH src AS (
  SELECT 'pg_namespace'::regclass::oid AS class, x.oid AS obj, 'SCHEMA' AS what, quote_ident(x.nspname) AS target,
         '' AS col, '' AS tbl, x.nspacl AS acl, acldefault('n'::"char", x.nspowner) AS def, '' AS role, '' AS schema,
         '' AS colname
  FROM pg_namespace x
  WHERE x.nspname !~ '^pg_' AND x.nspname NOT IN ('information_schema', 'atlas_schema_revisions')
    AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_namespace'::regclass AND e.objid = x.oid AND e.deptype = 'e')
  UNION ALL
  SELECT 'pg_class'::regclass::oid, x.oid, CASE x.relkind WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END,
         format('%I.%I', n.nspname, x.relname), '', CASE WHEN x.relkind IN ('r', 'p', 'f') THEN n.nspname || '.' || x.relname ELSE '' END,
         x.relacl, acldefault(CASE x.relkind WHEN 'S' THEN 's'::"char" ELSE 'r'::"char" END, x.relowner), '', '', ''
  FROM pg_class x JOIN pg_namespace n ON n.oid = x.relnamespace
  WHERE x.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND ` + userObjects("pg_class", "x.relnamespace") + `
  UNION ALL
  SELECT 'pg_class'::regclass::oid, x.oid, 'TABLE', format('%I.%I', n.nspname, x.relname), quote_ident(a.attname),
         CASE WHEN x.relkind IN ('r', 'p', 'f') THEN n.nspname || '.' || x.relname ELSE '' END,
         a.attacl, NULL::aclitem[], '', '', a.attname::text
  FROM pg_attribute a JOIN pg_class x ON x.oid = a.attrelid JOIN pg_namespace n ON n.oid = x.relnamespace
  WHERE a.attnum > 0 AND NOT a.attisdropped AND a.attacl IS NOT NULL
    AND x.relkind IN ('r', 'p', 'v', 'm', 'f') AND ` + userObjects("pg_class", "x.relnamespace") + `
  UNION ALL
  SELECT 'pg_proc'::regclass::oid, x.oid, CASE x.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END,
         format('%I.%I(%s)', n.nspname, x.proname, oidvectortypes(x.proargtypes)), '', '',
         x.proacl, acldefault('f'::"char", x.proowner), '', '', ''
  FROM pg_proc x JOIN pg_namespace n ON n.oid = x.pronamespace
  WHERE x.prokind IN ('f', 'p') AND ` + userObjects("pg_proc", "x.pronamespace") + `
  UNION ALL
  SELECT 'pg_type'::regclass::oid, x.oid, CASE x.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END,
         format('%I.%I', n.nspname, x.typname), '', '', x.typacl, acldefault('T'::"char", x.typowner), '', '', ''
  FROM pg_type x JOIN pg_namespace n ON n.oid = x.typnamespace
  WHERE x.typtype IN ('e', 'd', 'r', 'b', 'c') AND x.typcategory <> 'A'
    AND (x.typrelid = 0 OR (SELECT c.relkind FROM pg_class c WHERE c.oid = x.typrelid) = 'c')
    AND ` + userObjects("pg_type", "x.typnamespace") + `
  UNION ALL
  SELECT 'pg_default_acl'::regclass::oid, x.oid,
         CASE x.defaclobjtype WHEN 'r' THEN 'TABLES' WHEN 'S' THEN 'SEQUENCES' WHEN 'f' THEN 'FUNCTIONS'
                              WHEN 'T' THEN 'TYPES' ELSE 'SCHEMAS' END,
         '', '', '', x.defaclacl,
         CASE WHEN x.defaclnamespace = 0 THEN acldefault(CASE x.defaclobjtype WHEN 'S' THEN 's'::"char" ELSE x.defaclobjtype END, x.defaclrole)
              ELSE NULL::aclitem[] END,
         x.defaclrole::regrole::text, COALESCE(quote_ident(n.nspname), ''), ''
  FROM pg_default_acl x LEFT JOIN pg_namespace n ON n.oid = x.defaclnamespace
), item AS (
  SELECT s.class, s.obj, s.what, s.target, s.col, s.tbl, s.colname, s.role, s.schema, i.grantee, i.privilege_type, i.is_grantable,
         i.wanted
  FROM src s
  CROSS JOIN LATERAL (
    (SELECT grantee, privilege_type, is_grantable, true AS wanted FROM aclexplode(COALESCE(s.acl, s.def))
     EXCEPT SELECT grantee, privilege_type, is_grantable, true FROM aclexplode(s.def))
    UNION ALL
    (SELECT grantee, privilege_type, is_grantable, false FROM aclexplode(s.def)
     EXCEPT SELECT grantee, privilege_type, is_grantable, false FROM aclexplode(COALESCE(s.acl, s.def)))
  ) i
)
SELECT class::int8, obj::int8, what, target, col, tbl, colname, role, schema,
       CASE WHEN grantee = 0 THEN 'PUBLIC' ELSE grantee::regrole::text END, is_grantable, wanted,
       string_agg(privilege_type, ', ' ORDER BY privilege_type)
FROM item
GROUP BY class, obj, what, target, col, tbl, colname, role, schema, grantee, is_grantable, wanted`

// classDefaultACL is pg_default_acl's oid.
const classDefaultACL = 826

func (r *reader) privileges(ctx context.Context, q Querier) error {
	return each(ctx, q, privilegesQuery, func(rows *sql.Rows) error {
		var (
			k                                                      key
			what, target, col, tbl, colName, role, schema, grantee string
			grantable, wanted                                      bool
			privs                                                  string
		)
		if err := rows.Scan(&k.class, &k.obj, &what, &target, &col, &tbl, &colName, &role, &schema, &grantee,
			&grantable, &wanted, &privs); err != nil {
			return err
		}
		p := privilege{what: what, target: target, column: col, grantee: grantee, grantable: grantable, privs: privs, revoked: !wanted}
		if k.class == classDefaultACL {
			p.defaults = "ALTER DEFAULT PRIVILEGES FOR ROLE " + role
			if schema != "" {
				p.defaults += " IN SCHEMA " + schema
			}
		}
		o := &Object{ID: ID{Kind: Grant, Name: p.name()}, Create: p.grant(), Drop: p.revoke(), Comments: map[string]string{}, acl: &p}
		if !wanted {
			o.ID.Kind, o.Create, o.Drop = Revoke, p.revoke(), p.grant()
		}
		if on := r.byKey[k]; on != nil {
			o.Deps = []ID{on.ID}
		}
		if tbl != "" {
			o.Tables = []string{tbl}
		}
		if tbl != "" && colName != "" {
			o.Columns = []string{tbl + "." + colName}
		}
		r.set[o.ID] = o
		return nil
	})
}

// privilege is one grantee's privileges on one target, as SQL.
type privilege struct {
	what, target, column string // "TABLE", "public.t", `"c"` for a column's
	defaults             string // "ALTER DEFAULT PRIVILEGES FOR ROLE r [IN SCHEMA s]"
	grantee              string // quoted, or PUBLIC
	grantable            bool
	privs                string // "INSERT, SELECT"
	revoked              bool   // default privileges revoked
}

// name is the privilege's ID name: TABLE public.t TO app, COLUMN
// public.t.c TO app WITH GRANT OPTION, FUNCTION public.f() FROM PUBLIC,
// ALTER DEFAULT PRIVILEGES FOR ROLE r ON TABLES TO app.
func (p privilege) name() string {
	on := p.on()
	if p.column != "" {
		on = "COLUMN " + p.target + "." + p.column
	}
	n := on + " TO " + p.grantee
	if p.revoked {
		n = on + " FROM " + p.grantee
	}
	if p.grantable {
		n += " WITH GRANT OPTION"
	}
	return n
}

func (p privilege) on() string {
	if p.defaults != "" {
		return p.defaults + " ON " + p.what
	}
	return p.what + " " + p.target
}

// list is the privileges, each with the column for a column's.
func (p privilege) list() string {
	if p.column == "" {
		return p.privs
	}
	ps := strings.Split(p.privs, ", ")
	for i := range ps {
		ps[i] += " (" + p.column + ")"
	}
	return strings.Join(ps, ", ")
}

// alterPrivileges returns the statements that change the privileges of c
// into those of d, same grantee and target: revoke what c grants and d
// does not, grant what d grants and c does not (for a Revoke, the other
// way round).
func alterPrivileges(id ID, c, d *Object) []Statement {
	had, want := strings.Split(c.acl.privs, ", "), strings.Split(d.acl.privs, ", ")
	if id.Kind == Revoke {
		had, want = want, had
	}
	var out []Statement
	if gone := minus(had, want); len(gone) > 0 {
		p := *d.acl
		p.privs = strings.Join(gone, ", ")
		out = append(out, stmt("Revoke", id, p.revoke()))
	}
	if added := minus(want, had); len(added) > 0 {
		p := *d.acl
		p.privs = strings.Join(added, ", ")
		out = append(out, stmt("Grant", id, p.grant()))
	}
	return out
}

// minus returns the elements of a not in b.
func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !hasString(b, x) {
			out = append(out, x)
		}
	}
	return out
}

func (p privilege) grant() string {
	on := p.what + " " + p.target
	prefix := ""
	if p.defaults != "" {
		prefix, on = p.defaults+" ", p.what
	}
	s := prefix + "GRANT " + p.list() + " ON " + on + " TO " + p.grantee
	if p.grantable {
		s += " WITH GRANT OPTION"
	}
	return s
}

func (p privilege) revoke() string {
	on := p.what + " " + p.target
	prefix := ""
	if p.defaults != "" {
		prefix, on = p.defaults+" ", p.what
	}
	return prefix + "REVOKE " + p.list() + " ON " + on + " FROM " + p.grantee
}
