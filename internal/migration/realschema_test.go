package migration_test

import (
	"context"
	"strings"
	"testing"

	"github.com/versiona/versiona/internal/dbtest"
	"github.com/versiona/versiona/internal/migration"
	"github.com/versiona/versiona/internal/testkit"
)

// realSchemas are the public schemas vendored in testdata/real (see its
// README for their sources and licences).
var realSchemas = []string{"pagila", "temporal", "temporal-visibility"}

// TestDiff_RealSchemas plans each vendored schema from an empty directory
// and holds the plan to an oracle that shares no code with the engine:
// pg_dump --schema-only of a database the directory migrates equals that of
// a database where psql loaded the schema file.
func TestDiff_RealSchemas(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, name := range realSchemas {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			psql := testkit.ClientTool(t, "psql")
			p := realProject(t, name)
			if check, err := p.Diff(ctx, "", migration.DiffOptions{Check: true}); err != nil || !check.InSync() {
				t.Fatalf("second diff = %+v, %v; want in sync", check, err)
			}

			migrated, loaded := dbtest.URL(t), dbtest.URL(t)
			if err := migration.ApplyAll(ctx, migrated, p.Dir); err != nil {
				t.Fatalf("applying the plan: %v", err)
			}
			testkit.Run(t, psql, "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1", "--file="+p.Schema, "--dbname="+loaded)
			want, got := testkit.SchemaDump(t, loaded), testkit.SchemaDump(t, migrated)
			if !strings.Contains(want, "CREATE TABLE") {
				t.Fatalf("pg_dump of the loaded schema holds no table:\n%s", want)
			}
			if got != want {
				t.Fatalf("pg_dump of the migrated database differs from the schema loaded by psql:\n%s", lineDiff(want, got))
			}
		})
	}
}

// lineDiff lists the lines only one text has, "-" for want's, "+" for
// got's, at most 40.
func lineDiff(want, got string) string {
	count := func(s string) map[string]int {
		m := map[string]int{}
		for _, l := range strings.Split(s, "\n") {
			m[l]++
		}
		return m
	}
	w, g := count(want), count(got)
	var out []string
	for _, l := range strings.Split(want, "\n") {
		if g[l] < w[l] && len(out) < 40 {
			out = append(out, "- "+l)
			g[l]++
		}
	}
	w, g = count(want), count(got)
	for _, l := range strings.Split(got, "\n") {
		if w[l] < g[l] && len(out) < 40 {
			out = append(out, "+ "+l)
			w[l]++
		}
	}
	if len(out) == 0 {
		return "(the same lines in another order)"
	}
	return strings.Join(out, "\n")
}
