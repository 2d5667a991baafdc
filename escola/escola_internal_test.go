package escola

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/versiona/versiona"
	"github.com/versiona/versiona/internal/dbtest"
	"github.com/versiona/versiona/internal/pgerr"
)

func TestMapError(t *testing.T) {
	for _, tc := range []struct {
		name           string
		entity         string
		err            error
		kind           error // nil: err comes back unchanged
		gotEntity, fld string
	}{
		{"no rows", turma, pgx.ErrNoRows, versiona.ErrNotFound, turma, "id"},
		{"duplicate aluno email", aluno, &pgconn.PgError{Code: "23505", ConstraintName: "alunos_email_unico"}, versiona.ErrConflict, aluno, "email"},
		{"duplicate instrutor email", instrutor, &pgconn.PgError{Code: "23505", ConstraintName: "instrutores_email_unico"}, versiona.ErrConflict, instrutor, "email"},
		{"duplicate curso titulo", curso, &pgconn.PgError{Code: "23505", ConstraintName: "cursos_titulo_unico"}, versiona.ErrConflict, curso, "titulo"},
		{"duplicate turma codigo", turma, &pgconn.PgError{Code: "23505", ConstraintName: "turmas_codigo_unico"}, versiona.ErrConflict, turma, "codigo"},
		{"duplicate enrolment", matricula, &pgconn.PgError{Code: "23505", ConstraintName: "matriculas_aluno_turma_unica"}, versiona.ErrConflict, matricula, "aluno_id"},
		{"dates out of order", turma, &pgconn.PgError{Code: "23514", ConstraintName: "turmas_datas_ordenadas"}, versiona.ErrInvalid, turma, "data_fim"},
		{"zero vagas", turma, &pgconn.PgError{Code: "23514", ConstraintName: "turmas_vagas_positivas"}, versiona.ErrInvalid, turma, "vagas"},
		{"nota out of range", matricula, &pgconn.PgError{Code: "23514", ConstraintName: "matriculas_nota_intervalo"}, versiona.ErrInvalid, matricula, "nota"},
		{"missing curso", turma, &pgconn.PgError{Code: "23503", ConstraintName: "turmas_curso_id_fkey", TableName: "turmas"}, versiona.ErrNotFound, turma, "curso_id"},
		{"curso still has turmas", curso, &pgconn.PgError{Code: "23503", ConstraintName: "turmas_curso_id_fkey", TableName: "turmas"}, versiona.ErrConflict, curso, ""},
		{"instrutor still has turmas", instrutor, &pgconn.PgError{Code: "23001", ConstraintName: "turmas_instrutor_id_fkey", TableName: "turmas"}, versiona.ErrConflict, instrutor, ""},
		{"turma still has matriculas", turma, &pgconn.PgError{Code: "23503", ConstraintName: "matriculas_turma_id_fkey", TableName: "matriculas"}, versiona.ErrConflict, turma, ""},
		{"missing aluno", matricula, &pgconn.PgError{Code: "23503", ConstraintName: "matriculas_aluno_id_fkey", TableName: "matriculas"}, versiona.ErrNotFound, matricula, "aluno_id"},
		{"bad enum value", matricula, &pgconn.PgError{Code: "22P02"}, versiona.ErrInvalid, matricula, ""},
		{"already mapped", matricula, pgerr.NotFound(matricula, "turma_id", turma), versiona.ErrNotFound, matricula, "turma_id"},
		{"deadlock", matricula, &pgconn.PgError{Code: "40P01"}, nil, "", ""},
		{"not a database error", aluno, errors.New("timeout"), nil, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := mapError(tc.entity, tc.err)
			if tc.kind == nil {
				if got != tc.err {
					t.Fatalf("got %v, want the error unchanged", got)
				}
				return
			}
			var de *versiona.Error
			if !errors.As(got, &de) {
				t.Fatalf("got %T %v, want *versiona.Error", got, got)
			}
			if !errors.Is(got, tc.kind) || de.Entity != tc.gotEntity || de.Field != tc.fld || de.Rule == "" {
				t.Fatalf("got %#v, want kind %v entity %q field %q", de, tc.kind, tc.gotEntity, tc.fld)
			}
			for _, k := range []error{versiona.ErrNotFound, versiona.ErrConflict, versiona.ErrInvalid} {
				if k != tc.kind && errors.Is(got, k) {
					t.Fatalf("%v also matches %v", got, k)
				}
			}
		})
	}
}

// TestConstraints_Complete checks that every named constraint and unique
// index of the catalogue's tables has an entry in constraints, so mapError
// names the field for each.
func TestConstraints_Complete(t *testing.T) {
	pool := dbtest.New(t)
	rows, err := pool.Query(context.Background(), `
		WITH t(rel) AS (VALUES ('alunos'::regclass), ('instrutores'), ('cursos'), ('turmas'), ('matriculas'))
		SELECT conname::text FROM pg_constraint WHERE conrelid IN (SELECT rel FROM t) AND contype <> 'p'
		UNION
		SELECT indexrelid::regclass::text FROM pg_index
		WHERE indrelid IN (SELECT rel FROM t) AND indisunique AND NOT indisprimary`)
	if err != nil {
		t.Fatal(err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if len(names) < 10 {
		t.Fatalf("found only %v", names)
	}
	for _, n := range names {
		if _, ok := constraints[n]; !ok {
			t.Errorf("constraint %s has no entry in constraints", n)
		}
	}
}
