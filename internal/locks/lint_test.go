package locks_test

import (
	"os"
	"strings"
	"testing"

	"ariga.io/atlas/sql/migrate"

	"github.com/versiona/versiona/internal/locks"
)

// statements splits a file as the migration engine does, with Atlas's
// statement scanner.
func statements(t *testing.T, src string) []locks.Statement {
	t.Helper()
	stmts, err := migrate.Stmts(src)
	if err != nil {
		t.Fatalf("splitting %q: %v", src, err)
	}
	out := make([]locks.Statement, len(stmts))
	for i, s := range stmts {
		out[i] = locks.Statement{Text: s.Text, Pos: s.Pos}
	}
	return out
}

// blogTables are the tables that exist before the files of these tests.
func blogTables(schema, table string) bool {
	return schema == "public" && (table == "usuarios" || table == "postagens" || table == "comentario")
}

type lintCase struct {
	name          string
	src           string
	nonTx         bool // the file is marked atlas:txmode none
	env           locks.Env
	code, lock    string // "" code: no finding
	findingAtText string // the finding's Pos points at this text, when set
}

func runLintCases(t *testing.T, cases []lintCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			env := c.env
			env.Transactional = !c.nonTx
			if env.Existing == nil {
				env.Existing = blogTables
			}
			got := locks.Lint(statements(t, c.src), env)
			if c.code == "" {
				if len(got) != 0 {
					t.Fatalf("want no finding, got %v", got)
				}
				return
			}
			if len(got) != 1 || got[0].Code != c.code || got[0].Lock != c.lock {
				t.Fatalf("want one %s taking %q, got %v", c.code, c.lock, got)
			}
			f := got[0]
			if f.Text == "" || f.Fix == "" || (f.Lock != "" && f.Blocks == "") {
				t.Fatalf("finding lacks text, fix or what it blocks: %+v", f)
			}
			if c.findingAtText != "" && !strings.HasPrefix(c.src[f.Pos:], c.findingAtText) {
				t.Fatalf("finding at %d points at %q, want %q", f.Pos, c.src[f.Pos:min(len(c.src), f.Pos+30)], c.findingAtText)
			}
		})
	}
}

const newTable = "CREATE TABLE \"public\".\"novo\" (\"id\" bigint, \"usuario_id\" bigint, \"bio\" text, \"texto\" character varying(200), \"email\" text);\n"

func TestLint_Rules(t *testing.T) {
	t.Parallel()
	texto := func(schema, table, column string) (string, bool) {
		return "character varying(200)", blogTables(schema, table) && column == "texto"
	}
	runLintCases(t, []lintCase{
		// PG101
		{name: "PG101/unsafe", src: `CREATE INDEX "comentario_criado_em_idx" ON "public"."comentario" ("criado_em");`, code: "PG101", lock: "SHARE"},
		{name: "PG101/unsafe unique unqualified", src: `create unique index on comentario (texto);`, code: "PG101", lock: "SHARE"},
		{name: "PG101/safe", src: `CREATE INDEX CONCURRENTLY "comentario_criado_em_idx" ON "public"."comentario" ("criado_em");`, nonTx: true},
		{name: "PG101/new table", src: newTable + `CREATE INDEX "novo_id_idx" ON "public"."novo" ("id");`},
		// PG102
		{name: "PG102/unsafe", src: `DROP INDEX "public"."comentario_usuario_id_idx";`, code: "PG102", lock: "ACCESS EXCLUSIVE"},
		{name: "PG102/safe", src: `DROP INDEX CONCURRENTLY IF EXISTS "public"."comentario_usuario_id_idx";`, nonTx: true},
		{name: "PG102/new table", src: newTable + `CREATE INDEX "novo_id_idx" ON "public"."novo" ("id");` + "\n" + `DROP INDEX "public"."novo_id_idx";`},
		{name: "PG102/index of a new table known from the catalog", src: `DROP INDEX "outro_idx";`,
			env: locks.Env{IndexTable: func(s, i string) (string, string, bool) { return "public", "outro", true }}},
		// PG103
		{name: "PG103/unsafe", src: `REINDEX TABLE "public"."comentario";`, code: "PG103", lock: "ACCESS EXCLUSIVE"},
		{name: "PG103/unsafe index", src: `REINDEX (VERBOSE) INDEX comentario_usuario_id_idx;`, code: "PG103", lock: "ACCESS EXCLUSIVE"},
		{name: "PG103/safe option", src: `REINDEX (CONCURRENTLY) TABLE "public"."comentario";`, nonTx: true},
		{name: "PG103/safe", src: `REINDEX TABLE CONCURRENTLY "public"."comentario";`, nonTx: true},
		{name: "PG103/new table", src: newTable + `REINDEX TABLE "public"."novo";`},
		// PG104: fires whatever the table, as the file fails.
		{name: "PG104/unsafe", src: `CREATE INDEX CONCURRENTLY "i" ON "public"."comentario" ("criado_em");`, code: "PG104", lock: ""},
		{name: "PG104/unsafe drop", src: `DROP INDEX CONCURRENTLY "i";`, code: "PG104", lock: ""},
		{name: "PG104/unsafe detach", src: `ALTER TABLE eventos DETACH PARTITION eventos_2020 CONCURRENTLY;`, code: "PG104", lock: ""},
		{name: "PG104/safe", src: `CREATE INDEX CONCURRENTLY "i" ON "public"."comentario" ("criado_em");`, nonTx: true},
		{name: "PG104/new table still fails", src: newTable + `CREATE INDEX CONCURRENTLY "i" ON "public"."novo" ("id");`, code: "PG104", lock: ""},
		// PG105
		{name: "PG105/unsafe", src: `ALTER TABLE "public"."comentario" ADD CONSTRAINT "fk" FOREIGN KEY ("usuario_id") REFERENCES "public"."usuarios" ("id") ON DELETE CASCADE;`, code: "PG105", lock: "SHARE ROW EXCLUSIVE"},
		{name: "PG105/safe", src: `ALTER TABLE "public"."comentario" ADD CONSTRAINT "fk" FOREIGN KEY ("usuario_id") REFERENCES "public"."usuarios" ("id") NOT VALID;`},
		{name: "PG105/new table", src: newTable + `ALTER TABLE "public"."novo" ADD CONSTRAINT "fk" FOREIGN KEY ("usuario_id") REFERENCES "public"."usuarios" ("id");`},
		// PG106
		{name: "PG106/unsafe", src: `ALTER TABLE comentario ADD CONSTRAINT "c" CHECK (char_length(texto) >= 2);`, code: "PG106", lock: "ACCESS EXCLUSIVE"},
		{name: "PG106/unsafe unnamed", src: `ALTER TABLE comentario ADD CHECK (char_length(texto) >= 2);`, code: "PG106", lock: "ACCESS EXCLUSIVE"},
		{name: "PG106/unsafe column check", src: `ALTER TABLE comentario ADD COLUMN nota int DEFAULT 3 CHECK (nota BETWEEN 1 AND 5);`, code: "PG106", lock: "ACCESS EXCLUSIVE"},
		{name: "PG106/safe", src: `ALTER TABLE comentario ADD CONSTRAINT "c" CHECK (char_length(texto) >= 2) NOT VALID;`},
		{name: "PG106/new table", src: newTable + `ALTER TABLE "public"."novo" ADD CONSTRAINT "c" CHECK (id > 0);`},
		// PG107
		{name: "PG107/unsafe check", src: "ALTER TABLE comentario ADD CONSTRAINT c CHECK (id > 0) NOT VALID;\nALTER TABLE comentario VALIDATE CONSTRAINT c;",
			code: "PG107", lock: "ACCESS EXCLUSIVE", findingAtText: "VALIDATE CONSTRAINT c"},
		{name: "PG107/unsafe foreign key", src: "ALTER TABLE comentario ADD CONSTRAINT fk FOREIGN KEY (usuario_id) REFERENCES usuarios (id) NOT VALID;\nALTER TABLE comentario VALIDATE CONSTRAINT fk;",
			code: "PG107", lock: "SHARE ROW EXCLUSIVE"},
		{name: "PG107/safe in its own transactions", src: "ALTER TABLE comentario ADD CONSTRAINT c CHECK (id > 0) NOT VALID;\nALTER TABLE comentario VALIDATE CONSTRAINT c;", nonTx: true},
		{name: "PG107/safe added earlier", src: "ALTER TABLE comentario VALIDATE CONSTRAINT c;"},
		{name: "PG107/new table", src: newTable + "ALTER TABLE novo ADD CONSTRAINT c CHECK (id > 0) NOT VALID;\nALTER TABLE novo VALIDATE CONSTRAINT c;"},
		// PG108
		{name: "PG108/unsafe", src: `ALTER TABLE "public"."usuarios" ALTER COLUMN "bio" SET NOT NULL;`, code: "PG108", lock: "ACCESS EXCLUSIVE"},
		{name: "PG108/safe with a validated check in the catalog", src: `ALTER TABLE "public"."usuarios" ALTER COLUMN "bio" SET NOT NULL;`,
			env: locks.Env{NotNullChecked: func(s, t, c string) bool { return t == "usuarios" && c == "bio" }}},
		{name: "PG108/safe with a check validated earlier in the file", nonTx: true, src: "ALTER TABLE usuarios ADD CONSTRAINT bio_nn CHECK ((bio IS NOT NULL)) NOT VALID;\n" +
			"ALTER TABLE usuarios VALIDATE CONSTRAINT bio_nn;\nALTER TABLE usuarios ALTER COLUMN bio SET NOT NULL, DROP CONSTRAINT bio_nn;"},
		{name: "PG108/unsafe with a check never validated", nonTx: true, src: "ALTER TABLE usuarios ADD CONSTRAINT bio_nn CHECK (bio IS NOT NULL) NOT VALID;\n" +
			"ALTER TABLE usuarios ALTER COLUMN bio SET NOT NULL;", code: "PG108", lock: "ACCESS EXCLUSIVE"},
		{name: "PG108/check validated in the same transaction: only PG107", src: "ALTER TABLE usuarios ADD CONSTRAINT bio_nn CHECK (bio IS NOT NULL) NOT VALID;\n" +
			"ALTER TABLE usuarios VALIDATE CONSTRAINT bio_nn;\nALTER TABLE usuarios ALTER COLUMN bio SET NOT NULL;", code: "PG107", lock: "ACCESS EXCLUSIVE"},
		{name: "PG108/new table", src: newTable + `ALTER TABLE "public"."novo" ALTER COLUMN "bio" SET NOT NULL;`},
		// PG109
		{name: "PG109/unsafe", src: `ALTER TABLE "public"."comentario" ADD COLUMN "token" uuid NOT NULL DEFAULT gen_random_uuid();`, code: "PG109", lock: "ACCESS EXCLUSIVE"},
		{name: "PG109/unsafe clock_timestamp", src: `ALTER TABLE comentario ADD "visto_em" timestamptz DEFAULT (clock_timestamp() + interval '1 day');`, code: "PG109", lock: "ACCESS EXCLUSIVE"},
		{name: "PG109/unsafe bigserial", src: `ALTER TABLE comentario ADD COLUMN ordem bigserial;`, code: "PG109", lock: "ACCESS EXCLUSIVE"},
		{name: "PG109/unsafe identity", src: `ALTER TABLE comentario ADD COLUMN ordem bigint GENERATED ALWAYS AS IDENTITY;`, code: "PG109", lock: "ACCESS EXCLUSIVE"},
		{name: "PG109/safe now()", src: `ALTER TABLE "public"."comentario" ADD COLUMN "editado_em" timestamptz NOT NULL DEFAULT now();`},
		{name: "PG109/safe constant", src: `ALTER TABLE comentario ADD COLUMN nota text DEFAULT 'random()' NOT NULL, ADD COLUMN n int DEFAULT 0;`},
		{name: "PG109/new table", src: newTable + `ALTER TABLE "public"."novo" ADD COLUMN "token" uuid NOT NULL DEFAULT gen_random_uuid();`},
		// PG110
		{name: "PG110/unsafe narrowing", src: `ALTER TABLE "public"."comentario" ALTER COLUMN "texto" TYPE character varying(100);`, env: locks.Env{ColumnType: texto}, code: "PG110", lock: "ACCESS EXCLUSIVE"},
		{name: "PG110/unsafe using", src: `ALTER TABLE comentario ALTER COLUMN texto SET DATA TYPE text USING upper(texto);`, env: locks.Env{ColumnType: texto}, code: "PG110", lock: "ACCESS EXCLUSIVE"},
		{name: "PG110/unsafe unknown type", src: `ALTER TABLE comentario ALTER COLUMN texto TYPE text;`, code: "PG110", lock: "ACCESS EXCLUSIVE"},
		{name: "PG110/safe widening", src: `ALTER TABLE "public"."comentario" ALTER COLUMN "texto" TYPE character varying(500);`, env: locks.Env{ColumnType: texto}},
		{name: "PG110/safe to text", src: `ALTER TABLE comentario ALTER COLUMN texto TYPE text;`, env: locks.Env{ColumnType: texto}},
		{name: "PG110/new table", src: newTable + `ALTER TABLE "public"."novo" ALTER COLUMN "texto" TYPE character varying(100);`},
		// PG111
		{name: "PG111/unsafe", src: `ALTER TABLE "public"."usuarios" ADD CONSTRAINT "usuarios_email_key" UNIQUE ("email");`, code: "PG111", lock: "ACCESS EXCLUSIVE"},
		{name: "PG111/unsafe primary key", src: `ALTER TABLE comentario ADD PRIMARY KEY (id);`, code: "PG111", lock: "ACCESS EXCLUSIVE"},
		{name: "PG111/unsafe column", src: `ALTER TABLE usuarios ADD COLUMN apelido text UNIQUE;`, code: "PG111", lock: "ACCESS EXCLUSIVE"},
		{name: "PG111/safe", src: `ALTER TABLE "public"."usuarios" ADD CONSTRAINT "usuarios_email_key" UNIQUE USING INDEX "usuarios_email_idx";`},
		{name: "PG111/new table", src: newTable + `ALTER TABLE "public"."novo" ADD CONSTRAINT "novo_email_key" UNIQUE ("email");`},
	})
}

// partitioned is the environment of the partition rules: postagens is
// partitioned.
var partitioned = locks.Env{Partitioned: func(schema, table string) bool { return schema == "public" && table == "postagens" }}

func TestLint_Partitions(t *testing.T) {
	t.Parallel()
	runLintCases(t, []lintCase{
		{name: "PG101/on only a partitioned table", src: `CREATE INDEX "postagens_titulo_idx" ON ONLY "public"."postagens" ("titulo");`, env: partitioned},
		{name: "PG101/on only a table not partitioned", src: `CREATE INDEX "comentario_texto_idx" ON ONLY "public"."comentario" ("texto");`, env: partitioned, code: "PG101", lock: "SHARE"},
		{name: "PG101/partitioned, without only", src: `CREATE INDEX "postagens_titulo_idx" ON "public"."postagens" ("titulo");`, env: partitioned, code: "PG101", lock: "SHARE"},
		{name: "PG112/unsafe", src: `CREATE TABLE public.postagens_2027 PARTITION OF public.postagens FOR VALUES FROM ('2027-01-01') TO ('2028-01-01');`, env: partitioned, code: "PG112", lock: "ACCESS EXCLUSIVE", findingAtText: "PARTITION OF"},
		{name: "PG112/safe", src: "CREATE TABLE public.postagens_2027 (LIKE public.postagens INCLUDING DEFAULTS INCLUDING CONSTRAINTS);\nALTER TABLE public.postagens ATTACH PARTITION public.postagens_2027 FOR VALUES FROM ('2027-01-01') TO ('2028-01-01');", env: partitioned},
		{name: "PG112/new parent", src: "CREATE TABLE novo (d date) PARTITION BY RANGE (d);\nCREATE TABLE novo_1 PARTITION OF novo DEFAULT;"},
		{name: "PG113/unsafe", src: `ALTER TABLE public.postagens DETACH PARTITION public.postagens_2026;`, env: partitioned, code: "PG113", lock: "ACCESS EXCLUSIVE"},
		{name: "PG113/concurrently", src: `ALTER TABLE public.postagens DETACH PARTITION public.postagens_2026 CONCURRENTLY;`, env: partitioned, nonTx: true},
	})
}

// existingIndex is the environment of an index that exists on usuarios.
var existingIndex = locks.Env{IndexTable: func(schema, index string) (string, string, bool) {
	return "public", "usuarios", schema == "public" && index == "usuarios_email_idx"
}}

func TestLint_Rewrites(t *testing.T) {
	t.Parallel()
	runLintCases(t, []lintCase{
		{name: "PG114/set unlogged", src: `ALTER TABLE usuarios SET UNLOGGED;`, code: "PG114", lock: "ACCESS EXCLUSIVE"},
		{name: "PG114/set logged", src: `ALTER TABLE "public"."usuarios" SET LOGGED;`, code: "PG114", lock: "ACCESS EXCLUSIVE"},
		{name: "PG114/new table", src: "CREATE TABLE novo (id int);\nALTER TABLE novo SET UNLOGGED;"},
		{name: "PG115/refresh", src: `REFRESH MATERIALIZED VIEW resumo;`, code: "PG115", lock: "ACCESS EXCLUSIVE"},
		{name: "PG115/refresh with data", src: `REFRESH MATERIALIZED VIEW public.resumo WITH DATA;`, code: "PG115", lock: "ACCESS EXCLUSIVE"},
		{name: "PG115/concurrently", src: `REFRESH MATERIALIZED VIEW CONCURRENTLY resumo;`},
		{name: "PG115/created in the file", src: "CREATE MATERIALIZED VIEW resumo AS SELECT 1 AS n WITH NO DATA;\nREFRESH MATERIALIZED VIEW resumo;"},
		{name: "PG116/vacuum full", src: `VACUUM FULL usuarios;`, nonTx: true, code: "PG116", lock: "ACCESS EXCLUSIVE"},
		{name: "PG116/vacuum (full)", src: `VACUUM (FULL, ANALYZE) usuarios;`, nonTx: true, code: "PG116", lock: "ACCESS EXCLUSIVE"},
		{name: "PG116/plain vacuum", src: `VACUUM ANALYZE usuarios;`, nonTx: true},
		{name: "PG117/cluster table", src: `CLUSTER usuarios USING usuarios_pkey;`, code: "PG117", lock: "ACCESS EXCLUSIVE"},
		{name: "PG117/cluster all", src: `CLUSTER;`, nonTx: true, code: "PG117", lock: "ACCESS EXCLUSIVE"},
		{name: "PG117/cluster on only records", src: `ALTER TABLE usuarios CLUSTER ON usuarios_pkey;`},
		{name: "PG118/ddl in do", src: "DO $$\nBEGIN\n  ALTER TABLE usuarios ADD COLUMN x int;\nEND\n$$;", code: "PG118"},
		{name: "PG118/ddl in a tagged, quoted body", src: "DO LANGUAGE plpgsql $body$ BEGIN EXECUTE 'create index i on usuarios (email)'; END $body$;", code: "PG118"},
		{name: "PG118/data only", src: "DO $$ BEGIN UPDATE usuarios SET email = lower(email); END $$;"},
		{name: "PG101/if not exists of an index that exists", src: `CREATE INDEX IF NOT EXISTS usuarios_email_idx ON usuarios (email);`, env: existingIndex},
		{name: "PG101/if not exists of a new index", src: `CREATE INDEX IF NOT EXISTS usuarios_bio_idx ON usuarios (bio);`, env: existingIndex, code: "PG101", lock: "SHARE"},
		{name: "PG110/type of a column added in the file", src: "ALTER TABLE usuarios ADD COLUMN n int;\nALTER TABLE usuarios ALTER COLUMN n TYPE bigint;", code: "PG110", lock: "ACCESS EXCLUSIVE",
			findingAtText: "ALTER COLUMN n TYPE"},
	})
}

func TestLint_Parsing(t *testing.T) {
	t.Parallel()
	runLintCases(t, []lintCase{
		{name: "second clause of a multi-clause ALTER TABLE",
			src:  "-- Modify \"comentario\" table\nALTER TABLE \"public\".\"comentario\" ADD CONSTRAINT \"a\" CHECK (id > 0) NOT VALID, ADD CONSTRAINT \"b\" FOREIGN KEY (\"usuario_id\") REFERENCES \"public\".\"usuarios\" (\"id\") ON UPDATE NO ACTION ON DELETE CASCADE;",
			code: "PG105", lock: "SHARE ROW EXCLUSIVE", findingAtText: `ADD CONSTRAINT "b"`},
		{name: "position in a later statement", src: "CREATE TABLE novo (id int);\n\n/* a comment; with a semicolon */\nCREATE INDEX i ON comentario (criado_em);",
			code: "PG101", lock: "SHARE", findingAtText: "CREATE INDEX i"},
		{name: "quoted name is case-sensitive", src: `CREATE INDEX ON "Comentario" (id);`},
		{name: "schema other than public", src: `CREATE INDEX ON "outro"."comentario" (id);`},
		{name: "keywords inside strings and comments", src: "ALTER TABLE comentario ADD COLUMN nota text DEFAULT $$random()$$ -- DEFAULT random()\n;"},
		{name: "comma inside parentheses", src: `ALTER TABLE comentario ADD CONSTRAINT c CHECK (coalesce(id, 0) > 0) NOT VALID, ADD COLUMN n int DEFAULT 1;`},
		{name: "if exists and only", src: `ALTER TABLE IF EXISTS ONLY "public"."comentario" ALTER COLUMN "texto" SET NOT NULL;`, code: "PG108", lock: "ACCESS EXCLUSIVE"},
	})
}

func TestLint_EmbeddedMigrationsAreNew(t *testing.T) {
	t.Parallel()
	// Each file of the history creates its tables before indexing them;
	// with no table existing beforehand, nothing is flagged.
	for _, f := range []string{"20261126055441_blog_base.sql", "20261126055444_comentario.sql", "20261126055446_catalogo_de_cursos.sql"} {
		src := readMigration(t, f)
		existing := func(string, string) bool { return false }
		if got := locks.Lint(statements(t, src), locks.Env{Transactional: true, Existing: existing}); len(got) != 0 {
			t.Errorf("%s: %v", f, got)
		}
	}
}

// TestRules_Documented keeps doc.go's table in step with Rules.
func TestRules_Documented(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, r := range locks.Rules {
		line := ""
		for _, l := range strings.Split(doc, "\n") {
			if strings.HasPrefix(strings.TrimPrefix(l, "//\t"), r.Code+" ") && strings.Contains(l, "  ") && line == "" {
				line = l
			}
		}
		if line == "" {
			t.Errorf("%s missing from doc.go's table", r.Code)
			continue
		}
		if r.Lock != "" && !strings.Contains(line, r.Lock+" ") {
			t.Errorf("doc.go lists %s without its lock %s: %q", r.Code, r.Lock, line)
		}
	}
}
