package objects_test

import (
	"strings"
	"testing"

	"github.com/versiona/versiona/internal/objects"
	"github.com/versiona/versiona/internal/testkit"
)

// parent is a partitioned table as the table planner creates it.
const parent = `CREATE TABLE m (d date NOT NULL, v int NOT NULL DEFAULT 1 CHECK (v > 0), k text) PARTITION BY RANGE (d);
CREATE INDEX m_v_idx ON m (v);
`

func TestPlan_Partitions(t *testing.T) {
	t.Parallel()
	const y25 = `CREATE TABLE m_2025 PARTITION OF m FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');`
	for _, c := range []planCase{{
		name:    "new, default and sub-partitioned",
		current: parent,
		desired: parent + y25 + `CREATE TABLE m_rest PARTITION OF m DEFAULT;
			CREATE TABLE m_2026 PARTITION OF m FOR VALUES FROM ('2026-01-01') TO ('2027-01-01') PARTITION BY LIST (k);
			CREATE TABLE m_2026_a PARTITION OF m_2026 FOR VALUES IN ('a');`,
		want: []string{"-- tables", "CREATE TABLE public.m_2025 PARTITION OF public.m FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')",
			"CREATE TABLE public.m_2026 PARTITION OF public.m FOR VALUES FROM ('2026-01-01') TO ('2027-01-01') PARTITION BY LIST (k)",
			"CREATE TABLE public.m_2026_a PARTITION OF public.m_2026 FOR VALUES IN ('a')",
			"CREATE TABLE public.m_rest PARTITION OF public.m DEFAULT"},
	}, {
		name:    "bound changed",
		current: parent + y25 + `INSERT INTO m VALUES ('2025-06-01', 7);`,
		desired: parent + `CREATE TABLE m_2025 PARTITION OF m FOR VALUES FROM ('2025-01-01') TO ('2026-07-01');`,
		want: []string{"-- tables", "ALTER TABLE public.m DETACH PARTITION public.m_2025",
			"ALTER TABLE public.m ATTACH PARTITION public.m_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-07-01')"},
	}, {
		name:    "key of a sub-partitioned partition changed",
		current: parent + `CREATE TABLE m_2026 PARTITION OF m FOR VALUES FROM ('2026-01-01') TO ('2027-01-01') PARTITION BY LIST (k);`,
		desired: parent + `CREATE TABLE m_2026 PARTITION OF m FOR VALUES FROM ('2026-01-01') TO ('2027-01-01') PARTITION BY LIST (v);`,
		want:    []string{"DROP TABLE public.m_2026", "-- tables", "CREATE TABLE public.m_2026 PARTITION OF public.m"},
	}, {
		name:    "dropped",
		current: parent + y25,
		desired: parent,
		want:    []string{"DROP TABLE public.m_2025", "-- tables"},
	}, {
		name: "parent dropped",
		current: parent + y25 + `CREATE TABLE m_2026 PARTITION OF m FOR VALUES FROM ('2026-01-01') TO ('2027-01-01') PARTITION BY LIST (k);
			CREATE TABLE m_2026_a PARTITION OF m_2026 FOR VALUES IN ('a');`,
		desired: ``,
		tables:  `DROP TABLE m`,
		impact:  objects.TableImpact{Tables: map[string]bool{"public.m": true}},
		want:    []string{"DROP TABLE public.m_2026_a", "DROP TABLE public.m_2026", "DROP TABLE public.m_2025", "-- tables"},
	}, {
		name:    "own index and comments",
		current: parent + y25,
		desired: parent + y25 + `CREATE INDEX m_2025_k_idx ON m_2025 (k); COMMENT ON TABLE m_2025 IS 'closed';
			COMMENT ON COLUMN m_2025.k IS 'kind'; COMMENT ON INDEX m_2025_k_idx IS 'by kind';`,
		want: []string{"-- tables", "CREATE INDEX m_2025_k_idx ON public.m_2025 USING btree (k)",
			"COMMENT ON COLUMN public.m_2025.k IS 'kind'", "COMMENT ON TABLE public.m_2025 IS 'closed'",
			"COMMENT ON INDEX public.m_2025_k_idx IS 'by kind'"},
	}, {
		name:    "in sync",
		current: parent + y25 + `CREATE INDEX m_2025_k_idx ON m_2025 (k); COMMENT ON TABLE m_2025 IS 'x';`,
		desired: parent + y25 + `CREATE INDEX m_2025_k_idx ON m_2025 (k); COMMENT ON TABLE m_2025 IS 'x';`,
	}} {
		t.Run(c.name, c.run)
	}
}

// TestPlanOnline_Partitions checks the online form of a new partition of
// an existing table: a table LIKE the parent, attached, ends as PARTITION
// OF would make it, indexes included, and the parent's index is attached.
func TestPlanOnline_Partitions(t *testing.T) {
	t.Parallel()
	const desired = parent + `CREATE TABLE m_2025 PARTITION OF m FOR VALUES FROM ('2025-01-01') TO ('2026-01-01') PARTITION BY LIST (k);
		CREATE TABLE m_2025_a PARTITION OF m_2025 FOR VALUES IN ('a');`
	cur, des := build(t, parent), build(t, desired)
	before, after := objects.PlanOnline(read(t, cur), read(t, des), objects.TableImpact{}, map[string]bool{"public.m": true})
	plan := objects.String(before) + "-- tables\n" + objects.String(after)
	for _, w := range []string{"CREATE TABLE public.m_2025 (LIKE public.m INCLUDING DEFAULTS INCLUDING CONSTRAINTS", ") PARTITION BY LIST (k)",
		"ALTER TABLE public.m ATTACH PARTITION public.m_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')",
		"CREATE TABLE public.m_2025_a PARTITION OF public.m_2025 FOR VALUES IN ('a')"} {
		if !strings.Contains(plan, w) {
			t.Fatalf("plan lacks %q:\n%s", w, plan)
		}
	}
	apply(t, cur, before, "", after)
	if got, want := oracle(t, cur), oracle(t, des); got != want {
		t.Fatalf("planned database differs from desired\nplan:\n%s\ngot:\n%s\nwant:\n%s", plan, got, want)
	}
	constraints := `SELECT format('%s %s %s %s', conrelid::regclass, conname, conislocal, pg_get_constraintdef(oid)) FROM pg_constraint
		WHERE connamespace = 'public'::regnamespace ORDER BY 1`
	if got, want := testkit.Lines(t, cur, constraints), testkit.Lines(t, des, constraints); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("constraints differ:\ngot:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
