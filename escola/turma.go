package escola

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/versiona/versiona"
	"github.com/versiona/versiona/db"
	"github.com/versiona/versiona/internal/check"
	"github.com/versiona/versiona/internal/pgtx"
)

func validateTurma(codigo string, inicio, fim time.Time, vagas int32) error {
	if err := turmaCodigo.Check(codigo); err != nil {
		return err
	}
	if fim.Before(inicio) {
		return check.Invalid(turma, "data_fim", fmt.Sprintf("must not be before data_inicio (%s < %s)",
			fim.Format(time.DateOnly), inicio.Format(time.DateOnly)))
	}
	return turmaVagas.Check(float64(vagas))
}

// TurmaCreate stores a new turma of curso p.CursoID taught by instrutor
// p.InstrutorID: a unique codigo of 1 to 30 characters, data_inicio not after
// data_fim, and vagas greater than 0. It returns ErrInvalid naming the field
// for bad input, ErrNotFound naming curso_id or instrutor_id when either does
// not exist, and ErrConflict for a taken codigo.
func (s *Service) TurmaCreate(ctx context.Context, p db.TurmaCreateParams) (db.Turma, error) {
	if err := validateTurma(p.Codigo, p.DataInicio, p.DataFim, p.Vagas); err != nil {
		return db.Turma{}, err
	}
	t, err := s.q.TurmaCreate(ctx, p)
	if err != nil {
		return db.Turma{}, wrap("creating", turma, err)
	}
	return t, nil
}

// TurmaGet returns the turma with id, or ErrNotFound.
func (s *Service) TurmaGet(ctx context.Context, id int64) (db.Turma, error) {
	t, err := s.q.TurmaGet(ctx, id)
	if err != nil {
		return db.Turma{}, wrap("getting", turma, err)
	}
	return t, nil
}

// TurmaList returns up to limit turmas with id greater than afterID, by id.
// It returns ErrInvalid when limit is outside 1 to 1000.
func (s *Service) TurmaList(ctx context.Context, afterID int64, limit int) ([]db.Turma, error) {
	if err := check.Limit(turma, limit); err != nil {
		return nil, err
	}
	ts, err := s.q.TurmaList(ctx, db.TurmaListParams{AfterID: afterID, RowLimit: int32(limit)})
	if err != nil {
		return nil, wrap("listing", turma, err)
	}
	return ts, nil
}

// TurmaListVagas returns up to limit turmas with id greater than afterID, by
// id, each with its curso, instrutor, and seats taken (ativa matriculas) and
// free. It returns ErrInvalid when limit is outside 1 to 1000.
func (s *Service) TurmaListVagas(ctx context.Context, afterID int64, limit int) ([]db.TurmaListVagasRow, error) {
	if err := check.Limit(turma, limit); err != nil {
		return nil, err
	}
	rows, err := s.q.TurmaListVagas(ctx, db.TurmaListVagasParams{AfterID: afterID, RowLimit: int32(limit)})
	if err != nil {
		return nil, wrap("listing", turma, err)
	}
	return rows, nil
}

// TurmaUpdate replaces every field of turma p.ID under the rules of
// TurmaCreate; vagas may not drop below the turma's ativa matriculas. It
// returns ErrNotFound for a missing id or a missing curso or instrutor,
// ErrInvalid for bad input, and ErrConflict for a taken codigo or too few
// vagas.
func (s *Service) TurmaUpdate(ctx context.Context, p db.TurmaUpdateParams) (db.Turma, error) {
	if err := validateTurma(p.Codigo, p.DataInicio, p.DataFim, p.Vagas); err != nil {
		return db.Turma{}, err
	}
	var t db.Turma
	err := pgtx.WithTx(ctx, s.conn, func(tx pgx.Tx) error {
		q := s.q.WithTx(tx)
		if _, err := q.TurmaLockVagas(ctx, p.ID); err != nil {
			return err
		}
		ativas, err := q.MatriculaCountAtivas(ctx, p.ID)
		if err != nil {
			return err
		}
		if int64(p.Vagas) < ativas {
			return &versiona.Error{
				Kind: versiona.ErrConflict, Entity: turma, Field: "vagas",
				Rule: fmt.Sprintf("must be at least the %d ativa matriculas", ativas),
			}
		}
		t, err = q.TurmaUpdate(ctx, p)
		return err
	})
	if err != nil {
		return db.Turma{}, wrap("updating", turma, err)
	}
	return t, nil
}

// TurmaDelete deletes turma id. It returns ErrNotFound for a missing id and
// ErrConflict while the turma still has matriculas.
func (s *Service) TurmaDelete(ctx context.Context, id int64) error {
	n, err := s.q.TurmaDelete(ctx, id)
	if err != nil {
		return wrap("deleting", turma, err)
	}
	if n == 0 {
		return wrap("deleting", turma, pgx.ErrNoRows)
	}
	return nil
}

// TurmaRoster returns up to limit matriculas of turmaID with id greater than
// afterID, by id, each with the aluno's nome and email; none for an unknown
// turma. It returns ErrInvalid when limit is outside 1 to 1000.
func (s *Service) TurmaRoster(ctx context.Context, turmaID, afterID int64, limit int) ([]db.MatriculaListByTurmaRow, error) {
	if err := check.Limit(matricula, limit); err != nil {
		return nil, err
	}
	rows, err := s.q.MatriculaListByTurma(ctx, db.MatriculaListByTurmaParams{
		TurmaID: turmaID, AfterID: afterID, RowLimit: int32(limit),
	})
	if err != nil {
		return nil, wrap("listing roster of", turma, err)
	}
	return rows, nil
}
