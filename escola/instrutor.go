package escola

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/versiona/versiona/db"
	"github.com/versiona/versiona/internal/check"
)

func validateInstrutor(nome, email string, bio *string) error {
	if err := instrutorNome.Check(nome); err != nil {
		return err
	}
	if err := instrutorEmail.Email(email); err != nil {
		return err
	}
	return instrutorBio.CheckOptional(bio)
}

// InstrutorCreate stores a new instrutor: nome of 1 to 100 characters, an
// email address not yet used by another instrutor in any letter case, and
// optionally a bio of at most 2000 characters. It returns ErrInvalid naming
// the field for bad input and ErrConflict for a taken email.
func (s *Service) InstrutorCreate(ctx context.Context, p db.InstrutorCreateParams) (db.Instrutor, error) {
	if err := validateInstrutor(p.Nome, p.Email, p.Bio); err != nil {
		return db.Instrutor{}, err
	}
	i, err := s.q.InstrutorCreate(ctx, p)
	if err != nil {
		return db.Instrutor{}, wrap("creating", instrutor, err)
	}
	return i, nil
}

// InstrutorGet returns the instrutor with id, or ErrNotFound.
func (s *Service) InstrutorGet(ctx context.Context, id int64) (db.Instrutor, error) {
	i, err := s.q.InstrutorGet(ctx, id)
	if err != nil {
		return db.Instrutor{}, wrap("getting", instrutor, err)
	}
	return i, nil
}

// InstrutorList returns up to limit instrutores with id greater than afterID,
// by id. It returns ErrInvalid when limit is outside 1 to 1000.
func (s *Service) InstrutorList(ctx context.Context, afterID int64, limit int) ([]db.Instrutor, error) {
	if err := check.Limit(instrutor, limit); err != nil {
		return nil, err
	}
	is, err := s.q.InstrutorList(ctx, db.InstrutorListParams{AfterID: afterID, RowLimit: int32(limit)})
	if err != nil {
		return nil, wrap("listing", instrutor, err)
	}
	return is, nil
}

// InstrutorUpdate replaces every field of instrutor p.ID under the rules of
// InstrutorCreate. It returns ErrNotFound for a missing id, ErrInvalid for
// bad input and ErrConflict for a taken email.
func (s *Service) InstrutorUpdate(ctx context.Context, p db.InstrutorUpdateParams) (db.Instrutor, error) {
	if err := validateInstrutor(p.Nome, p.Email, p.Bio); err != nil {
		return db.Instrutor{}, err
	}
	i, err := s.q.InstrutorUpdate(ctx, p)
	if err != nil {
		return db.Instrutor{}, wrap("updating", instrutor, err)
	}
	return i, nil
}

// InstrutorDelete deletes instrutor id. It returns ErrNotFound for a missing
// id and ErrConflict while the instrutor still has turmas.
func (s *Service) InstrutorDelete(ctx context.Context, id int64) error {
	n, err := s.q.InstrutorDelete(ctx, id)
	if err != nil {
		return wrap("deleting", instrutor, err)
	}
	if n == 0 {
		return wrap("deleting", instrutor, pgx.ErrNoRows)
	}
	return nil
}

// InstrutorListTurmas returns the turmas instrutorID teaches with their
// curso, by data_inicio; none for an unknown instrutor.
func (s *Service) InstrutorListTurmas(ctx context.Context, instrutorID int64) ([]db.TurmaListByInstrutorRow, error) {
	rows, err := s.q.TurmaListByInstrutor(ctx, instrutorID)
	if err != nil {
		return nil, wrap("listing turmas of", instrutor, err)
	}
	return rows, nil
}
