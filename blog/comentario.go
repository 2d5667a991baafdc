package blog

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/versiona/versiona/db"
	"github.com/versiona/versiona/internal/check"
)

func validateComentario(texto string) error {
	return comentarioTexto.Check(texto)
}

// ComentarioCreate stores a comentario by usuario p.UsuarioID on postagem
// p.PostagemID with a texto of 1 to 200 characters. It returns ErrInvalid for
// bad input and ErrNotFound naming usuario_id or postagem_id when either does
// not exist; nothing is written on error.
func (s *Service) ComentarioCreate(ctx context.Context, p db.ComentarioCreateParams) (db.Comentario, error) {
	if err := validateComentario(p.Texto); err != nil {
		return db.Comentario{}, err
	}
	c, err := s.q.ComentarioCreate(ctx, p)
	if err != nil {
		return db.Comentario{}, wrap("creating", comentario, err)
	}
	return c, nil
}

// ComentarioGet returns the comentario with id, or ErrNotFound.
func (s *Service) ComentarioGet(ctx context.Context, id int64) (db.Comentario, error) {
	c, err := s.q.ComentarioGet(ctx, id)
	if err != nil {
		return db.Comentario{}, wrap("getting", comentario, err)
	}
	return c, nil
}

// ComentarioList returns up to limit comentarios with id greater than
// afterID, by id. It returns ErrInvalid when limit is outside 1 to 1000.
func (s *Service) ComentarioList(ctx context.Context, afterID int64, limit int) ([]db.Comentario, error) {
	if err := check.Limit(comentario, limit); err != nil {
		return nil, err
	}
	cs, err := s.q.ComentarioList(ctx, db.ComentarioListParams{AfterID: afterID, RowLimit: int32(limit)})
	if err != nil {
		return nil, wrap("listing", comentario, err)
	}
	return cs, nil
}

// ComentarioListByPostagem returns up to limit comentarios on postagemID with
// id greater than afterID, oldest first, each with its author's name; none
// for an unknown postagem. It returns ErrInvalid when limit is outside 1 to
// 1000.
func (s *Service) ComentarioListByPostagem(ctx context.Context, postagemID, afterID int64, limit int) ([]db.ComentarioListByPostagemRow, error) {
	if err := check.Limit(comentario, limit); err != nil {
		return nil, err
	}
	rows, err := s.q.ComentarioListByPostagem(ctx, db.ComentarioListByPostagemParams{
		PostagemID: postagemID, AfterID: afterID, RowLimit: int32(limit),
	})
	if err != nil {
		return nil, wrap("listing", comentario, err)
	}
	return rows, nil
}

// ComentarioUpdate replaces the texto of comentario p.ID. It returns
// ErrNotFound for a missing id and ErrInvalid for bad input.
func (s *Service) ComentarioUpdate(ctx context.Context, p db.ComentarioUpdateParams) (db.Comentario, error) {
	if err := validateComentario(p.Texto); err != nil {
		return db.Comentario{}, err
	}
	c, err := s.q.ComentarioUpdate(ctx, p)
	if err != nil {
		return db.Comentario{}, wrap("updating", comentario, err)
	}
	return c, nil
}

// ComentarioDelete deletes comentario id. It returns ErrNotFound for a
// missing id.
func (s *Service) ComentarioDelete(ctx context.Context, id int64) error {
	n, err := s.q.ComentarioDelete(ctx, id)
	if err != nil {
		return wrap("deleting", comentario, err)
	}
	if n == 0 {
		return wrap("deleting", comentario, pgx.ErrNoRows)
	}
	return nil
}
