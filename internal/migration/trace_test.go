package migration_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/versiona/versiona/internal/dbtest"
	"github.com/versiona/versiona/internal/migration"
)

// locksOn returns the lock modes st held on relation.
func locksOn(st migration.StatementTrace, relation string) []string {
	var modes []string
	for _, l := range st.Locks {
		if l.Relation == relation {
			modes = append(modes, l.Mode)
		}
	}
	return modes
}

func TestProject_Trace(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p, path := newProject(t)
	writeFile(t, filepath.Join(path, "20250101000000_t.sql"), "CREATE TABLE t (id int PRIMARY KEY, n int);\nINSERT INTO t VALUES (1, 1);\n")
	writeFile(t, filepath.Join(path, "20250101000001_index.sql"), "CREATE INDEX t_n_idx ON t (n);\n")
	writeFile(t, filepath.Join(path, "20250101000002_bigint.sql"), "ALTER TABLE t ALTER COLUMN n TYPE bigint;\n")
	writeFile(t, filepath.Join(path, "20250101000003_widen.sql"), "ALTER TABLE t ADD COLUMN v varchar(10);\nALTER TABLE t ALTER COLUMN v TYPE varchar(20);\n")
	if err := migration.Rehash(p.Dir); err != nil {
		t.Fatal(err)
	}
	check := func(t *testing.T, res *migration.TraceResult) {
		t.Helper()
		if len(res.Statements) != 4 {
			t.Fatalf("traced %d statements; want 4: %+v", len(res.Statements), res.Statements)
		}
		index, bigint, widen := res.Statements[0], res.Statements[1], res.Statements[3]
		if got := locksOn(index, "public.t"); !slices.Equal(got, []string{"ShareLock"}) || len(index.Rewrites) != 0 || !index.Traced {
			t.Errorf("CREATE INDEX: locks on t %v, rewrites %v; want ShareLock and no rewrite", got, index.Rewrites)
		}
		if got := locksOn(bigint, "public.t"); !slices.Contains(got, "AccessExclusiveLock") || !slices.Equal(bigint.Rewrites, []string{"public.t"}) {
			t.Errorf("ALTER COLUMN TYPE bigint: locks on t %v, rewrites %v; want AccessExclusiveLock and t rewritten", got, bigint.Rewrites)
		}
		if bigint.File != "20250101000002_bigint.sql" || bigint.Line != 1 {
			t.Errorf("ALTER COLUMN TYPE bigint at %s:%d", bigint.File, bigint.Line)
		}
		if got := locksOn(widen, "public.t"); !slices.Contains(got, "AccessExclusiveLock") || len(widen.Rewrites) != 0 || widen.Line != 2 {
			t.Errorf("varchar widened: locks %v, rewrites %v, line %d; want AccessExclusiveLock, no rewrite, line 2", got, widen.Rewrites, widen.Line)
		}
	}

	t.Run("latest files", func(t *testing.T) {
		t.Parallel()
		res, err := p.Trace(ctx, migration.TraceOptions{Latest: 3})
		if err != nil {
			t.Fatal(err)
		}
		check(t, res)
	})

	t.Run("files pending on a database", func(t *testing.T) {
		t.Parallel()
		url := dbtest.URL(t)
		if _, err := p.Apply(ctx, url, migration.ApplyOptions{N: 1}); err != nil {
			t.Fatal(err)
		}
		res, err := p.Trace(ctx, migration.TraceOptions{URL: url})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Files) != 3 || res.Files[0] != "20250101000001_index.sql" {
			t.Fatalf("traced files %v; want the 3 pending", res.Files)
		}
		check(t, res)
		if got := tables(t, url); !slices.Equal(got, []string{"t"}) || revisionCount(t, url) != 1 {
			t.Fatalf("the traced database changed: tables %v, %d revisions", got, revisionCount(t, url))
		}
	})

	t.Run("txmode none statements are run but not traced", func(t *testing.T) {
		t.Parallel()
		q, qpath := newProject(t)
		writeFile(t, filepath.Join(qpath, "20250101000000_t.sql"), "CREATE TABLE t (id int, n int);\n")
		writeFile(t, filepath.Join(qpath, "20250101000001_index.sql"), "-- atlas:txmode none\n\nCREATE INDEX CONCURRENTLY t_n_idx ON t (n);\n")
		if err := migration.Rehash(q.Dir); err != nil {
			t.Fatal(err)
		}
		res, err := q.Trace(ctx, migration.TraceOptions{Latest: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Statements) != 1 || res.Statements[0].Traced || res.Statements[0].Line != 3 {
			t.Fatalf("trace = %+v; want one untraced statement at line 3", res.Statements)
		}
	})
}
