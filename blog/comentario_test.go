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

// TestComentario_Catalog checks in the system catalog that comentario is
// exactly what the lesson asks for.
func TestComentario_Catalog(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, pool := newService(t)

	type column struct {
		name, typ, identity string
		notNull             bool
		def                 *string
	}
	rows, err := pool.Query(ctx, `
		SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attidentity::text, a.attnotnull,
		       pg_get_expr(d.adbin, d.adrelid)
		FROM pg_attribute a
		LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
		WHERE a.attrelid = 'public.comentario'::regclass AND a.attnum > 0 AND NOT a.attisdropped
		ORDER BY a.attnum`)
	if err != nil {
		t.Fatal(err)
	}
	cols := map[string]column{}
	for rows.Next() {
		var c column
		if err := rows.Scan(&c.name, &c.typ, &c.identity, &c.notNull, &c.def); err != nil {
			t.Fatal(err)
		}
		cols[c.name] = c
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}

	t.Run("columns", func(t *testing.T) {
		want := []string{"criado_em", "id", "postagem_id", "texto", "usuario_id"}
		got := slices.Sorted(func(yield func(string) bool) {
			for n := range cols {
				if !yield(n) {
					return
				}
			}
		})
		if !slices.Equal(got, want) {
			t.Fatalf("columns %v, want %v", got, want)
		}
	})
	t.Run("id is an identity primary key", func(t *testing.T) {
		if c := cols["id"]; c.identity == "" || !c.notNull {
			t.Fatalf("id: %+v, want an identity column", c)
		}
		var pk []string
		err := pool.QueryRow(ctx, `
			SELECT array_agg(a.attname::text)
			FROM pg_constraint c
			JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
			WHERE c.conrelid = 'public.comentario'::regclass AND c.contype = 'p'`).Scan(&pk)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(pk, []string{"id"}) {
			t.Fatalf("primary key %v, want [id]", pk)
		}
	})
	t.Run("texto is varchar(200) not null", func(t *testing.T) {
		if c := cols["texto"]; c.typ != "character varying(200)" || !c.notNull {
			t.Fatalf("texto: %+v", c)
		}
	})
	t.Run("criado_em defaults to now", func(t *testing.T) {
		if c := cols["criado_em"]; c.def == nil || *c.def != "now()" || !c.notNull || c.typ != "timestamp with time zone" {
			t.Fatalf("criado_em: %+v", c)
		}
	})
	for col, ref := range map[string]string{"usuario_id": "usuarios", "postagem_id": "postagens"} {
		t.Run(col+" references "+ref+".id", func(t *testing.T) {
			if c := cols[col]; !c.notNull || c.typ != "bigint" {
				t.Fatalf("%s: %+v", col, c)
			}
			var n int
			err := pool.QueryRow(ctx, `
				SELECT count(*)
				FROM pg_constraint c
				WHERE c.conrelid = 'public.comentario'::regclass AND c.contype = 'f'
				  AND c.confrelid = ('public.' || $2)::regclass
				  AND c.conkey = ARRAY[(SELECT attnum FROM pg_attribute WHERE attrelid = c.conrelid AND attname = $1)]
				  AND c.confkey = ARRAY[(SELECT attnum FROM pg_attribute WHERE attrelid = c.confrelid AND attname = 'id')]`,
				col, ref).Scan(&n)
			if err != nil {
				t.Fatal(err)
			}
			if n != 1 {
				t.Fatalf("%d foreign keys from comentario.%s to %s.id, want 1", n, col, ref)
			}
		})
	}
}

func TestService_ComentarioCreate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, pool := newService(t)
	u := newUsuario(t, s)
	p := newPostagem(t, s, u.ID)

	t.Run("200 multi-byte characters", func(t *testing.T) {
		c, err := s.ComentarioCreate(ctx, db.ComentarioCreateParams{UsuarioID: u.ID, PostagemID: p.ID, Texto: strings.Repeat("ç", 200)})
		if err != nil {
			t.Fatal(err)
		}
		if c.Texto != strings.Repeat("ç", 200) || c.CriadoEm.IsZero() {
			t.Fatalf("got %+v", c)
		}
	})
	for _, tc := range []struct {
		name  string
		p     db.ComentarioCreateParams
		kind  error
		field string
	}{
		{"201 characters", db.ComentarioCreateParams{UsuarioID: u.ID, PostagemID: p.ID, Texto: strings.Repeat("ç", 201)}, versiona.ErrInvalid, "texto"},
		{"empty texto", db.ComentarioCreateParams{UsuarioID: u.ID, PostagemID: p.ID, Texto: ""}, versiona.ErrInvalid, "texto"},
		{"missing postagem", db.ComentarioCreateParams{UsuarioID: u.ID, PostagemID: p.ID + 1000, Texto: "Oi"}, versiona.ErrNotFound, "postagem_id"},
		{"missing usuario", db.ComentarioCreateParams{UsuarioID: u.ID + 1000, PostagemID: p.ID, Texto: "Oi"}, versiona.ErrNotFound, "usuario_id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := testkit.Count(t, pool, "comentario")
			_, err := s.ComentarioCreate(ctx, tc.p)
			testkit.WantErr(t, err, tc.kind, tc.field)
			if after := testkit.Count(t, pool, "comentario"); after != before {
				t.Fatalf("comentario: %d rows after the failed create, want %d", after, before)
			}
		})
	}
}

func TestService_ComentarioGet(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newService(t)
	u := newUsuario(t, s)
	c := newComentario(t, s, u.ID, newPostagem(t, s, u.ID).ID)

	t.Run("found", func(t *testing.T) {
		got, err := s.ComentarioGet(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got != c {
			t.Fatalf("got %+v, want %+v", got, c)
		}
	})
	t.Run("missing id", func(t *testing.T) {
		_, err := s.ComentarioGet(ctx, c.ID+1000)
		testkit.WantErr(t, err, versiona.ErrNotFound, "id")
	})
}

func TestService_ComentarioList(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newService(t)
	u := newUsuario(t, s)
	p1, p2 := newPostagem(t, s, u.ID), newPostagem(t, s, u.ID)
	var all, onP1 []int64
	for range 4 {
		c := newComentario(t, s, u.ID, p1.ID)
		all, onP1 = append(all, c.ID), append(onP1, c.ID)
		all = append(all, newComentario(t, s, u.ID, p2.ID).ID)
	}

	t.Run("all by id", func(t *testing.T) {
		got := testkit.PageIDs(t, func(after int64) ([]int64, error) {
			cs, err := s.ComentarioList(ctx, after, 3)
			return idsOf(cs, func(c db.Comentario) int64 { return c.ID }), err
		})
		if !slices.Equal(got, all) {
			t.Fatalf("ids %v, want %v", got, all)
		}
	})
	t.Run("by postagem with author", func(t *testing.T) {
		rows, err := s.ComentarioListByPostagem(ctx, p1.ID, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 4 || rows[0].Autor != u.Nome {
			t.Fatalf("got %+v", rows)
		}
		got := testkit.PageIDs(t, func(after int64) ([]int64, error) {
			rs, err := s.ComentarioListByPostagem(ctx, p1.ID, after, 3)
			return idsOf(rs, func(r db.ComentarioListByPostagemRow) int64 { return r.ID }), err
		})
		if !slices.Equal(got, onP1) {
			t.Fatalf("ids %v, want %v", got, onP1)
		}
	})
	t.Run("bad limit", func(t *testing.T) {
		_, err := s.ComentarioList(ctx, 0, 0)
		testkit.WantErr(t, err, versiona.ErrInvalid, "limit")
		_, err = s.ComentarioListByPostagem(ctx, p1.ID, 0, 0)
		testkit.WantErr(t, err, versiona.ErrInvalid, "limit")
	})
}

func TestService_ComentarioUpdate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newService(t)
	u := newUsuario(t, s)
	c := newComentario(t, s, u.ID, newPostagem(t, s, u.ID).ID)

	t.Run("success", func(t *testing.T) {
		got, err := s.ComentarioUpdate(ctx, db.ComentarioUpdateParams{ID: c.ID, Texto: "Corrigido"})
		if err != nil {
			t.Fatal(err)
		}
		if got.Texto != "Corrigido" || got.ID != c.ID {
			t.Fatalf("got %+v", got)
		}
	})
	t.Run("missing id", func(t *testing.T) {
		_, err := s.ComentarioUpdate(ctx, db.ComentarioUpdateParams{ID: c.ID + 1000, Texto: "X"})
		testkit.WantErr(t, err, versiona.ErrNotFound, "id")
	})
	t.Run("201 characters", func(t *testing.T) {
		_, err := s.ComentarioUpdate(ctx, db.ComentarioUpdateParams{ID: c.ID, Texto: strings.Repeat("é", 201)})
		testkit.WantErr(t, err, versiona.ErrInvalid, "texto")
	})
}

func TestService_ComentarioDelete(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, pool := newService(t)
	u := newUsuario(t, s)
	c := newComentario(t, s, u.ID, newPostagem(t, s, u.ID).ID)

	t.Run("success", func(t *testing.T) {
		if err := s.ComentarioDelete(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
		if n := testkit.Count(t, pool, "comentario"); n != 0 {
			t.Fatalf("comentario: %d rows, want 0", n)
		}
	})
	t.Run("missing id", func(t *testing.T) {
		gone := newComentario(t, s, u.ID, newPostagem(t, s, u.ID).ID)
		if err := s.ComentarioDelete(ctx, gone.ID); err != nil {
			t.Fatal(err)
		}
		testkit.WantErr(t, s.ComentarioDelete(ctx, gone.ID), versiona.ErrNotFound, "id")
	})
}

func idsOf[T any](rows []T, id func(T) int64) []int64 {
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = id(r)
	}
	return ids
}
