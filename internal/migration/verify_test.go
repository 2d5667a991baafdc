package migration_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/versiona/versiona/internal/dbtest"
	"github.com/versiona/versiona/internal/fingerprint"
	"github.com/versiona/versiona/internal/migration"
	"github.com/versiona/versiona/internal/testkit"
)

// addFile writes a hand-written migration file into the project's
// directory and re-hashes it.
func addFile(t testing.TB, p *migration.Project, path, name, content string) {
	t.Helper()
	writeFile(t, filepath.Join(path, name), content)
	if err := migration.Rehash(p.Dir); err != nil {
		t.Fatal(err)
	}
}

// catalogValue runs a query of one text value on the database at url.
func catalogValue(t testing.TB, url, query string, args ...any) string {
	t.Helper()
	var v string
	if err := testkit.OpenSQL(t, url).QueryRow(query, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return v
}

// readFingerprint reads the fingerprint of the database at url.
func readFingerprint(t testing.TB, url string) fingerprint.Fingerprint {
	t.Helper()
	fp, err := fingerprint.Read(context.Background(), testkit.OpenSQL(t, url))
	if err != nil {
		t.Fatal(err)
	}
	return fp
}

// loadSchema runs the schema file of p on a new database and returns its URL.
func loadSchema(t testing.TB, p *migration.Project) string {
	t.Helper()
	b, err := os.ReadFile(p.Schema)
	if err != nil {
		t.Fatal(err)
	}
	url := dbtest.URL(t)
	if _, err := testkit.OpenSQL(t, url).Exec(string(b)); err != nil {
		t.Fatal(err)
	}
	return url
}

func TestProject_Diff_verified(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	head := stages[len(stages)-1].schema

	t.Run("check expression changed is planned and verified", func(t *testing.T) {
		t.Parallel()
		p, path := withHistory(t)
		writeFile(t, p.Schema, strings.Replace(head, "CHECK (vagas > 0)", "CHECK (vagas > 1)", 1))
		res, err := p.Diff(ctx, "vagas", migration.DiffOptions{})
		if err != nil {
			t.Fatal(err)
		}
		// The CHECK on an existing table is added NOT VALID and validated
		// in a second, online file.
		if res.InSync() || len(sqlFiles(t, path)) != 5 {
			t.Fatalf("diff = %+v; want a fourth and fifth file", res)
		}
		applied, loaded := dbtest.URL(t), loadSchema(t, p)
		if _, err := p.Apply(ctx, applied, migration.ApplyOptions{}); err != nil {
			t.Fatal(err)
		}
		const def = `SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'turmas_vagas_check'`
		if got := catalogValue(t, applied, def); got != "CHECK ((vagas > 1))" {
			t.Fatalf("applied check = %q; want CHECK ((vagas > 1))", got)
		}
		if a, b := readFingerprint(t, applied), readFingerprint(t, loaded); !a.Equal(b) {
			t.Fatalf("applied and loaded differ: %v", fingerprint.Diff(a, b))
		}
		again, err := p.Diff(ctx, "", migration.DiffOptions{Check: true})
		if err != nil || !again.InSync() {
			t.Fatalf("second diff = %+v, %v; want in sync", again, err)
		}
	})

	t.Run("collation changed is refused naming the column", func(t *testing.T) {
		t.Parallel()
		p, path := withHistory(t)
		writeFile(t, p.Schema, strings.Replace(head, "texto varchar(200) NOT NULL", `texto varchar(200) COLLATE "C" NOT NULL`, 1))
		sumBefore, _ := os.ReadFile(filepath.Join(path, "atlas.sum"))
		for _, check := range []bool{false, true} {
			_, err := p.Diff(ctx, "collate", migration.DiffOptions{Check: check})
			var verr *migration.VerifyError
			if !errors.As(err, &verr) {
				t.Fatalf("diff (check %v) err = %v; want *VerifyError", check, err)
			}
			const want = `column public.comentario.texto: collation "C" in schema.sql, default in the migrations — the engine cannot plan this change; write it by hand (migrate new)`
			if err.Error() != want {
				t.Fatalf("diff (check %v) err =\n%s\nwant\n%s", check, err, want)
			}
			if d := verr.Differences; len(d) != 1 || d[0].Object != "column public.comentario.texto" || d[0].Attribute != "collation" {
				t.Fatalf("differences = %+v", d)
			}
			// Atlas plans nothing for a COLLATE change: the refusal comes
			// from the in-sync decision, not from a plan.
			if !strings.Contains(verr.Problem, "facts the engine does not plan") {
				t.Fatalf("problem = %q; want the in-sync decision's", verr.Problem)
			}
		}
		sumAfter, _ := os.ReadFile(filepath.Join(path, "atlas.sum"))
		if got := sqlFiles(t, path); len(got) != 3 || !bytes.Equal(sumBefore, sumAfter) {
			t.Fatalf("refused diff wrote something: %v", got)
		}
	})

	t.Run("a plan that leaves a fact behind is refused", func(t *testing.T) {
		t.Parallel()
		p, path := withHistory(t)
		edited := strings.Replace(head, "CHECK (vagas > 0)", "CHECK (vagas > 1)", 1)
		writeFile(t, p.Schema, strings.Replace(edited, "texto varchar(200) NOT NULL", `texto varchar(200) COLLATE "C" NOT NULL`, 1))
		_, err := p.Diff(ctx, "both", migration.DiffOptions{})
		var verr *migration.VerifyError
		if !errors.As(err, &verr) || !strings.Contains(verr.Problem, "the planned migration does not reach") ||
			len(verr.Differences) != 1 || verr.Differences[0].Object != "column public.comentario.texto" {
			t.Fatalf("err = %v (%+v); want the plan's verification naming only the collation", err, verr)
		}
		if got := sqlFiles(t, path); len(got) != 3 {
			t.Fatalf("refused diff wrote a file: %v", got)
		}
	})

	t.Run("a rule only the migrations create is not in sync", func(t *testing.T) {
		t.Parallel()
		p, path := withHistory(t)
		addFile(t, p, path, "20990101000000_nada.sql", "CREATE RULE nada AS ON DELETE TO cursos DO INSTEAD NOTHING;\n")
		_, err := p.Diff(ctx, "", migration.DiffOptions{Check: true})
		var verr *migration.VerifyError
		if !errors.As(err, &verr) || !strings.Contains(err.Error(), "rule public.cursos.nada: only in the migrations") {
			t.Fatalf("err = %v; want the rule named", err)
		}
	})
}

func TestProject_Down_verified(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("drift is named live database first", func(t *testing.T) {
		t.Parallel()
		p, _ := withHistory(t)
		url := dbtest.URL(t)
		if _, err := p.Apply(ctx, url, migration.ApplyOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := testkit.OpenSQL(t, url).Exec(`ALTER TABLE cursos ALTER COLUMN descricao SET DEFAULT 'a definir'`); err != nil {
			t.Fatal(err)
		}
		res, err := p.Down(ctx, url, migration.DownOptions{N: 1})
		if !errors.Is(err, migration.ErrDrift) {
			t.Fatalf("err = %v; want ErrDrift", err)
		}
		want := `column public.cursos.descricao: default 'a definir'::text in the live database, default ''::text in the migrations`
		if len(res.Drift) != 1 || res.Drift[0].Text != want {
			t.Fatalf("drift = %+v; want %q", res.Drift, want)
		}
		if n := revisionCount(t, url); n != 3 {
			t.Fatalf("refused down left %d revisions; want 3", n)
		}
	})

	t.Run("force overrides the drift check, not the result check", func(t *testing.T) {
		t.Parallel()
		p, _ := withHistory(t)
		url := dbtest.URL(t)
		if _, err := p.Apply(ctx, url, migration.ApplyOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := testkit.OpenSQL(t, url).Exec(`CREATE RULE intrusa AS ON DELETE TO usuarios DO INSTEAD NOTHING`); err != nil {
			t.Fatal(err)
		}
		_, err := p.Down(ctx, url, migration.DownOptions{N: 1, Force: true})
		var verr *migration.VerifyError
		if !errors.As(err, &verr) || !strings.Contains(err.Error(), "rule public.usuarios.intrusa: only in the reverted database") {
			t.Fatalf("forced down = %v; want a *VerifyError naming the rule", err)
		}
		if n := revisionCount(t, url); n != 3 || !slices.Contains(tables(t, url), "matriculas") {
			t.Fatalf("rolled-back down changed the database: %d revisions, tables %v", n, tables(t, url))
		}
	})

	// The engine leaves rules out of its plan: a revert past a file that
	// creates one does not reach the target, and is rolled back whole.
	t.Run("a result that is not the target is rolled back", func(t *testing.T) {
		t.Parallel()
		p, path := withHistory(t)
		addFile(t, p, path, "20990101000000_extra.sql", `CREATE TABLE extra (id int);
CREATE RULE um AS ON DELETE TO cursos DO INSTEAD NOTHING;
`)
		url := dbtest.URL(t)
		if _, err := p.Apply(ctx, url, migration.ApplyOptions{}); err != nil {
			t.Fatal(err)
		}
		res, err := p.Down(ctx, url, migration.DownOptions{N: 1})
		var verr *migration.VerifyError
		if !errors.As(err, &verr) || !strings.Contains(err.Error(), "rule public.cursos.um: only in the reverted database") || res != nil {
			t.Fatalf("down = %+v, %v; want a *VerifyError naming the rule", res, err)
		}
		if !slices.Contains(tables(t, url), "extra") {
			t.Fatalf("rolled-back down dropped table extra: %v", tables(t, url))
		}
		if n := revisionCount(t, url); n != 4 {
			t.Fatalf("rolled-back down left %d revisions; want 4", n)
		}
		st, err := p.Status(ctx, url)
		if err != nil || st.Current != "20990101000000" {
			t.Fatalf("status = %+v, %v; want still at 20990101000000", st, err)
		}
	})
}
