package objects_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/versiona/versiona/internal/dbtest"
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
		name:    "view over a partition whose column type changes",
		current: parent + y25 + `CREATE VIEW m_ano AS SELECT d, v FROM m_2025;`,
		desired: `CREATE TABLE m (d date NOT NULL, v bigint NOT NULL DEFAULT 1 CHECK (v > 0), k text) PARTITION BY RANGE (d);
			CREATE INDEX m_v_idx ON m (v);` + y25 + `CREATE VIEW m_ano AS SELECT d, v FROM m_2025;`,
		tables: `ALTER TABLE m ALTER COLUMN v TYPE bigint`,
		impact: impactColumns("public.m.v"),
		want:   []string{"DROP VIEW public.m_ano", "-- tables", "CREATE VIEW public.m_ano"},
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
	before, after, later := objects.PlanOnline(read(t, cur), read(t, des), objects.TableImpact{}, map[string]bool{"public.m": true})
	plan := objects.String(before) + "-- tables\n" + objects.String(after)
	if len(later) > 0 {
		t.Fatalf("later statements for new partitions:\n%s", objects.String(later))
	}
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

// TestPlanOnline_PartitionBound checks the online form of a changed bound:
// a CHECK of the new bound added NOT VALID, validated later (the scan, with
// writes going on), then the partition detached and attached in one
// statement whose ATTACH finds the CHECK and scans nothing (PostgreSQL
// says which at DEBUG1; TestPlanOnline_PartitionBoundScan shows the plain
// form's scan), rows kept.
func TestPlanOnline_PartitionBound(t *testing.T) {
	t.Parallel()
	const y25 = `CREATE TABLE m_2025 PARTITION OF m FOR VALUES FROM ('2025-01-01') TO ('2026-01-01') PARTITION BY LIST (k);
		CREATE TABLE m_2025_a PARTITION OF m_2025 FOR VALUES IN ('a');
		CREATE TABLE m_2025_b PARTITION OF m_2025 FOR VALUES IN ('b', 'c');`
	url := dbtest.URL(t)
	cur := testkit.OpenSQL(t, url)
	if _, err := cur.Exec(parent + y25 + `INSERT INTO m VALUES ('2025-06-01', 7, 'a'), ('2025-07-01', 8, 'b');`); err != nil {
		t.Fatal(err)
	}
	des := build(t, parent+strings.Replace(strings.Replace(y25, "'2026-01-01'", "'2026-07-01'", 1), "('b', 'c')", "('b', 'c', 'd')", 1))
	before, after, later := objects.PlanOnline(read(t, cur), read(t, des), objects.TableImpact{}, map[string]bool{"public.m": true})
	plan := objects.String(before) + "-- tables\n" + objects.String(after) + "-- later\n" + objects.String(later)
	for _, w := range []string{"-- tables", `ALTER TABLE public.m_2025 ADD CONSTRAINT "m_2025_bound" CHECK (`, ") NOT VALID",
		"-- later", `ALTER TABLE public.m_2025 VALIDATE CONSTRAINT "m_2025_bound"`,
		"ALTER TABLE public.m DETACH PARTITION public.m_2025;", "ATTACH PARTITION public.m_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-07-01');",
		`ALTER TABLE public.m_2025 DROP CONSTRAINT "m_2025_bound"`} {
		if !strings.Contains(plan, w) {
			t.Fatalf("plan lacks %q:\n%s", w, plan)
		}
	}
	apply(t, cur, before, "", after)
	var attached []string
	for _, s := range later {
		notices := debugNotices(t, url, s.SQL)
		if !strings.Contains(s.SQL, "ATTACH PARTITION") {
			continue
		}
		for _, n := range notices {
			if strings.HasPrefix(n, "verifying table") {
				t.Fatalf("ATTACH scanned: %q\n%s", n, s.SQL)
			}
			if table, ok := strings.CutSuffix(n, " is implied by existing constraints"); ok {
				attached = append(attached, strings.TrimPrefix(table, "partition constraint for table "))
			}
		}
	}
	if want := []string{`"m_2025"`, `"m_2025_b"`}; !slices.Equal(attached, want) {
		t.Fatalf("ATTACH found the partition constraint implied for %v; want %v\nplan:\n%s", attached, want, plan)
	}
	if got, want := oracle(t, cur), oracle(t, des); got != want {
		t.Fatalf("planned database differs from desired\nplan:\n%s\ngot:\n%s\nwant:\n%s", plan, got, want)
	}
	if rows := testkit.Lines(t, cur, `SELECT tableoid::regclass::text || ' ' || v FROM m ORDER BY v`); strings.Join(rows, ",") != "m_2025_a 7,m_2025_b 8" {
		t.Fatalf("rows = %v; want them kept", rows)
	}
}

// debugNotices runs stmt on its own session at client_min_messages debug1
// and returns the messages PostgreSQL sent.
func debugNotices(t *testing.T, url, stmt string) []string {
	t.Helper()
	ctx := context.Background()
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	var notices []string
	cfg.OnNotice = func(_ *pgconn.PgConn, n *pgconn.Notice) { notices = append(notices, n.Message) }
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "SET client_min_messages = debug1"); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, stmt); err != nil {
		t.Fatalf("%v\n%s", err, stmt)
	}
	return notices
}

// TestPlanOnline_PartitionBoundScan shows the oracle of
// TestPlanOnline_PartitionBound on the plain form: without the validated
// CHECK, ATTACH scans the partition.
func TestPlanOnline_PartitionBoundScan(t *testing.T) {
	t.Parallel()
	url := dbtest.URL(t)
	if _, err := testkit.OpenSQL(t, url).Exec(parent + `CREATE TABLE m_2025 PARTITION OF m FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
		INSERT INTO m VALUES ('2025-06-01', 7, 'a');`); err != nil {
		t.Fatal(err)
	}
	notices := debugNotices(t, url, "DO $$ BEGIN ALTER TABLE m DETACH PARTITION m_2025; "+
		"ALTER TABLE m ATTACH PARTITION m_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-07-01'); END $$")
	if !slices.Contains(notices, `verifying table "m_2025"`) {
		t.Fatalf("plain DETACH and ATTACH: notices %q; want the scan of m_2025", notices)
	}
}

// TestPlanOnline_PartitionIndex checks that a new index of an existing
// partition of its own is built CONCURRENTLY after the transactional file,
// with its comment.
func TestPlanOnline_PartitionIndex(t *testing.T) {
	t.Parallel()
	const y25 = `CREATE TABLE m_2025 PARTITION OF m FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');`
	cur, des := build(t, parent+y25), build(t, parent+y25+`CREATE INDEX m_2025_k_idx ON m_2025 (k); COMMENT ON INDEX m_2025_k_idx IS 'by kind';`)
	before, after, later := objects.PlanOnline(read(t, cur), read(t, des), objects.TableImpact{}, map[string]bool{"public.m": true})
	if len(before)+len(after) > 0 {
		t.Fatalf("transactional statements:\n%s%s", objects.String(before), objects.String(after))
	}
	want := "CREATE INDEX CONCURRENTLY m_2025_k_idx ON public.m_2025 USING btree (k);\n-- Set comment on index \"public.m_2025_k_idx\"\nCOMMENT ON INDEX public.m_2025_k_idx IS 'by kind';\n"
	if got := objects.String(later); !strings.HasSuffix(got, want) {
		t.Fatalf("later:\n%s\nwant it to end with:\n%s", got, want)
	}
	for _, s := range later {
		if _, err := cur.Exec(s.SQL); err != nil { // each on its own, outside a transaction
			t.Fatalf("%v\n%s", err, s.SQL)
		}
	}
	if got, want := oracle(t, cur), oracle(t, des); got != want {
		t.Fatalf("planned database differs from desired\ngot:\n%s\nwant:\n%s", got, want)
	}
}
