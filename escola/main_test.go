package escola_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/versiona/versiona/db"
	"github.com/versiona/versiona/escola"
	"github.com/versiona/versiona/internal/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m, dbtest.Migrated) }

// newService returns a Service on a fresh database and the pool under it.
func newService(t testing.TB) (*escola.Service, *pgxpool.Pool) {
	t.Helper()
	pool := dbtest.New(t)
	return escola.New(pool), pool
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func ptr[T any](v T) *T { return &v }

// Factories: each creates a valid row with unique values.

var seq atomic.Int64

func newAluno(t testing.TB, s *escola.Service) db.Aluno {
	t.Helper()
	n := seq.Add(1)
	a, err := s.AlunoCreate(context.Background(), db.AlunoCreateParams{
		Nome: fmt.Sprintf("Aluna %d", n), Email: fmt.Sprintf("aluna%d@example.com", n),
	})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func newInstrutor(t testing.TB, s *escola.Service) db.Instrutor {
	t.Helper()
	n := seq.Add(1)
	i, err := s.InstrutorCreate(context.Background(), db.InstrutorCreateParams{
		Nome: fmt.Sprintf("Professor %d", n), Email: fmt.Sprintf("prof%d@example.com", n),
	})
	if err != nil {
		t.Fatal(err)
	}
	return i
}

func newCurso(t testing.TB, s *escola.Service) db.Curso {
	t.Helper()
	n := seq.Add(1)
	c, err := s.CursoCreate(context.Background(), db.CursoCreateParams{
		Titulo: fmt.Sprintf("Banco de dados %d", n), Descricao: "Modelagem e migrações", CargaHoraria: 40,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// newTurma creates a turma with vagas seats of a new curso and instrutor.
func newTurma(t testing.TB, s *escola.Service, vagas int32) db.Turma {
	t.Helper()
	n := seq.Add(1)
	tu, err := s.TurmaCreate(context.Background(), db.TurmaCreateParams{
		CursoID: newCurso(t, s).ID, InstrutorID: newInstrutor(t, s).ID, Codigo: fmt.Sprintf("T-%d", n),
		DataInicio: date(2025, 3, 1), DataFim: date(2025, 6, 30), Vagas: vagas,
	})
	if err != nil {
		t.Fatal(err)
	}
	return tu
}

func newMatricula(t testing.TB, s *escola.Service, alunoID, turmaID int64) db.Matricula {
	t.Helper()
	m, err := s.MatriculaCreate(context.Background(), db.MatriculaCreateParams{AlunoID: alunoID, TurmaID: turmaID})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func idsOf[T any](rows []T, id func(T) int64) []int64 {
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = id(r)
	}
	return ids
}
