package migration_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"ariga.io/atlas/sql/migrate"

	"github.com/versiona/versiona/internal/dbtest"
	"github.com/versiona/versiona/internal/migration"
	"github.com/versiona/versiona/internal/testkit"
)

// blogBase is the schema the online cases start from: tables that exist
// and hold rows when the case's change is planned.
const blogBase = schemaBlog + schemaComentario

// blogRows fills blogBase's tables.
const blogRows = `
INSERT INTO usuarios (nome, email) SELECT 'usuario ' || i, 'u' || i || '@example.com' FROM generate_series(1, 5) i;
INSERT INTO postagens (usuario_id, titulo, conteudo) SELECT 1 + i % 5, 'titulo ' || i, 'conteudo' FROM generate_series(1, 10) i;
INSERT INTO comentario (usuario_id, postagem_id, texto) SELECT 1 + i % 5, 1 + i % 10, 'comentario ' || i FROM generate_series(1, 50) i;
`

// onlineCase is a change to the blog: the schema before and after, rows
// to insert before it applies, and the statements Diff must write for it,
// file by file ("" for a file it must not write).
type onlineCase struct {
	name, before, after, rows string
	main, online              []string
	plain                     []string // statements of the plain form
}

var onlineCases = []onlineCase{
	{
		name:   "index added",
		before: blogBase,
		after:  blogBase + `CREATE INDEX comentario_criado_em_idx ON comentario (criado_em);`,
		online: []string{
			`CREATE INDEX CONCURRENTLY "comentario_criado_em_idx" ON "public"."comentario" ("criado_em");`,
		},
		plain: []string{`CREATE INDEX "comentario_criado_em_idx" ON "public"."comentario" ("criado_em");`},
	},
	{
		name:   "index dropped",
		before: blogBase,
		after:  strings.Replace(blogBase, "CREATE INDEX comentario_usuario_id_idx ON comentario (usuario_id);", "", 1),
		online: []string{`DROP INDEX CONCURRENTLY "public"."comentario_usuario_id_idx";`},
		plain:  []string{`DROP INDEX "public"."comentario_usuario_id_idx";`},
	},
	{
		name:   "foreign key added",
		before: strings.Replace(blogBase, "postagem_id bigint NOT NULL REFERENCES postagens (id) ON DELETE CASCADE", "postagem_id bigint NOT NULL", 1),
		after:  blogBase,
		main: []string{
			`ALTER TABLE "public"."comentario" ADD
CONSTRAINT "comentario_postagem_id_fkey" FOREIGN KEY ("postagem_id") REFERENCES "public"."postagens" ("id") ON UPDATE NO ACTION ON DELETE CASCADE NOT VALID;`,
		},
		online: []string{`ALTER TABLE "public"."comentario" VALIDATE CONSTRAINT "comentario_postagem_id_fkey";`},
		plain: []string{
			`ALTER TABLE "public"."comentario" ADD
CONSTRAINT "comentario_postagem_id_fkey" FOREIGN KEY ("postagem_id") REFERENCES "public"."postagens" ("id") ON UPDATE NO ACTION ON DELETE CASCADE;`,
		},
	},
	{
		name:   "check added",
		before: blogBase,
		after:  blogBase + `ALTER TABLE comentario ADD CONSTRAINT comentario_texto_nao_vazio CHECK (char_length(texto) >= 1);`,
		main: []string{
			`ALTER TABLE "public"."comentario" ADD CONSTRAINT "comentario_texto_nao_vazio" CHECK (char_length((texto)::text) >= 1) NOT VALID;`,
		},
		online: []string{`ALTER TABLE "public"."comentario" VALIDATE CONSTRAINT "comentario_texto_nao_vazio";`},
		plain: []string{
			`ALTER TABLE "public"."comentario" ADD CONSTRAINT "comentario_texto_nao_vazio" CHECK (char_length((texto)::text) >= 1);`,
		},
	},
	{
		name:   "set not null",
		before: strings.Replace(blogBase, "texto varchar(200) NOT NULL", "texto varchar(200)", 1),
		after:  blogBase,
		main: []string{
			`ALTER TABLE "public"."comentario" ADD CONSTRAINT "comentario_texto_not_null" CHECK ("texto" IS NOT NULL) NOT VALID;`,
		},
		online: []string{
			`ALTER TABLE "public"."comentario" VALIDATE CONSTRAINT "comentario_texto_not_null";`,
			`ALTER TABLE "public"."comentario" ALTER COLUMN "texto" SET NOT NULL;`,
			`ALTER TABLE "public"."comentario" DROP CONSTRAINT "comentario_texto_not_null";`,
		},
		plain: []string{`ALTER TABLE "public"."comentario" ALTER COLUMN "texto" SET NOT NULL;`},
	},
	{
		name:   "unique added",
		before: blogBase,
		after:  blogBase + `ALTER TABLE comentario ADD CONSTRAINT comentario_postagem_id_id_key UNIQUE (postagem_id, id);`,
		online: []string{
			`CREATE UNIQUE INDEX CONCURRENTLY "comentario_postagem_id_id_key" ON "public"."comentario" ("postagem_id", "id");`,
			`ALTER TABLE "public"."comentario" ADD CONSTRAINT "comentario_postagem_id_id_key" UNIQUE USING INDEX "comentario_postagem_id_id_key";`,
		},
		plain: []string{
			`ALTER TABLE "public"."comentario" ADD CONSTRAINT "comentario_postagem_id_id_key" UNIQUE ("postagem_id", "id");`,
		},
	},
	{
		name:   "primary key added, and a new table referencing it",
		before: blogBase + `CREATE TABLE marcadores (nome text NOT NULL);`,
		after: blogBase + `CREATE TABLE marcadores (nome text PRIMARY KEY);
CREATE TABLE marcacoes (comentario_id bigint NOT NULL REFERENCES comentario (id), marcador text NOT NULL REFERENCES marcadores (nome));`,
		rows: `INSERT INTO marcadores VALUES ('duvida'), ('elogio');`,
		main: []string{
			`CREATE TABLE "public"."marcacoes" (
  "comentario_id" bigint NOT NULL,
  "marcador" text NOT NULL,
  CONSTRAINT "marcacoes_comentario_id_fkey" FOREIGN KEY ("comentario_id") REFERENCES "public"."comentario" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION
);`,
		},
		online: []string{
			`CREATE UNIQUE INDEX CONCURRENTLY "marcadores_pkey" ON "public"."marcadores" ("nome");`,
			`ALTER TABLE "public"."marcadores" ADD CONSTRAINT "marcadores_pkey" PRIMARY KEY USING INDEX "marcadores_pkey";`,
			`ALTER TABLE "public"."marcacoes" ADD CONSTRAINT "marcacoes_marcador_fkey" FOREIGN KEY ("marcador") REFERENCES "public"."marcadores" ("nome") ON UPDATE NO ACTION ON DELETE NO ACTION;`,
		},
		plain: []string{
			`ALTER TABLE "public"."marcadores" ADD PRIMARY KEY ("nome");`,
			`CREATE TABLE "public"."marcacoes" (
  "comentario_id" bigint NOT NULL,
  "marcador" text NOT NULL,
  CONSTRAINT "marcacoes_comentario_id_fkey" FOREIGN KEY ("comentario_id") REFERENCES "public"."comentario" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION,
  CONSTRAINT "marcacoes_marcador_fkey" FOREIGN KEY ("marcador") REFERENCES "public"."marcadores" ("nome") ON UPDATE NO ACTION ON DELETE NO ACTION
);`,
		},
	},
	{
		name:   "unique index added, and a foreign key of an existing table referencing it",
		before: blogBase + `CREATE TABLE marcadores (nome text NOT NULL); ALTER TABLE comentario ADD COLUMN marcador text;`,
		after: blogBase + `CREATE TABLE marcadores (nome text NOT NULL); CREATE UNIQUE INDEX marcadores_nome_key ON marcadores (nome);
ALTER TABLE comentario ADD COLUMN marcador text REFERENCES marcadores (nome);`,
		rows: `INSERT INTO marcadores VALUES ('duvida'); UPDATE comentario SET marcador = 'duvida' WHERE id % 2 = 0;`,
		online: []string{
			`CREATE UNIQUE INDEX CONCURRENTLY "marcadores_nome_key" ON "public"."marcadores" ("nome");`,
			`ALTER TABLE "public"."comentario" ADD CONSTRAINT "comentario_marcador_fkey" FOREIGN KEY ("marcador") REFERENCES "public"."marcadores" ("nome") ON UPDATE NO ACTION ON DELETE NO ACTION NOT VALID;`,
			`ALTER TABLE "public"."comentario" VALIDATE CONSTRAINT "comentario_marcador_fkey";`,
		},
		plain: []string{
			`CREATE UNIQUE INDEX "marcadores_nome_key" ON "public"."marcadores" ("nome");`,
			`ALTER TABLE "public"."comentario" ADD
CONSTRAINT "comentario_marcador_fkey" FOREIGN KEY ("marcador") REFERENCES "public"."marcadores" ("nome") ON UPDATE NO ACTION ON DELETE NO ACTION;`,
		},
	},
	{
		name:   "new table with an index and a foreign key keeps the plain form",
		before: blogBase,
		after: blogBase + `CREATE TABLE curtidas (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  comentario_id bigint NOT NULL REFERENCES comentario (id) ON DELETE CASCADE
);
CREATE INDEX curtidas_comentario_id_idx ON curtidas (comentario_id);`,
		main: []string{
			`CREATE TABLE "public"."curtidas" (
  "id" bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
  "comentario_id" bigint NOT NULL,
  PRIMARY KEY ("id"),
  CONSTRAINT "curtidas_comentario_id_fkey" FOREIGN KEY ("comentario_id") REFERENCES "public"."comentario" ("id") ON UPDATE NO ACTION ON DELETE CASCADE
);`,
			`CREATE INDEX "curtidas_comentario_id_idx" ON "public"."curtidas" ("comentario_id");`,
		},
	},
}

// TestProject_Diff_online plans each case on a directory at the "before"
// state whose database holds rows, checks the statements written, applies
// them and compares the catalog with a database loaded from the "after"
// schema directly; a second diff must find nothing left. The same again
// with DiffOptions.Plain, which must write the plain form in one file.
func TestProject_Diff_online(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tc := range onlineCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p, path, url := atBefore(t, tc)
			res, err := p.Diff(ctx, "change", migration.DiffOptions{})
			if err != nil {
				t.Fatal(err)
			}
			checkPlanned(t, path, res, tc)
			reachesAfter(t, p, url, tc)
		})
		t.Run(tc.name+", plain", func(t *testing.T) {
			t.Parallel()
			p, path, url := atBefore(t, tc)
			res, err := p.Diff(ctx, "change", migration.DiffOptions{Plain: true})
			if err != nil {
				t.Fatal(err)
			}
			if written := sqlFiles(t, path)[1:]; len(res.Files) != 1 || len(written) != 1 || !res.Files[0].Transactional {
				t.Fatalf("plain form: planned %d file(s), wrote %v; want one transactional", len(res.Files), written)
			}
			sameStmts(t, "plain form", res.SQL, orDefault(tc.plain, tc.main))
			reachesAfter(t, p, url, tc)
		})
	}
}

// atBefore returns a project whose directory reaches tc.before, with
// schema file tc.after, and a database at that version holding rows.
func atBefore(t *testing.T, tc onlineCase) (*migration.Project, string, string) {
	t.Helper()
	ctx := context.Background()
	p, path := newProject(t)
	url := dbtest.URL(t)
	writeFile(t, p.Schema, tc.before)
	if _, err := p.Diff(ctx, "base", migration.DiffOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Apply(ctx, url, migration.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	execSQL(t, url, blogRows+tc.rows)
	writeFile(t, p.Schema, tc.after)
	return p, path, url
}

// reachesAfter applies the pending files on the database at url and
// compares its catalog with that of a database loaded from tc.after; then
// a diff must find the directory in sync.
func reachesAfter(t *testing.T, p *migration.Project, url string, tc onlineCase) {
	t.Helper()
	ctx := context.Background()
	if _, err := p.Apply(ctx, url, migration.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	want := dbtest.URL(t)
	execSQL(t, want, tc.after)
	if got, exp := tableCatalog(t, url), tableCatalog(t, want); !slices.Equal(got, exp) {
		t.Errorf("catalog after apply:\n  %s\nwant (schema loaded directly):\n  %s", strings.Join(got, "\n  "), strings.Join(exp, "\n  "))
	}
	again, err := p.Diff(ctx, "", migration.DiffOptions{Check: true})
	if err != nil || !again.InSync() {
		t.Fatalf("second diff = %+v, %v; want in sync", again, err)
	}
}

// checkPlanned compares the files Diff wrote with the case's statements.
func checkPlanned(t *testing.T, path string, res *migration.DiffResult, tc onlineCase) {
	t.Helper()
	type file struct {
		suffix string
		tx     bool
		stmts  []string
	}
	var want []file
	if len(tc.main) > 0 {
		want = append(want, file{"_change.sql", true, tc.main})
	}
	if len(tc.online) > 0 {
		want = append(want, file{"_change_online.sql", false, tc.online})
	}
	written := sqlFiles(t, path)[1:]
	if len(res.Files) != len(want) || len(written) != len(want) {
		t.Fatalf("planned %d file(s), wrote %v; want %d\n%+v", len(res.Files), written, len(want), res.Files)
	}
	if res.File != res.Files[0].Name || res.SQL != res.Files[0].SQL {
		t.Errorf("File/SQL = %q; want the first of Files, %q", res.File, res.Files[0].Name)
	}
	for i, w := range want {
		f := res.Files[i]
		if f.Name != written[i] || !strings.HasSuffix(f.Name, w.suffix) || f.Transactional != w.tx {
			t.Errorf("file %d = %s (transactional %v), written %s; want *%s (transactional %v)", i, f.Name, f.Transactional, written[i], w.suffix, w.tx)
		}
		b, err := os.ReadFile(filepath.Join(path, written[i]))
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != f.SQL {
			t.Errorf("%s on disk differs from the result", written[i])
		}
		if hasTxNone := strings.HasPrefix(f.SQL, "-- atlas:txmode none\n\n"); hasTxNone == w.tx {
			t.Errorf("%s: txmode none directive %v; want %v", f.Name, hasTxNone, !w.tx)
		}
		sameStmts(t, f.Name, f.SQL, w.stmts)
	}
}

// sameStmts compares the statements of a file with want.
func sameStmts(t *testing.T, name, sql string, want []string) {
	t.Helper()
	got, err := migrate.NewLocalFile("f.sql", []byte(sql)).Stmts()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s statements:\n  %s\nwant:\n  %s", name, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func orDefault(a, b []string) []string {
	if len(a) > 0 {
		return a
	}
	return b
}

// execSQL runs a script on the database at url.
func execSQL(t *testing.T, url, script string) {
	t.Helper()
	if _, err := testkit.OpenSQL(t, url).Exec(script); err != nil {
		t.Fatalf("running script: %v", err)
	}
}

// tableCatalog lists, from PostgreSQL's catalog, the indexes (definition and
// validity), constraints (definition and validation) and NOT NULL columns
// of schema public, sorted.
func tableCatalog(t *testing.T, url string) []string {
	t.Helper()
	rows, err := testkit.OpenSQL(t, url).Query(`
SELECT 'index ' || pg_get_indexdef(i.indexrelid) || ' valid=' || i.indisvalid
FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
WHERE c.relnamespace = 'public'::regnamespace
UNION ALL
SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) || ' validated=' || convalidated
FROM pg_constraint WHERE connamespace = 'public'::regnamespace
UNION ALL
SELECT 'column ' || a.attrelid::regclass || '.' || a.attname || ' notnull=' || a.attnotnull
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
