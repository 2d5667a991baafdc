package blog_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/versiona/versiona"
	"github.com/versiona/versiona/blog"
	"github.com/versiona/versiona/db"
	"github.com/versiona/versiona/internal/testkit"
)

func TestService_PostagemCreate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, pool := newService(t)
	u := newUsuario(t, s)

	t.Run("success", func(t *testing.T) {
		p, err := s.PostagemCreate(ctx, db.PostagemCreateParams{UsuarioID: u.ID, Titulo: strings.Repeat("ã", 200), Conteudo: "Texto"})
		if err != nil {
			t.Fatal(err)
		}
		if p.UsuarioID != u.ID || p.CriadoEm.IsZero() || !p.AtualizadoEm.Equal(p.CriadoEm) {
			t.Fatalf("got %+v", p)
		}
	})
	for _, tc := range []struct {
		name  string
		p     db.PostagemCreateParams
		kind  error
		field string
	}{
		{"empty titulo", db.PostagemCreateParams{UsuarioID: u.ID, Titulo: ""}, versiona.ErrInvalid, "titulo"},
		{"201 character titulo", db.PostagemCreateParams{UsuarioID: u.ID, Titulo: strings.Repeat("ã", 201)}, versiona.ErrInvalid, "titulo"},
		{"missing usuario", db.PostagemCreateParams{UsuarioID: u.ID + 1000, Titulo: "T"}, versiona.ErrNotFound, "usuario_id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := testkit.Count(t, pool, "postagens")
			_, err := s.PostagemCreate(ctx, tc.p)
			testkit.WantErr(t, err, tc.kind, tc.field)
			if after := testkit.Count(t, pool, "postagens"); after != before {
				t.Fatalf("postagens: %d rows after the failed create, want %d", after, before)
			}
		})
	}
}

func TestService_PostagemGet(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newService(t)
	p := newPostagem(t, s, newUsuario(t, s).ID)

	t.Run("found", func(t *testing.T) {
		got, err := s.PostagemGet(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got != p {
			t.Fatalf("got %+v, want %+v", got, p)
		}
	})
	t.Run("missing id", func(t *testing.T) {
		_, err := s.PostagemGet(ctx, p.ID+1000)
		testkit.WantErr(t, err, versiona.ErrNotFound, "id")
	})
}

func TestService_PostagemListByUsuario(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newService(t)
	ana, bia := newUsuario(t, s), newUsuario(t, s)
	var want []int64
	for range 5 {
		want = append(want, newPostagem(t, s, ana.ID).ID)
		newPostagem(t, s, bia.ID)
	}

	t.Run("pages", func(t *testing.T) {
		var got []int64
		var after int64
		for {
			page, err := s.PostagemListByUsuario(ctx, ana.ID, after, 2)
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			for _, p := range page {
				got = append(got, p.ID)
			}
			after = page[len(page)-1].ID
		}
		if !slices.Equal(got, want) {
			t.Fatalf("ids %v, want %v", got, want)
		}
	})
	t.Run("bad limit", func(t *testing.T) {
		_, err := s.PostagemListByUsuario(ctx, ana.ID, 0, -1)
		testkit.WantErr(t, err, versiona.ErrInvalid, "limit")
	})
}

func TestService_PostagemUpdate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newService(t)
	p := newPostagem(t, s, newUsuario(t, s).ID)

	t.Run("success", func(t *testing.T) {
		got, err := s.PostagemUpdate(ctx, db.PostagemUpdateParams{ID: p.ID, Titulo: "Novo título", Conteudo: "Novo"})
		if err != nil {
			t.Fatal(err)
		}
		if got.Titulo != "Novo título" || got.Conteudo != "Novo" || !got.CriadoEm.Equal(p.CriadoEm) || got.AtualizadoEm.Before(p.AtualizadoEm) {
			t.Fatalf("got %+v", got)
		}
	})
	t.Run("missing id", func(t *testing.T) {
		_, err := s.PostagemUpdate(ctx, db.PostagemUpdateParams{ID: p.ID + 1000, Titulo: "T"})
		testkit.WantErr(t, err, versiona.ErrNotFound, "id")
	})
	t.Run("empty titulo", func(t *testing.T) {
		_, err := s.PostagemUpdate(ctx, db.PostagemUpdateParams{ID: p.ID, Titulo: ""})
		testkit.WantErr(t, err, versiona.ErrInvalid, "titulo")
	})
}

func TestService_PostagemDelete(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, pool := newService(t)
	u := newUsuario(t, s)
	p1, p2 := newPostagem(t, s, u.ID), newPostagem(t, s, u.ID)
	for range 3 {
		newComentario(t, s, u.ID, p1.ID)
	}
	newComentario(t, s, u.ID, p2.ID)

	t.Run("cascades", func(t *testing.T) {
		if got := testkit.Count(t, pool, "comentario"); got != 4 {
			t.Fatalf("comentario: %d rows before, want 4", got)
		}
		if err := s.PostagemDelete(ctx, p1.ID); err != nil {
			t.Fatal(err)
		}
		for table, want := range map[string]int{"usuarios": 1, "postagens": 1, "comentario": 1} {
			if got := testkit.Count(t, pool, table); got != want {
				t.Errorf("%s: %d rows, want %d", table, got, want)
			}
		}
	})
	t.Run("missing id", func(t *testing.T) {
		gone := newPostagem(t, s, u.ID)
		if err := s.PostagemDelete(ctx, gone.ID); err != nil {
			t.Fatal(err)
		}
		testkit.WantErr(t, s.PostagemDelete(ctx, gone.ID), versiona.ErrNotFound, "id")
	})
}

func TestService_PostagemFeed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newService(t)
	u := newUsuario(t, s)
	old, recent := newPostagem(t, s, u.ID), newPostagem(t, s, u.ID)
	newComentario(t, s, u.ID, old.ID)
	newComentario(t, s, u.ID, old.ID)

	t.Run("newest first with author and comment count", func(t *testing.T) {
		rows, err := s.PostagemFeed(ctx, nil, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 2 || rows[0].ID != recent.ID || rows[1].ID != old.ID {
			t.Fatalf("got %+v", rows)
		}
		if rows[0].Autor != u.Nome || rows[0].Comentarios != 0 || rows[1].Comentarios != 2 {
			t.Fatalf("got %+v", rows)
		}
	})
	t.Run("bad limit", func(t *testing.T) {
		_, err := s.PostagemFeed(ctx, nil, 0)
		testkit.WantErr(t, err, versiona.ErrInvalid, "limit")
	})
}

// TestService_PostagemPaging pages through 1,000 postagens, inserting new ones
// between pages, and checks that every original postagem comes exactly once
// and in order, both by id and in the feed.
func TestService_PostagemPaging(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, pool := newService(t)
	u := newUsuario(t, s)
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	rows := make([]db.PostagemCreateManyParams, 1000)
	for i := range rows {
		at := base.Add(time.Duration(i/3) * time.Minute) // ties on criado_em, broken by id
		rows[i] = db.PostagemCreateManyParams{UsuarioID: u.ID, Titulo: "P", Conteudo: "", CriadoEm: at, AtualizadoEm: at}
	}
	if _, err := db.New(pool).PostagemCreateMany(ctx, rows); err != nil {
		t.Fatal(err)
	}
	all, err := s.PostagemList(ctx, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 1000 {
		t.Fatalf("%d postagens, want 1000", len(all))
	}
	original := make(map[int64]bool)
	for _, p := range all {
		original[p.ID] = true
	}

	t.Run("by id", func(t *testing.T) {
		var got []int64
		var after int64
		for {
			page, err := s.PostagemList(ctx, after, 37)
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			for _, p := range page {
				got = append(got, p.ID)
			}
			after = page[len(page)-1].ID
			if len(got) < len(original) {
				newPostagem(t, s, u.ID) // lands after the originals: seen once, at the end
			}
		}
		checkOnceInOrder(t, got, original, func(a, b int) bool { return got[a] < got[b] })
	})
	t.Run("feed", func(t *testing.T) {
		var got []db.PostagemFeedRow
		var cursor *blog.FeedCursor
		for {
			page, err := s.PostagemFeed(ctx, cursor, 37)
			if err != nil {
				t.Fatal(err)
			}
			next, ok := blog.NextFeedCursor(page)
			if !ok {
				break
			}
			got = append(got, page...)
			cursor = &next
			newPostagem(t, s, u.ID) // newer than every page read so far: never seen
		}
		ids := make([]int64, len(got))
		for i, r := range got {
			ids[i] = r.ID
		}
		checkOnceInOrder(t, ids, original, func(a, b int) bool {
			if !got[a].CriadoEm.Equal(got[b].CriadoEm) {
				return got[a].CriadoEm.After(got[b].CriadoEm)
			}
			return got[a].ID > got[b].ID
		})
	})
}

func TestService_PostagemList(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newService(t)
	u := newUsuario(t, s)
	want := []int64{newPostagem(t, s, u.ID).ID, newPostagem(t, s, u.ID).ID}

	t.Run("by id", func(t *testing.T) {
		ps, err := s.PostagemList(ctx, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if got := idsOf(ps, func(p db.Postagem) int64 { return p.ID }); !slices.Equal(got, want) {
			t.Fatalf("got %+v, want ids %v", ps, want)
		}
	})
	t.Run("bad limit", func(t *testing.T) {
		_, err := s.PostagemList(ctx, 0, 0)
		testkit.WantErr(t, err, versiona.ErrInvalid, "limit")
	})
}

// checkOnceInOrder checks that got holds each id of want exactly once and
// that consecutive elements are ordered by before.
func checkOnceInOrder(t *testing.T, got []int64, want map[int64]bool, before func(a, b int) bool) {
	t.Helper()
	seen := make(map[int64]bool)
	for i, id := range got {
		if seen[id] {
			t.Fatalf("id %d returned twice", id)
		}
		seen[id] = true
		if i > 0 && !before(i-1, i) {
			t.Fatalf("ids %d and %d out of order", got[i-1], id)
		}
	}
	for id := range want {
		if !seen[id] {
			t.Fatalf("id %d never returned", id)
		}
	}
}
