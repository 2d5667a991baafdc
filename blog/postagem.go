package blog

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/versiona/versiona/db"
	"github.com/versiona/versiona/internal/check"
)

func validatePostagem(titulo, conteudo string) error {
	if err := postagemTitulo.Check(titulo); err != nil {
		return err
	}
	return postagemConteudo.Check(conteudo)
}

// PostagemCreate stores a new postagem by usuario p.UsuarioID with a titulo of
// 1 to 200 characters. It returns ErrInvalid for bad input and ErrNotFound
// (field usuario_id) when the usuario does not exist.
func (s *Service) PostagemCreate(ctx context.Context, p db.PostagemCreateParams) (db.Postagem, error) {
	if err := validatePostagem(p.Titulo, p.Conteudo); err != nil {
		return db.Postagem{}, err
	}
	po, err := s.q.PostagemCreate(ctx, p)
	if err != nil {
		return db.Postagem{}, wrap("creating", postagem, err)
	}
	return po, nil
}

// PostagemGet returns the postagem with id, or ErrNotFound.
func (s *Service) PostagemGet(ctx context.Context, id int64) (db.Postagem, error) {
	po, err := s.q.PostagemGet(ctx, id)
	if err != nil {
		return db.Postagem{}, wrap("getting", postagem, err)
	}
	return po, nil
}

// PostagemList returns up to limit postagens with id greater than afterID, by
// id. It returns ErrInvalid when limit is outside 1 to 1000.
func (s *Service) PostagemList(ctx context.Context, afterID int64, limit int) ([]db.Postagem, error) {
	if err := check.Limit(postagem, limit); err != nil {
		return nil, err
	}
	ps, err := s.q.PostagemList(ctx, db.PostagemListParams{AfterID: afterID, RowLimit: int32(limit)})
	if err != nil {
		return nil, wrap("listing", postagem, err)
	}
	return ps, nil
}

// PostagemListByUsuario returns up to limit postagens of usuarioID with id
// greater than afterID, by id; none for an unknown usuario. It returns
// ErrInvalid when limit is outside 1 to 1000.
func (s *Service) PostagemListByUsuario(ctx context.Context, usuarioID, afterID int64, limit int) ([]db.Postagem, error) {
	if err := check.Limit(postagem, limit); err != nil {
		return nil, err
	}
	ps, err := s.q.PostagemListByUsuario(ctx, db.PostagemListByUsuarioParams{
		UsuarioID: usuarioID, AfterID: afterID, RowLimit: int32(limit),
	})
	if err != nil {
		return nil, wrap("listing", postagem, err)
	}
	return ps, nil
}

// PostagemUpdate replaces the titulo and conteudo of postagem p.ID and sets
// its atualizado_em to now. It returns ErrNotFound for a missing id and
// ErrInvalid for bad input.
func (s *Service) PostagemUpdate(ctx context.Context, p db.PostagemUpdateParams) (db.Postagem, error) {
	if err := validatePostagem(p.Titulo, p.Conteudo); err != nil {
		return db.Postagem{}, err
	}
	po, err := s.q.PostagemUpdate(ctx, p)
	if err != nil {
		return db.Postagem{}, wrap("updating", postagem, err)
	}
	return po, nil
}

// PostagemDelete deletes postagem id and its comentarios. It returns
// ErrNotFound for a missing id.
func (s *Service) PostagemDelete(ctx context.Context, id int64) error {
	n, err := s.q.PostagemDelete(ctx, id)
	if err != nil {
		return wrap("deleting", postagem, err)
	}
	if n == 0 {
		return wrap("deleting", postagem, pgx.ErrNoRows)
	}
	return nil
}

// FeedCursor is a position in the feed: the criado_em and id of the last
// postagem of the previous page.
type FeedCursor struct {
	CriadoEm time.Time
	ID       int64
}

// NextFeedCursor returns the cursor after the last row of page, and false when page is
// empty.
func NextFeedCursor(page []db.PostagemFeedRow) (FeedCursor, bool) {
	if len(page) == 0 {
		return FeedCursor{}, false
	}
	last := page[len(page)-1]
	return FeedCursor{CriadoEm: last.CriadoEm, ID: last.ID}, true
}

// PostagemFeed returns up to limit postagens, newest first, each with its
// author's name and number of comentarios, starting after before (nil: the
// newest). It returns ErrInvalid when limit is outside 1 to 1000.
func (s *Service) PostagemFeed(ctx context.Context, before *FeedCursor, limit int) ([]db.PostagemFeedRow, error) {
	if err := check.Limit(postagem, limit); err != nil {
		return nil, err
	}
	p := db.PostagemFeedParams{RowLimit: int32(limit)}
	if before != nil {
		p.BeforeCriadoEm, p.BeforeID = &before.CriadoEm, &before.ID
	}
	rows, err := s.q.PostagemFeed(ctx, p)
	if err != nil {
		return nil, wrap("reading feed of", postagem, err)
	}
	return rows, nil
}
