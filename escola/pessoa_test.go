package escola_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/versiona/versiona"
	"github.com/versiona/versiona/db"
	"github.com/versiona/versiona/escola"
	"github.com/versiona/versiona/internal/testkit"
)

func TestService_AlunoCreate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, pool := newService(t)
	taken := newAluno(t, s)

	t.Run("success with optional fields", func(t *testing.T) {
		a, err := s.AlunoCreate(ctx, db.AlunoCreateParams{
			Nome: strings.Repeat("ç", 100), Email: "Carla@Example.com",
			Telefone: ptr("+55 11 91234-5678"), DataNascimento: ptr(date(2001, 5, 17)),
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.AlunoGet(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Email != "Carla@Example.com" || *got.Telefone != "+55 11 91234-5678" || !got.DataNascimento.Equal(date(2001, 5, 17)) {
			t.Fatalf("got %+v", got)
		}
	})
	for _, tc := range []struct {
		name  string
		p     db.AlunoCreateParams
		kind  error
		field string
	}{
		{"empty nome", db.AlunoCreateParams{Nome: "", Email: "x@example.com"}, versiona.ErrInvalid, "nome"},
		{"101 character nome", db.AlunoCreateParams{Nome: strings.Repeat("ç", 101), Email: "x@example.com"}, versiona.ErrInvalid, "nome"},
		{"bad email", db.AlunoCreateParams{Nome: "X", Email: "x@"}, versiona.ErrInvalid, "email"},
		{"duplicate email in another case", db.AlunoCreateParams{Nome: "X", Email: strings.ToUpper(taken.Email)}, versiona.ErrConflict, "email"},
		{"empty telefone", db.AlunoCreateParams{Nome: "X", Email: "x@example.com", Telefone: ptr("")}, versiona.ErrInvalid, "telefone"},
		{"born in the future", db.AlunoCreateParams{Nome: "X", Email: "x@example.com", DataNascimento: ptr(time.Now().AddDate(1, 0, 0))}, versiona.ErrInvalid, "data_nascimento"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := testkit.Count(t, pool, "alunos")
			_, err := s.AlunoCreate(ctx, tc.p)
			testkit.WantErr(t, err, tc.kind, tc.field)
			if after := testkit.Count(t, pool, "alunos"); after != before {
				t.Fatalf("alunos: %d rows after the failed create, want %d", after, before)
			}
		})
	}
}

func TestService_AlunoGet(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newService(t)
	a := newAluno(t, s)
	t.Run("found", func(t *testing.T) {
		got, err := s.AlunoGet(ctx, a.ID)
		if err != nil || got.ID != a.ID || got.Email != a.Email {
			t.Fatalf("got %+v, %v", got, err)
		}
	})
	t.Run("missing id", func(t *testing.T) {
		_, err := s.AlunoGet(ctx, a.ID+1000)
		testkit.WantErr(t, err, versiona.ErrNotFound, "id")
	})
}

func TestService_AlunoList(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newService(t)
	var want []int64
	for range 5 {
		want = append(want, newAluno(t, s).ID)
	}
	t.Run("pages", func(t *testing.T) {
		got := testkit.PageIDs(t, func(after int64) ([]int64, error) {
			as, err := s.AlunoList(ctx, after, 2)
			return idsOf(as, func(a db.Aluno) int64 { return a.ID }), err
		})
		if !slices.Equal(got, want) {
			t.Fatalf("ids %v, want %v", got, want)
		}
	})
	t.Run("bad limit", func(t *testing.T) {
		_, err := s.AlunoList(ctx, 0, 0)
		testkit.WantErr(t, err, versiona.ErrInvalid, "limit")
	})
}

func TestService_AlunoUpdate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newService(t)
	a, other := newAluno(t, s), newAluno(t, s)

	t.Run("success", func(t *testing.T) {
		got, err := s.AlunoUpdate(ctx, db.AlunoUpdateParams{ID: a.ID, Nome: "Débora", Email: "debora@example.com", Telefone: ptr("123")})
		if err != nil {
			t.Fatal(err)
		}
		if got.Nome != "Débora" || got.Email != "debora@example.com" || *got.Telefone != "123" || got.DataNascimento != nil {
			t.Fatalf("got %+v", got)
		}
	})
	for _, tc := range []struct {
		name  string
		p     db.AlunoUpdateParams
		kind  error
		field string
	}{
		{"missing id", db.AlunoUpdateParams{ID: other.ID + 1000, Nome: "X", Email: "x@example.com"}, versiona.ErrNotFound, "id"},
		{"empty nome", db.AlunoUpdateParams{ID: a.ID, Nome: "", Email: "x@example.com"}, versiona.ErrInvalid, "nome"},
		{"email of another aluno", db.AlunoUpdateParams{ID: a.ID, Nome: "X", Email: strings.ToUpper(other.Email)}, versiona.ErrConflict, "email"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.AlunoUpdate(ctx, tc.p)
			testkit.WantErr(t, err, tc.kind, tc.field)
		})
	}
}

func TestService_AlunoDelete(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, pool := newService(t)
	a, b := newAluno(t, s), newAluno(t, s)
	t1, t2 := newTurma(t, s, 5), newTurma(t, s, 5)
	newMatricula(t, s, a.ID, t1.ID)
	newMatricula(t, s, a.ID, t2.ID)
	newMatricula(t, s, b.ID, t1.ID)

	t.Run("removes their matriculas", func(t *testing.T) {
		if n := testkit.Count(t, pool, "matriculas"); n != 3 {
			t.Fatalf("matriculas: %d rows before, want 3", n)
		}
		if err := s.AlunoDelete(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		for table, want := range map[string]int{"alunos": 1, "matriculas": 1, "turmas": 2} {
			if got := testkit.Count(t, pool, table); got != want {
				t.Errorf("%s: %d rows, want %d", table, got, want)
			}
		}
	})
	t.Run("missing id", func(t *testing.T) {
		gone := newAluno(t, s)
		if err := s.AlunoDelete(ctx, gone.ID); err != nil {
			t.Fatal(err)
		}
		testkit.WantErr(t, s.AlunoDelete(ctx, gone.ID), versiona.ErrNotFound, "id")
	})
}

func TestService_AlunoListCursos(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newService(t)
	a, i := newAluno(t, s), newInstrutor(t, s)
	// Created out of order, two on the same day: the list is by data_inicio,
	// then matricula id.
	var want []int64
	for _, start := range []time.Time{date(2025, 9, 1), date(2025, 3, 1), date(2025, 6, 1), date(2025, 3, 1)} {
		tu := turmaStarting(t, s, i.ID, start)
		want = append(want, newMatricula(t, s, a.ID, tu.ID).ID)
		newMatricula(t, s, newAluno(t, s).ID, tu.ID) // another aluno's: not listed
	}
	want = []int64{want[1], want[3], want[2], want[0]}

	t.Run("by data_inicio", func(t *testing.T) {
		rows, err := s.AlunoListCursos(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		got := idsOf(rows, func(r db.MatriculaListByAlunoRow) int64 { return r.ID })
		if !slices.Equal(got, want) {
			t.Fatalf("matricula ids %v, want %v", got, want)
		}
		for _, r := range rows {
			if r.Curso == "" || r.CursoID == 0 || r.TurmaID == 0 {
				t.Fatalf("row without its turma or curso: %+v", r)
			}
		}
	})
	t.Run("unknown aluno", func(t *testing.T) {
		rows, err := s.AlunoListCursos(ctx, a.ID+1000)
		if err != nil || len(rows) != 0 {
			t.Fatalf("got %+v, %v; want none", rows, err)
		}
	})
}

// turmaStarting creates a turma of a new curso taught by instrutorID,
// starting on start.
func turmaStarting(t *testing.T, s *escola.Service, instrutorID int64, start time.Time) db.Turma {
	t.Helper()
	tu, err := s.TurmaCreate(context.Background(), db.TurmaCreateParams{
		CursoID: newCurso(t, s).ID, InstrutorID: instrutorID, Codigo: fmt.Sprintf("T-%d", seq.Add(1)),
		DataInicio: start, DataFim: start.AddDate(0, 3, 0), Vagas: 5,
	})
	if err != nil {
		t.Fatal(err)
	}
	return tu
}

func TestService_InstrutorCreate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, pool := newService(t)
	taken := newInstrutor(t, s)

	t.Run("success", func(t *testing.T) {
		i, err := s.InstrutorCreate(ctx, db.InstrutorCreateParams{Nome: "Élio", Email: "Elio@Example.com", Bio: ptr("Dá aulas de SQL.")})
		if err != nil {
			t.Fatal(err)
		}
		if i.Nome != "Élio" || *i.Bio != "Dá aulas de SQL." {
			t.Fatalf("got %+v", i)
		}
	})
	for _, tc := range []struct {
		name  string
		p     db.InstrutorCreateParams
		kind  error
		field string
	}{
		{"empty nome", db.InstrutorCreateParams{Nome: "", Email: "x@example.com"}, versiona.ErrInvalid, "nome"},
		{"101 character nome", db.InstrutorCreateParams{Nome: strings.Repeat("é", 101), Email: "x@example.com"}, versiona.ErrInvalid, "nome"},
		{"bad email", db.InstrutorCreateParams{Nome: "X", Email: "not an email"}, versiona.ErrInvalid, "email"},
		{"duplicate email in another case", db.InstrutorCreateParams{Nome: "X", Email: strings.ToUpper(taken.Email)}, versiona.ErrConflict, "email"},
		{"2001 character bio", db.InstrutorCreateParams{Nome: "X", Email: "x@example.com", Bio: ptr(strings.Repeat("é", 2001))}, versiona.ErrInvalid, "bio"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := testkit.Count(t, pool, "instrutores")
			_, err := s.InstrutorCreate(ctx, tc.p)
			testkit.WantErr(t, err, tc.kind, tc.field)
			if after := testkit.Count(t, pool, "instrutores"); after != before {
				t.Fatalf("instrutores: %d rows after the failed create, want %d", after, before)
			}
		})
	}
}

func TestService_InstrutorGet(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newService(t)
	i := newInstrutor(t, s)
	t.Run("found", func(t *testing.T) {
		got, err := s.InstrutorGet(ctx, i.ID)
		if err != nil || got.ID != i.ID || got.Email != i.Email {
			t.Fatalf("got %+v, %v", got, err)
		}
	})
	t.Run("missing id", func(t *testing.T) {
		_, err := s.InstrutorGet(ctx, i.ID+1000)
		testkit.WantErr(t, err, versiona.ErrNotFound, "id")
	})
}

func TestService_InstrutorList(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newService(t)
	var want []int64
	for range 4 {
		want = append(want, newInstrutor(t, s).ID)
	}
	t.Run("pages", func(t *testing.T) {
		got := testkit.PageIDs(t, func(after int64) ([]int64, error) {
			is, err := s.InstrutorList(ctx, after, 3)
			return idsOf(is, func(i db.Instrutor) int64 { return i.ID }), err
		})
		if !slices.Equal(got, want) {
			t.Fatalf("ids %v, want %v", got, want)
		}
	})
	t.Run("bad limit", func(t *testing.T) {
		_, err := s.InstrutorList(ctx, 0, 5000)
		testkit.WantErr(t, err, versiona.ErrInvalid, "limit")
	})
}

func TestService_InstrutorUpdate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newService(t)
	i, other := newInstrutor(t, s), newInstrutor(t, s)

	t.Run("success", func(t *testing.T) {
		got, err := s.InstrutorUpdate(ctx, db.InstrutorUpdateParams{ID: i.ID, Nome: "Fábio", Email: "fabio@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		if got.Nome != "Fábio" || got.Bio != nil {
			t.Fatalf("got %+v", got)
		}
	})
	for _, tc := range []struct {
		name  string
		p     db.InstrutorUpdateParams
		kind  error
		field string
	}{
		{"missing id", db.InstrutorUpdateParams{ID: other.ID + 1000, Nome: "X", Email: "x@example.com"}, versiona.ErrNotFound, "id"},
		{"bad email", db.InstrutorUpdateParams{ID: i.ID, Nome: "X", Email: "x"}, versiona.ErrInvalid, "email"},
		{"email of another instrutor", db.InstrutorUpdateParams{ID: i.ID, Nome: "X", Email: strings.ToUpper(other.Email)}, versiona.ErrConflict, "email"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.InstrutorUpdate(ctx, tc.p)
			testkit.WantErr(t, err, tc.kind, tc.field)
		})
	}
}

func TestService_InstrutorDelete(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, pool := newService(t)
	free := newInstrutor(t, s)
	tu := newTurma(t, s, 1)

	t.Run("success", func(t *testing.T) {
		if err := s.InstrutorDelete(ctx, free.ID); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("missing id", func(t *testing.T) {
		gone := newInstrutor(t, s)
		if err := s.InstrutorDelete(ctx, gone.ID); err != nil {
			t.Fatal(err)
		}
		testkit.WantErr(t, s.InstrutorDelete(ctx, gone.ID), versiona.ErrNotFound, "id")
	})
	t.Run("still has turmas", func(t *testing.T) {
		before := testkit.Snapshot(t, pool, "instrutores", "turmas")
		testkit.WantErr(t, s.InstrutorDelete(ctx, tu.InstrutorID), versiona.ErrConflict, "")
		if after := testkit.Snapshot(t, pool, "instrutores", "turmas"); after != before {
			t.Fatalf("tables changed by the refused delete:\nbefore %s\nafter  %s", before, after)
		}
	})
}

func TestService_InstrutorListTurmas(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newService(t)
	i := newInstrutor(t, s)
	var want []int64
	for _, start := range []time.Time{date(2025, 9, 1), date(2025, 3, 1), date(2025, 6, 1), date(2025, 3, 1)} {
		want = append(want, turmaStarting(t, s, i.ID, start).ID)
	}
	newTurma(t, s, 1) // another instrutor's: not listed
	want = []int64{want[1], want[3], want[2], want[0]}

	t.Run("by data_inicio", func(t *testing.T) {
		rows, err := s.InstrutorListTurmas(ctx, i.ID)
		if err != nil {
			t.Fatal(err)
		}
		got := idsOf(rows, func(r db.TurmaListByInstrutorRow) int64 { return r.ID })
		if !slices.Equal(got, want) {
			t.Fatalf("turma ids %v, want %v", got, want)
		}
		for _, r := range rows {
			if r.Curso == "" || r.CursoID == 0 {
				t.Fatalf("row without its curso: %+v", r)
			}
		}
	})
	t.Run("unknown instrutor", func(t *testing.T) {
		rows, err := s.InstrutorListTurmas(ctx, i.ID+1000)
		if err != nil || len(rows) != 0 {
			t.Fatalf("got %+v, %v; want none", rows, err)
		}
	})
}
