package escola

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/versiona/versiona/db"
	"github.com/versiona/versiona/internal/check"
)

func validateCurso(titulo, descricao string, cargaHoraria int32) error {
	if err := cursoTitulo.Check(titulo); err != nil {
		return err
	}
	if err := cursoDescricao.Check(descricao); err != nil {
		return err
	}
	return cursoCargaHoraria.Check(float64(cargaHoraria))
}

// CursoCreate stores a new curso: a unique titulo of 1 to 200 characters, a
// descricao and a carga_horaria (hours) greater than 0. It returns ErrInvalid
// naming the field for bad input and ErrConflict for a taken titulo.
func (s *Service) CursoCreate(ctx context.Context, p db.CursoCreateParams) (db.Curso, error) {
	if err := validateCurso(p.Titulo, p.Descricao, p.CargaHoraria); err != nil {
		return db.Curso{}, err
	}
	c, err := s.q.CursoCreate(ctx, p)
	if err != nil {
		return db.Curso{}, wrap("creating", curso, err)
	}
	return c, nil
}

// CursoGet returns the curso with id, or ErrNotFound.
func (s *Service) CursoGet(ctx context.Context, id int64) (db.Curso, error) {
	c, err := s.q.CursoGet(ctx, id)
	if err != nil {
		return db.Curso{}, wrap("getting", curso, err)
	}
	return c, nil
}

// CursoList returns up to limit cursos with id greater than afterID, by id.
// It returns ErrInvalid when limit is outside 1 to 1000.
func (s *Service) CursoList(ctx context.Context, afterID int64, limit int) ([]db.Curso, error) {
	if err := check.Limit(curso, limit); err != nil {
		return nil, err
	}
	cs, err := s.q.CursoList(ctx, db.CursoListParams{AfterID: afterID, RowLimit: int32(limit)})
	if err != nil {
		return nil, wrap("listing", curso, err)
	}
	return cs, nil
}

// CursoUpdate replaces every field of curso p.ID under the rules of
// CursoCreate. It returns ErrNotFound for a missing id, ErrInvalid for bad
// input and ErrConflict for a taken titulo.
func (s *Service) CursoUpdate(ctx context.Context, p db.CursoUpdateParams) (db.Curso, error) {
	if err := validateCurso(p.Titulo, p.Descricao, p.CargaHoraria); err != nil {
		return db.Curso{}, err
	}
	c, err := s.q.CursoUpdate(ctx, p)
	if err != nil {
		return db.Curso{}, wrap("updating", curso, err)
	}
	return c, nil
}

// CursoDelete deletes curso id. It returns ErrNotFound for a missing id and
// ErrConflict while the curso still has turmas.
func (s *Service) CursoDelete(ctx context.Context, id int64) error {
	n, err := s.q.CursoDelete(ctx, id)
	if err != nil {
		return wrap("deleting", curso, err)
	}
	if n == 0 {
		return wrap("deleting", curso, pgx.ErrNoRows)
	}
	return nil
}
