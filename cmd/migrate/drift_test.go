package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/versiona/versiona/internal/dbtest"
	"github.com/versiona/versiona/internal/testkit"
)

// execSQL runs a statement on the database at url, out of band.
func execSQL(t *testing.T, url, stmt string) {
	t.Helper()
	if _, err := testkit.OpenSQL(t, url).Exec(stmt); err != nil {
		t.Fatal(err)
	}
}

func TestRun_Drift(t *testing.T) {
	t.Setenv("DATABASE_URL", "")
	with, _, _ := workspace(t, blogSchema)
	if got := migrate(t, with("diff", "blog")...); got.code != 0 {
		t.Fatal(got.stderr)
	}
	url := dbtest.URL(t)

	got := migrate(t, with("drift", "--url", url)...)
	if got.code != 0 || !strings.Contains(got.stdout, "compared with the empty schema") {
		t.Fatalf("drift before apply: exit %d\n%s%s", got.code, got.stdout, got.stderr)
	}
	if got := migrate(t, with("apply", "--url", url)...); got.code != 0 {
		t.Fatal(got.stderr)
	}
	got = migrate(t, with("drift", "--url", url)...)
	if got.code != 0 || !strings.HasPrefix(got.stdout, "in sync: ") {
		t.Fatalf("drift after apply: exit %d\n%s%s", got.code, got.stdout, got.stderr)
	}

	execSQL(t, url, `ALTER TABLE usuarios ADD COLUMN apelido text`)
	const fact = "column public.usuarios.apelido: only in the live database"
	got = migrate(t, with("drift", "--url", url)...)
	if got.code != 1 || !strings.Contains(got.stdout, "drift: the live database differs") || !strings.Contains(got.stdout, "  "+fact+"\n") {
		t.Fatalf("drift: exit %d\n%s%s", got.code, got.stdout, got.stderr)
	}
	var res struct {
		InSync      bool   `json:"in_sync"`
		Version     string `json:"version"`
		Differences []struct {
			Object, Attribute, Text string
		} `json:"differences"`
	}
	got = migrate(t, with("drift", "--json", "--url", url)...)
	if err := json.Unmarshal([]byte(got.stdout), &res); err != nil || got.code != 1 || res.InSync || res.Version == "" ||
		len(res.Differences) != 1 || res.Differences[0].Text != fact || res.Differences[0].Object != "column public.usuarios.apelido" {
		t.Fatalf("drift --json: exit %d, %+v, %v\n%s", got.code, res, err, got.stdout)
	}

	got = migrate(t, with("down", "--url", url)...)
	if got.code != 1 || !strings.Contains(got.stdout, "the live database differs from the migrations at version "+res.Version+":\n  "+fact+"\n") {
		t.Fatalf("down on drift: exit %d\n%s%s", got.code, got.stdout, got.stderr)
	}

	got = migrate(t, with("drift", "--url", "postgres://versiona@127.0.0.1:1/nenhum?connect_timeout=2")...)
	if got.code != 3 || got.stdout != "" || !strings.Contains(got.stderr, "connecting") {
		t.Fatalf("drift, unreachable database: exit %d\n%s%s", got.code, got.stdout, got.stderr)
	}
}

func TestRun_DiffCheckCollation(t *testing.T) {
	t.Setenv("DATABASE_URL", "")
	with, dir, schemaPath := workspace(t, blogSchema+comentarioSchema)
	if got := migrate(t, with("diff", "base")...); got.code != 0 {
		t.Fatal(got.stderr)
	}
	collated := strings.Replace(blogSchema+comentarioSchema, "texto varchar(200) NOT NULL", `texto varchar(200) COLLATE "C" NOT NULL`, 1)
	if err := os.WriteFile(schemaPath, []byte(collated), 0o644); err != nil {
		t.Fatal(err)
	}
	const fact = `column public.comentario.texto: collation "C" in schema.sql, default in the migrations`

	got := migrate(t, with("diff", "--check")...)
	if got.code != 1 || !strings.Contains(got.stderr, fact+" — the engine cannot plan this change") || strings.Contains(got.stdout, "no changes") {
		t.Fatalf("diff --check: exit %d\n%s%s", got.code, got.stdout, got.stderr)
	}
	var res struct {
		InSync      bool `json:"in_sync"`
		Differences []struct {
			Object, Attribute, Text string
		} `json:"differences"`
	}
	got = migrate(t, with("diff", "--check", "--json")...)
	if err := json.Unmarshal([]byte(got.stdout), &res); err != nil || got.code != 1 || res.InSync ||
		len(res.Differences) != 1 || res.Differences[0].Text != fact || res.Differences[0].Attribute != "collation" {
		t.Fatalf("diff --check --json: exit %d, %+v, %v\n%s", got.code, res, err, got.stdout)
	}
	got = migrate(t, with("diff", "collate")...)
	if entries, _ := os.ReadDir(dir); got.code != 1 || len(entries) != 2 || !strings.Contains(got.stderr, fact) {
		t.Fatalf("diff: exit %d, %d entries\n%s%s", got.code, len(entries), got.stdout, got.stderr)
	}

	if err := os.WriteFile(schemaPath, []byte("CREATE TABLE quebrada (id bigint REFERENCES nada (id));\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got = migrate(t, with("diff", "--check")...); got.code != 3 || !strings.Contains(got.stderr, "quebrada") {
		t.Fatalf("diff --check, broken schema: exit %d\n%s%s", got.code, got.stdout, got.stderr)
	}
}
