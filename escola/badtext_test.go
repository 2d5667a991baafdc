package escola_test

import (
	"context"
	"testing"

	"github.com/versiona/versiona"
	"github.com/versiona/versiona/db"
	"github.com/versiona/versiona/escola"
	"github.com/versiona/versiona/internal/testkit"
)

// fixture holds one row of each table a bad-text write may touch.
type fixture struct {
	aluno     db.Aluno
	instrutor db.Instrutor
	curso     db.Curso
	turma     db.Turma
}

// TestService_BadText feeds every text input of every write a NUL byte and
// invalid UTF-8: each is ErrInvalid naming the field, and nothing changes.
func TestService_BadText(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	badTexts := map[string]string{"NUL byte": "abc\x00def", "invalid UTF-8": "abc\xc3(def"}
	cases := []struct {
		name, field string
		write       func(s *escola.Service, f fixture, bad string) error
	}{
		{"AlunoCreate nome", "nome", func(s *escola.Service, _ fixture, bad string) error {
			_, err := s.AlunoCreate(ctx, db.AlunoCreateParams{Nome: bad, Email: "nova@example.com"})
			return err
		}},
		{"AlunoCreate email", "email", func(s *escola.Service, _ fixture, bad string) error {
			_, err := s.AlunoCreate(ctx, db.AlunoCreateParams{Nome: "Nova", Email: "n" + bad + "@example.com"})
			return err
		}},
		{"AlunoCreate telefone", "telefone", func(s *escola.Service, _ fixture, bad string) error {
			_, err := s.AlunoCreate(ctx, db.AlunoCreateParams{Nome: "Nova", Email: "nova@example.com", Telefone: &bad})
			return err
		}},
		{"AlunoUpdate nome", "nome", func(s *escola.Service, f fixture, bad string) error {
			_, err := s.AlunoUpdate(ctx, db.AlunoUpdateParams{ID: f.aluno.ID, Nome: bad, Email: f.aluno.Email})
			return err
		}},
		{"InstrutorCreate nome", "nome", func(s *escola.Service, _ fixture, bad string) error {
			_, err := s.InstrutorCreate(ctx, db.InstrutorCreateParams{Nome: bad, Email: "novo@example.com"})
			return err
		}},
		{"InstrutorUpdate bio", "bio", func(s *escola.Service, f fixture, bad string) error {
			_, err := s.InstrutorUpdate(ctx, db.InstrutorUpdateParams{ID: f.instrutor.ID, Nome: "Novo", Email: f.instrutor.Email, Bio: &bad})
			return err
		}},
		{"CursoCreate titulo", "titulo", func(s *escola.Service, _ fixture, bad string) error {
			_, err := s.CursoCreate(ctx, db.CursoCreateParams{Titulo: bad, Descricao: "ok", CargaHoraria: 1})
			return err
		}},
		{"CursoCreate descricao", "descricao", func(s *escola.Service, _ fixture, bad string) error {
			_, err := s.CursoCreate(ctx, db.CursoCreateParams{Titulo: "Novo curso", Descricao: bad, CargaHoraria: 1})
			return err
		}},
		{"CursoUpdate descricao", "descricao", func(s *escola.Service, f fixture, bad string) error {
			_, err := s.CursoUpdate(ctx, db.CursoUpdateParams{ID: f.curso.ID, Titulo: f.curso.Titulo, Descricao: bad, CargaHoraria: 1})
			return err
		}},
		{"TurmaCreate codigo", "codigo", func(s *escola.Service, f fixture, bad string) error {
			tu := f.turma
			_, err := s.TurmaCreate(ctx, db.TurmaCreateParams{CursoID: tu.CursoID, InstrutorID: tu.InstrutorID,
				Codigo: bad, DataInicio: tu.DataInicio, DataFim: tu.DataFim, Vagas: 1})
			return err
		}},
		{"TurmaUpdate codigo", "codigo", func(s *escola.Service, f fixture, bad string) error {
			tu := f.turma
			_, err := s.TurmaUpdate(ctx, db.TurmaUpdateParams{ID: tu.ID, CursoID: tu.CursoID, InstrutorID: tu.InstrutorID,
				Codigo: bad, DataInicio: tu.DataInicio, DataFim: tu.DataFim, Vagas: tu.Vagas})
			return err
		}},
	}
	for _, tc := range cases {
		for kind, bad := range badTexts {
			t.Run(tc.name+"/"+kind, func(t *testing.T) {
				t.Parallel()
				s, pool := newService(t)
				f := fixture{aluno: newAluno(t, s), instrutor: newInstrutor(t, s), curso: newCurso(t, s), turma: newTurma(t, s, 3)}
				before := testkit.Snapshot(t, pool, "alunos", "instrutores", "cursos", "turmas", "matriculas")
				testkit.WantErr(t, tc.write(s, f, bad), versiona.ErrInvalid, tc.field)
				if after := testkit.Snapshot(t, pool, "alunos", "instrutores", "cursos", "turmas", "matriculas"); after != before {
					t.Fatalf("tables changed by the refused write:\nbefore %s\nafter  %s", before, after)
				}
			})
		}
	}
}
