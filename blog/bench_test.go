package blog_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/versiona/versiona/blog"
	"github.com/versiona/versiona/db"
)

// The benchmarks compare each domain call ("domain") with the same SQL sent
// through raw pgx ("raw pgx"), the floor, on the same pool in the same run:
//
//	go test ./blog -run '^$' -bench . -count 5
//
// On a loaded machine the two separate runs drift apart; the "interleaved"
// run alternates the two calls and reports their medians and the domain's
// overhead in percent, which is the figure to quote.

// compare runs domain and raw as sub-benchmarks "domain", "raw pgx" and
// "interleaved".
func compare(b *testing.B, domain, raw func() error) {
	b.Run("domain", func(b *testing.B) {
		for b.Loop() {
			if err := domain(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("raw pgx", func(b *testing.B) {
		for b.Loop() {
			if err := raw(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("interleaved", func(b *testing.B) {
		var td, tr []time.Duration
		timed := func(f func() error, into *[]time.Duration) {
			start := time.Now()
			if err := f(); err != nil {
				b.Fatal(err)
			}
			*into = append(*into, time.Since(start))
		}
		for i := 0; b.Loop(); i++ {
			if i%2 == 0 {
				timed(domain, &td)
				timed(raw, &tr)
			} else {
				timed(raw, &tr)
				timed(domain, &td)
			}
		}
		md, mr := median(td), median(tr)
		b.ReportMetric(float64(md.Nanoseconds()), "domain-ns")
		b.ReportMetric(float64(mr.Nanoseconds()), "raw-ns")
		b.ReportMetric(100*(float64(md)/float64(mr)-1), "overhead-%")
	})
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	return ds[len(ds)/2]
}

// benchData seeds usuarios, postagens and comentarios and returns a usuario
// and a postagem that has 100 comentarios.
func benchData(b *testing.B) (*blog.Service, *pgxpool.Pool, db.Usuario, db.Postagem) {
	b.Helper()
	ctx := context.Background()
	s, pool := newService(b)
	q := db.New(pool)
	users := make([]db.UsuarioCreateManyParams, 100)
	for i := range users {
		users[i] = db.UsuarioCreateManyParams{Nome: fmt.Sprintf("Usuária %d", i), Email: fmt.Sprintf("u%d@example.com", i), CriadoEm: time.Now()}
	}
	if _, err := q.UsuarioCreateMany(ctx, users); err != nil {
		b.Fatal(err)
	}
	u := newUsuario(b, s)
	base := time.Now().Add(-24 * time.Hour)
	posts := make([]db.PostagemCreateManyParams, 2000)
	for i := range posts {
		at := base.Add(time.Duration(i) * time.Second)
		posts[i] = db.PostagemCreateManyParams{UsuarioID: u.ID, Titulo: fmt.Sprintf("Postagem %d", i), Conteudo: "Texto", CriadoEm: at, AtualizadoEm: at}
	}
	if _, err := q.PostagemCreateMany(ctx, posts); err != nil {
		b.Fatal(err)
	}
	p := newPostagem(b, s, u.ID)
	comments := make([]db.ComentarioCreateManyParams, 0, 5000)
	for i := range 5000 {
		pid := p.ID
		if i >= 100 {
			pid = p.ID - 1 - int64(i%1000)
		}
		comments = append(comments, db.ComentarioCreateManyParams{UsuarioID: u.ID, PostagemID: pid, Texto: "Comentário", CriadoEm: time.Now()})
	}
	if _, err := q.ComentarioCreateMany(ctx, comments); err != nil {
		b.Fatal(err)
	}
	if _, err := pool.Exec(ctx, "ANALYZE"); err != nil {
		b.Fatal(err)
	}
	return s, pool, u, p
}

func BenchmarkUsuarioGet(b *testing.B) {
	ctx := context.Background()
	s, pool, u, _ := benchData(b)
	compare(b, func() error {
		_, err := s.UsuarioGet(ctx, u.ID)
		return err
	}, func() error {
		var r db.Usuario
		return pool.QueryRow(ctx, "SELECT id, nome, email, criado_em FROM usuarios WHERE id = $1", u.ID).
			Scan(&r.ID, &r.Nome, &r.Email, &r.CriadoEm)
	})
}

func BenchmarkComentarioCreate(b *testing.B) {
	ctx := context.Background()
	s, pool, u, p := benchData(b)
	compare(b, func() error {
		_, err := s.ComentarioCreate(ctx, db.ComentarioCreateParams{UsuarioID: u.ID, PostagemID: p.ID, Texto: "Muito bom, obrigado!"})
		return err
	}, func() error {
		var c db.Comentario
		return pool.QueryRow(ctx,
			"INSERT INTO comentario (usuario_id, postagem_id, texto) VALUES ($1, $2, $3) RETURNING id, usuario_id, postagem_id, texto, criado_em",
			u.ID, p.ID, "Muito bom, obrigado!").
			Scan(&c.ID, &c.UsuarioID, &c.PostagemID, &c.Texto, &c.CriadoEm)
	})
}

const feedSQL = `SELECT p.id, p.usuario_id, p.titulo, p.criado_em, p.atualizado_em, u.nome,
       (SELECT count(*) FROM comentario c WHERE c.postagem_id = p.id)
FROM postagens p
JOIN usuarios u ON u.id = p.usuario_id
WHERE (p.criado_em, p.id) < (coalesce($1::timestamptz, 'infinity'), coalesce($2::bigint, 9223372036854775807))
ORDER BY p.criado_em DESC, p.id DESC
LIMIT $3`

func BenchmarkPostagemFeed(b *testing.B) {
	ctx := context.Background()
	s, pool, _, _ := benchData(b)
	// A page from the middle of the feed, found without running either
	// statement so that both start with the same plan cache history.
	var cursor blog.FeedCursor
	err := pool.QueryRow(ctx, "SELECT criado_em, id FROM postagens ORDER BY criado_em DESC, id DESC OFFSET 500 LIMIT 1").
		Scan(&cursor.CriadoEm, &cursor.ID)
	if err != nil {
		b.Fatal(err)
	}
	compare(b, func() error {
		page, err := s.PostagemFeed(ctx, &cursor, 20)
		if err == nil && len(page) != 20 {
			err = fmt.Errorf("%d rows", len(page))
		}
		return err
	}, func() error {
		rows, err := pool.Query(ctx, feedSQL, &cursor.CriadoEm, &cursor.ID, int32(20))
		if err != nil {
			return err
		}
		var page []db.PostagemFeedRow
		for rows.Next() {
			var r db.PostagemFeedRow
			if err := rows.Scan(&r.ID, &r.UsuarioID, &r.Titulo, &r.CriadoEm, &r.AtualizadoEm, &r.Autor, &r.Comentarios); err != nil {
				return err
			}
			page = append(page, r)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if len(page) != 20 {
			return fmt.Errorf("%d rows", len(page))
		}
		return nil
	})
}

const commentsSQL = `SELECT c.id, c.usuario_id, c.postagem_id, c.texto, c.criado_em, u.nome
FROM comentario c
JOIN usuarios u ON u.id = c.usuario_id
WHERE c.postagem_id = $1 AND c.id > $2
ORDER BY c.id
LIMIT $3`

func BenchmarkComentarioListByPostagem(b *testing.B) {
	ctx := context.Background()
	s, pool, _, p := benchData(b)
	compare(b, func() error {
		page, err := s.ComentarioListByPostagem(ctx, p.ID, 0, 20)
		if err == nil && len(page) != 20 {
			err = fmt.Errorf("%d rows", len(page))
		}
		return err
	}, func() error {
		rows, err := pool.Query(ctx, commentsSQL, p.ID, int64(0), int32(20))
		if err != nil {
			return err
		}
		var page []db.ComentarioListByPostagemRow
		for rows.Next() {
			var r db.ComentarioListByPostagemRow
			if err := rows.Scan(&r.ID, &r.UsuarioID, &r.PostagemID, &r.Texto, &r.CriadoEm, &r.Autor); err != nil {
				return err
			}
			page = append(page, r)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if len(page) != 20 {
			return fmt.Errorf("%d rows", len(page))
		}
		return nil
	})
}
