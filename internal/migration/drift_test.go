package migration_test

import (
	"context"
	"strings"
	"testing"

	"github.com/versiona/versiona/internal/dbtest"
	"github.com/versiona/versiona/internal/migration"
	"github.com/versiona/versiona/internal/testkit"
)

// viewFile is a hand-written migration creating a view, appended to the
// history: the engine's diff does not plan views.
const viewFile = `CREATE VIEW turmas_abertas AS SELECT id, codigo FROM turmas WHERE vagas > 0;
`

func TestProject_Drift(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	// atHead returns a project whose history ends with viewFile, and a
	// database migrated to its head.
	atHead := func(t *testing.T) (*migration.Project, string) {
		p, path := withHistory(t)
		addFile(t, p, path, "20990101000000_view.sql", viewFile)
		url := dbtest.URL(t)
		if _, err := p.Apply(ctx, url, migration.ApplyOptions{}); err != nil {
			t.Fatal(err)
		}
		return p, url
	}

	t.Run("clean database is in sync", func(t *testing.T) {
		t.Parallel()
		p, url := atHead(t)
		res, err := p.Drift(ctx, url)
		if err != nil || !res.InSync() || res.Version != "20990101000000" || res.Differences == nil {
			t.Fatalf("drift = %+v, %v; want in sync at 20990101000000", res, err)
		}
	})

	// Each change is made out of band; the difference names the live
	// database first.
	cases := []struct{ name, stmt, object, attribute, text string }{
		{"column added", `ALTER TABLE alunos ADD COLUMN apelido text`,
			"column public.alunos.apelido", "", "column public.alunos.apelido: only in the live database"},
		{"index dropped", `DROP INDEX turmas_curso_id_idx`,
			"index public.turmas_curso_id_idx", "", "index public.turmas_curso_id_idx: only in the migrations"},
		{"view changed", `CREATE OR REPLACE VIEW turmas_abertas AS SELECT id, codigo FROM turmas WHERE vagas > 1`,
			"view public.turmas_abertas", "definition", "WHERE (turmas.vagas > 1); in the live database, definition  SELECT"},
		{"check replaced", `ALTER TABLE turmas DROP CONSTRAINT turmas_vagas_check, ADD CONSTRAINT turmas_vagas_check CHECK (vagas >= 0)`,
			"constraint public.turmas.turmas_vagas_check", "definition",
			"constraint public.turmas.turmas_vagas_check: definition CHECK ((vagas >= 0)) in the live database, definition CHECK ((vagas > 0)) in the migrations"},
		// What drift once called in sync: publications, text search
		// objects, grants, column settings, unlogged sequences.
		{"publication added", `CREATE PUBLICATION alunos_pub WITH (publish = 'insert')`,
			"publication alunos_pub", "", "publication alunos_pub: only in the live database"},
		{"text search dictionary added", `CREATE TEXT SEARCH DICTIONARY simples (TEMPLATE = pg_catalog.simple)`,
			"text search dictionary public.simples", "", "text search dictionary public.simples: only in the live database"},
		{"grant", `GRANT SELECT ON alunos TO pg_read_all_data`,
			"table public.alunos", "privileges", "pg_read_all_data"},
		{"column statistics", `ALTER TABLE alunos ALTER COLUMN nome SET STATISTICS 500`,
			"column public.alunos.nome", "statistics", "500"},
		{"unlogged sequence added", `CREATE UNLOGGED SEQUENCE avulsa`,
			"sequence public.avulsa", "", "sequence public.avulsa: only in the live database"},
		{"replica identity", `ALTER TABLE alunos REPLICA IDENTITY FULL`,
			"table public.alunos", "replica identity", "full"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p, url := atHead(t)
			if _, err := testkit.OpenSQL(t, url).Exec(tc.stmt); err != nil {
				t.Fatal(err)
			}
			res, err := p.Drift(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Differences) != 1 {
				t.Fatalf("differences = %+v; want one", res.Differences)
			}
			d := res.Differences[0]
			if d.Object != tc.object || d.Attribute != tc.attribute || !strings.Contains(d.Text, tc.text) {
				t.Fatalf("difference = %+v; want %s %q with %q", d, tc.object, tc.attribute, tc.text)
			}
		})
	}

	t.Run("nothing applied is compared with the empty schema", func(t *testing.T) {
		t.Parallel()
		p, _ := withHistory(t)
		url := dbtest.URL(t)
		res, err := p.Drift(ctx, url)
		if err != nil || !res.InSync() || res.Version != "" {
			t.Fatalf("drift of an empty database = %+v, %v; want in sync, no version", res, err)
		}
		if _, err := testkit.OpenSQL(t, url).Exec(`CREATE TABLE solta (id int)`); err != nil {
			t.Fatal(err)
		}
		res, err = p.Drift(ctx, url)
		if err != nil || len(res.Differences) != 1 || res.Differences[0].Text != "table public.solta: only in the live database" {
			t.Fatalf("drift = %+v, %v; want table solta in the live database only", res, err)
		}
	})

	t.Run("an edited applied file is an error", func(t *testing.T) {
		t.Parallel()
		p, url := atHead(t)
		files, err := p.Dir.Files()
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Dir.WriteFile(files[0].Name(), append(files[0].Bytes(), "\nSELECT 1;\n"...)); err != nil {
			t.Fatal(err)
		}
		if err := migration.Rehash(p.Dir); err != nil {
			t.Fatal(err)
		}
		if _, err := p.Drift(ctx, url); err == nil || !strings.Contains(err.Error(), "changed since it was applied") {
			t.Fatalf("err = %v; want the edited file named", err)
		}
	})
}
