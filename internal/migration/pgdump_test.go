package migration_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/versiona/versiona/internal/dbtest"
	"github.com/versiona/versiona/internal/migration"
	"github.com/versiona/versiona/internal/testkit"
)

// dumpSource is a schema with the statements pg_dump -s writes around its
// objects: an extension and its comment, a second schema, owners, a
// function body and a view resolved under an empty search_path.
const dumpSource = `
CREATE EXTENSION citext;
CREATE SCHEMA loja;
CREATE TYPE loja.estado AS ENUM ('aberto', 'pago');
CREATE TABLE loja.clientes (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email citext NOT NULL UNIQUE,
  nome text NOT NULL CHECK (length(nome) > 0)
);
COMMENT ON TABLE loja.clientes IS 'Quem compra; com \ e '' no texto.';
CREATE TABLE loja.pedidos (
  id bigserial PRIMARY KEY,
  cliente_id bigint NOT NULL REFERENCES loja.clientes ON DELETE CASCADE,
  total numeric(10,2) NOT NULL DEFAULT 0,
  estado loja.estado NOT NULL DEFAULT 'aberto',
  criado_em timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pedidos_cliente_id_idx ON loja.pedidos (cliente_id);
CREATE FUNCTION loja.total_de(c bigint) RETURNS numeric LANGUAGE sql STABLE
  AS $$SELECT coalesce(sum(total), 0) FROM loja.pedidos WHERE cliente_id = c$$;
CREATE VIEW loja.resumo AS SELECT c.id, c.nome, loja.total_de(c.id) AS total FROM loja.clientes c;
CREATE FUNCTION loja.touch() RETURNS trigger LANGUAGE plpgsql
  AS $$BEGIN NEW.criado_em := now(); RETURN NEW; END$$;
CREATE TRIGGER pedidos_touch BEFORE UPDATE ON loja.pedidos FOR EACH ROW EXECUTE FUNCTION loja.touch();
`

// pgDump returns pg_dump --schema-only of the database at url, as
// pg_dump writes it (psql meta-commands and all); it skips the test when
// there is no pg_dump.
func pgDump(t *testing.T, url string) string {
	t.Helper()
	return testkit.Run(t, testkit.ClientTool(t, "pg_dump"), "--schema-only", "--dbname="+url)
}

func TestProject_Diff_pgDumpSchema(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	src := dbtest.URL(t)
	if _, err := testkit.OpenSQL(t, src).Exec(dumpSource); err != nil {
		t.Fatal(err)
	}
	dump := pgDump(t, src)
	for _, want := range []string{"SELECT pg_catalog.set_config('search_path', '', false);", "COMMENT ON EXTENSION citext", "OWNER TO"} {
		if !strings.Contains(dump, want) {
			t.Fatalf("pg_dump output lacks %q:\n%s", want, dump)
		}
	}
	if !strings.Contains(dump, "\n\\restrict ") {
		t.Logf("this pg_dump writes no \\restrict line (before 15.14)")
	}

	p, _ := newProject(t)
	writeFile(t, p.Schema, dump)
	res, err := p.Diff(ctx, "dump", migration.DiffOptions{})
	if err != nil || res.InSync() {
		t.Fatalf("diff = %+v, %v; want a planned migration", res, err)
	}
	dst := dbtest.URL(t)
	if _, err := p.Apply(ctx, dst, migration.ApplyOptions{}); err != nil {
		t.Fatalf("apply: %v\nplan:\n%s", err, planText(res))
	}
	sameFingerprint(t, "the planned migration against the dumped database", readFingerprint(t, dst), readFingerprint(t, src))
	again, err := p.Diff(ctx, "", migration.DiffOptions{Check: true})
	if err != nil || !again.InSync() {
		t.Fatalf("second diff = %+v, %v; want in sync", again, err)
	}
}

// TestProject_metaCommandInMigration checks that a migration file with a
// psql meta-command is refused before anything runs, in one line naming
// the file, line and command.
func TestProject_metaCommandInMigration(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const want = `20250101000001_meta.sql:2: psql meta-command \restrict is not supported`
	project := func(t *testing.T) *migration.Project {
		p, path := newProject(t)
		writeFile(t, filepath.Join(path, "20250101000000_t.sql"), "CREATE TABLE t (id int);\n")
		addFile(t, p, path, "20250101000001_meta.sql", "CREATE TABLE u (id int);\n\\restrict k\nCREATE TABLE v (id int);\n")
		return p
	}
	check := func(t *testing.T, err error) {
		t.Helper()
		var me *migration.MetaCommandError
		if !errors.As(err, &me) || err.Error() != want {
			t.Fatalf("error %v; want %q", err, want)
		}
	}

	t.Run("validate", func(t *testing.T) {
		t.Parallel()
		_, err := project(t).Validate(ctx)
		check(t, err)
	})

	t.Run("apply", func(t *testing.T) {
		t.Parallel()
		url := dbtest.URL(t)
		_, err := project(t).Apply(ctx, url, migration.ApplyOptions{})
		check(t, err)
		if got := tables(t, url); len(got) != 0 {
			t.Fatalf("tables %v after a refused apply; want none", got)
		}
	})
}

// TestProject_Diff_schemaSessionSettings checks that a setting a statement
// of schema.sql makes holds for the statements after it, as in psql -f.
func TestProject_Diff_schemaSessionSettings(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p, _ := newProject(t)
	writeFile(t, p.Schema, "CREATE SCHEMA other;\nSELECT pg_catalog.set_config('search_path', 'other', false);\nCREATE TABLE x (id int);\n")
	if _, err := p.Diff(ctx, "other", migration.DiffOptions{}); err != nil {
		t.Fatal(err)
	}
	url := dbtest.URL(t)
	if _, err := p.Apply(ctx, url, migration.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := catalogValue(t, url, `SELECT relnamespace::regnamespace::text FROM pg_class WHERE relname = 'x'`); got != "other" {
		t.Fatalf("table x is in schema %q; want other", got)
	}
}
