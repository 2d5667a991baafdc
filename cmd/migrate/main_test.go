package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/versiona/versiona/internal/dbtest"
	"github.com/versiona/versiona/internal/exit"
)

func TestMain(m *testing.M) { dbtest.Main(m, nil) }

const blogSchema = `
CREATE TABLE usuarios (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  nome varchar(100) NOT NULL,
  email text NOT NULL
);
`

const comentarioSchema = `
CREATE TABLE comentario (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  usuario_id bigint NOT NULL REFERENCES usuarios (id),
  texto varchar(200) NOT NULL
);
CREATE INDEX comentario_usuario_id_idx ON comentario (usuario_id);
`

// invocation runs the command in process and returns its exit code and output.
type invocation struct {
	code           int
	stdout, stderr string
}

func migrate(t *testing.T, args ...string) invocation {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), args, &stdout, &stderr)
	code := exitCode(err, &stderr)
	return invocation{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// workspace makes a schema file and an empty migration directory, and
// returns a function that builds a command line with the flags that
// command takes pointing at them and at the scratch server.
func workspace(t *testing.T, schemaSQL string) (with func(args ...string) []string, dir, schemaPath string) {
	t.Helper()
	root := t.TempDir()
	dir, schemaPath = filepath.Join(root, "migrations"), filepath.Join(root, "schema.sql")
	if err := os.WriteFile(schemaPath, []byte(schemaSQL), 0o644); err != nil {
		t.Fatal(err)
	}
	dev := dbtest.ServerURL(t, "postgres")
	return func(args ...string) []string {
		out := append(slices.Clone(args), "--dir", dir)
		switch args[0] {
		case "diff":
			out = append(out, "--schema", schemaPath, "--dev-url", dev)
		case "down", "drift", "lint", "validate", "import", "compat":
			out = append(out, "--dev-url", dev)
		}
		return out
	}, dir, schemaPath
}

func TestRun_Usage(t *testing.T) {
	t.Setenv("DATABASE_URL", "")
	tests := []struct {
		name     string
		args     []string
		code     int
		inStdout string
		inStderr string
	}{
		{"no command", nil, 2, "", "no command"},
		{"unknown command", []string{"upgrade"}, 2, "", `unknown command "upgrade"`},
		{"help", []string{"-h"}, 0, "Commands:", ""},
		{"command help documents exit codes", []string{"apply", "-h"}, 0, "Exit codes: 0 success, 1 failure, 2 usage error", ""},
		{"help lists flags", []string{"diff", "-h"}, 0, "-check", ""},
		{"checks document their exit codes", []string{"drift", "-h"}, 0, "1 a difference found, 2 usage\nerror, 3 the check could not be made", ""},
		{"drift takes no arguments", []string{"drift", "x", "--url", "postgres://x"}, 2, "", "drift takes no arguments"},
		{"unknown flag", []string{"apply", "--nope"}, 2, "", "flag provided but not defined"},
		{"bad count", []string{"apply", "zero"}, 2, "", "N must be a positive number"},
		{"count and --to", []string{"down", "1", "--to", "20250101000000", "--url", "postgres://x"}, 2, "", "not both"},
		{"diff without name", []string{"diff"}, 2, "", "exactly one NAME"},
		{"bad name", []string{"new", "a b"}, 2, "", "invalid migration name"},
		{"no target database", []string{"status"}, 2, "", "DATABASE_URL"},
		{"missing directory", []string{"status", "--dir", "/nonexistent/migrations", "--url", "postgres://x"}, 2, "", "/nonexistent/migrations does not exist"},
		{"hash lists only its flags", []string{"hash", "-h"}, 0, "-dir", ""},
		{"hash has no --url", []string{"hash", "--url", "postgres://x"}, 2, "", "flag provided but not defined: -url"},
		{"compat with a bad format", []string{"compat", "--format", "xml"}, 2, "", "--format must be text or github"},
		{"import without --from", []string{"import", "."}, 2, "", "--from must be one of golang-migrate, goose, dbmate, flyway"},
		{"import of a missing directory", []string{"import", "--from", "goose", "/nonexistent/src"}, 2, "", "source directory /nonexistent/src does not exist"},
		{"import without source", []string{"import", "--from", "goose"}, 2, "", "exactly one SRC"},
		{"bad flag value", []string{"apply", "--lock-wait", "soon"}, 2, "", `invalid value "soon" for flag -lock-wait: parse error (see migrate apply -h)`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := migrate(t, tc.args...)
			if strings.HasPrefix(tc.inStderr, "flag provided") || strings.HasPrefix(tc.inStderr, "invalid value") {
				if n := strings.Count(got.stderr, "\n"); n != 1 {
					t.Errorf("a bad flag printed %d lines on stderr, want 1:\n%s", n, got.stderr)
				}
			}
			if got.code != tc.code || !strings.Contains(got.stdout, tc.inStdout) || !strings.Contains(got.stderr, tc.inStderr) {
				t.Fatalf("migrate %v = exit %d\nstdout: %s\nstderr: %s\nwant exit %d, stdout with %q, stderr with %q",
					tc.args, got.code, got.stdout, got.stderr, tc.code, tc.inStdout, tc.inStderr)
			}
		})
	}
}

func TestRun_HelpPrintedOnce(t *testing.T) {
	for _, c := range commands {
		got := migrate(t, c.name, "-h")
		if got.code != 0 || strings.Count(got.stdout, "Usage: migrate "+c.name) != 1 || got.stderr != "" {
			t.Errorf("%s -h: exit %d, stdout:\n%s\nstderr:\n%s", c.name, got.code, got.stdout, got.stderr)
		}
	}
}

func TestRun_Workflow(t *testing.T) {
	t.Setenv("DATABASE_URL", "")
	with, dir, schemaPath := workspace(t, blogSchema)
	url := dbtest.URL(t)

	got := migrate(t, with("diff", "blog")...)
	if got.code != 0 || !strings.Contains(got.stdout, "_blog.sql") {
		t.Fatalf("diff: exit %d\n%s%s", got.code, got.stdout, got.stderr)
	}
	got = migrate(t, with("diff", "again")...)
	if got.code != 0 || !strings.Contains(got.stdout, "no changes") {
		t.Fatalf("second diff: exit %d\n%s%s", got.code, got.stdout, got.stderr)
	}
	if got = migrate(t, with("diff", "--check")...); got.code != 0 {
		t.Fatalf("diff --check in sync: exit %d\n%s%s", got.code, got.stdout, got.stderr)
	}

	if err := os.WriteFile(schemaPath, []byte(blogSchema+comentarioSchema), 0o644); err != nil {
		t.Fatal(err)
	}
	got = migrate(t, with("diff", "--check")...)
	if got.code != 1 || !strings.Contains(got.stderr, "out of sync") || !strings.Contains(got.stdout, `"comentario"`) {
		t.Fatalf("diff --check out of sync: exit %d\n%s%s", got.code, got.stdout, got.stderr)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Fatalf("--check wrote files: %d entries", len(entries))
	}
	if got = migrate(t, with("diff", "comentario")...); got.code != 0 {
		t.Fatalf("diff comentario: exit %d\n%s%s", got.code, got.stdout, got.stderr)
	}

	for _, args := range [][]string{{"validate"}, {"lint"}} {
		if got = migrate(t, with(args...)...); got.code != 0 {
			t.Fatalf("%v: exit %d\n%s%s", args, got.code, got.stdout, got.stderr)
		}
	}

	got = migrate(t, with("apply", "--dry-run", "--url", url)...)
	if got.code != 0 || !strings.Contains(got.stdout, `CREATE TABLE "public"."comentario"`) {
		t.Fatalf("apply --dry-run: exit %d\n%s%s", got.code, got.stdout, got.stderr)
	}
	got = migrate(t, with("apply", "1", "--url", url)...)
	if got.code != 0 || !strings.Contains(got.stdout, "applied 1 migration(s)") {
		t.Fatalf("apply 1: exit %d\n%s%s", got.code, got.stdout, got.stderr)
	}
	got = migrate(t, with("status", "--url", url)...)
	if got.code != 0 || !strings.Contains(got.stdout, "pending: 1 file(s)") || !strings.Contains(got.stdout, "_comentario.sql") {
		t.Fatalf("status: exit %d\n%s%s", got.code, got.stdout, got.stderr)
	}
	t.Setenv("DATABASE_URL", url) // the default target
	if got = migrate(t, with("apply")...); got.code != 0 {
		t.Fatalf("apply: exit %d\n%s%s", got.code, got.stdout, got.stderr)
	}
	got = migrate(t, with("status")...)
	if got.code != 0 || !strings.Contains(got.stdout, "the database is at head") {
		t.Fatalf("status at head: exit %d\n%s%s", got.code, got.stdout, got.stderr)
	}
	got = migrate(t, with("down", "--dry-run")...)
	if got.code != 0 || !strings.Contains(got.stdout, `DROP TABLE "public"."comentario"`) {
		t.Fatalf("down --dry-run: exit %d\n%s%s", got.code, got.stdout, got.stderr)
	}
	if got = migrate(t, with("down")...); got.code != 0 {
		t.Fatalf("down: exit %d\n%s%s", got.code, got.stdout, got.stderr)
	}
	got = migrate(t, with("status")...)
	if !strings.Contains(got.stdout, "pending: 1 file(s)") {
		t.Fatalf("status after down:\n%s", got.stdout)
	}
}

func TestRun_Refusals(t *testing.T) {
	t.Setenv("DATABASE_URL", "")

	t.Run("diff names unsupported objects", func(t *testing.T) {
		with, dir, _ := workspace(t, blogSchema+"CREATE RULE nada AS ON DELETE TO usuarios DO INSTEAD NOTHING;\n")
		got := migrate(t, with("diff", "x")...)
		if got.code != 1 || !strings.Contains(got.stderr, "rule nada on public.usuarios") {
			t.Fatalf("exit %d\n%s%s", got.code, got.stdout, got.stderr)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Fatalf("diff wrote %d file(s)", len(entries))
		}
	})

	t.Run("diff --check creates no missing directory", func(t *testing.T) {
		with, dir, _ := workspace(t, blogSchema)
		got := migrate(t, with("diff", "--check")...)
		if got.code != 2 || !strings.Contains(got.stderr, "does not exist") {
			t.Fatalf("exit %d\n%s%s", got.code, got.stdout, got.stderr)
		}
		if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("diff --check created %s (stat: %v)", dir, err)
		}
	})

	t.Run("lint fails on an unacknowledged drop", func(t *testing.T) {
		with, _, _ := workspace(t, blogSchema)
		if got := migrate(t, with("diff", "blog")...); got.code != 0 {
			t.Fatal(got.stderr)
		}
		got := migrate(t, with("new", "drop_email")...)
		if got.code != 0 {
			t.Fatal(got.stderr)
		}
		name := strings.TrimSpace(strings.TrimPrefix(got.stdout, "wrote "))
		if err := os.WriteFile(name, []byte("ALTER TABLE usuarios DROP COLUMN email;\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if got := migrate(t, with("hash")...); got.code != 0 {
			t.Fatal(got.stderr)
		}
		got = migrate(t, with("lint", "--latest", "1")...)
		if got.code != 1 || !strings.Contains(got.stdout, filepath.Base(name)+":1:") || !strings.Contains(got.stdout, `"email"`) {
			t.Fatalf("lint: exit %d\n%s%s", got.code, got.stdout, got.stderr)
		}
	})
}

func TestExitCode(t *testing.T) {
	var buf bytes.Buffer
	for _, tc := range []struct {
		err  error
		code int
	}{
		{nil, 0},
		{exit.Usagef("bad"), 2},
		{errors.New("boom"), 1},
		{errOutOfSync, 1},
		{errDrift, 1},
		{&exit.CheckError{Err: errors.New("unreachable")}, 3},
	} {
		if got := exitCode(tc.err, &buf); got != tc.code {
			t.Errorf("exitCode(%v) = %d; want %d", tc.err, got, tc.code)
		}
	}
}

// TestRun_DiffOnline: an index on an existing table is written as its own
// txmode none file, named and flagged in the output; --plain writes the
// plain form; --check --json lists both files.
func TestRun_DiffOnline(t *testing.T) {
	t.Setenv("DATABASE_URL", "")
	with, dir, schemaPath := workspace(t, blogSchema+comentarioSchema)
	if got := migrate(t, with("diff", "base")...); got.code != 0 {
		t.Fatalf("diff base: exit %d\n%s%s", got.code, got.stdout, got.stderr)
	}
	changed := blogSchema + comentarioSchema + `CREATE INDEX usuarios_nome_idx ON usuarios (nome);
ALTER TABLE comentario ADD CONSTRAINT comentario_texto_check CHECK (texto <> '');`
	if err := os.WriteFile(schemaPath, []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}

	got := migrate(t, with("diff", "--check", "--json")...)
	var res struct {
		File  string `json:"file"`
		Files []struct {
			Name          string `json:"name"`
			SQL           string `json:"sql"`
			Transactional bool   `json:"transactional"`
		} `json:"files"`
	}
	if err := json.Unmarshal([]byte(got.stdout), &res); err != nil || got.code != 1 || len(res.Files) != 2 ||
		res.File != res.Files[0].Name || !res.Files[0].Transactional || res.Files[1].Transactional ||
		!strings.HasSuffix(res.Files[1].Name, "_check_online.sql") || !strings.Contains(res.Files[1].SQL, "CREATE INDEX CONCURRENTLY") {
		t.Fatalf("diff --check --json: exit %d, %+v, %v\n%s", got.code, res, err, got.stdout)
	}

	got = migrate(t, with("diff", "--check", "--plain")...)
	if got.code != 1 || strings.Contains(got.stdout, "CONCURRENTLY") || strings.Contains(got.stdout, "NOT VALID") ||
		!strings.Contains(got.stdout, `CREATE INDEX "usuarios_nome_idx"`) {
		t.Fatalf("diff --check --plain: exit %d\n%s%s", got.code, got.stdout, got.stderr)
	}

	got = migrate(t, with("diff", "nome")...)
	if got.code != 0 || !strings.Contains(got.stdout, "_nome.sql\n") ||
		!strings.Contains(got.stdout, "_nome_online.sql (txmode none") {
		t.Fatalf("diff nome: exit %d\n%s%s", got.code, got.stdout, got.stderr)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 4 {
		t.Fatalf("directory holds %d entries; want base, nome, nome_online and atlas.sum", len(entries))
	}
	for _, args := range [][]string{{"validate"}, {"lint"}} {
		if got = migrate(t, with(args...)...); got.code != 0 {
			t.Fatalf("%v: exit %d\n%s%s", args, got.code, got.stdout, got.stderr)
		}
	}
	url := dbtest.URL(t)
	if got = migrate(t, with("apply", "--url", url)...); got.code != 0 || !strings.Contains(got.stdout, "applied 3 migration(s)") {
		t.Fatalf("apply: exit %d\n%s%s", got.code, got.stdout, got.stderr)
	}
}

func TestRun_Import(t *testing.T) {
	with, dir, _ := workspace(t, blogSchema)
	src := t.TempDir()
	for name, text := range map[string]string{
		"1_usuarios.up.sql":   "CREATE TABLE breakdown (id int, shutdown_at timestamptz);\n",
		"1_usuarios.down.sql": "DROP TABLE breakdown;\n",
		"2_idx.up.sql":        "CREATE INDEX CONCURRENTLY breakdown_id ON breakdown (id);\n",
	} {
		if err := os.WriteFile(filepath.Join(src, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got := migrate(t, with("import", "--from", "golang-migrate", src)...)
	if got.code != 0 || !strings.Contains(got.stdout, "00000000000002_idx.sql ← 2_idx.up.sql (1 statement(s), outside a transaction)") ||
		!strings.Contains(got.stdout, "kept aside: 1_usuarios.down.sql") || !strings.Contains(got.stdout, "imported 2 migration(s) from golang-migrate") {
		t.Fatalf("import: exit %d\nstdout: %s\nstderr: %s", got.code, got.stdout, got.stderr)
	}
	if got := migrate(t, with("validate")...); got.code != 0 {
		t.Fatalf("validate after import: exit %d: %s", got.code, got.stderr)
	}
	if got := migrate(t, with("import", "--from", "golang-migrate", src)...); got.code != 1 || !strings.Contains(got.stderr, dir+" already holds migrations") {
		t.Fatalf("second import: exit %d, stderr %s; want a refusal", got.code, got.stderr)
	}
}
