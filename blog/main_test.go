package blog_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/versiona/versiona"
	"github.com/versiona/versiona/blog"
	"github.com/versiona/versiona/db"
	"github.com/versiona/versiona/internal/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m, dbtest.Migrated) }

// newService returns a Service on a fresh database and the pool under it.
func newService(t testing.TB) (*blog.Service, *pgxpool.Pool) {
	t.Helper()
	pool := dbtest.New(t)
	return blog.New(pool), pool
}

// wantErr fails t unless err matches kind and is a *versiona.Error naming
// field.
func wantErr(t *testing.T, err, kind error, field string) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("error = %v, want %v", err, kind)
	}
	var de *versiona.Error
	if !errors.As(err, &de) {
		t.Fatalf("error %v is not a *versiona.Error", err)
	}
	if de.Field != field {
		t.Fatalf("error %v names field %q, want %q", err, de.Field, field)
	}
}

func count(t testing.TB, pool *pgxpool.Pool, table string) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), "SELECT count(*) FROM "+pgx.Identifier{table}.Sanitize()).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Factories: each creates a valid row with unique values.

var seq atomic.Int64

func newUsuario(t testing.TB, s *blog.Service) db.Usuario {
	t.Helper()
	n := seq.Add(1)
	u, err := s.UsuarioCreate(context.Background(), db.UsuarioCreateParams{
		Nome: fmt.Sprintf("Usuária %d", n), Email: fmt.Sprintf("usuaria%d@example.com", n),
	})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func newPostagem(t testing.TB, s *blog.Service, usuarioID int64) db.Postagem {
	t.Helper()
	p, err := s.PostagemCreate(context.Background(), db.PostagemCreateParams{
		UsuarioID: usuarioID, Titulo: "Versionamento de banco de dados", Conteudo: "Migrações com SQL.",
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func newComentario(t testing.TB, s *blog.Service, usuarioID, postagemID int64) db.Comentario {
	t.Helper()
	c, err := s.ComentarioCreate(context.Background(), db.ComentarioCreateParams{
		UsuarioID: usuarioID, PostagemID: postagemID, Texto: "Ótimo texto!",
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}
