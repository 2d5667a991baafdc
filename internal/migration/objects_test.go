package migration_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/versiona/versiona/internal/dbtest"
	"github.com/versiona/versiona/internal/migration"
	"github.com/versiona/versiona/internal/testkit"
)

// objectsSQL adds to the blog one object of every kind Diff plans beside
// Atlas's tables.
const objectsSQL = `
CREATE EXTENSION citext;
CREATE SEQUENCE convites AS integer INCREMENT BY 10 START WITH 1000 CACHE 5;
CREATE TABLE convidados (codigo int NOT NULL DEFAULT nextval('convites'), email citext NOT NULL);
ALTER SEQUENCE convites OWNED BY convidados.codigo;
CREATE FUNCTION toca() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN NEW.atualizado_em := now(); RETURN NEW; END $$;
CREATE TRIGGER postagens_toca BEFORE UPDATE ON postagens FOR EACH ROW EXECUTE FUNCTION toca();
CREATE VIEW autores AS SELECT u.id, u.nome, count(p.id) AS postagens
  FROM usuarios u LEFT JOIN postagens p ON p.usuario_id = u.id GROUP BY u.id, u.nome;
CREATE VIEW autores_ativos AS SELECT id, nome FROM autores WHERE postagens > 0;
COMMENT ON VIEW autores IS 'Quem escreve, e quanto.';
CREATE MATERIALIZED VIEW titulos AS SELECT id, lower(titulo) AS titulo FROM postagens;
CREATE UNIQUE INDEX titulos_id ON titulos (id);
CREATE PROCEDURE limpa(dias int) LANGUAGE sql AS $$
  DELETE FROM postagens WHERE criado_em < now() - make_interval(days => dias) $$;
`

// catalogQuery describes the objects of a database with PostgreSQL's own
// deparsers, independently of the engine: the oracle of these tests.
const catalogQuery = `
SELECT line FROM (
  SELECT format('%s %s %s: %s', c.relkind, c.oid::regclass, c.reloptions, pg_get_viewdef(c.oid)) AS line
  FROM pg_class c WHERE c.relkind IN ('v', 'm') AND c.relnamespace = 'public'::regnamespace
  UNION ALL
  SELECT 'index ' || pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
  WHERE c.relkind = 'm' AND c.relnamespace = 'public'::regnamespace
  UNION ALL
  SELECT 'function ' || pg_get_functiondef(p.oid) FROM pg_proc p
  WHERE p.pronamespace = 'public'::regnamespace AND p.prokind IN ('f', 'p')
  UNION ALL
  SELECT 'trigger ' || pg_get_triggerdef(t.oid) FROM pg_trigger t WHERE NOT t.tgisinternal
  UNION ALL
  SELECT format('sequence %s %s %s %s %s %s %s', sequencename, data_type, start_value, min_value,
                max_value, increment_by, cache_size)
  FROM pg_sequences WHERE schemaname = 'public'
  UNION ALL
  SELECT format('extension %s %s', extname, extversion) FROM pg_extension
  UNION ALL
  SELECT format('comment %s: %s', pg_describe_object(classoid, objoid, objsubid), description)
  FROM pg_description WHERE classoid = 'pg_class'::regclass AND objoid >= 16384
) facts ORDER BY line`

func catalog(t *testing.T, url string) string {
	t.Helper()
	return strings.Join(testkit.Lines(t, testkit.OpenSQL(t, url), catalogQuery), "\n")
}

// loadScript returns a fresh database with script loaded.
func loadScript(t *testing.T, script string) string {
	t.Helper()
	url := dbtest.URL(t)
	if _, err := testkit.OpenSQL(t, url).Exec(script); err != nil {
		t.Fatal(err)
	}
	return url
}

// diffInSync fails unless Diff finds nothing more to plan.
func diffInSync(t *testing.T, p *migration.Project) {
	t.Helper()
	res, err := p.Diff(context.Background(), "", migration.DiffOptions{Check: true})
	if err != nil {
		t.Fatal(err)
	}
	if !res.InSync() {
		t.Fatalf("diff is not in sync; plans:\n%s", res.SQL)
	}
}

// TestProject_Diff_objects: views, functions, triggers… in schema.sql are
// planned in the same file as the tables, and the file applied gives the
// objects schema.sql gives.
func TestProject_Diff_objects(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("every kind, from empty", func(t *testing.T) {
		t.Parallel()
		p, _ := newProject(t)
		writeFile(t, p.Schema, schemaBlog+objectsSQL)
		res, err := p.Diff(ctx, "objetos", migration.DiffOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"-- Create extension \"citext\"", "CREATE SEQUENCE public.convites",
			`CREATE TABLE "public"."usuarios"`, "CREATE VIEW public.autores ", "CREATE VIEW public.autores_ativos",
			"CREATE TRIGGER postagens_toca"} {
			if !strings.Contains(res.SQL, want) {
				t.Errorf("planned file lacks %q:\n%s", want, res.SQL)
			}
		}
		url := dbtest.URL(t)
		if _, err := p.Apply(ctx, url, migration.ApplyOptions{}); err != nil {
			t.Fatal(err)
		}
		if got, want := catalog(t, url), catalog(t, loadScript(t, schemaBlog+objectsSQL)); got != want {
			t.Fatalf("migrated objects differ from schema.sql's\ngot:\n%s\nwant:\n%s", got, want)
		}
		sameSchema(t, url, loadScript(t, schemaBlog+objectsSQL))
		diffInSync(t, p)
	})

	t.Run("changed, dropped, and a view over a column whose type changes", func(t *testing.T) {
		t.Parallel()
		p, _ := newProject(t)
		writeFile(t, p.Schema, schemaBlog+objectsSQL)
		if _, err := p.Diff(ctx, "objetos", migration.DiffOptions{}); err != nil {
			t.Fatal(err)
		}
		edited := strings.NewReplacer(
			"nome varchar(100) NOT NULL", "nome varchar(150) NOT NULL", // under autores
			"NEW.atualizado_em := now();", "NEW.atualizado_em := clock_timestamp();",
			"WHERE postagens > 0", "WHERE postagens > 1",
			"CREATE PROCEDURE limpa", "CREATE PROCEDURE limpa_antigas",
		).Replace(schemaBlog + objectsSQL)
		writeFile(t, p.Schema, edited)
		res, err := p.Diff(ctx, "mudancas", migration.DiffOptions{})
		if err != nil {
			t.Fatal(err)
		}
		at := 0
		for _, want := range []string{"DROP VIEW public.autores_ativos", "DROP VIEW public.autores;",
			`ALTER TABLE "public"."usuarios"`, "clock_timestamp()", "CREATE VIEW public.autores ",
			"CREATE VIEW public.autores_ativos", "DROP PROCEDURE IF EXISTS public.limpa(integer)"} {
			i := strings.Index(res.SQL[at:], want)
			if i < 0 {
				t.Fatalf("planned file lacks %q after offset %d:\n%s", want, at, res.SQL)
			}
			at += i
		}
		if !strings.Contains(strings.Join(res.Warnings, "\n"), `drops procedure "public.limpa(integer)"`) {
			t.Errorf("warnings %q lack the dropped procedure", res.Warnings)
		}
		url := dbtest.URL(t)
		if _, err := p.Apply(ctx, url, migration.ApplyOptions{}); err != nil {
			t.Fatal(err)
		}
		if got, want := catalog(t, url), catalog(t, loadScript(t, edited)); got != want {
			t.Fatalf("migrated objects differ from schema.sql's\ngot:\n%s\nwant:\n%s", got, want)
		}
		diffInSync(t, p)
	})

	t.Run("in a new schema", func(t *testing.T) {
		t.Parallel()
		p, _ := newProject(t)
		script := schemaBlog + `CREATE SCHEMA extras;
CREATE EXTENSION hstore WITH SCHEMA extras;
CREATE TABLE extras.preferencias (usuario_id bigint PRIMARY KEY REFERENCES usuarios (id), valores extras.hstore);
CREATE VIEW extras.temas AS SELECT usuario_id, valores OPERATOR(extras.->) 'tema' AS tema FROM extras.preferencias;`
		writeFile(t, p.Schema, script)
		if _, err := p.Diff(ctx, "extras", migration.DiffOptions{}); err != nil {
			t.Fatal(err)
		}
		url := dbtest.URL(t)
		if _, err := p.Apply(ctx, url, migration.ApplyOptions{}); err != nil {
			t.Fatal(err)
		}
		sameSchema(t, url, loadScript(t, script))
		var def string
		if err := testkit.OpenSQL(t, url).QueryRow(`SELECT pg_get_viewdef('extras.temas'::regclass)`).Scan(&def); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(def, "'tema'") {
			t.Fatalf("view extras.temas = %q", def)
		}
		diffInSync(t, p)
	})

	t.Run("a hand-written file already creating the objects", func(t *testing.T) {
		t.Parallel()
		p, path := newProject(t)
		writeFile(t, p.Schema, schemaBlog)
		if _, err := p.Diff(ctx, "blog", migration.DiffOptions{}); err != nil {
			t.Fatal(err)
		}
		name, err := migration.NewFile(p.Dir, "autores")
		if err != nil {
			t.Fatal(err)
		}
		view := `CREATE VIEW autores AS SELECT u.id, u.nome FROM usuarios u;
CREATE FUNCTION conta() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM public.usuarios $$;
`
		writeFile(t, filepath.Join(path, name), view)
		if err := migration.Rehash(p.Dir); err != nil {
			t.Fatal(err)
		}
		writeFile(t, p.Schema, schemaBlog+"\n"+view)
		diffInSync(t, p)
	})
}

// TestProject_Down_objects: down plans the objects back too, a view over a
// column whose type changes back included.
func TestProject_Down_objects(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p, _ := newProject(t)
	v1 := schemaBlog + `CREATE VIEW autores AS SELECT id, nome, email FROM usuarios;`
	v2 := strings.Replace(schemaBlog, "nome varchar(100) NOT NULL", "nome varchar(150) NOT NULL", 1) + `CREATE VIEW autores AS SELECT id, nome, email FROM usuarios;
CREATE FUNCTION conta() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM public.usuarios $$;
CREATE TRIGGER usuarios_toca BEFORE UPDATE ON usuarios FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger();`
	for i, s := range []string{v1, v2} {
		writeFile(t, p.Schema, s)
		if _, err := p.Diff(ctx, "v"+string(rune('1'+i)), migration.DiffOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	url := dbtest.URL(t)
	if _, err := p.Apply(ctx, url, migration.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	if got, want := catalog(t, url), catalog(t, loadScript(t, v2)); got != want {
		t.Fatalf("applied objects differ from v2\ngot:\n%s\nwant:\n%s", got, want)
	}
	if _, err := p.Down(ctx, url, migration.DownOptions{N: 1}); err != nil {
		t.Fatal(err)
	}
	if got, want := catalog(t, url), catalog(t, loadScript(t, v1)); got != want {
		t.Fatalf("objects after down differ from v1\ngot:\n%s\nwant:\n%s", got, want)
	}

	t.Run("an object created out of band is drift", func(t *testing.T) {
		if _, err := testkit.OpenSQL(t, url).Exec(`CREATE VIEW intrusa AS SELECT 1 AS um`); err != nil {
			t.Fatal(err)
		}
		res, err := p.Down(ctx, url, migration.DownOptions{N: 1})
		if !errors.Is(err, migration.ErrDrift) || res == nil || !strings.Contains(fmt.Sprint(res.Drift), "intrusa") {
			t.Fatalf("down with a view out of band = %v, %+v; want ErrDrift naming it", err, res)
		}
		if !strings.Contains(catalog(t, url), "intrusa") {
			t.Fatal("refused down dropped the view")
		}
	})
}
