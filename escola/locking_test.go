package escola_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/versiona/versiona"
	"github.com/versiona/versiona/db"
	"github.com/versiona/versiona/escola"
)

// The package promises that a turma never has more ativa matriculas than
// vagas under concurrent writes: TurmaUpdate and the re-activation of a
// matricula lock the turma. Each test holds an enrolment open in a first
// session, starts the competing write in a second, sees (in pg_stat_activity)
// that it waits for the lock, commits the first, and checks the outcome and
// the rule in the database.

func TestService_TurmaUpdate_WaitsForEnrolment(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, pool := newService(t)
	tu := newTurma(t, s, 3)
	newMatricula(t, s, newAluno(t, s).ID, tu.ID)
	a := newAluno(t, s)

	commit := enrolInOpenTx(t, pool, a.ID, tu.ID) // second ativa, not committed
	done := make(chan error, 1)
	go func() {
		_, err := s.TurmaUpdate(ctx, db.TurmaUpdateParams{ID: tu.ID, CursoID: tu.CursoID, InstrutorID: tu.InstrutorID,
			Codigo: tu.Codigo, DataInicio: tu.DataInicio, DataFim: tu.DataFim, Vagas: 1})
		done <- err
	}()
	waitForLockWait(t, pool)
	commit()
	if err := <-done; !errors.Is(err, versiona.ErrConflict) {
		t.Fatalf("TurmaUpdate to 1 vaga with 2 ativa matriculas: %v, want ErrConflict", err)
	}
	assertCapacity(t, pool, tu.ID)
}

func TestService_MatriculaUpdate_ReactivationWaitsForEnrolment(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, pool := newService(t)
	tu := newTurma(t, s, 1)
	m, err := s.MatriculaCreate(ctx, db.MatriculaCreateParams{AlunoID: newAluno(t, s).ID, TurmaID: tu.ID, Status: db.MatriculaStatusCancelada})
	if err != nil {
		t.Fatal(err)
	}

	commit := enrolInOpenTx(t, pool, newAluno(t, s).ID, tu.ID) // takes the only seat
	done := make(chan error, 1)
	go func() {
		_, err := s.MatriculaUpdate(ctx, db.MatriculaUpdateParams{ID: m.ID, Status: db.MatriculaStatusAtiva})
		done <- err
	}()
	waitForLockWait(t, pool)
	commit()
	var de *versiona.Error
	if err := <-done; !errors.As(err, &de) || de.Rule != escola.RuleTurmaFull {
		t.Fatalf("re-activation in a turma filled meanwhile: %v, want ErrConflict %q", err, escola.RuleTurmaFull)
	}
	assertCapacity(t, pool, tu.ID)
}

// enrolInOpenTx enrols alunoID in turmaID inside a transaction it leaves
// open (holding the turma's lock) and returns the function that commits it.
func enrolInOpenTx(t *testing.T, pool *pgxpool.Pool, alunoID, turmaID int64) (commit func()) {
	t.Helper()
	ctx := context.Background()
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tx.Rollback(ctx) })
	if _, err := escola.New(tx).MatriculaCreate(ctx, db.MatriculaCreateParams{AlunoID: alunoID, TurmaID: turmaID}); err != nil {
		t.Fatal(err)
	}
	return func() {
		if err := tx.Commit(ctx); err != nil {
			t.Fatal(err)
		}
	}
}

// waitForLockWait returns once a session of this test's database waits for
// a lock, and fails t after 10 s.
func waitForLockWait(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var n int
		err := pool.QueryRow(context.Background(), `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the competing write never waited for the turma's lock")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// assertCapacity fails t when turma turmaID has more ativa matriculas than
// vagas, as the database sees it.
func assertCapacity(t *testing.T, pool *pgxpool.Pool, turmaID int64) {
	t.Helper()
	var vagas, ativas int
	err := pool.QueryRow(context.Background(), `SELECT t.vagas,
		(SELECT count(*) FROM matriculas m WHERE m.turma_id = t.id AND m.status = 'ativa')
		FROM turmas t WHERE t.id = $1`, turmaID).Scan(&vagas, &ativas)
	if err != nil {
		t.Fatal(err)
	}
	if ativas > vagas {
		t.Fatalf("turma %d: %d ativa matriculas for %d vagas", turmaID, ativas, vagas)
	}
}
