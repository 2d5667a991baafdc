package objects_test

import (
	"strings"
	"testing"

	"github.com/versiona/versiona/internal/objects"
)

// TestPlan_FunctionBodies plans LANGUAGE sql functions whose bodies,
// checked when they are created, name other planned objects that
// PostgreSQL records no dependency on.
func TestPlan_FunctionBodies(t *testing.T) {
	t.Parallel()
	const zzB = `CREATE FUNCTION zz_b(i int) RETURNS boolean LANGUAGE plpgsql AS $$BEGIN RETURN true; END$$;`
	for _, c := range []planCase{{
		name:    "calling a function named after it",
		current: base,
		desired: base + zzB + `CREATE FUNCTION aa_a(i int) RETURNS SETOF int LANGUAGE sql AS $$SELECT id FROM post WHERE zz_b(id)$$;`,
		want:    []string{"-- tables", "FUNCTION public.zz_b(i integer)", "FUNCTION public.aa_a(i integer)"},
	}, {
		name:    "calling a schema-qualified, quoted function",
		current: base,
		desired: base + `CREATE FUNCTION "Zz"(i int) RETURNS int LANGUAGE sql AS $$SELECT i$$;
			CREATE FUNCTION aa_a(i int) RETURNS int LANGUAGE sql AS $$SELECT public."Zz"(i) -- no zz here
			$$;`,
		want: []string{`FUNCTION public."Zz"(i integer)`, "FUNCTION public.aa_a(i integer)"},
	}, {
		name:    "procedure calling a function",
		current: base,
		desired: base + zzB + `CREATE PROCEDURE aa_p(i int) LANGUAGE sql AS $$SELECT zz_b(i)$$;`,
		want:    []string{"FUNCTION public.zz_b(i integer)", "PROCEDURE public.aa_p(IN i integer)"},
	}, {
		name:    "over a view",
		current: base,
		desired: base + `CREATE VIEW z_top AS SELECT id FROM post WHERE score > 10;
			CREATE FUNCTION a_tops() RETURNS SETOF int LANGUAGE sql AS $$SELECT id FROM z_top$$;`,
		want: []string{"-- tables", "CREATE VIEW public.z_top", "FUNCTION public.a_tops()"},
	}, {
		name:    "over a materialized view",
		current: base,
		desired: base + `CREATE MATERIALIZED VIEW z_totals AS SELECT sum(score) AS s FROM post;
			CREATE FUNCTION a_total() RETURNS bigint LANGUAGE sql AS $$SELECT s FROM public.z_totals$$;`,
		want: []string{"-- tables", "CREATE MATERIALIZED VIEW public.z_totals", "FUNCTION public.a_total()"},
	}, {
		name:    "over a view that calls it back by name",
		current: base,
		desired: base + `CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$SELECT 1 AS v_total$$;
			CREATE VIEW v_total AS SELECT f() AS n;`,
		want: []string{"-- tables", "FUNCTION public.f()", "CREATE VIEW public.v_total"},
	}, {
		name:    "changed, over a new view",
		current: base + `CREATE FUNCTION a_tops() RETURNS SETOF int LANGUAGE sql AS $$SELECT id FROM post$$;`,
		desired: base + `CREATE VIEW z_top AS SELECT id FROM post WHERE score > 10;
			CREATE FUNCTION a_tops() RETURNS SETOF int LANGUAGE sql AS $$SELECT id FROM z_top$$;`,
		want: []string{"-- tables", "CREATE VIEW public.z_top", `-- Replace function "public.a_tops()"`},
	}, {
		name: "a view it names changed",
		current: base + `CREATE VIEW z_top AS SELECT id FROM post;
			CREATE FUNCTION a_tops() RETURNS SETOF int LANGUAGE sql AS $$SELECT id FROM z_top$$;`,
		desired: base + `CREATE VIEW z_top AS SELECT id, title FROM post;
			CREATE FUNCTION a_tops() RETURNS SETOF int LANGUAGE sql AS $$SELECT id FROM z_top$$;`,
		want: []string{"DROP VIEW public.z_top", "-- tables", "CREATE VIEW public.z_top"},
	}} {
		t.Run(c.name, c.run)
	}
}

// TestPlan_FunctionBodiesKeepDrops checks that a name in a body orders the
// creation only: the catalog holds no dependency of the function on what it
// names, so dropping that leaves the function alone.
func TestPlan_FunctionBodiesKeepDrops(t *testing.T) {
	t.Parallel()
	const fn = `CREATE FUNCTION a_tops() RETURNS SETOF int LANGUAGE sql AS $$SELECT id FROM z_top$$;`
	cur := build(t, base+`CREATE VIEW z_top AS SELECT id FROM post;`+fn)
	des := build(t, base+`CREATE VIEW z_top AS SELECT id, title FROM post;`+fn)
	before, after := objects.Plan(read(t, cur), read(t, des), objects.TableImpact{})
	if plan := objects.String(before) + objects.String(after); strings.Contains(plan, "FUNCTION") {
		t.Fatalf("plan touches the function:\n%s", plan)
	}
}
