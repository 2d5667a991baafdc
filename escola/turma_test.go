package escola_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/versiona/versiona"
	"github.com/versiona/versiona/db"
	"github.com/versiona/versiona/internal/testkit"
)

func TestService_TurmaCreate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, pool := newService(t)
	c, i := newCurso(t, s), newInstrutor(t, s)
	taken := newTurma(t, s, 1)
	valid := func(change func(*db.TurmaCreateParams)) db.TurmaCreateParams {
		p := db.TurmaCreateParams{
			CursoID: c.ID, InstrutorID: i.ID, Codigo: "SQL-2025-1",
			DataInicio: date(2025, 2, 1), DataFim: date(2025, 2, 1), Vagas: 30,
		}
		if change != nil {
			change(&p)
		}
		return p
	}

	t.Run("success, one-day turma", func(t *testing.T) {
		tu, err := s.TurmaCreate(ctx, valid(nil))
		if err != nil {
			t.Fatal(err)
		}
		if !tu.DataInicio.Equal(date(2025, 2, 1)) || !tu.DataFim.Equal(tu.DataInicio) || tu.Vagas != 30 {
			t.Fatalf("got %+v", tu)
		}
	})
	for _, tc := range []struct {
		name  string
		p     db.TurmaCreateParams
		kind  error
		field string
	}{
		{"ends before it starts", valid(func(p *db.TurmaCreateParams) { p.Codigo, p.DataFim = "B", date(2025, 1, 31) }), versiona.ErrInvalid, "data_fim"},
		{"zero vagas", valid(func(p *db.TurmaCreateParams) { p.Codigo, p.Vagas = "B", 0 }), versiona.ErrInvalid, "vagas"},
		{"empty codigo", valid(func(p *db.TurmaCreateParams) { p.Codigo = "" }), versiona.ErrInvalid, "codigo"},
		{"31 character codigo", valid(func(p *db.TurmaCreateParams) { p.Codigo = strings.Repeat("ç", 31) }), versiona.ErrInvalid, "codigo"},
		{"duplicate codigo", valid(func(p *db.TurmaCreateParams) { p.Codigo = taken.Codigo }), versiona.ErrConflict, "codigo"},
		{"missing curso", valid(func(p *db.TurmaCreateParams) { p.Codigo, p.CursoID = "B", c.ID+1000 }), versiona.ErrNotFound, "curso_id"},
		{"missing instrutor", valid(func(p *db.TurmaCreateParams) { p.Codigo, p.InstrutorID = "B", i.ID+1000 }), versiona.ErrNotFound, "instrutor_id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := testkit.Count(t, pool, "turmas")
			_, err := s.TurmaCreate(ctx, tc.p)
			testkit.WantErr(t, err, tc.kind, tc.field)
			if after := testkit.Count(t, pool, "turmas"); after != before {
				t.Fatalf("turmas: %d rows after the failed create, want %d", after, before)
			}
		})
	}
}

func TestService_TurmaGet(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newService(t)
	tu := newTurma(t, s, 1)
	t.Run("found", func(t *testing.T) {
		got, err := s.TurmaGet(ctx, tu.ID)
		if err != nil || got != tu {
			t.Fatalf("got %+v, %v; want %+v", got, err, tu)
		}
	})
	t.Run("missing id", func(t *testing.T) {
		_, err := s.TurmaGet(ctx, tu.ID+1000)
		testkit.WantErr(t, err, versiona.ErrNotFound, "id")
	})
}

func TestService_TurmaList(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newService(t)
	var want []int64
	for range 3 {
		want = append(want, newTurma(t, s, 2).ID)
	}
	t.Run("pages", func(t *testing.T) {
		got := testkit.PageIDs(t, func(after int64) ([]int64, error) {
			ts, err := s.TurmaList(ctx, after, 2)
			return idsOf(ts, func(t db.Turma) int64 { return t.ID }), err
		})
		if !slices.Equal(got, want) {
			t.Fatalf("ids %v, want %v", got, want)
		}
	})
	t.Run("bad limit", func(t *testing.T) {
		_, err := s.TurmaList(ctx, 0, 0)
		testkit.WantErr(t, err, versiona.ErrInvalid, "limit")
	})
}

func TestService_TurmaListVagas(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newService(t)
	full, open := newTurma(t, s, 2), newTurma(t, s, 3)
	newMatricula(t, s, newAluno(t, s).ID, full.ID)
	newMatricula(t, s, newAluno(t, s).ID, full.ID)
	m := newMatricula(t, s, newAluno(t, s).ID, open.ID)
	if _, err := s.MatriculaUpdate(ctx, db.MatriculaUpdateParams{ID: m.ID, Status: db.MatriculaStatusCancelada}); err != nil {
		t.Fatal(err)
	}
	newMatricula(t, s, newAluno(t, s).ID, open.ID)

	t.Run("seats taken and free", func(t *testing.T) {
		rows, err := s.TurmaListVagas(ctx, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 2 {
			t.Fatalf("got %+v", rows)
		}
		if r := rows[0]; r.ID != full.ID || r.Ocupadas != 2 || r.Livres != 0 || r.Curso == "" || r.Instrutor == "" {
			t.Fatalf("full turma: %+v", r)
		}
		if r := rows[1]; r.ID != open.ID || r.Ocupadas != 1 || r.Livres != 2 {
			t.Fatalf("open turma: %+v", r) // the cancelada matricula takes no seat
		}
	})
	t.Run("bad limit", func(t *testing.T) {
		_, err := s.TurmaListVagas(ctx, 0, 0)
		testkit.WantErr(t, err, versiona.ErrInvalid, "limit")
	})
}

func TestService_TurmaUpdate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newService(t)
	tu := newTurma(t, s, 3)
	other := newTurma(t, s, 3)
	newMatricula(t, s, newAluno(t, s).ID, tu.ID)
	newMatricula(t, s, newAluno(t, s).ID, tu.ID)
	params := func(change func(*db.TurmaUpdateParams)) db.TurmaUpdateParams {
		p := db.TurmaUpdateParams{
			ID: tu.ID, CursoID: tu.CursoID, InstrutorID: tu.InstrutorID, Codigo: tu.Codigo,
			DataInicio: tu.DataInicio, DataFim: tu.DataFim, Vagas: tu.Vagas,
		}
		change(&p)
		return p
	}

	t.Run("success", func(t *testing.T) {
		got, err := s.TurmaUpdate(ctx, params(func(p *db.TurmaUpdateParams) { p.Vagas, p.DataFim = 2, date(2025, 12, 19) }))
		if err != nil {
			t.Fatal(err)
		}
		if got.Vagas != 2 || !got.DataFim.Equal(date(2025, 12, 19)) {
			t.Fatalf("got %+v", got)
		}
	})
	for _, tc := range []struct {
		name  string
		p     db.TurmaUpdateParams
		kind  error
		field string
	}{
		{"missing id", params(func(p *db.TurmaUpdateParams) { p.ID = other.ID + 1000 }), versiona.ErrNotFound, "id"},
		{"ends before it starts", params(func(p *db.TurmaUpdateParams) { p.DataFim = p.DataInicio.AddDate(0, 0, -1) }), versiona.ErrInvalid, "data_fim"},
		{"fewer vagas than ativa matriculas", params(func(p *db.TurmaUpdateParams) { p.Vagas = 1 }), versiona.ErrConflict, "vagas"},
		{"codigo of another turma", params(func(p *db.TurmaUpdateParams) { p.Codigo = other.Codigo }), versiona.ErrConflict, "codigo"},
		{"missing curso", params(func(p *db.TurmaUpdateParams) { p.CursoID = other.CursoID + 1000 }), versiona.ErrNotFound, "curso_id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, err := s.TurmaGet(ctx, tu.ID)
			if err != nil {
				t.Fatal(err)
			}
			_, err = s.TurmaUpdate(ctx, tc.p)
			testkit.WantErr(t, err, tc.kind, tc.field)
			got, err := s.TurmaGet(ctx, tu.ID)
			if err != nil || got != before {
				t.Fatalf("after the failed update: %+v, %v; want %+v", got, err, before)
			}
		})
	}
}

func TestService_TurmaDelete(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, pool := newService(t)
	empty, busy := newTurma(t, s, 1), newTurma(t, s, 1)
	newMatricula(t, s, newAluno(t, s).ID, busy.ID)

	t.Run("success", func(t *testing.T) {
		if err := s.TurmaDelete(ctx, empty.ID); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("missing id", func(t *testing.T) {
		gone := newTurma(t, s, 1)
		if err := s.TurmaDelete(ctx, gone.ID); err != nil {
			t.Fatal(err)
		}
		testkit.WantErr(t, s.TurmaDelete(ctx, gone.ID), versiona.ErrNotFound, "id")
	})
	t.Run("still has matriculas", func(t *testing.T) {
		before := testkit.Snapshot(t, pool, "turmas", "matriculas")
		testkit.WantErr(t, s.TurmaDelete(ctx, busy.ID), versiona.ErrConflict, "")
		if after := testkit.Snapshot(t, pool, "turmas", "matriculas"); after != before {
			t.Errorf("tables changed by the refused delete:\nbefore %s\nafter  %s", before, after)
		}
	})
}

func TestService_TurmaRoster(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newService(t)
	tu := newTurma(t, s, 10)
	var want []int64
	for range 5 {
		want = append(want, newMatricula(t, s, newAluno(t, s).ID, tu.ID).ID)
	}
	newMatricula(t, s, newAluno(t, s).ID, newTurma(t, s, 1).ID)

	t.Run("pages", func(t *testing.T) {
		rows, err := s.TurmaRoster(ctx, tu.ID, 0, 1)
		if err != nil || len(rows) != 1 || rows[0].Aluno == "" || rows[0].Status != db.MatriculaStatusAtiva {
			t.Fatalf("got %+v, %v", rows, err)
		}
		got := testkit.PageIDs(t, func(after int64) ([]int64, error) {
			rs, err := s.TurmaRoster(ctx, tu.ID, after, 2)
			return idsOf(rs, func(r db.MatriculaListByTurmaRow) int64 { return r.ID }), err
		})
		if !slices.Equal(got, want) {
			t.Fatalf("ids %v, want %v", got, want)
		}
	})
	t.Run("bad limit", func(t *testing.T) {
		_, err := s.TurmaRoster(ctx, tu.ID, 0, 0)
		testkit.WantErr(t, err, versiona.ErrInvalid, "limit")
	})
}
