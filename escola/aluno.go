package escola

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/versiona/versiona/db"
	"github.com/versiona/versiona/internal/check"
)

func validateAluno(nome, email string, telefone *string, nascimento *time.Time) error {
	if err := alunoNome.Check(nome); err != nil {
		return err
	}
	if err := alunoEmail.Email(email); err != nil {
		return err
	}
	if err := alunoTelefone.CheckOptional(telefone); err != nil {
		return err
	}
	if nascimento != nil && nascimento.After(time.Now()) {
		return check.Invalid(aluno, "data_nascimento", "must not be in the future")
	}
	return nil
}

// AlunoCreate stores a new aluno: nome of 1 to 100 characters, an email
// address not yet used by another aluno in any letter case, and optionally a
// telefone of 1 to 30 characters and a data_nascimento not in the future. It
// returns ErrInvalid naming the field for bad input and ErrConflict for a
// taken email.
func (s *Service) AlunoCreate(ctx context.Context, p db.AlunoCreateParams) (db.Aluno, error) {
	if err := validateAluno(p.Nome, p.Email, p.Telefone, p.DataNascimento); err != nil {
		return db.Aluno{}, err
	}
	a, err := s.q.AlunoCreate(ctx, p)
	if err != nil {
		return db.Aluno{}, wrap("creating", aluno, err)
	}
	return a, nil
}

// AlunoGet returns the aluno with id, or ErrNotFound.
func (s *Service) AlunoGet(ctx context.Context, id int64) (db.Aluno, error) {
	a, err := s.q.AlunoGet(ctx, id)
	if err != nil {
		return db.Aluno{}, wrap("getting", aluno, err)
	}
	return a, nil
}

// AlunoList returns up to limit alunos with id greater than afterID, by id.
// It returns ErrInvalid when limit is outside 1 to 1000.
func (s *Service) AlunoList(ctx context.Context, afterID int64, limit int) ([]db.Aluno, error) {
	if err := check.Limit(aluno, limit); err != nil {
		return nil, err
	}
	as, err := s.q.AlunoList(ctx, db.AlunoListParams{AfterID: afterID, RowLimit: int32(limit)})
	if err != nil {
		return nil, wrap("listing", aluno, err)
	}
	return as, nil
}

// AlunoUpdate replaces every field of aluno p.ID under the rules of
// AlunoCreate. It returns ErrNotFound for a missing id, ErrInvalid for bad
// input and ErrConflict for a taken email.
func (s *Service) AlunoUpdate(ctx context.Context, p db.AlunoUpdateParams) (db.Aluno, error) {
	if err := validateAluno(p.Nome, p.Email, p.Telefone, p.DataNascimento); err != nil {
		return db.Aluno{}, err
	}
	a, err := s.q.AlunoUpdate(ctx, p)
	if err != nil {
		return db.Aluno{}, wrap("updating", aluno, err)
	}
	return a, nil
}

// AlunoDelete deletes aluno id and their matriculas. It returns ErrNotFound
// for a missing id.
func (s *Service) AlunoDelete(ctx context.Context, id int64) error {
	n, err := s.q.AlunoDelete(ctx, id)
	if err != nil {
		return wrap("deleting", aluno, err)
	}
	if n == 0 {
		return wrap("deleting", aluno, pgx.ErrNoRows)
	}
	return nil
}
