package migration_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"ariga.io/atlas/sql/migrate"

	"github.com/versiona/versiona"
	"github.com/versiona/versiona/internal/dbtest"
	"github.com/versiona/versiona/internal/migration"
	"github.com/versiona/versiona/internal/testkit"
)

func TestProject_Diff(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("empty directory, then in sync, then check", func(t *testing.T) {
		t.Parallel()
		p, path := newProject(t)
		writeFile(t, p.Schema, schemaBlog)

		res, err := p.Diff(ctx, "blog", migration.DiffOptions{})
		if err != nil {
			t.Fatal(err)
		}
		files := sqlFiles(t, path)
		if len(files) != 1 || files[0] != res.File || !strings.HasSuffix(res.File, "_blog.sql") {
			t.Fatalf("files = %v, result %q; want one *_blog.sql", files, res.File)
		}
		if _, err := os.Stat(filepath.Join(path, "atlas.sum")); err != nil {
			t.Fatalf("atlas.sum: %v", err)
		}
		if err := migrate.Validate(p.Dir); err != nil {
			t.Fatalf("atlas.sum does not validate: %v", err)
		}
		if !strings.Contains(res.SQL, `CREATE TABLE "public"."usuarios"`) {
			t.Errorf("file lacks usuarios:\n%s", res.SQL)
		}

		sumBefore, _ := os.ReadFile(filepath.Join(path, "atlas.sum"))
		again, err := p.Diff(ctx, "again", migration.DiffOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if !again.InSync() {
			t.Fatalf("second diff planned %s:\n%s", again.File, again.SQL)
		}
		sumAfter, _ := os.ReadFile(filepath.Join(path, "atlas.sum"))
		if got := sqlFiles(t, path); len(got) != 1 || !bytes.Equal(sumBefore, sumAfter) {
			t.Fatalf("in-sync diff wrote something: files %v", got)
		}

		check, err := p.Diff(ctx, "", migration.DiffOptions{Check: true})
		if err != nil || !check.InSync() {
			t.Fatalf("check when in sync = %+v, %v; want in sync", check, err)
		}
		writeFile(t, p.Schema, schemaBlog+schemaComentario)
		check, err = p.Diff(ctx, "", migration.DiffOptions{Check: true})
		if err != nil {
			t.Fatal(err)
		}
		if check.InSync() || !strings.Contains(check.SQL, `"comentario"`) {
			t.Fatalf("check with an un-diffed change = %+v; want a planned comentario", check)
		}
		if got := sqlFiles(t, path); len(got) != 1 {
			t.Fatalf("check wrote files: %v", got)
		}
	})

	// What neither Atlas nor package objects plans is refused, named.
	unsupported := []struct{ name, sql, want string }{
		{"operator", `CREATE OPERATOR === (LEFTARG = int, RIGHTARG = int, FUNCTION = int4eq);`, "operator public.==="},
		{"statistics object", `CREATE STATISTICS usuarios_nome_email ON nome, email FROM usuarios;`, "statistics object public.usuarios_nome_email"},
		{"rule", `CREATE RULE nada AS ON DELETE TO usuarios DO INSTEAD NOTHING;`, "rule nada on public.usuarios"},
		{"text search template", `CREATE TEXT SEARCH TEMPLATE simples (LEXIZE = dsimple_lexize, INIT = dsimple_init);`, "text search template public.simples"},
		{"exclusion constraint", `ALTER TABLE usuarios ADD CONSTRAINT um_so EXCLUDE USING btree (id WITH =);`, "exclusion constraint um_so on public.usuarios"},
	}
	for _, tc := range unsupported {
		t.Run("unsupported "+tc.name, func(t *testing.T) {
			t.Parallel()
			p, path := newProject(t)
			writeFile(t, p.Schema, schemaBlog+tc.sql)
			_, err := p.Diff(ctx, "x", migration.DiffOptions{})
			var uerr *migration.UnsupportedError
			if !errors.As(err, &uerr) {
				t.Fatalf("err = %v; want *UnsupportedError", err)
			}
			if !slices.Contains(uerr.Objects, tc.want) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("objects = %q; want %q named", uerr.Objects, tc.want)
			}
			entries, _ := os.ReadDir(path)
			if len(entries) != 0 {
				t.Fatalf("diff wrote %d file(s) despite refusing", len(entries))
			}
		})
	}

	// The way forward a refusal gives works: the object created by a
	// hand-written migration is then accepted, and any later difference in
	// it is still named.
	t.Run("refused object written by hand is accepted", func(t *testing.T) {
		t.Parallel()
		p, path := newProject(t)
		writeFile(t, p.Schema, schemaBlog)
		if _, err := p.Diff(ctx, "base", migration.DiffOptions{}); err != nil {
			t.Fatal(err)
		}
		const rule = `CREATE RULE nada AS ON DELETE TO usuarios DO INSTEAD NOTHING;`
		writeFile(t, p.Schema, schemaBlog+rule)
		var uerr *migration.UnsupportedError
		if _, err := p.Diff(ctx, "", migration.DiffOptions{Check: true}); !errors.As(err, &uerr) {
			t.Fatalf("check before the hand-written file: err = %v; want *UnsupportedError", err)
		}
		writeFile(t, filepath.Join(path, "99990101000000_regra.sql"), rule+"\n")
		if err := migration.Rehash(p.Dir); err != nil {
			t.Fatal(err)
		}
		if res, err := p.Diff(ctx, "", migration.DiffOptions{Check: true}); err != nil || !res.InSync() {
			t.Fatalf("check after the hand-written file = %+v, %v; want in sync", res, err)
		}

		// The rule changed in schema.sql only: not in sync, the rule named.
		writeFile(t, p.Schema, schemaBlog+`CREATE RULE nada AS ON DELETE TO usuarios DO INSTEAD SELECT 1;`)
		_, err := p.Diff(ctx, "", migration.DiffOptions{Check: true})
		if err == nil || !strings.Contains(err.Error(), "rule public.usuarios.nada") {
			t.Fatalf("check with the rule changed: err = %v; want the rule named", err)
		}
		// Removed from schema.sql: not in sync, named as only in the migrations.
		writeFile(t, p.Schema, schemaBlog)
		_, err = p.Diff(ctx, "", migration.DiffOptions{Check: true})
		if err == nil || !strings.Contains(err.Error(), "rule public.usuarios.nada: only in the migrations") {
			t.Fatalf("check with the rule removed: err = %v; want it named as only in the migrations", err)
		}
	})

	t.Run("identity and serial columns are supported", func(t *testing.T) {
		t.Parallel()
		p, _ := newProject(t)
		writeFile(t, p.Schema, schemaBlog+`CREATE TABLE contadores (id serial PRIMARY KEY, n bigint);`)
		if _, err := p.Diff(ctx, "x", migration.DiffOptions{}); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("destructive changes are warned about", func(t *testing.T) {
		t.Parallel()
		p, _ := newProject(t)
		writeFile(t, p.Schema, schemaBlog+schemaComentario)
		if _, err := p.Diff(ctx, "base", migration.DiffOptions{}); err != nil {
			t.Fatal(err)
		}
		writeFile(t, p.Schema, strings.Replace(schemaBlog, "conteudo text NOT NULL", "corpo text NOT NULL", 1))
		res, err := p.Diff(ctx, "rename", migration.DiffOptions{})
		if err != nil {
			t.Fatal(err)
		}
		joined := strings.Join(res.Warnings, "\n")
		for _, want := range []string{`drops table "comentario"`, `drops column "conteudo"`, "rename"} {
			if !strings.Contains(joined, want) {
				t.Errorf("warnings lack %q:\n%s", want, joined)
			}
		}
	})

	// A changed CHECK expression is planned: schemas are compared in the
	// normalized mode, as the Atlas CLI compares them.
	checks := []struct{ name, from, to string }{
		{"named", "CONSTRAINT turmas_datas_check CHECK (data_inicio <= data_fim)", "CONSTRAINT turmas_datas_check CHECK (data_inicio < data_fim)"},
		{"unnamed", "CHECK (vagas > 0)", "CHECK (vagas > 1)"},
	}
	for _, tc := range checks {
		t.Run("check expression changed, "+tc.name, func(t *testing.T) {
			t.Parallel()
			p, _ := withHistory(t)
			edited := strings.Replace(stages[len(stages)-1].schema, tc.from, tc.to, 1)
			if edited == stages[len(stages)-1].schema {
				t.Fatalf("schema lacks %q", tc.from)
			}
			writeFile(t, p.Schema, edited)
			res, err := p.Diff(ctx, "", migration.DiffOptions{Check: true})
			if err != nil {
				t.Fatal(err)
			}
			if res.InSync() {
				t.Fatalf("diff --check says in sync after changing %q to %q", tc.from, tc.to)
			}
			want := strings.TrimPrefix(tc.to[strings.Index(tc.to, "CHECK"):], "CHECK ")
			if !strings.Contains(res.SQL, "ADD CONSTRAINT") || !strings.Contains(res.SQL, want) {
				t.Fatalf("plan lacks the new check %s:\n%s", want, res.SQL)
			}
		})
	}

	t.Run("broken schema names the statement", func(t *testing.T) {
		t.Parallel()
		p, _ := newProject(t)
		writeFile(t, p.Schema, schemaBlog+"\nCREATE TABLE quebrada (id bigint REFERENCES nada (id));\n")
		_, err := p.Diff(ctx, "x", migration.DiffOptions{})
		var serr *migration.StatementError
		if !errors.As(err, &serr) || serr.File != "schema.sql" || !strings.Contains(serr.Stmt, "quebrada") {
			t.Fatalf("err = %v; want a StatementError on schema.sql naming quebrada", err)
		}
	})
}

func TestProject_Apply(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("empty to head, status, nothing left", func(t *testing.T) {
		t.Parallel()
		p, path := withHistory(t)
		url := dbtest.URL(t)
		files := sqlFiles(t, path)

		res, err := p.Apply(ctx, url, migration.ApplyOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(res.Names(), files) {
			t.Fatalf("applied %v; want %v", res.Applied, files)
		}
		head := strings.SplitN(files[len(files)-1], "_", 2)[0]
		st, err := p.Status(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		if st.Current != head || len(st.Pending) != 0 || st.Failed != nil || len(st.Applied) != len(files) || st.Problem != "" {
			t.Fatalf("status = %+v; want head %s, nothing pending", st, head)
		}
		want := []string{"alunos", "comentario", "cursos", "instrutores", "matriculas", "postagens", "turmas", "usuarios"}
		if got := tables(t, url); !slices.Equal(got, want) {
			t.Fatalf("tables = %v; want %v", got, want)
		}

		again, err := p.Apply(ctx, url, migration.ApplyOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(again.Applied) != 0 || again.Current != head {
			t.Fatalf("second apply = %+v; want nothing applied", again)
		}
		if n := revisionCount(t, url); n != len(files) {
			t.Fatalf("revisions = %d; want %d", n, len(files))
		}
	})

	t.Run("N and --to", func(t *testing.T) {
		t.Parallel()
		p, path := withHistory(t)
		url := dbtest.URL(t)
		files := sqlFiles(t, path)
		res, err := p.Apply(ctx, url, migration.ApplyOptions{N: 1})
		if err != nil || !slices.Equal(res.Names(), files[:1]) {
			t.Fatalf("apply 1 = %+v, %v", res, err)
		}
		v2 := strings.SplitN(files[1], "_", 2)[0]
		res, err = p.Apply(ctx, url, migration.ApplyOptions{To: v2})
		if err != nil || !slices.Equal(res.Names(), files[1:2]) || res.Current != v2 {
			t.Fatalf("apply --to %s = %+v, %v", v2, res, err)
		}
	})

	t.Run("eight concurrent applies", func(t *testing.T) {
		t.Parallel()
		_, path := withHistory(t)
		url := dbtest.URL(t)
		var wg sync.WaitGroup
		errs := make([]error, 8)
		applied := make([][]string, 8)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// Each run has its own project, connection and directory view.
				dir, err := migration.OpenDir(path, false)
				if err != nil {
					errs[i] = err
					return
				}
				q := &migration.Project{Dir: dir}
				res, err := q.Apply(ctx, url, migration.ApplyOptions{})
				errs[i] = err
				if res != nil {
					applied[i] = res.Names()
				}
			}()
		}
		wg.Wait()
		count := map[string]int{}
		for i, err := range errs {
			if err != nil {
				t.Errorf("run %d: %v", i, err)
			}
			for _, f := range applied[i] {
				count[f]++
			}
		}
		for _, f := range sqlFiles(t, path) {
			if count[f] != 1 {
				t.Errorf("%s applied %d times; want once", f, count[f])
			}
		}
		if n := revisionCount(t, url); n != len(sqlFiles(t, path)) {
			t.Errorf("revisions = %d; want %d", n, len(sqlFiles(t, path)))
		}
	})

	t.Run("failing second statement rolls the file back and resumes", func(t *testing.T) {
		t.Parallel()
		p, path := newProject(t)
		writeFile(t, filepath.Join(path, "20250101000000_one.sql"), "CREATE TABLE um (id int);\n")
		broken := "CREATE TABLE dois (id int);\nINSERT INTO nenhuma VALUES (1);\nCREATE TABLE tres (id int);\n"
		writeFile(t, filepath.Join(path, "20250101000001_two.sql"), broken)
		if err := migration.Rehash(p.Dir); err != nil {
			t.Fatal(err)
		}
		url := dbtest.URL(t)
		var events []migration.Event
		p.Progress = func(e migration.Event) { events = append(events, e) }

		partial, err := p.Apply(ctx, url, migration.ApplyOptions{})
		var serr *migration.StatementError
		if !errors.As(err, &serr) || serr.File != "20250101000001_two.sql" || serr.Line != 2 || !strings.Contains(serr.Stmt, "nenhuma") {
			t.Fatalf("err = %v; want a StatementError at 20250101000001_two.sql:2", err)
		}
		if !slices.Equal(partial.Names(), []string{"20250101000000_one.sql"}) {
			t.Errorf("applied = %v; want only the first file", partial.Applied)
		}
		if !strings.Contains(err.Error(), "20250101000001_two.sql:2") || !strings.Contains(err.Error(), "INSERT INTO nenhuma") ||
			!strings.Contains(err.Error(), "rolled back; fix it") {
			t.Errorf("error lacks file, statement and advice:\n%v", err)
		}
		wantEvents := []migration.EventKind{migration.EventLocking, migration.EventApplying, migration.EventApplied, migration.EventApplying, migration.EventFailed}
		var kinds []migration.EventKind
		for _, e := range events {
			kinds = append(kinds, e.Kind)
		}
		if !slices.Equal(kinds, wantEvents) || events[4].File != "20250101000001_two.sql" {
			t.Errorf("events = %+v; want %v", events, wantEvents)
		}
		if got := tables(t, url); !slices.Equal(got, []string{"um"}) {
			t.Fatalf("tables = %v; want only the first file's", got)
		}
		st, err := p.Status(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		if st.Current != "20250101000000" || st.Failed == nil || !strings.Contains(st.Failed.Error, "nenhuma") ||
			!strings.Contains(st.Failed.ErrorStmt, "INSERT INTO nenhuma") || len(st.Pending) != 1 {
			t.Fatalf("status = %+v (failed %+v); want the error recorded and two pending", st, st.Failed)
		}

		writeFile(t, filepath.Join(path, "20250101000001_two.sql"), strings.Replace(broken, "INSERT INTO nenhuma VALUES (1)", "INSERT INTO dois VALUES (1)", 1))
		if _, err := p.Apply(ctx, url, migration.ApplyOptions{}); err == nil || !strings.Contains(err.Error(), "20250101000001_two.sql") {
			t.Fatalf("apply with stale atlas.sum = %v; want a refusal naming the file", err)
		}
		if err := migration.Rehash(p.Dir); err != nil {
			t.Fatal(err)
		}
		res, err := p.Apply(ctx, url, migration.ApplyOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Current != "20250101000001" || !slices.Equal(tables(t, url), []string{"dois", "tres", "um"}) {
			t.Fatalf("after fix: %+v, tables %v", res, tables(t, url))
		}
		st, err = p.Status(ctx, url)
		if err != nil || st.Failed != nil || len(st.Pending) != 0 {
			t.Fatalf("status after fix = %+v, %v", st, err)
		}
	})

	t.Run("deferred constraint failing at commit is recorded", func(t *testing.T) {
		t.Parallel()
		p, path := newProject(t)
		writeFile(t, filepath.Join(path, "20250101000000_one.sql"), "CREATE TABLE um (id int PRIMARY KEY);\n")
		writeFile(t, filepath.Join(path, "20250101000001_two.sql"),
			"CREATE TABLE dois (um_id int REFERENCES um (id) DEFERRABLE INITIALLY DEFERRED);\nINSERT INTO dois VALUES (1);\n")
		if err := migration.Rehash(p.Dir); err != nil {
			t.Fatal(err)
		}
		url := dbtest.URL(t)

		res, err := p.Apply(ctx, url, migration.ApplyOptions{})
		if err == nil || !strings.Contains(err.Error(), "20250101000001_two.sql") || !strings.Contains(err.Error(), "dois_um_id_fkey") {
			t.Fatalf("err = %v; want the commit error naming 20250101000001_two.sql", err)
		}
		if !slices.Equal(res.Names(), []string{"20250101000000_one.sql"}) {
			t.Errorf("applied = %v; want only the first file", res.Applied)
		}
		var aerr *migration.ApplyError
		if !errors.As(err, &aerr) || aerr.Cause != migration.CauseCommit || !aerr.RolledBack || aerr.RecordErr != nil {
			t.Errorf("err = %#v; want an ApplyError for a commit, rolled back and recorded", err)
		}
		if got := tables(t, url); !slices.Equal(got, []string{"um"}) {
			t.Fatalf("tables = %v; want only the first file's", got)
		}
		st, err := p.Status(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		if st.Current != "20250101000000" || len(st.Pending) != 1 || st.Failed == nil ||
			st.Failed.Version != "20250101000001" || st.Failed.Applied != 0 || !strings.Contains(st.Failed.Error, "dois_um_id_fkey") {
			t.Fatalf("status = %+v (failed %+v); want the commit error recorded on 20250101000001", st, st.Failed)
		}
		if st.Failed.State != "failed" || st.Failed.ErrorStmt != "COMMIT" {
			t.Errorf("failed revision = %+v; want state failed at COMMIT", st.Failed)
		}

		writeFile(t, filepath.Join(path, "20250101000001_two.sql"),
			"CREATE TABLE dois (um_id int REFERENCES um (id) DEFERRABLE INITIALLY DEFERRED);\nINSERT INTO um VALUES (1);\nINSERT INTO dois VALUES (1);\n")
		if err := migration.Rehash(p.Dir); err != nil {
			t.Fatal(err)
		}
		if res, err = p.Apply(ctx, url, migration.ApplyOptions{}); err != nil || res.Current != "20250101000001" {
			t.Fatalf("apply after fix = %+v, %v", res, err)
		}
		if st, err = p.Status(ctx, url); err != nil || st.Failed != nil || len(st.Pending) != 0 {
			t.Fatalf("status after fix = %+v, %v", st, err)
		}
	})

	t.Run("edited applied file is refused before anything runs", func(t *testing.T) {
		t.Parallel()
		p, path := newProject(t)
		writeFile(t, filepath.Join(path, "20250101000000_one.sql"), "CREATE TABLE um (id int);\n")
		if err := migration.Rehash(p.Dir); err != nil {
			t.Fatal(err)
		}
		url := dbtest.URL(t)
		if _, err := p.Apply(ctx, url, migration.ApplyOptions{}); err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(path, "20250101000000_one.sql"), "CREATE TABLE um (id bigint);\n")
		writeFile(t, filepath.Join(path, "20250101000001_two.sql"), "CREATE TABLE dois (id int);\n")
		if err := migration.Rehash(p.Dir); err != nil {
			t.Fatal(err)
		}
		_, err := p.Apply(ctx, url, migration.ApplyOptions{})
		if err == nil || !strings.Contains(err.Error(), "20250101000000_one.sql") || !strings.Contains(err.Error(), "changed") {
			t.Fatalf("err = %v; want a refusal naming 20250101000000_one.sql", err)
		}
		if got := tables(t, url); !slices.Equal(got, []string{"um"}) {
			t.Fatalf("tables = %v; the pending file ran", got)
		}
	})

	t.Run("stale atlas.sum is refused before anything runs", func(t *testing.T) {
		t.Parallel()
		p, path := withHistory(t)
		files := sqlFiles(t, path)
		last := filepath.Join(path, files[len(files)-1])
		b, _ := os.ReadFile(last)
		writeFile(t, last, string(b)+"\nCREATE TABLE extra (id int);\n")
		url := dbtest.URL(t)
		_, err := p.Apply(ctx, url, migration.ApplyOptions{})
		if err == nil || !strings.Contains(err.Error(), files[len(files)-1]) || !strings.Contains(err.Error(), "atlas.sum") {
			t.Fatalf("err = %v; want a refusal naming %s", err, files[len(files)-1])
		}
		if got := tables(t, url); len(got) != 0 {
			t.Fatalf("tables = %v; want none", got)
		}
	})

	t.Run("txmode none runs outside a transaction", func(t *testing.T) {
		t.Parallel()
		p, path := newProject(t)
		writeFile(t, filepath.Join(path, "20250101000000_one.sql"), "CREATE TABLE um (id int);\n")
		writeFile(t, filepath.Join(path, "20250101000001_index.sql"),
			"-- atlas:txmode none\n\nCREATE INDEX CONCURRENTLY um_id_idx ON um (id);\n")
		if err := migration.Rehash(p.Dir); err != nil {
			t.Fatal(err)
		}
		url := dbtest.URL(t)
		if _, err := p.Apply(ctx, url, migration.ApplyOptions{}); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := testkit.OpenSQL(t, url).QueryRow(`SELECT count(*) FROM pg_indexes WHERE indexname = 'um_id_idx'`).Scan(&n); err != nil || n != 1 {
			t.Fatalf("index count = %d, %v; want 1", n, err)
		}
	})

	t.Run("dry run prints and touches nothing", func(t *testing.T) {
		t.Parallel()
		p, _ := withHistory(t)
		url := dbtest.URL(t)
		res, err := p.Apply(ctx, url, migration.ApplyOptions{DryRun: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Applied) != 3 || !strings.Contains(strings.Join(res.Applied[2].SQL, "\n"), `CREATE TABLE "public"."matriculas"`) {
			t.Fatalf("dry run = %+v", res)
		}
		var exists bool
		if err := testkit.OpenSQL(t, url).QueryRow(`SELECT to_regclass('atlas_schema_revisions.atlas_schema_revisions') IS NOT NULL`).Scan(&exists); err != nil {
			t.Fatal(err)
		}
		if exists || len(tables(t, url)) != 0 {
			t.Fatalf("dry run changed the database (revisions table %v, tables %v)", exists, tables(t, url))
		}
	})
}

func TestApplyAll(t *testing.T) {
	t.Parallel()
	p, path := withHistory(t)
	dir, err := migration.DirFS(os.DirFS(path))
	if err != nil {
		t.Fatal(err)
	}
	url := dbtest.URL(t)
	if err := migration.ApplyAll(context.Background(), url, dir); err != nil {
		t.Fatal(err)
	}
	st, err := p.Status(context.Background(), url)
	if err != nil || len(st.Pending) != 0 || st.Current == "" {
		t.Fatalf("status = %+v, %v; want head", st, err)
	}
}

func TestProject_Down(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("round trip", func(t *testing.T) {
		t.Parallel()
		p, path := withHistory(t)
		files := sqlFiles(t, path)
		v2 := strings.SplitN(files[1], "_", 2)[0]
		url, atTwo, atHead := dbtest.URL(t), dbtest.URL(t), dbtest.URL(t)
		for _, c := range []struct {
			url string
			n   int
		}{{url, 0}, {atTwo, 2}, {atHead, 0}} {
			if _, err := p.Apply(ctx, c.url, migration.ApplyOptions{N: c.n}); err != nil {
				t.Fatal(err)
			}
		}

		dry, err := p.Down(ctx, url, migration.DownOptions{N: 1, DryRun: true})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(strings.Join(dry.SQL, "\n"), `DROP TABLE "public"."matriculas"`) {
			t.Fatalf("dry run SQL %v; want matriculas dropped", dry.SQL)
		}
		sameSchema(t, url, atHead)

		res, err := p.Down(ctx, url, migration.DownOptions{N: 1})
		if err != nil {
			t.Fatal(err)
		}
		if res.To != v2 || len(res.Reverted) != 1 {
			t.Fatalf("down = %+v; want to %s", res, v2)
		}
		sameSchema(t, url, atTwo)
		st, err := p.Status(ctx, url)
		if err != nil || st.Current != v2 || len(st.Pending) != 1 {
			t.Fatalf("status after down = %+v, %v", st, err)
		}

		if _, err := p.Apply(ctx, url, migration.ApplyOptions{}); err != nil {
			t.Fatal(err)
		}
		sameSchema(t, url, atHead)

		if _, err := p.Down(ctx, url, migration.DownOptions{To: "0"}); err != nil {
			t.Fatal(err)
		}
		if got := tables(t, url); len(got) != 0 {
			t.Fatalf("tables after down --to 0 = %v", got)
		}
		if n := revisionCount(t, url); n != 0 {
			t.Fatalf("revisions after down --to 0 = %d", n)
		}
	})

	t.Run("drift is refused unless forced", func(t *testing.T) {
		t.Parallel()
		p, _ := withHistory(t)
		url := dbtest.URL(t)
		if _, err := p.Apply(ctx, url, migration.ApplyOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := testkit.OpenSQL(t, url).Exec(`CREATE TABLE intrusa (id int)`); err != nil {
			t.Fatal(err)
		}
		res, err := p.Down(ctx, url, migration.DownOptions{N: 1})
		if !errors.Is(err, migration.ErrDrift) || len(res.Drift) != 1 || res.Drift[0].Text != "table public.intrusa: only in the live database" {
			t.Fatalf("down on a drifted schema = %+v, %v; want ErrDrift naming intrusa", res, err)
		}
		if got := tables(t, url); !slices.Contains(got, "matriculas") {
			t.Fatalf("refused down changed tables: %v", got)
		}
		if _, err := p.Down(ctx, url, migration.DownOptions{N: 1, Force: true}); err != nil {
			t.Fatal(err)
		}
		if got := tables(t, url); slices.Contains(got, "matriculas") || slices.Contains(got, "intrusa") {
			t.Fatalf("forced down left %v", got)
		}
	})
}

func TestProject_Lint(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p, path := newProject(t)
	writeFile(t, filepath.Join(path, "20250101000000_one.sql"), "CREATE TABLE um (id int, nome text);\n")
	drop := filepath.Join(path, "20250101000001_drop.sql")
	writeFile(t, drop, "CREATE TABLE dois (id int);\nALTER TABLE um DROP COLUMN nome;\n")
	if err := migration.Rehash(p.Dir); err != nil {
		t.Fatal(err)
	}

	res, err := p.Lint(ctx, migration.LintOptions{})
	if err != nil {
		t.Fatal(err)
	}
	findings := res.Findings
	if len(findings) != 1 || res.Unacknowledged != 1 {
		t.Fatalf("findings = %v (%d unacknowledged); want one", findings, res.Unacknowledged)
	}
	f := findings[0]
	if f.File != "20250101000001_drop.sql" || f.Line != 2 || f.Analyzer != "destructive" || f.Code != "DS103" || f.Acknowledged {
		t.Fatalf("finding = %+v", f)
	}
	if got := f.String(); !strings.HasPrefix(got, "20250101000001_drop.sql:2: ") || !strings.Contains(got, `"nome"`) {
		t.Fatalf("finding text = %q", got)
	}

	writeFile(t, drop, "CREATE TABLE dois (id int);\n-- atlas:nolint destructive\nALTER TABLE um DROP COLUMN nome;\n")
	if err := migration.Rehash(p.Dir); err != nil {
		t.Fatal(err)
	}
	res, err = p.Lint(ctx, migration.LintOptions{Latest: 1})
	if err != nil {
		t.Fatal(err)
	}
	if findings = res.Findings; len(findings) != 1 || !findings[0].Acknowledged || res.Unacknowledged != 0 {
		t.Fatalf("findings after nolint = %v; want one acknowledged", findings)
	}
}

func TestProject_Lint_rename(t *testing.T) {
	t.Parallel()
	p, path := newProject(t)
	writeFile(t, filepath.Join(path, "20250101000000_one.sql"), "CREATE TABLE um (id int, nome text);\n")
	writeFile(t, filepath.Join(path, "20250101000001_rename.sql"), "ALTER TABLE um RENAME COLUMN nome TO apelido;\n")
	if err := migration.Rehash(p.Dir); err != nil {
		t.Fatal(err)
	}
	res, err := p.Lint(context.Background(), migration.LintOptions{Latest: 1})
	if err != nil {
		t.Fatal(err)
	}
	if findings := res.Findings; len(findings) != 1 || findings[0].Analyzer != "incompatible" || findings[0].Code != "BC102" || findings[0].Line != 1 {
		t.Fatalf("findings = %v; want one backward-incompatible rename", findings)
	}
}

func TestProject_Validate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p, path := withHistory(t)
	if res, err := p.Validate(ctx); err != nil || len(res.Files) != len(stages) {
		t.Fatalf("validate = %+v, %v; want %d files", res, err, len(stages))
	}
	writeFile(t, filepath.Join(path, "29990101000000_broken.sql"), "ALTER TABLE nenhuma ADD COLUMN x int;\n")
	if err := migration.Rehash(p.Dir); err != nil {
		t.Fatal(err)
	}
	_, err := p.Validate(ctx)
	var serr *migration.StatementError
	if !errors.As(err, &serr) || serr.File != "29990101000000_broken.sql" {
		t.Fatalf("err = %v; want the broken file named", err)
	}
}

func TestRevisions_Init(t *testing.T) {
	t.Parallel()
	url := dbtest.URL(t)
	db := testkit.OpenSQL(t, url)
	store := migration.NewRevisions(db)
	if err := store.Init(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := store.Init(context.Background()); err != nil {
		t.Fatalf("second Init: %v", err)
	}
	// The Atlas CLI's table, column by column.
	want := []string{
		"version|character varying|NO|",
		"description|character varying|NO|",
		"type|bigint|NO|2",
		"applied|bigint|NO|0",
		"total|bigint|NO|0",
		"executed_at|timestamp with time zone|NO|",
		"execution_time|bigint|NO|",
		"error|text|YES|",
		"error_stmt|text|YES|",
		"hash|character varying|NO|",
		"partial_hashes|jsonb|YES|",
		"operator_version|character varying|NO|",
	}
	rows, err := db.Query(`SELECT column_name || '|' || data_type || '|' || is_nullable || '|' || coalesce(column_default, '')
FROM information_schema.columns
WHERE table_schema = 'atlas_schema_revisions' AND table_name = 'atlas_schema_revisions'
ORDER BY ordinal_position`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		got = append(got, s)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("columns:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var pk string
	if err := db.QueryRow(`SELECT string_agg(a.attname, ',') FROM pg_index i
JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
WHERE i.indrelid = 'atlas_schema_revisions.atlas_schema_revisions'::regclass AND i.indisprimary`).Scan(&pk); err != nil {
		t.Fatal(err)
	}
	if pk != "version" {
		t.Fatalf("primary key = %q; want version", pk)
	}
}

func TestRevisions_WriteRevision(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := migration.NewRevisions(testkit.OpenSQL(t, dbtest.URL(t)))
	if err := store.Init(ctx); err != nil {
		t.Fatal(err)
	}
	rev := &migrate.Revision{Version: "20250101000000", Description: "um", Type: migrate.RevisionTypeExecute,
		Applied: 1, Total: 2, Hash: "h", PartialHashes: []string{"h1:a"}, OperatorVersion: "test"}
	if err := store.WriteRevision(ctx, rev); err != nil {
		t.Fatal(err)
	}
	rev.Applied, rev.Error, rev.ErrorStmt = 2, "boom", "SELECT 1"
	if err := store.WriteRevision(ctx, rev); err != nil {
		t.Fatal(err)
	}
	got, err := store.ReadRevision(ctx, rev.Version)
	if err != nil {
		t.Fatal(err)
	}
	if got.Applied != 2 || got.Error != "boom" || got.ErrorStmt != "SELECT 1" || !slices.Equal(got.PartialHashes, []string{"h1:a"}) || got.Type != migrate.RevisionTypeExecute {
		t.Fatalf("read back %+v", got)
	}
	if err := store.DeleteRevision(ctx, rev.Version); err != nil {
		t.Fatal(err)
	}
	if _, err := store.ReadRevision(ctx, rev.Version); !errors.Is(err, migrate.ErrRevisionNotExist) {
		t.Fatalf("after delete: %v; want ErrRevisionNotExist", err)
	}
}

func TestRevisions_ReadRevisions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testkit.OpenSQL(t, dbtest.URL(t))
	store := migration.NewRevisions(db)
	if revs, err := store.ReadRevisions(ctx); err != nil || len(revs) != 0 {
		t.Fatalf("without a table: %v, %v; want none", revs, err)
	}
	if err := store.Init(ctx); err != nil {
		t.Fatal(err)
	}
	// The row the Atlas CLI keeps to identify the table is not a migration.
	if _, err := db.Exec(`INSERT INTO atlas_schema_revisions.atlas_schema_revisions
(version, description, executed_at, execution_time, hash, operator_version)
VALUES ('.atlas_cloud_identifier', 'a1b2', now(), 0, '', 'Atlas CLI v0.32.0')`); err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"20250101000001", "20250101000000"} {
		if err := store.WriteRevision(ctx, &migrate.Revision{Version: v, Type: migrate.RevisionTypeExecute, Hash: "h"}); err != nil {
			t.Fatal(err)
		}
	}
	revs, err := store.ReadRevisions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(revs) != 2 || revs[0].Version != "20250101000000" || revs[1].Version != "20250101000001" {
		t.Fatalf("revisions = %v; want the two migrations in version order", revs)
	}
}

func TestNewFile(t *testing.T) {
	t.Parallel()
	p, path := newProject(t)
	writeFile(t, filepath.Join(path, "29990101000000_future.sql"), "SELECT 1;\n")
	name, err := migration.NewFile(p.Dir, "seed_cursos")
	if err != nil {
		t.Fatal(err)
	}
	if name != "29990101000001_seed_cursos.sql" {
		t.Fatalf("name = %q; want the version after the newest file", name)
	}
	if err := migrate.Validate(p.Dir); err != nil {
		t.Fatalf("directory not re-hashed: %v", err)
	}
	if _, err := migration.NewFile(p.Dir, "bad name"); err == nil {
		t.Fatal("accepted a name with a space")
	}
}

func TestDirFS(t *testing.T) {
	t.Parallel()
	mem := &migrate.MemDir{}
	for name, body := range map[string]string{"1_a.sql": "SELECT 1;\n", "2_b.sql": "SELECT 2;\n"} {
		if err := mem.WriteFile(name, []byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	sum, err := mem.Checksum()
	if err != nil {
		t.Fatal(err)
	}
	sumText, _ := sum.MarshalText()
	fsys := fstest.MapFS{
		"1_a.sql":   {Data: []byte("SELECT 1;\n")},
		"2_b.sql":   {Data: []byte("SELECT 2;\n")},
		"atlas.sum": {Data: sumText},
		"README.md": {Data: []byte("not a migration")},
	}
	dir, err := migration.DirFS(fsys)
	if err != nil {
		t.Fatal(err)
	}
	files, err := dir.Files()
	if err != nil || len(files) != 2 || files[0].Name() != "1_a.sql" {
		t.Fatalf("files = %v, %v", files, err)
	}
	if err := migrate.Validate(dir); err != nil {
		t.Fatalf("validate: %v", err)
	}
}

func TestDirFS_embedded(t *testing.T) {
	t.Parallel()
	dir, err := migration.DirFS(versiona.Migrations)
	if err != nil {
		t.Fatal(err)
	}
	files, err := dir.Files()
	if err != nil || len(files) == 0 {
		t.Fatalf("embedded files = %d, %v", len(files), err)
	}
	if err := migrate.Validate(dir); err != nil {
		t.Fatalf("embedded atlas.sum: %v", err)
	}
}
