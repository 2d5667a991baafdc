// Package blog is the blog domain: usuarios, their postagens and the
// comentarios on them. It validates input, runs the generated queries of
// package db and reports failures as *versiona.Error values matching
// versiona.ErrNotFound, versiona.ErrConflict or versiona.ErrInvalid.
//
// Lists use keyset pagination: pass the last id (or, for the feed, the last
// FeedCursor) of a page to get the next one; 0 or nil starts at the
// beginning. Pages are stable when rows are inserted between calls.
package blog

import (
	"fmt"

	"github.com/versiona/versiona/db"
	"github.com/versiona/versiona/internal/pgerr"
)

// DB is the connection a Service runs on: a *pgxpool.Pool, a *pgx.Conn, or a
// pgx.Tx. Every blog operation is one statement, so none opens a
// transaction.
type DB interface {
	db.DBTX
}

// Service runs the blog's operations on a database migrated to schema.sql.
// It is safe for concurrent use when its DB is.
type Service struct {
	q *db.Queries
}

// New returns a Service on conn.
func New(conn DB) *Service {
	return &Service{q: db.New(conn)}
}

// Entity names used in errors.
const (
	usuario    = "usuario"
	postagem   = "postagem"
	comentario = "comentario"
)

// constraints lists the named constraints of the blog's tables.
var constraints = map[string]pgerr.Constraint{
	"usuarios_nome_tamanho":    usuarioNome.Constraint(),
	"usuarios_email_tamanho":   usuarioEmail.Constraint(),
	"usuarios_email_unico":     {Entity: usuario, Field: "email", Rule: "already in use (letter case ignored)"},
	"postagens_titulo_tamanho": postagemTitulo.Constraint(),
	"postagens_usuario_id_fkey": {
		Entity: postagem, Field: "usuario_id", Rule: "no usuario with this id",
		Referenced: "still has postagens",
	},
	"comentario_texto_nao_vazio": comentarioTexto.Constraint(),
	"comentario_usuario_id_fkey": {
		Entity: comentario, Field: "usuario_id", Rule: "no usuario with this id",
		Referenced: "still has comentarios",
	},
	"comentario_postagem_id_fkey": {
		Entity: comentario, Field: "postagem_id", Rule: "no postagem with this id",
		Referenced: "still has comentarios",
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
