package escola

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/versiona/versiona"
	"github.com/versiona/versiona/db"
	"github.com/versiona/versiona/internal/check"
	"github.com/versiona/versiona/internal/pgerr"
	"github.com/versiona/versiona/internal/pgtx"
)

// RuleTurmaFull is the Rule of the ErrConflict returned when an enrolment
// would put more ativa matriculas in a turma than it has vagas.
const RuleTurmaFull = "turma is full"

func validateMatricula(status db.MatriculaStatus, nota *float64) error {
	if !status.Valid() {
		return check.Invalid(matricula, "status", fmt.Sprintf("must be one of %v, got %q", db.AllMatriculaStatusValues(), status))
	}
	return matriculaNota.CheckOptional(nota)
}

// reserveSeat locks turma turmaID until the end of the transaction and
// checks that it has a free seat for one more ativa matricula.
func reserveSeat(ctx context.Context, q *db.Queries, turmaID int64) error {
	vagas, err := q.TurmaLockVagas(ctx, turmaID)
	if errors.Is(err, pgx.ErrNoRows) {
		return pgerr.NotFound(matricula, "turma_id", turma)
	}
	if err != nil {
		return err
	}
	ativas, err := q.MatriculaCountAtivas(ctx, turmaID)
	if err != nil {
		return err
	}
	if ativas >= int64(vagas) {
		return &versiona.Error{Kind: versiona.ErrConflict, Entity: matricula, Field: "turma_id", Rule: RuleTurmaFull}
	}
	return nil
}

// MatriculaCreate enrols aluno p.AlunoID in turma p.TurmaID with status
// p.Status (empty: ativa) and an optional nota between 0 and 10. An ativa
// matricula takes one of the turma's vagas; concurrent enrolments never
// exceed them. It returns ErrInvalid naming the field for bad input,
// ErrNotFound naming aluno_id or turma_id when either does not exist, and
// ErrConflict when the turma is full (Rule RuleTurmaFull) or the aluno is
// already enrolled in it.
func (s *Service) MatriculaCreate(ctx context.Context, p db.MatriculaCreateParams) (db.Matricula, error) {
	if p.Status == "" {
		p.Status = db.MatriculaStatusAtiva
	}
	if err := validateMatricula(p.Status, p.Nota); err != nil {
		return db.Matricula{}, err
	}
	var m db.Matricula
	err := pgtx.WithTx(ctx, s.conn, func(tx pgx.Tx) error {
		q := s.q.WithTx(tx)
		if p.Status == db.MatriculaStatusAtiva {
			if err := reserveSeat(ctx, q, p.TurmaID); err != nil {
				return err
			}
		}
		var err error
		m, err = q.MatriculaCreate(ctx, p)
		return err
	})
	if err != nil {
		return db.Matricula{}, wrap("creating", matricula, err)
	}
	return m, nil
}

// MatriculaGet returns the matricula with id, or ErrNotFound.
func (s *Service) MatriculaGet(ctx context.Context, id int64) (db.Matricula, error) {
	m, err := s.q.MatriculaGet(ctx, id)
	if err != nil {
		return db.Matricula{}, wrap("getting", matricula, err)
	}
	return m, nil
}

// MatriculaList returns up to limit matriculas with id greater than afterID,
// by id. It returns ErrInvalid when limit is outside 1 to 1000.
func (s *Service) MatriculaList(ctx context.Context, afterID int64, limit int) ([]db.Matricula, error) {
	if err := check.Limit(matricula, limit); err != nil {
		return nil, err
	}
	ms, err := s.q.MatriculaList(ctx, db.MatriculaListParams{AfterID: afterID, RowLimit: int32(limit)})
	if err != nil {
		return nil, wrap("listing", matricula, err)
	}
	return ms, nil
}

// MatriculaUpdate sets the status and nota of matricula p.ID under the rules
// of MatriculaCreate; making it ativa again takes a free seat. It returns
// ErrNotFound for a missing id, ErrInvalid for bad input and ErrConflict
// (Rule RuleTurmaFull) when reactivating it in a full turma.
func (s *Service) MatriculaUpdate(ctx context.Context, p db.MatriculaUpdateParams) (db.Matricula, error) {
	if err := validateMatricula(p.Status, p.Nota); err != nil {
		return db.Matricula{}, err
	}
	var m db.Matricula
	err := pgtx.WithTx(ctx, s.conn, func(tx pgx.Tx) error {
		q := s.q.WithTx(tx)
		if p.Status == db.MatriculaStatusAtiva {
			cur, err := q.MatriculaGet(ctx, p.ID)
			if err != nil {
				return err
			}
			if cur.Status != db.MatriculaStatusAtiva {
				if err := reserveSeat(ctx, q, cur.TurmaID); err != nil {
					return err
				}
			}
		}
		var err error
		m, err = q.MatriculaUpdate(ctx, p)
		return err
	})
	if err != nil {
		return db.Matricula{}, wrap("updating", matricula, err)
	}
	return m, nil
}

// MatriculaDelete deletes matricula id, freeing its seat. It returns
// ErrNotFound for a missing id.
func (s *Service) MatriculaDelete(ctx context.Context, id int64) error {
	n, err := s.q.MatriculaDelete(ctx, id)
	if err != nil {
		return wrap("deleting", matricula, err)
	}
	if n == 0 {
		return wrap("deleting", matricula, pgx.ErrNoRows)
	}
	return nil
}

// AlunoListCursos returns the courses of aluno alunoID: each matricula with
// its turma and curso, by data_inicio; none for an unknown aluno.
func (s *Service) AlunoListCursos(ctx context.Context, alunoID int64) ([]db.MatriculaListByAlunoRow, error) {
	rows, err := s.q.MatriculaListByAluno(ctx, alunoID)
	if err != nil {
		return nil, wrap("listing cursos of", aluno, err)
	}
	return rows, nil
}
