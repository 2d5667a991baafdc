package escola_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/versiona/versiona"
	"github.com/versiona/versiona/db"
	"github.com/versiona/versiona/escola"
	"github.com/versiona/versiona/internal/dbtest"
	"github.com/versiona/versiona/internal/testkit"
)

func TestService_MatriculaCreate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, pool := newService(t)
	a := newAluno(t, s)
	tu := newTurma(t, s, 2)
	full := newTurma(t, s, 1)
	newMatricula(t, s, newAluno(t, s).ID, full.ID)
	enrolled := newMatricula(t, s, newAluno(t, s).ID, newTurma(t, s, 5).ID)

	t.Run("success", func(t *testing.T) {
		m, err := s.MatriculaCreate(ctx, db.MatriculaCreateParams{AlunoID: a.ID, TurmaID: tu.ID, Nota: ptr(10.0)})
		if err != nil {
			t.Fatal(err)
		}
		if m.Status != db.MatriculaStatusAtiva || *m.Nota != 10 || m.MatriculadoEm.IsZero() {
			t.Fatalf("got %+v", m)
		}
	})
	t.Run("cancelada in a full turma", func(t *testing.T) {
		m, err := s.MatriculaCreate(ctx, db.MatriculaCreateParams{AlunoID: a.ID, TurmaID: full.ID, Status: db.MatriculaStatusCancelada})
		if err != nil {
			t.Fatal(err)
		}
		if m.Status != db.MatriculaStatusCancelada {
			t.Fatalf("got %+v", m)
		}
	})
	other := newAluno(t, s)
	for _, tc := range []struct {
		name  string
		p     db.MatriculaCreateParams
		kind  error
		field string
	}{
		{"nota 10.5", db.MatriculaCreateParams{AlunoID: other.ID, TurmaID: tu.ID, Nota: ptr(10.5)}, versiona.ErrInvalid, "nota"},
		{"negative nota", db.MatriculaCreateParams{AlunoID: other.ID, TurmaID: tu.ID, Nota: ptr(-0.5)}, versiona.ErrInvalid, "nota"},
		{"unknown status", db.MatriculaCreateParams{AlunoID: other.ID, TurmaID: tu.ID, Status: "trancada"}, versiona.ErrInvalid, "status"},
		{"missing aluno", db.MatriculaCreateParams{AlunoID: other.ID + 1000, TurmaID: tu.ID}, versiona.ErrNotFound, "aluno_id"},
		{"missing turma", db.MatriculaCreateParams{AlunoID: other.ID, TurmaID: full.ID + 1000}, versiona.ErrNotFound, "turma_id"},
		{"missing turma, not ativa", db.MatriculaCreateParams{AlunoID: other.ID, TurmaID: full.ID + 1000, Status: db.MatriculaStatusConcluida}, versiona.ErrNotFound, "turma_id"},
		{"already enrolled", db.MatriculaCreateParams{AlunoID: enrolled.AlunoID, TurmaID: enrolled.TurmaID}, versiona.ErrConflict, "aluno_id"},
		{"full turma", db.MatriculaCreateParams{AlunoID: other.ID, TurmaID: full.ID}, versiona.ErrConflict, "turma_id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := testkit.Count(t, pool, "matriculas")
			_, err := s.MatriculaCreate(ctx, tc.p)
			testkit.WantErr(t, err, tc.kind, tc.field)
			if after := testkit.Count(t, pool, "matriculas"); after != before {
				t.Fatalf("matriculas: %d rows after the failed create, want %d", after, before)
			}
		})
	}
}

// TestService_MatriculaCreate_Concurrent enrols 50 alunos at once, each on
// its own connection, into a turma with 10 vagas.
func TestService_MatriculaCreate_Concurrent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg, err := pgxpool.ParseConfig(dbtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	cfg.MaxConns = 50
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	s := escola.New(pool)
	tu := newTurma(t, s, 10)
	alunos := make([]db.Aluno, 50)
	for i := range alunos {
		alunos[i] = newAluno(t, s)
	}

	errs := make([]error, len(alunos))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, a := range alunos {
		wg.Go(func() {
			<-start
			_, errs[i] = s.MatriculaCreate(ctx, db.MatriculaCreateParams{AlunoID: a.ID, TurmaID: tu.ID})
		})
	}
	close(start)
	wg.Wait()

	var ok, full int
	for _, err := range errs {
		var de *versiona.Error
		switch {
		case err == nil:
			ok++
		case errors.Is(err, versiona.ErrConflict) && errors.As(err, &de) && de.Rule == escola.RuleTurmaFull:
			full++
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	if ok != 10 || full != 40 {
		t.Fatalf("%d enrolled and %d refused as full, want 10 and 40", ok, full)
	}
	var ativas int
	if err := pool.QueryRow(ctx, "SELECT count(*) FROM matriculas WHERE turma_id = $1 AND status = 'ativa'", tu.ID).Scan(&ativas); err != nil {
		t.Fatal(err)
	}
	if ativas != 10 {
		t.Fatalf("%d ativa matriculas in the database, want 10", ativas)
	}
}

func TestService_MatriculaGet(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newService(t)
	m := newMatricula(t, s, newAluno(t, s).ID, newTurma(t, s, 1).ID)
	t.Run("found", func(t *testing.T) {
		got, err := s.MatriculaGet(ctx, m.ID)
		if err != nil || got.ID != m.ID || got.Status != m.Status {
			t.Fatalf("got %+v, %v", got, err)
		}
	})
	t.Run("missing id", func(t *testing.T) {
		_, err := s.MatriculaGet(ctx, m.ID+1000)
		testkit.WantErr(t, err, versiona.ErrNotFound, "id")
	})
}

func TestService_MatriculaList(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newService(t)
	tu := newTurma(t, s, 10)
	var want []int64
	for range 4 {
		want = append(want, newMatricula(t, s, newAluno(t, s).ID, tu.ID).ID)
	}
	t.Run("pages", func(t *testing.T) {
		got := testkit.PageIDs(t, func(after int64) ([]int64, error) {
			ms, err := s.MatriculaList(ctx, after, 3)
			return idsOf(ms, func(m db.Matricula) int64 { return m.ID }), err
		})
		if !slices.Equal(got, want) {
			t.Fatalf("ids %v, want %v", got, want)
		}
	})
	t.Run("bad limit", func(t *testing.T) {
		_, err := s.MatriculaList(ctx, 0, 0)
		testkit.WantErr(t, err, versiona.ErrInvalid, "limit")
	})
}

func TestService_MatriculaUpdate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newService(t)
	tu := newTurma(t, s, 1)
	m := newMatricula(t, s, newAluno(t, s).ID, tu.ID)
	conclude := func(t *testing.T, id int64) {
		t.Helper()
		got, err := s.MatriculaUpdate(ctx, db.MatriculaUpdateParams{ID: id, Status: db.MatriculaStatusConcluida, Nota: ptr(8.75)})
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != db.MatriculaStatusConcluida || *got.Nota != 8.75 {
			t.Fatalf("got %+v", got)
		}
	}
	t.Run("conclude with nota", func(t *testing.T) {
		conclude(t, newMatricula(t, s, newAluno(t, s).ID, newTurma(t, s, 1).ID).ID)
	})
	// m no longer takes the seat: someone else takes it.
	conclude(t, m.ID)
	newMatricula(t, s, newAluno(t, s).ID, tu.ID)

	for _, tc := range []struct {
		name  string
		p     db.MatriculaUpdateParams
		kind  error
		field string
	}{
		{"missing id", db.MatriculaUpdateParams{ID: m.ID + 1000, Status: db.MatriculaStatusAtiva}, versiona.ErrNotFound, "id"},
		{"missing id, not ativa", db.MatriculaUpdateParams{ID: m.ID + 1000, Status: db.MatriculaStatusCancelada}, versiona.ErrNotFound, "id"},
		{"nota 10.5", db.MatriculaUpdateParams{ID: m.ID, Status: db.MatriculaStatusConcluida, Nota: ptr(10.5)}, versiona.ErrInvalid, "nota"},
		{"empty status", db.MatriculaUpdateParams{ID: m.ID}, versiona.ErrInvalid, "status"},
		{"reactivated in a full turma", db.MatriculaUpdateParams{ID: m.ID, Status: db.MatriculaStatusAtiva}, versiona.ErrConflict, "turma_id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.MatriculaUpdate(ctx, tc.p)
			testkit.WantErr(t, err, tc.kind, tc.field)
			got, err := s.MatriculaGet(ctx, m.ID)
			if err != nil || got.Status != db.MatriculaStatusConcluida || *got.Nota != 8.75 {
				t.Fatalf("after the failed update: %+v, %v", got, err)
			}
		})
	}
}

func TestService_MatriculaDelete(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, pool := newService(t)
	tu := newTurma(t, s, 1)
	m := newMatricula(t, s, newAluno(t, s).ID, tu.ID)

	t.Run("frees the seat", func(t *testing.T) {
		if err := s.MatriculaDelete(ctx, m.ID); err != nil {
			t.Fatal(err)
		}
		if n := testkit.Count(t, pool, "matriculas"); n != 0 {
			t.Fatalf("matriculas: %d rows, want 0", n)
		}
		newMatricula(t, s, newAluno(t, s).ID, tu.ID)
	})
	t.Run("missing id", func(t *testing.T) {
		gone := newMatricula(t, s, newAluno(t, s).ID, newTurma(t, s, 1).ID)
		if err := s.MatriculaDelete(ctx, gone.ID); err != nil {
			t.Fatal(err)
		}
		testkit.WantErr(t, s.MatriculaDelete(ctx, gone.ID), versiona.ErrNotFound, "id")
	})
}
