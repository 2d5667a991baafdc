package blog_test

import (
	"context"
	"testing"

	"github.com/versiona/versiona"
	"github.com/versiona/versiona/blog"
	"github.com/versiona/versiona/db"
	"github.com/versiona/versiona/internal/testkit"
)

// badTexts are inputs PostgreSQL text cannot hold.
var badTexts = map[string]string{
	"NUL byte":      "abc\x00def",
	"invalid UTF-8": "abc\xc3(def",
}

// TestService_BadText feeds every text input of every write a NUL byte and
// invalid UTF-8: each is ErrInvalid naming the field, and nothing changes.
func TestService_BadText(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	type write func(s *blog.Service, u db.Usuario, p db.Postagem, c db.Comentario, bad string) error
	cases := []struct {
		name, field string
		write       write
	}{
		{"UsuarioCreate nome", "nome", func(s *blog.Service, _ db.Usuario, _ db.Postagem, _ db.Comentario, bad string) error {
			_, err := s.UsuarioCreate(ctx, db.UsuarioCreateParams{Nome: bad, Email: "nova@example.com"})
			return err
		}},
		{"UsuarioCreate email", "email", func(s *blog.Service, _ db.Usuario, _ db.Postagem, _ db.Comentario, bad string) error {
			_, err := s.UsuarioCreate(ctx, db.UsuarioCreateParams{Nome: "Nova", Email: "n" + bad + "@example.com"})
			return err
		}},
		{"UsuarioUpdate nome", "nome", func(s *blog.Service, u db.Usuario, _ db.Postagem, _ db.Comentario, bad string) error {
			_, err := s.UsuarioUpdate(ctx, db.UsuarioUpdateParams{ID: u.ID, Nome: bad, Email: u.Email})
			return err
		}},
		{"PostagemCreate titulo", "titulo", func(s *blog.Service, u db.Usuario, _ db.Postagem, _ db.Comentario, bad string) error {
			_, err := s.PostagemCreate(ctx, db.PostagemCreateParams{UsuarioID: u.ID, Titulo: bad, Conteudo: "ok"})
			return err
		}},
		{"PostagemCreate conteudo", "conteudo", func(s *blog.Service, u db.Usuario, _ db.Postagem, _ db.Comentario, bad string) error {
			_, err := s.PostagemCreate(ctx, db.PostagemCreateParams{UsuarioID: u.ID, Titulo: "ok", Conteudo: bad})
			return err
		}},
		{"PostagemUpdate conteudo", "conteudo", func(s *blog.Service, _ db.Usuario, p db.Postagem, _ db.Comentario, bad string) error {
			_, err := s.PostagemUpdate(ctx, db.PostagemUpdateParams{ID: p.ID, Titulo: "ok", Conteudo: bad})
			return err
		}},
		{"ComentarioCreate texto", "texto", func(s *blog.Service, u db.Usuario, p db.Postagem, _ db.Comentario, bad string) error {
			_, err := s.ComentarioCreate(ctx, db.ComentarioCreateParams{UsuarioID: u.ID, PostagemID: p.ID, Texto: bad})
			return err
		}},
		{"ComentarioUpdate texto", "texto", func(s *blog.Service, _ db.Usuario, _ db.Postagem, c db.Comentario, bad string) error {
			_, err := s.ComentarioUpdate(ctx, db.ComentarioUpdateParams{ID: c.ID, Texto: bad})
			return err
		}},
	}
	for _, tc := range cases {
		for kind, bad := range badTexts {
			t.Run(tc.name+"/"+kind, func(t *testing.T) {
				t.Parallel()
				s, pool := newService(t)
				u := newUsuario(t, s)
				p := newPostagem(t, s, u.ID)
				c := newComentario(t, s, u.ID, p.ID)
				before := testkit.Snapshot(t, pool, "usuarios", "postagens", "comentario")
				testkit.WantErr(t, tc.write(s, u, p, c, bad), versiona.ErrInvalid, tc.field)
				if after := testkit.Snapshot(t, pool, "usuarios", "postagens", "comentario"); after != before {
					t.Fatalf("tables changed by the refused write:\nbefore %s\nafter  %s", before, after)
				}
			})
		}
	}
}
