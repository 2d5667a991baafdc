package blog_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

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
