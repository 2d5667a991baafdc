package migration_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"

	"github.com/versiona/versiona/internal/dbtest"
	"github.com/versiona/versiona/internal/migration"
	"github.com/versiona/versiona/internal/testkit"
)

func TestMain(m *testing.M) { dbtest.Main(m, nil) }

// The lesson's history, as three successive desired states.
const (
	schemaBlog = `
CREATE TABLE usuarios (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  nome varchar(100) NOT NULL CHECK (char_length(nome) BETWEEN 1 AND 100),
  email text NOT NULL,
  criado_em timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX usuarios_email_key ON usuarios (lower(email));
COMMENT ON TABLE usuarios IS 'Pessoas que escrevem e comentam.';

CREATE TABLE postagens (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  usuario_id bigint NOT NULL REFERENCES usuarios (id) ON DELETE CASCADE,
  titulo varchar(200) NOT NULL CHECK (char_length(titulo) >= 1),
  conteudo text NOT NULL,
  criado_em timestamptz NOT NULL DEFAULT now(),
  atualizado_em timestamptz
);
CREATE INDEX postagens_usuario_id_idx ON postagens (usuario_id);
CREATE INDEX postagens_criado_em_idx ON postagens (criado_em DESC, id DESC);
COMMENT ON TABLE postagens IS 'Textos publicados no blog.';
`
	schemaComentario = `
CREATE TABLE comentario (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  usuario_id bigint NOT NULL REFERENCES usuarios (id) ON DELETE CASCADE,
  postagem_id bigint NOT NULL REFERENCES postagens (id) ON DELETE CASCADE,
  texto varchar(200) NOT NULL,
  criado_em timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX comentario_usuario_id_idx ON comentario (usuario_id);
CREATE INDEX comentario_postagem_id_idx ON comentario (postagem_id, criado_em);
COMMENT ON TABLE comentario IS 'Comentários de usuários em postagens.';
`
	schemaEscola = `
CREATE TABLE alunos (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  nome varchar(100) NOT NULL,
  email text NOT NULL,
  nascimento date,
  criado_em timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX alunos_email_key ON alunos (lower(email));
COMMENT ON TABLE alunos IS 'Estudantes.';

CREATE TABLE instrutores (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  nome varchar(100) NOT NULL,
  email text NOT NULL,
  bio text,
  criado_em timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX instrutores_email_key ON instrutores (lower(email));
COMMENT ON TABLE instrutores IS 'Quem ministra as turmas.';

CREATE TABLE cursos (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  titulo varchar(200) NOT NULL UNIQUE,
  descricao text NOT NULL DEFAULT '',
  carga_horaria integer NOT NULL CHECK (carga_horaria > 0),
  criado_em timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE cursos IS 'Catálogo de cursos.';

CREATE TABLE turmas (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  curso_id bigint NOT NULL REFERENCES cursos (id) ON DELETE RESTRICT,
  instrutor_id bigint NOT NULL REFERENCES instrutores (id) ON DELETE RESTRICT,
  codigo varchar(20) NOT NULL UNIQUE,
  data_inicio date NOT NULL,
  data_fim date NOT NULL,
  vagas integer NOT NULL CHECK (vagas > 0),
  criado_em timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT turmas_datas_check CHECK (data_inicio <= data_fim)
);
CREATE INDEX turmas_curso_id_idx ON turmas (curso_id);
CREATE INDEX turmas_instrutor_id_idx ON turmas (instrutor_id);
COMMENT ON TABLE turmas IS 'Uma edição de um curso.';

CREATE TABLE matriculas (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  aluno_id bigint NOT NULL REFERENCES alunos (id) ON DELETE CASCADE,
  turma_id bigint NOT NULL REFERENCES turmas (id) ON DELETE RESTRICT,
  status text NOT NULL DEFAULT 'ativa' CHECK (status IN ('ativa', 'concluida', 'cancelada')),
  nota numeric(4,2) CHECK (nota BETWEEN 0 AND 10),
  matriculado_em timestamptz NOT NULL DEFAULT now(),
  UNIQUE (aluno_id, turma_id)
);
CREATE INDEX matriculas_turma_id_idx ON matriculas (turma_id) WHERE status = 'ativa';
COMMENT ON TABLE matriculas IS 'Alunos inscritos em turmas.';
`
)

// stages are the desired schema after each step of the history.
var stages = []struct{ name, schema string }{
	{"blog", schemaBlog},
	{"comentario", schemaBlog + schemaComentario},
	{"escola", schemaBlog + schemaComentario + schemaEscola},
}

// newProject returns a project on an empty directory in a temporary
// directory, with scratch databases on the test server.
func newProject(t testing.TB) (*migration.Project, string) {
	t.Helper()
	root := t.TempDir()
	dir, err := migration.OpenDir(filepath.Join(root, "migrations"), true)
	if err != nil {
		t.Fatal(err)
	}
	return &migration.Project{
		Dir:    dir,
		Schema: filepath.Join(root, "schema.sql"),
		DevURL: dbtest.ServerURL(t, "postgres"),
	}, filepath.Join(root, "migrations")
}

func writeFile(t testing.TB, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

var (
	historyOnce  sync.Once
	historyFiles map[string][]byte
	historyErr   error
)

// withHistory returns a project whose directory holds the three-file
// history, generated once by Diff and copied for each caller.
func withHistory(t testing.TB) (*migration.Project, string) {
	t.Helper()
	historyOnce.Do(func() {
		p, path := newProject(t)
		for _, s := range stages {
			if err := os.WriteFile(p.Schema, []byte(s.schema), 0o644); err != nil {
				historyErr = err
				return
			}
			if _, err := p.Diff(context.Background(), s.name, migration.DiffOptions{}); err != nil {
				historyErr = err
				return
			}
		}
		entries, err := os.ReadDir(path)
		if err != nil {
			historyErr = err
			return
		}
		historyFiles = map[string][]byte{}
		for _, e := range entries {
			b, err := os.ReadFile(filepath.Join(path, e.Name()))
			if err != nil {
				historyErr = err
				return
			}
			historyFiles[e.Name()] = b
		}
	})
	if historyErr != nil {
		t.Fatalf("building history: %v", historyErr)
	}
	p, path := newProject(t)
	for name, b := range historyFiles {
		writeFile(t, filepath.Join(path, name), string(b))
	}
	writeFile(t, p.Schema, stages[len(stages)-1].schema)
	return p, path
}

// sqlFiles lists the migration files of dir, in order.
func sqlFiles(t testing.TB, path string) []string {
	t.Helper()
	matches, err := filepath.Glob(filepath.Join(path, "*.sql"))
	if err != nil {
		t.Fatal(err)
	}
	for i := range matches {
		matches[i] = filepath.Base(matches[i])
	}
	slices.Sort(matches)
	return matches
}

// realm inspects the database at url, without the revisions schema.
func realm(t testing.TB, url string) (*schema.Realm, migrate.Driver) {
	t.Helper()
	db := testkit.OpenSQL(t, url)
	drv, err := postgres.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	r, err := drv.InspectRealm(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	r.Schemas = slices.DeleteFunc(r.Schemas, func(s *schema.Schema) bool { return s.Name == migration.RevisionsSchema })
	return r, drv
}

// sameSchema fails the test when the databases at a and b differ.
func sameSchema(t testing.TB, a, b string) {
	t.Helper()
	ra, drv := realm(t, a)
	rb, _ := realm(t, b)
	changes, err := drv.RealmDiff(ra, rb, schema.DiffNormalized())
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) > 0 {
		var names []string
		for _, c := range changes {
			names = append(names, fmt.Sprintf("%T", c))
		}
		t.Fatalf("schemas differ: %d change(s): %v", len(changes), names)
	}
}

// tables lists the tables of schema public.
func tables(t testing.TB, url string) []string {
	t.Helper()
	rows, err := testkit.OpenSQL(t, url).Query(`SELECT table_name FROM information_schema.tables
WHERE table_schema = 'public' ORDER BY table_name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	return names
}

// revisionCount counts rows of the revisions table.
func revisionCount(t testing.TB, url string) int {
	t.Helper()
	var n int
	if err := testkit.OpenSQL(t, url).QueryRow(`SELECT count(*) FROM atlas_schema_revisions.atlas_schema_revisions`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
