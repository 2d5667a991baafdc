package fingerprint_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/versiona/versiona"
	"github.com/versiona/versiona/internal/dbtest"
	"github.com/versiona/versiona/internal/fingerprint"
	"github.com/versiona/versiona/internal/testkit"
)

// The template is an empty database; each test builds what it reads.
func TestMain(m *testing.M) { dbtest.Main(m, nil) }

// open returns a fresh empty database with setup run in it.
func open(t testing.TB, setup string) *sql.DB {
	t.Helper()
	db := testkit.OpenSQL(t, dbtest.URL(t))
	if setup != "" {
		if _, err := db.ExecContext(context.Background(), setup); err != nil {
			t.Fatalf("setting up: %v", err)
		}
	}
	return db
}

func read(t testing.TB, q fingerprint.Querier, opts ...fingerprint.Option) fingerprint.Fingerprint {
	t.Helper()
	fp, err := fingerprint.Read(context.Background(), q, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return fp
}

// lines returns the lines of fp's text.
func lines(fp fingerprint.Fingerprint) []string {
	return strings.Split(strings.TrimSuffix(fp.String(), "\n"), "\n")
}

// TestRead_SchemaFileMatchesHistory builds this project's schema twice,
// from schema.sql and by replaying db/migrations as `migrate apply` does,
// and requires byte-identical fingerprints.
func TestRead_SchemaFileMatchesHistory(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fromFile := read(t, open(t, versiona.Schema))

	url := dbtest.URL(t)
	if err := dbtest.Migrated(ctx, url); err != nil {
		t.Fatal(err)
	}
	migrated := testkit.OpenSQL(t, url)
	fromHistory := read(t, migrated)

	if got, want := fromHistory.String(), fromFile.String(); got != want {
		for _, d := range fingerprint.Diff(fromFile, fromHistory) {
			t.Error(d.Describe("schema.sql", "the migrations"))
		}
		t.Fatal("fingerprints of schema.sql and of the migration history differ")
	}

	// The migrated database has the revisions table, left out by default.
	var revisions int
	if err := migrated.QueryRowContext(ctx,
		"SELECT count(*) FROM pg_tables WHERE schemaname = $1", fingerprint.RevisionsSchema).Scan(&revisions); err != nil {
		t.Fatal(err)
	}
	if revisions == 0 {
		t.Fatal("the migrated database has no revisions table: the comparison proves nothing about excluding it")
	}
	for _, fp := range []fingerprint.Fingerprint{fromHistory, read(t, migrated, fingerprint.ExcludeSchemas("other"))} {
		if strings.Contains(fp.String(), fingerprint.RevisionsSchema) {
			t.Errorf("the revisions schema is in the fingerprint:\n%s", fp)
		}
	}
	checkCoversCatalog(t, migrated, fromHistory)
}

// checkCoversCatalog compares the fingerprint's tables, columns,
// constraints and indexes with counts from information_schema and
// pg_indexes, and checks that identity sequences are not listed apart.
func checkCoversCatalog(t *testing.T, db *sql.DB, fp fingerprint.Fingerprint) {
	t.Helper()
	ctx := context.Background()
	count := func(kind, attribute string) int {
		n := 0
		for _, f := range fp.Facts {
			if f.Kind == kind && f.Attribute == attribute {
				n++
			}
		}
		return n
	}
	for _, c := range []struct {
		kind, attribute, query string
	}{
		{"table", "persistence", "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"},
		{"column", "type", "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public'"},
		{"constraint", "definition", "SELECT count(*) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public'"},
		{"index", "definition", "SELECT count(*) FROM pg_indexes i WHERE schemaname = 'public' AND NOT EXISTS (SELECT FROM pg_constraint c WHERE c.conname = i.indexname AND c.contype IN ('p', 'u'))"},
		{"table", "comment", "SELECT count(*) FROM pg_tables t WHERE schemaname = 'public' AND obj_description(format('%I.%I', schemaname, tablename)::regclass) IS NOT NULL"},
	} {
		var want int
		if err := db.QueryRowContext(ctx, c.query).Scan(&want); err != nil {
			t.Fatal(err)
		}
		if got := count(c.kind, c.attribute); got != want || want == 0 {
			t.Errorf("%d %s facts with %q, the catalog has %d", got, c.kind, c.attribute, want)
		}
	}
	for _, l := range lines(fp) {
		if strings.HasPrefix(l, "sequence ") {
			t.Errorf("identity sequence listed apart: %s", l)
		}
	}
	for _, want := range []string{
		"column public.comentario.texto: type character varying(200)",
		"column public.usuarios.id: identity always, start 1, increment 1, minvalue 1, maxvalue 9223372036854775807, cache 1",
		"column public.matriculas.status: default 'ativa'::public.matricula_status",
		"enum public.matricula_status: values 'ativa', 'concluida', 'cancelada'",
		"index public.usuarios_email_unico: definition CREATE UNIQUE INDEX usuarios_email_unico ON public.usuarios USING btree (lower(email))",
		"table public.usuarios: comment 'People who write postagens and comentarios on the blog.'",
	} {
		if !strings.Contains(fp.String(), want+"\n") {
			t.Errorf("fingerprint lacks %q", want)
		}
	}
}

// TestDiff_SchemaFileEdits edits this project's schema.sql the ways the
// Atlas engine does not see, and requires the comparison with the migration
// history to name each edit.
func TestDiff_SchemaFileEdits(t *testing.T) {
	t.Parallel()
	url := dbtest.URL(t)
	if err := dbtest.Migrated(context.Background(), url); err != nil {
		t.Fatal(err)
	}
	migrations := read(t, testkit.OpenSQL(t, url))
	for _, c := range []struct {
		name, old, new, want string
	}{
		{"collation", "texto       varchar(200) NOT NULL", `texto       varchar(200) COLLATE "C" NOT NULL`,
			`column public.comentario.texto: collation "C" in schema.sql, default in the migrations`},
		{"check expression", "CHECK (char_length(texto) >= 1)", "CHECK (char_length(texto) >= 2)",
			"constraint public.comentario.comentario_texto_nao_vazio: definition CHECK ((char_length((texto)::text) >= 2)) in schema.sql, " +
				"definition CHECK ((char_length((texto)::text) >= 1)) in the migrations"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if !strings.Contains(versiona.Schema, c.old) {
				t.Fatalf("schema.sql no longer has %q", c.old)
			}
			edited := read(t, open(t, strings.Replace(versiona.Schema, c.old, c.new, 1)))
			diffs := fingerprint.Diff(edited, migrations)
			if len(diffs) != 1 {
				t.Fatalf("%d differences, want 1: %v", len(diffs), diffs)
			}
			if got := diffs[0].Describe("schema.sql", "the migrations"); got != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
		})
	}
}
