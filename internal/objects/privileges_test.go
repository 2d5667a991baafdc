package objects_test

import (
	"testing"

	"github.com/versiona/versiona/internal/objects"
	"github.com/versiona/versiona/internal/testkit"
)

// withRole creates the role objects_app, once per server (the statement
// tolerates another test creating it at the same time).
const withRole = `DO $$ BEGIN CREATE ROLE objects_app NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
`

// TestPlan_Privileges checks the difference Plan makes between two ACLs:
// what is granted and not wanted is revoked, what is wanted is granted,
// and an ACL equal to the owner's default holds no grant. The oracle reads
// every ACL with aclexplode, the default one (acldefault) when none is set.
func TestPlan_Privileges(t *testing.T) {
	t.Parallel()
	const view = `CREATE VIEW top AS SELECT id, title FROM post WHERE score > 10;`
	for _, c := range []planCase{{
		name:    "granted",
		current: withRole + base,
		desired: withRole + base + `GRANT SELECT, UPDATE ON post TO objects_app;`,
		want:    []string{"-- tables", "GRANT SELECT, UPDATE ON TABLE public.post TO objects_app"},
	}, {
		name:    "narrowed: only the privilege no longer wanted is revoked",
		current: withRole + base + `GRANT SELECT, UPDATE ON post TO objects_app;`,
		desired: withRole + base + `GRANT SELECT ON post TO objects_app;`,
		want:    []string{"-- tables", "REVOKE UPDATE ON TABLE public.post FROM objects_app;\n"},
	}, {
		name:    "widened: only the new privilege is granted",
		current: withRole + base + `GRANT SELECT ON post TO objects_app;`,
		desired: withRole + base + `GRANT SELECT, DELETE ON post TO objects_app;`,
		want:    []string{"-- tables", "GRANT DELETE ON TABLE public.post TO objects_app;\n"},
	}, {
		name:    "grant option added",
		current: withRole + base + `GRANT SELECT ON post TO objects_app;`,
		desired: withRole + base + `GRANT SELECT ON post TO objects_app WITH GRANT OPTION;`,
		want:    []string{"REVOKE SELECT ON TABLE public.post FROM objects_app", "-- tables", "WITH GRANT OPTION"},
	}, {
		name:    "revoked entirely",
		current: withRole + base + `GRANT ALL ON post TO objects_app;`,
		desired: withRole + base,
		want:    []string{"REVOKE DELETE, INSERT, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE ON TABLE public.post FROM objects_app", "-- tables"},
	}, {
		name:    "default privilege revoked from PUBLIC",
		current: base + slug,
		desired: base + slug + `REVOKE EXECUTE ON FUNCTION slug(text) FROM PUBLIC;`,
		want:    []string{"-- tables", "REVOKE EXECUTE ON FUNCTION public.slug(text) FROM PUBLIC"},
	}, {
		name:    "default privilege given back to PUBLIC",
		current: base + slug + `REVOKE EXECUTE ON FUNCTION slug(text) FROM PUBLIC;`,
		desired: base + slug,
		want:    []string{"GRANT EXECUTE ON FUNCTION public.slug(text) TO PUBLIC", "-- tables"},
	}, {
		name:    "new function without PUBLIC's execute",
		current: base,
		desired: base + slug + `REVOKE EXECUTE ON FUNCTION slug(text) FROM PUBLIC;`,
		want:    []string{"-- tables", "CREATE OR REPLACE FUNCTION public.slug", "REVOKE EXECUTE ON FUNCTION public.slug(text) FROM PUBLIC"},
	}, {
		name:    "an ACL equal to the owner's default is no grant",
		current: withRole + base,
		desired: withRole + base + `GRANT ALL ON post TO CURRENT_USER; REVOKE ALL ON post FROM objects_app;`,
		want:    []string{"-- tables\n"},
	}, {
		name:    "view recreated keeps its grant",
		current: withRole + base + view + `GRANT SELECT ON top TO objects_app;`,
		desired: withRole + base + `CREATE VIEW top AS SELECT id, title, score FROM post WHERE score > 10;
			GRANT SELECT ON top TO objects_app;`,
		want: []string{"REVOKE SELECT ON TABLE public.top FROM objects_app", "DROP VIEW public.top", "-- tables",
			"CREATE VIEW public.top", "GRANT SELECT ON TABLE public.top TO objects_app"},
	}, {
		name:    "column grant over a column whose type changes",
		current: withRole + base + `GRANT UPDATE (title) ON post TO objects_app;`,
		desired: withRole + `CREATE TABLE post (id int PRIMARY KEY, title varchar(50) NOT NULL, score int NOT NULL DEFAULT 0);
			GRANT UPDATE (title) ON post TO objects_app;`,
		tables: `ALTER TABLE post ALTER COLUMN title TYPE varchar(50)`,
		impact: impactColumns("public.post.title"),
		want: []string{"REVOKE UPDATE (title) ON TABLE public.post FROM objects_app", "-- tables",
			"GRANT UPDATE (title) ON TABLE public.post TO objects_app"},
	}, {
		name:    "schema, sequence and type",
		current: withRole + base + `CREATE SEQUENCE n; CREATE TYPE mood AS ENUM ('ok');`,
		desired: withRole + base + `CREATE SEQUENCE n; CREATE TYPE mood AS ENUM ('ok');
			GRANT USAGE ON SCHEMA public TO objects_app; GRANT USAGE, SELECT ON SEQUENCE n TO objects_app;
			REVOKE USAGE ON TYPE mood FROM PUBLIC;`,
		want: []string{"-- tables", "GRANT USAGE ON SCHEMA public TO objects_app", "GRANT SELECT, USAGE ON SEQUENCE public.n TO objects_app",
			"REVOKE USAGE ON TYPE public.mood FROM PUBLIC"},
	}, {
		name:    "default privileges",
		current: withRole + base,
		desired: withRole + base + `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO objects_app;
			ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;`,
		want: []string{"-- tables", "IN SCHEMA public GRANT SELECT ON TABLES TO objects_app",
			"REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC"},
	}} {
		t.Run(c.name, c.run)
	}
}

// TestPlan_PrivilegesDefault checks that an ACL set explicitly to the
// owner's default plans nothing.
func TestPlan_PrivilegesDefault(t *testing.T) {
	t.Parallel()
	cur := build(t, base)
	des := build(t, base+`GRANT ALL ON post TO CURRENT_USER;`)
	if got := testkit.Lines(t, des, "SELECT (relacl IS NOT NULL)::text FROM pg_class WHERE oid = 'post'::regclass"); len(got) != 1 || got[0] != "true" {
		t.Fatalf("desired post's relacl set: %v; want an explicit ACL", got)
	}
	if before, after := objects.Plan(read(t, cur), read(t, des), objects.TableImpact{}); len(before)+len(after) > 0 {
		t.Errorf("plan for an ACL equal to the default:\n%s%s", objects.String(before), objects.String(after))
	}
}
