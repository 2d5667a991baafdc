package blog

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/versiona/versiona/db"
	"github.com/versiona/versiona/internal/check"
)

func validateUsuario(nome, email string) error {
	if err := usuarioNome.Check(nome); err != nil {
		return err
	}
	return usuarioEmail.Email(email)
}

// UsuarioCreate stores a new usuario: nome of 1 to 100 characters and an email
// address not yet used by another usuario in any letter case. It returns
// ErrInvalid naming the field for bad input and ErrConflict for a taken email.
func (s *Service) UsuarioCreate(ctx context.Context, p db.UsuarioCreateParams) (db.Usuario, error) {
	if err := validateUsuario(p.Nome, p.Email); err != nil {
		return db.Usuario{}, err
	}
	u, err := s.q.UsuarioCreate(ctx, p)
	if err != nil {
		return db.Usuario{}, wrap("creating", usuario, err)
	}
	return u, nil
}

// UsuarioGet returns the usuario with id, or ErrNotFound.
func (s *Service) UsuarioGet(ctx context.Context, id int64) (db.Usuario, error) {
	u, err := s.q.UsuarioGet(ctx, id)
	if err != nil {
		return db.Usuario{}, wrap("getting", usuario, err)
	}
	return u, nil
}

// UsuarioList returns up to limit usuarios with id greater than afterID, by
// id. It returns ErrInvalid when limit is outside 1 to 1000.
func (s *Service) UsuarioList(ctx context.Context, afterID int64, limit int) ([]db.Usuario, error) {
	if err := check.Limit(usuario, limit); err != nil {
		return nil, err
	}
	us, err := s.q.UsuarioList(ctx, db.UsuarioListParams{AfterID: afterID, RowLimit: int32(limit)})
	if err != nil {
		return nil, wrap("listing", usuario, err)
	}
	return us, nil
}

// UsuarioUpdate replaces the nome and email of usuario p.ID under the rules of
// UsuarioCreate. It returns ErrNotFound for a missing id, ErrInvalid for bad
// input and ErrConflict for a taken email.
func (s *Service) UsuarioUpdate(ctx context.Context, p db.UsuarioUpdateParams) (db.Usuario, error) {
	if err := validateUsuario(p.Nome, p.Email); err != nil {
		return db.Usuario{}, err
	}
	u, err := s.q.UsuarioUpdate(ctx, p)
	if err != nil {
		return db.Usuario{}, wrap("updating", usuario, err)
	}
	return u, nil
}

// UsuarioDelete deletes usuario id together with their postagens and
// comentarios, and the comentarios on those postagens. It returns ErrNotFound
// for a missing id.
func (s *Service) UsuarioDelete(ctx context.Context, id int64) error {
	n, err := s.q.UsuarioDelete(ctx, id)
	if err != nil {
		return wrap("deleting", usuario, err)
	}
	if n == 0 {
		return wrap("deleting", usuario, pgx.ErrNoRows)
	}
	return nil
}

// UsuarioListTopCommenters returns the limit usuarios who wrote the most
// comentarios, most first. It returns ErrInvalid when limit is outside 1 to
// 1000.
func (s *Service) UsuarioListTopCommenters(ctx context.Context, limit int) ([]db.UsuarioListTopCommentersRow, error) {
	if err := check.Limit(usuario, limit); err != nil {
		return nil, err
	}
	rows, err := s.q.UsuarioListTopCommenters(ctx, int32(limit))
	if err != nil {
		return nil, wrap("ranking", usuario, err)
	}
	return rows, nil
}
