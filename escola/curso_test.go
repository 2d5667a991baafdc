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

func TestService_CursoCreate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, pool := newService(t)
	taken := newCurso(t, s)

	t.Run("success", func(t *testing.T) {
		c, err := s.CursoCreate(ctx, db.CursoCreateParams{Titulo: "Introdução a SQL", Descricao: "Consultas", CargaHoraria: 20})
		if err != nil {
			t.Fatal(err)
		}
		if c.Titulo != "Introdução a SQL" || c.CargaHoraria != 20 {
			t.Fatalf("got %+v", c)
		}
	})
	for _, tc := range []struct {
		name  string
		p     db.CursoCreateParams
		kind  error
		field string
	}{
		{"empty titulo", db.CursoCreateParams{Titulo: "", CargaHoraria: 1}, versiona.ErrInvalid, "titulo"},
		{"201 character titulo", db.CursoCreateParams{Titulo: strings.Repeat("ç", 201), CargaHoraria: 1}, versiona.ErrInvalid, "titulo"},
		{"zero carga_horaria", db.CursoCreateParams{Titulo: "X", CargaHoraria: 0}, versiona.ErrInvalid, "carga_horaria"},
		{"duplicate titulo", db.CursoCreateParams{Titulo: taken.Titulo, CargaHoraria: 1}, versiona.ErrConflict, "titulo"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := testkit.Count(t, pool, "cursos")
			_, err := s.CursoCreate(ctx, tc.p)
			testkit.WantErr(t, err, tc.kind, tc.field)
			if after := testkit.Count(t, pool, "cursos"); after != before {
				t.Fatalf("cursos: %d rows after the failed create, want %d", after, before)
			}
		})
	}
}

func TestService_CursoGet(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newService(t)
	c := newCurso(t, s)
	t.Run("found", func(t *testing.T) {
		got, err := s.CursoGet(ctx, c.ID)
		if err != nil || got.ID != c.ID || got.Titulo != c.Titulo {
			t.Fatalf("got %+v, %v", got, err)
		}
	})
	t.Run("missing id", func(t *testing.T) {
		_, err := s.CursoGet(ctx, c.ID+1000)
		testkit.WantErr(t, err, versiona.ErrNotFound, "id")
	})
}

func TestService_CursoList(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newService(t)
	var want []int64
	for range 4 {
		want = append(want, newCurso(t, s).ID)
	}
	t.Run("pages", func(t *testing.T) {
		got := testkit.PageIDs(t, func(after int64) ([]int64, error) {
			cs, err := s.CursoList(ctx, after, 3)
			return idsOf(cs, func(c db.Curso) int64 { return c.ID }), err
		})
		if !slices.Equal(got, want) {
			t.Fatalf("ids %v, want %v", got, want)
		}
	})
	t.Run("bad limit", func(t *testing.T) {
		_, err := s.CursoList(ctx, 0, 0)
		testkit.WantErr(t, err, versiona.ErrInvalid, "limit")
	})
}

func TestService_CursoUpdate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newService(t)
	c, other := newCurso(t, s), newCurso(t, s)

	t.Run("success", func(t *testing.T) {
		got, err := s.CursoUpdate(ctx, db.CursoUpdateParams{ID: c.ID, Titulo: "Migrações", Descricao: "Atlas", CargaHoraria: 8})
		if err != nil {
			t.Fatal(err)
		}
		if got.Titulo != "Migrações" || got.CargaHoraria != 8 {
			t.Fatalf("got %+v", got)
		}
	})
	for _, tc := range []struct {
		name  string
		p     db.CursoUpdateParams
		kind  error
		field string
	}{
		{"missing id", db.CursoUpdateParams{ID: other.ID + 1000, Titulo: "X", CargaHoraria: 1}, versiona.ErrNotFound, "id"},
		{"negative carga_horaria", db.CursoUpdateParams{ID: c.ID, Titulo: "X", CargaHoraria: -1}, versiona.ErrInvalid, "carga_horaria"},
		{"titulo of another curso", db.CursoUpdateParams{ID: c.ID, Titulo: other.Titulo, CargaHoraria: 1}, versiona.ErrConflict, "titulo"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.CursoUpdate(ctx, tc.p)
			testkit.WantErr(t, err, tc.kind, tc.field)
		})
	}
}

func TestService_CursoDelete(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, pool := newService(t)
	free := newCurso(t, s)
	tu := newTurma(t, s, 1)

	t.Run("success", func(t *testing.T) {
		if err := s.CursoDelete(ctx, free.ID); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("missing id", func(t *testing.T) {
		gone := newCurso(t, s)
		if err := s.CursoDelete(ctx, gone.ID); err != nil {
			t.Fatal(err)
		}
		testkit.WantErr(t, s.CursoDelete(ctx, gone.ID), versiona.ErrNotFound, "id")
	})
	t.Run("still has turmas", func(t *testing.T) {
		before := testkit.Snapshot(t, pool, "cursos", "turmas")
		testkit.WantErr(t, s.CursoDelete(ctx, tu.CursoID), versiona.ErrConflict, "")
		if after := testkit.Snapshot(t, pool, "cursos", "turmas"); after != before {
			t.Errorf("tables changed by the refused delete:\nbefore %s\nafter  %s", before, after)
		}
	})
}
