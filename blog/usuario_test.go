package blog_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/versiona/versiona"
	"github.com/versiona/versiona/db"
	"github.com/versiona/versiona/internal/testkit"
)

func TestService_UsuarioCreate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, pool := newService(t)
	if _, err := s.UsuarioCreate(ctx, db.UsuarioCreateParams{Nome: "Ana", Email: "Ana@Example.com"}); err != nil {
		t.Fatal(err)
	}

	t.Run("100 multi-byte characters", func(t *testing.T) {
		u, err := s.UsuarioCreate(ctx, db.UsuarioCreateParams{Nome: strings.Repeat("ç", 100), Email: "cedilha@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.UsuarioGet(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got != u {
			t.Fatalf("got %+v, want %+v", got, u)
		}
	})

	for _, tc := range []struct {
		name, nome, email string
		kind              error
		field             string
	}{
		{"empty nome", "", "b@example.com", versiona.ErrInvalid, "nome"},
		{"101 character nome", strings.Repeat("ç", 101), "b@example.com", versiona.ErrInvalid, "nome"},
		{"bad email", "Bia", "bia.example.com", versiona.ErrInvalid, "email"},
		{"email with display name", "Bia", "Bia <bia@example.com>", versiona.ErrInvalid, "email"},
		{"duplicate email in another case", "Ana 2", "ANA@example.COM", versiona.ErrConflict, "email"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := testkit.Count(t, pool, "usuarios")
			_, err := s.UsuarioCreate(ctx, db.UsuarioCreateParams{Nome: tc.nome, Email: tc.email})
			testkit.WantErr(t, err, tc.kind, tc.field)
			if after := testkit.Count(t, pool, "usuarios"); after != before {
				t.Fatalf("usuarios: %d rows after the failed create, want %d", after, before)
			}
		})
	}
}

func TestService_UsuarioGet(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newService(t)
	u := newUsuario(t, s)

	t.Run("found", func(t *testing.T) {
		got, err := s.UsuarioGet(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got != u {
			t.Fatalf("got %+v, want %+v", got, u)
		}
	})
	t.Run("missing id", func(t *testing.T) {
		_, err := s.UsuarioGet(ctx, u.ID+1000)
		testkit.WantErr(t, err, versiona.ErrNotFound, "id")
	})
}

func TestService_UsuarioList(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newService(t)
	var want []int64
	for range 7 {
		want = append(want, newUsuario(t, s).ID)
	}

	t.Run("pages", func(t *testing.T) {
		var got []int64
		var after int64
		for {
			page, err := s.UsuarioList(ctx, after, 3)
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			for _, u := range page {
				got = append(got, u.ID)
			}
			after = page[len(page)-1].ID
		}
		if !slices.Equal(got, want) {
			t.Fatalf("ids %v, want %v", got, want)
		}
	})
	t.Run("bad limit", func(t *testing.T) {
		_, err := s.UsuarioList(ctx, 0, 0)
		testkit.WantErr(t, err, versiona.ErrInvalid, "limit")
	})
}

func TestService_UsuarioUpdate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newService(t)
	u := newUsuario(t, s)
	other := newUsuario(t, s)

	t.Run("success", func(t *testing.T) {
		got, err := s.UsuarioUpdate(ctx, db.UsuarioUpdateParams{ID: u.ID, Nome: "João", Email: "joao@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		if got.Nome != "João" || got.Email != "joao@example.com" || got.CriadoEm != u.CriadoEm {
			t.Fatalf("got %+v", got)
		}
	})
	for _, tc := range []struct {
		name  string
		p     db.UsuarioUpdateParams
		kind  error
		field string
	}{
		{"missing id", db.UsuarioUpdateParams{ID: other.ID + 1000, Nome: "X", Email: "x@example.com"}, versiona.ErrNotFound, "id"},
		{"empty nome", db.UsuarioUpdateParams{ID: u.ID, Nome: "", Email: "x@example.com"}, versiona.ErrInvalid, "nome"},
		{"bad email", db.UsuarioUpdateParams{ID: u.ID, Nome: "X", Email: "@"}, versiona.ErrInvalid, "email"},
		{"email of another usuario", db.UsuarioUpdateParams{ID: u.ID, Nome: "X", Email: strings.ToUpper(other.Email)}, versiona.ErrConflict, "email"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.UsuarioUpdate(ctx, tc.p)
			testkit.WantErr(t, err, tc.kind, tc.field)
		})
	}
}

func TestService_UsuarioDelete(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, pool := newService(t)
	ana, bia := newUsuario(t, s), newUsuario(t, s)
	p1, p2 := newPostagem(t, s, ana.ID), newPostagem(t, s, bia.ID)
	newComentario(t, s, ana.ID, p1.ID)
	newComentario(t, s, bia.ID, p1.ID) // on ana's postagem: goes with it
	newComentario(t, s, ana.ID, p2.ID) // ana's, on bia's postagem: goes with ana
	newComentario(t, s, bia.ID, p2.ID) // stays

	t.Run("cascades", func(t *testing.T) {
		if err := s.UsuarioDelete(ctx, ana.ID); err != nil {
			t.Fatal(err)
		}
		for table, want := range map[string]int{"usuarios": 1, "postagens": 1, "comentario": 1} {
			if got := testkit.Count(t, pool, table); got != want {
				t.Errorf("%s: %d rows, want %d", table, got, want)
			}
		}
	})
	t.Run("missing id", func(t *testing.T) {
		gone := newUsuario(t, s)
		if err := s.UsuarioDelete(ctx, gone.ID); err != nil {
			t.Fatal(err)
		}
		testkit.WantErr(t, s.UsuarioDelete(ctx, gone.ID), versiona.ErrNotFound, "id")
	})
}

func TestService_UsuarioListTopCommenters(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newService(t)
	ana, bia, caio := newUsuario(t, s), newUsuario(t, s), newUsuario(t, s)
	p := newPostagem(t, s, caio.ID)
	for range 3 {
		newComentario(t, s, bia.ID, p.ID)
	}
	newComentario(t, s, ana.ID, p.ID)

	t.Run("ranked", func(t *testing.T) {
		rows, err := s.UsuarioListTopCommenters(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 2 || rows[0].ID != bia.ID || rows[0].Comentarios != 3 || rows[1].ID != ana.ID || rows[1].Comentarios != 1 {
			t.Fatalf("got %+v", rows)
		}
	})
	t.Run("bad limit", func(t *testing.T) {
		_, err := s.UsuarioListTopCommenters(ctx, 1001)
		testkit.WantErr(t, err, versiona.ErrInvalid, "limit")
	})
}
