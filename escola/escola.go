// Package escola is the course catalogue: alunos, instrutores, cursos, their
// turmas and the matriculas of alunos in turmas. It validates input, runs the
// generated queries of package db and reports failures as *versiona.Error
// values matching versiona.ErrNotFound, versiona.ErrConflict or
// versiona.ErrInvalid.
//
// A turma never has more ativa matriculas than vagas, also under concurrent
// enrolment: every write that could add an ativa matricula, or lower vagas,
// locks the turma row, counts, and writes in one transaction.
//
// Lists use keyset pagination: pass the last id of a page to get the next
// one; 0 starts at the beginning.
package escola

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/versiona/versiona/db"
	"github.com/versiona/versiona/internal/pgerr"
)

// DB is the connection a Service runs on: a *pgxpool.Pool, a *pgx.Conn, or a
// pgx.Tx (the service's own transactions then become savepoints).
type DB interface {
	db.DBTX
	Begin(ctx context.Context) (pgx.Tx, error)
}

// Service runs the catalogue's operations on a database migrated to
// schema.sql. It is safe for concurrent use when its DB is.
type Service struct {
	conn DB
	q    *db.Queries
}

// New returns a Service on conn.
func New(conn DB) *Service {
	return &Service{conn: conn, q: db.New(conn)}
}

// Entity names used in errors.
const (
	aluno     = "aluno"
	instrutor = "instrutor"
	curso     = "curso"
	turma     = "turma"
	matricula = "matricula"
)

// constraints lists the named constraints of the catalogue's tables.
var constraints = map[string]pgerr.Constraint{
	"alunos_nome_tamanho":     alunoNome.Constraint(),
	"alunos_email_tamanho":    alunoEmail.Constraint(),
	"alunos_telefone_tamanho": alunoTelefone.Constraint(),
	"alunos_email_unico":      {Entity: aluno, Field: "email", Rule: "already in use (letter case ignored)"},

	"instrutores_nome_tamanho":  instrutorNome.Constraint(),
	"instrutores_email_tamanho": instrutorEmail.Constraint(),
	"instrutores_bio_tamanho":   instrutorBio.Constraint(),
	"instrutores_email_unico":   {Entity: instrutor, Field: "email", Rule: "already in use (letter case ignored)"},

	"cursos_titulo_unico":           {Entity: curso, Field: "titulo", Rule: "already in use"},
	"cursos_titulo_tamanho":         cursoTitulo.Constraint(),
	"cursos_carga_horaria_positiva": cursoCargaHoraria.Constraint(),

	"turmas_codigo_unico":    {Entity: turma, Field: "codigo", Rule: "already in use"},
	"turmas_codigo_tamanho":  turmaCodigo.Constraint(),
	"turmas_datas_ordenadas": {Entity: turma, Field: "data_fim", Rule: "must not be before data_inicio"},
	"turmas_vagas_positivas": turmaVagas.Constraint(),
	"turmas_curso_id_fkey": {
		Entity: turma, Field: "curso_id", Rule: "no curso with this id",
		Referenced: "still has turmas",
	},
	"turmas_instrutor_id_fkey": {
		Entity: turma, Field: "instrutor_id", Rule: "no instrutor with this id",
		Referenced: "still has turmas",
	},

	"matriculas_aluno_turma_unica": {Entity: matricula, Field: "aluno_id", Rule: "aluno already enrolled in this turma"},
	"matriculas_nota_intervalo":    matriculaNota.Constraint(),
	"matriculas_aluno_id_fkey": {
		Entity: matricula, Field: "aluno_id", Rule: "no aluno with this id",
		Referenced: "still has matriculas",
	},
	"matriculas_turma_id_fkey": {
		Entity: matricula, Field: "turma_id", Rule: "no turma with this id",
		Referenced: "still has matriculas",
	},
}

// mapError turns a PostgreSQL error raised while writing entity, or
// pgx.ErrNoRows, into a *versiona.Error by the constraints of this package's
// tables. Other errors are returned unchanged.
func mapError(entity string, err error) error {
	return pgerr.Map(constraints, entity, err)
}

// wrap maps err and adds the operation as context.
func wrap(op, entity string, err error) error {
	return fmt.Errorf("%s %s: %w", op, entity, mapError(entity, err))
}
