package blog

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/versiona/versiona"
	"github.com/versiona/versiona/internal/dbtest"
)

func TestMapError(t *testing.T) {
	other := errors.New("connection reset")
	for _, tc := range []struct {
		name           string
		entity         string
		err            error
		kind           error // nil: err comes back unchanged
		gotEntity, fld string
	}{
		{"no rows", usuario, pgx.ErrNoRows, versiona.ErrNotFound, usuario, "id"},
		{"duplicate email", usuario, &pgconn.PgError{Code: "23505", ConstraintName: "usuarios_email_unico"}, versiona.ErrConflict, usuario, "email"},
		{"nome too long", usuario, &pgconn.PgError{Code: "23514", ConstraintName: "usuarios_nome_tamanho"}, versiona.ErrInvalid, usuario, "nome"},
		{"titulo too long", postagem, &pgconn.PgError{Code: "23514", ConstraintName: "postagens_titulo_tamanho"}, versiona.ErrInvalid, postagem, "titulo"},
		{"missing postagem", comentario, &pgconn.PgError{Code: "23503", ConstraintName: "comentario_postagem_id_fkey", TableName: "comentario"}, versiona.ErrNotFound, comentario, "postagem_id"},
		{"missing usuario", comentario, &pgconn.PgError{Code: "23503", ConstraintName: "comentario_usuario_id_fkey", TableName: "comentario"}, versiona.ErrNotFound, comentario, "usuario_id"},
		{"postagem still referenced", postagem, &pgconn.PgError{Code: "23503", ConstraintName: "comentario_postagem_id_fkey", TableName: "comentario"}, versiona.ErrConflict, postagem, ""},
		{"empty texto", comentario, &pgconn.PgError{Code: "23514", ConstraintName: "comentario_texto_nao_vazio"}, versiona.ErrInvalid, comentario, "texto"},
		{"texto longer than varchar", comentario, &pgconn.PgError{Code: "22001"}, versiona.ErrInvalid, comentario, ""},
		{"not null", postagem, &pgconn.PgError{Code: "23502", ColumnName: "titulo"}, versiona.ErrInvalid, postagem, "titulo"},
		{"unknown constraint", usuario, &pgconn.PgError{Code: "23505", ConstraintName: "novo_unico"}, versiona.ErrConflict, usuario, ""},
		{"wrapped", usuario, fmt.Errorf("scanning: %w", &pgconn.PgError{Code: "23505", ConstraintName: "usuarios_email_unico"}), versiona.ErrConflict, usuario, "email"},
		{"serialization failure", usuario, &pgconn.PgError{Code: "40001"}, nil, "", ""},
		{"not a database error", usuario, other, nil, "", ""},
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
			if tc.err != pgx.ErrNoRows && !errors.Is(got, tc.err) && errors.Unwrap(got) == nil {
				t.Fatalf("%v drops its cause", got)
			}
		})
	}
}

// TestConstraints_Complete checks that every named constraint and unique
// index of the blog's tables has an entry in constraints, so mapError names
// the field for each.
func TestConstraints_Complete(t *testing.T) {
	pool := dbtest.New(t)
	rows, err := pool.Query(context.Background(), `
		SELECT conname::text FROM pg_constraint
		WHERE conrelid IN ('usuarios'::regclass, 'postagens'::regclass, 'comentario'::regclass) AND contype <> 'p'
		UNION
		SELECT indexrelid::regclass::text FROM pg_index
		WHERE indrelid IN ('usuarios'::regclass, 'postagens'::regclass, 'comentario'::regclass)
		  AND indisunique AND NOT indisprimary`)
	if err != nil {
		t.Fatal(err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if len(names) == 0 {
		t.Fatal("no constraints found")
	}
	for _, n := range names {
		if _, ok := constraints[n]; !ok {
			t.Errorf("constraint %s has no entry in constraints", n)
		}
	}
}
