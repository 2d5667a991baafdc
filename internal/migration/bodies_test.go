package migration_test

import (
	"context"
	"testing"

	"github.com/versiona/versiona/internal/dbtest"
	"github.com/versiona/versiona/internal/migration"
)

// TestProject_Diff_sqlFunctionBodies plans LANGUAGE sql functions whose
// bodies, checked at creation, name objects that sort after them.
func TestProject_Diff_sqlFunctionBodies(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, c := range []struct{ name, schema string }{
		{"calling a function", `CREATE TABLE t (id int PRIMARY KEY);
CREATE FUNCTION zz_b(i int) RETURNS boolean LANGUAGE plpgsql AS $$BEGIN RETURN true; END$$;
CREATE FUNCTION aa_a(i int) RETURNS SETOF int LANGUAGE sql AS $$SELECT id FROM t WHERE zz_b(id)$$;
`},
		{"over a view", `CREATE TABLE t (id int PRIMARY KEY);
CREATE VIEW zz_v AS SELECT id FROM t WHERE id > 0;
CREATE MATERIALIZED VIEW zz_m AS SELECT count(*) AS n FROM t;
CREATE FUNCTION aa_a() RETURNS SETOF int LANGUAGE sql AS $$SELECT id FROM zz_v$$;
CREATE FUNCTION aa_n() RETURNS bigint LANGUAGE sql AS $$SELECT n FROM public.zz_m$$;
`},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			p, _ := newProject(t)
			writeFile(t, p.Schema, c.schema)
			res, err := p.Diff(ctx, "bodies", migration.DiffOptions{})
			if err != nil {
				t.Fatal(err)
			}
			url := dbtest.URL(t)
			if _, err := p.Apply(ctx, url, migration.ApplyOptions{}); err != nil {
				t.Fatalf("apply: %v\nplan:\n%s", err, planText(res))
			}
			sameFingerprint(t, "applied plan", readFingerprint(t, url), readFingerprint(t, loadSchema(t, p)))
		})
	}
}
