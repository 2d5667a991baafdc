package blog_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/versiona/versiona/blog"
	"github.com/versiona/versiona/db"
)

// pageScales are the data volumes of BenchmarkPages, in multiples of the
// demo's default (200 usuarios, 1,000 postagens, 10,000 comentarios).
var pageScales = []int{1, 10, 100}

const pageSize = 20

// feedOffsetSQL is the feed page reached by skipping rows instead of by a
// cursor.
const feedOffsetSQL = `SELECT p.id, p.usuario_id, p.titulo, p.criado_em, p.atualizado_em, u.nome,
       (SELECT count(*) FROM comentario c WHERE c.postagem_id = p.id)
FROM postagens p
JOIN usuarios u ON u.id = p.usuario_id
ORDER BY p.criado_em DESC, p.id DESC
OFFSET $1 LIMIT $2`

// commentsOffsetSQL is the comments page reached by skipping rows.
const commentsOffsetSQL = `SELECT c.id, c.usuario_id, c.postagem_id, c.texto, c.criado_em, u.nome
FROM comentario c
JOIN usuarios u ON u.id = c.usuario_id
WHERE c.postagem_id = $1
ORDER BY c.id
OFFSET $2 LIMIT $3`

// pageDB is one loaded database of BenchmarkPages and the page positions
// it is read at.
type pageDB struct {
	scale int
	pool  *pgxpool.Pool
	svc   *blog.Service

	feedDepth   int             // postagens before the feed page (newest first)
	feedCursor  blog.FeedCursor // the last of them
	popular     int64           // the postagem whose comments are paged
	commDepth   int             // its comentarios before the comments page
	commAfterID int64           // the last of them
}

// BenchmarkPages reads a feed page and a comments page deep in the data at
// 1×, 10× and 100× the demo's default volume: with keyset pagination
// through the domain calls (blog.Service.PostagemFeed with a cursor,
// ComentarioListByPostagem after an id) and, for comparison, the same page
// reached with OFFSET. The feed page starts after 90 % of the postagens; the
// comments page after 80 % of the comentarios of the postagem that gets one
// comentario in a hundred (80 at 1×, 8,000 at 100×).
//
// Each scale is loaded once, with the deferred bulk-load plan, then
// vacuumed and analysed, before any timing. Each sub-benchmark rotates the
// three scales call by call, so that load on the machine weighs on them
// alike, and reports each scale's median latency (sec-Nx) and its ratio to
// 1× (x-Nx-vs-1x; target ≤ 1.3 for keyset pages).
//
// With VERSIONA_BENCH_EXPLAIN set to a directory, the plans of the four
// queries at each scale (EXPLAIN (ANALYZE, BUFFERS)) are written there.
func BenchmarkPages(b *testing.B) {
	ctx := context.Background()
	dbs := make([]*pageDB, len(pageScales))
	for i, scale := range pageScales {
		dbs[i] = loadPageDB(b, scale)
	}
	if dir := os.Getenv("VERSIONA_BENCH_EXPLAIN"); dir != "" {
		for _, p := range dbs {
			p.explain(b, dir)
		}
	}

	queries := []struct {
		name string
		run  func(p *pageDB) error
	}{
		{"feed/keyset", func(p *pageDB) error {
			page, err := p.svc.PostagemFeed(ctx, &p.feedCursor, pageSize)
			return wantRows(len(page), err)
		}},
		{"feed/offset", func(p *pageDB) error {
			rows, err := p.pool.Query(ctx, feedOffsetSQL, p.feedDepth, pageSize)
			if err != nil {
				return err
			}
			page, err := pgx.CollectRows(rows, pgx.RowToStructByPos[db.PostagemFeedRow])
			return wantRows(len(page), err)
		}},
		{"comments/keyset", func(p *pageDB) error {
			page, err := p.svc.ComentarioListByPostagem(ctx, p.popular, p.commAfterID, pageSize)
			return wantRows(len(page), err)
		}},
		{"comments/offset", func(p *pageDB) error {
			rows, err := p.pool.Query(ctx, commentsOffsetSQL, p.popular, p.commDepth, pageSize)
			if err != nil {
				return err
			}
			page, err := pgx.CollectRows(rows, pgx.RowToStructByPos[db.ComentarioListByPostagemRow])
			return wantRows(len(page), err)
		}},
	}

	// Both ways of reaching a page must return the same rows.
	for _, p := range dbs {
		p.checkSamePages(b)
	}

	for _, q := range queries {
		b.Run(q.name, func(b *testing.B) {
			times := make([][]time.Duration, len(dbs))
			for i := 0; b.Loop(); i++ {
				for j := range dbs {
					k := (i + j) % len(dbs)
					start := time.Now()
					if err := q.run(dbs[k]); err != nil {
						b.Fatal(err)
					}
					times[k] = append(times[k], time.Since(start))
				}
			}
			base := median(times[0])
			b.ReportMetric(0, "ns/op") // three calls per op: the medians say more
			for k, p := range dbs {
				m := median(times[k])
				b.ReportMetric(float64(m.Nanoseconds()), fmt.Sprintf("ns-%dx", p.scale))
				if k > 0 {
					b.ReportMetric(float64(m)/float64(base), fmt.Sprintf("x-%dx-vs-1x", p.scale))
				}
			}
		})
	}
}

func wantRows(n int, err error) error {
	if err == nil && n != pageSize {
		err = fmt.Errorf("page of %d rows, want %d", n, pageSize)
	}
	return err
}

// loadPageDB loads the blog of scale into a fresh database and finds the
// pages to read.
func loadPageDB(b *testing.B, scale int) *pageDB {
	b.Helper()
	ctx := context.Background()
	d := newBlogData(scale)
	url, state := freshDatabase(b)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	if err := load(ctx, conn, d, loadPlan{deferIndexes: true, deferForeignKeys: true, batch: 50_000}); err != nil {
		b.Fatal(err)
	}
	checkLoaded(b, url, d, state)
	// What autovacuum would reach: statistics, and a visibility map that
	// lets the comment counts be read from the index alone.
	if _, err := conn.Exec(ctx, "VACUUM (ANALYZE) usuarios, postagens, comentario"); err != nil {
		b.Fatal(err)
	}

	p := &pageDB{scale: scale, popular: d.popular, feedDepth: len(d.postagens) * 9 / 10}
	err = conn.QueryRow(ctx, "SELECT criado_em, id FROM postagens ORDER BY criado_em DESC, id DESC OFFSET $1 LIMIT 1",
		p.feedDepth-1).Scan(&p.feedCursor.CriadoEm, &p.feedCursor.ID)
	if err != nil {
		b.Fatal(err)
	}
	var n int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM comentario WHERE postagem_id = $1", p.popular).Scan(&n); err != nil {
		b.Fatal(err)
	}
	p.commDepth = n * 8 / 10
	if n-p.commDepth < pageSize {
		b.Fatalf("postagem %d has %d comentarios: no full page after %d", p.popular, n, p.commDepth)
	}
	err = conn.QueryRow(ctx, "SELECT id FROM comentario WHERE postagem_id = $1 ORDER BY id OFFSET $2 LIMIT 1",
		p.popular, p.commDepth-1).Scan(&p.commAfterID)
	if err != nil {
		b.Fatal(err)
	}

	if p.pool, err = pgxpool.New(ctx, url); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(p.pool.Close)
	p.svc = blog.New(p.pool)
	return p
}

// checkSamePages fails b unless keyset and OFFSET reach the same rows.
func (p *pageDB) checkSamePages(b *testing.B) {
	b.Helper()
	ctx := context.Background()
	ids := func(sql string, args ...any) []int64 {
		rows, err := p.pool.Query(ctx, sql, args...)
		if err != nil {
			b.Fatal(err)
		}
		var out []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				b.Fatal(err)
			}
			out = append(out, id)
		}
		if err := rows.Err(); err != nil {
			b.Fatal(err)
		}
		return out
	}
	feed, err := p.svc.PostagemFeed(ctx, &p.feedCursor, pageSize)
	if err != nil {
		b.Fatal(err)
	}
	var keyset []int64
	for _, r := range feed {
		keyset = append(keyset, r.ID)
	}
	offset := ids("SELECT id FROM ("+feedOffsetSQL+") page", p.feedDepth, pageSize)
	if !slices.Equal(keyset, offset) || len(keyset) != pageSize {
		b.Fatalf("scale %d: feed page by cursor %v, by OFFSET %v", p.scale, keyset, offset)
	}
	comments, err := p.svc.ComentarioListByPostagem(ctx, p.popular, p.commAfterID, pageSize)
	if err != nil {
		b.Fatal(err)
	}
	keyset = keyset[:0]
	for _, r := range comments {
		keyset = append(keyset, r.ID)
	}
	offset = ids("SELECT id FROM ("+commentsOffsetSQL+") page", p.popular, p.commDepth, pageSize)
	if !slices.Equal(keyset, offset) || len(keyset) != pageSize {
		b.Fatalf("scale %d: comments page after id %v, by OFFSET %v", p.scale, keyset, offset)
	}
}

// explain writes the plans of the four page queries at p's scale into dir.
func (p *pageDB) explain(b *testing.B, dir string) {
	b.Helper()
	ctx := context.Background()
	var out strings.Builder
	for _, q := range []struct {
		name, sql string
		args      []any
	}{
		{"feed/keyset", feedSQL, []any{p.feedCursor.CriadoEm, p.feedCursor.ID, int32(pageSize)}},
		{"feed/offset", feedOffsetSQL, []any{p.feedDepth, pageSize}},
		{"comments/keyset", commentsSQL, []any{p.popular, p.commAfterID, int32(pageSize)}},
		{"comments/offset", commentsOffsetSQL, []any{p.popular, p.commDepth, pageSize}},
	} {
		// Warm the cache as the benchmark loop does, then explain.
		for range 3 {
			rows, err := p.pool.Query(ctx, q.sql, q.args...)
			if err != nil {
				b.Fatal(err)
			}
			rows.Close()
		}
		rows, err := p.pool.Query(ctx, "EXPLAIN (ANALYZE, BUFFERS) "+q.sql, q.args...)
		if err != nil {
			b.Fatal(err)
		}
		lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			b.Fatal(err)
		}
		fmt.Fprintf(&out, "-- %s, scale %d\n%s\n\n", q.name, p.scale, strings.Join(lines, "\n"))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("explain-scale-%d.txt", p.scale)), []byte(out.String()), 0o644); err != nil {
		b.Fatal(err)
	}
}
