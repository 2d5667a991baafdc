package liveload

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"ariga.io/atlas/sql/migrate"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/versiona/versiona"
	"github.com/versiona/versiona/internal/dbtest"
	"github.com/versiona/versiona/internal/migration"
)

var rows = flag.Int("liveload.rows", 1_000_000, "comentario rows in the table the migration changes")

func TestMain(m *testing.M) { dbtest.Main(m, dbtest.Migrated) }

// writers is how many connections insert comentarios during a migration.
const writers = 4

// change is what the migration adds to comentario, a table that holds
// rows: an index on criado_em and a CHECK on texto. Both plans of it are
// written by Diff from schema.sql with these lines added: the plain one
// (DiffOptions.Plain), and the online-safe one Diff writes by default.
const change = `
CREATE INDEX comentario_criado_em_idx ON comentario (criado_em);
ALTER TABLE comentario ADD CONSTRAINT comentario_texto_sem_nul CHECK (strpos(texto, chr(1)) = 0);
`

// plans are the two ways to run change, by name.
var plans = []struct {
	name  string
	plain bool
}{{"plain", true}, {"online", false}}

// BenchmarkLiveMigration runs each plan on its own copy of a database
// holding -liveload.rows comentarios while 4 connections insert comentarios
// without pause, and reports the latency of the inserts that overlapped the
// migration (p50, p99, max, in ms), their rate, and how long the migration
// took. A blocked writer records one slow insert, not many: the rate shows
// how much work a blocking plan held back.
//
//	go test -run '^$' -bench LiveMigration -benchtime 1x -timeout 30m ./internal/liveload
func BenchmarkLiveMigration(b *testing.B) {
	ctx := context.Background()
	seeded := seed(b, *rows)
	for _, plan := range plans {
		b.Run(plan.name, func(b *testing.B) {
			dir := diffed(b, plan.plain) // read only: every run applies it
			var all []time.Duration
			var took time.Duration
			for range b.N {
				url := clone(b, seeded)
				lat, d := underLoad(b, ctx, url, func() error { return migration.ApplyAll(ctx, url, dir) })
				all = append(all, lat...)
				took += d
			}
			p50, p99, maxLat := summary(all)
			b.ReportMetric(0, "ns/op")
			b.ReportMetric(ms(p50), "p50-ms")
			b.ReportMetric(ms(p99), "p99-ms")
			b.ReportMetric(ms(maxLat), "max-ms")
			b.ReportMetric(ms(took)/float64(b.N), "migration-ms")
			b.ReportMetric(float64(len(all))/took.Seconds(), "inserts/s")
		})
	}
}

// TestUnderLoad_PlansReachTheSameSchema checks on a small table that both
// plans Diff writes apply cleanly under load and leave the same index and
// constraint, valid, read from the catalog.
func TestUnderLoad_PlansReachTheSameSchema(t *testing.T) {
	ctx := context.Background()
	seeded := seed(t, 5_000)
	for _, plan := range plans {
		t.Run(plan.name, func(t *testing.T) {
			url := clone(t, seeded)
			dir := diffed(t, plan.plain)
			lat, _ := underLoad(t, ctx, url, func() error { return migration.ApplyAll(ctx, url, dir) })
			if len(lat) == 0 {
				t.Fatal("no insert ran during the migration")
			}
			conn, err := pgx.Connect(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close(ctx)
			var indexValid, checkValid bool
			err = conn.QueryRow(ctx, `SELECT
  (SELECT indisvalid FROM pg_index WHERE indexrelid = 'comentario_criado_em_idx'::regclass),
  (SELECT convalidated FROM pg_constraint WHERE conname = 'comentario_texto_sem_nul')`).Scan(&indexValid, &checkValid)
			if err != nil {
				t.Fatal(err)
			}
			if !indexValid || !checkValid {
				t.Fatalf("index valid %v, check validated %v; want both", indexValid, checkValid)
			}
		})
	}
}

// seed returns the name of a database holding n comentarios over 1,000
// usuarios and 10,000 postagens, analysed, with no connection left open.
func seed(tb testing.TB, n int) string {
	tb.Helper()
	ctx := context.Background()
	url := dbtest.URL(tb)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		tb.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, q := range []string{
		`INSERT INTO usuarios (nome, email) SELECT 'usuario ' || i, 'u' || i || '@example.com' FROM generate_series(1, 1000) i`,
		`INSERT INTO postagens (usuario_id, titulo, conteudo) SELECT 1 + i % 1000, 'titulo ' || i, 'conteudo' FROM generate_series(1, 10000) i`,
		fmt.Sprintf(`INSERT INTO comentario (usuario_id, postagem_id, texto, criado_em)
SELECT 1 + i %% 1000, 1 + i %% 10000, 'comentario ' || i, now() - i * interval '1 second' FROM generate_series(1, %d) i`, n),
		`VACUUM ANALYZE`,
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			tb.Fatalf("seeding: %v", err)
		}
	}
	return conn.Config().Database
}

// clone returns the URL of a copy of database src, dropped at the end.
func clone(tb testing.TB, src string) string {
	tb.Helper()
	ctx := context.Background()
	name := fmt.Sprintf("%s_c%d", src, time.Now().UnixNano())
	admin := func(sql string) error {
		conn, err := pgx.Connect(ctx, dbtest.ServerURL(tb, "postgres"))
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, sql)
		return err
	}
	if err := admin("CREATE DATABASE " + pgx.Identifier{name}.Sanitize() + " TEMPLATE " + pgx.Identifier{src}.Sanitize()); err != nil {
		tb.Fatalf("copying the seeded database: %v", err)
	}
	tb.Cleanup(func() {
		if err := admin("DROP DATABASE IF EXISTS " + pgx.Identifier{name}.Sanitize() + " WITH (FORCE)"); err != nil {
			tb.Errorf("dropping %s: %v", name, err)
		}
	})
	return dbtest.ServerURL(tb, name)
}

// diffed returns the project's migrations followed by the files Diff
// writes for change, in the plain form or the online-safe one. It fails
// unless the plain form is one transactional file and the online-safe one
// adds a transactional file and a txmode none file that builds the index
// CONCURRENTLY.
func diffed(tb testing.TB, plain bool) migrate.Dir {
	tb.Helper()
	dir, err := migration.DirFS(versiona.Migrations)
	if err != nil {
		tb.Fatal(err)
	}
	schemaPath := filepath.Join(tb.TempDir(), "schema.sql")
	if err := os.WriteFile(schemaPath, []byte(versiona.Schema+change), 0o644); err != nil {
		tb.Fatal(err)
	}
	p := &migration.Project{Dir: dir, Schema: schemaPath, DevURL: dbtest.ServerURL(tb, "postgres")}
	res, err := p.Diff(context.Background(), "live", migration.DiffOptions{Plain: plain})
	if err != nil {
		tb.Fatalf("planning the change: %v", err)
	}
	for _, f := range res.Files {
		tb.Logf("%s plan, %s:\n%s", map[bool]string{true: "plain", false: "online"}[plain], f.Name, f.SQL)
	}
	switch {
	case plain && (len(res.Files) != 1 || strings.Contains(res.SQL, "CONCURRENTLY")):
		tb.Fatalf("plain plan: %d file(s); want one without CONCURRENTLY", len(res.Files))
	case !plain && (len(res.Files) != 2 || res.Files[1].Transactional || !strings.Contains(res.Files[1].SQL, "CREATE INDEX CONCURRENTLY")):
		tb.Fatalf("online plan: %d file(s); want a second, txmode none, building the index CONCURRENTLY", len(res.Files))
	}
	return dir
}

// underLoad runs migrate while writers connections insert comentarios
// without pause, and returns the latencies of the inserts that overlapped
// it and how long it took.
func underLoad(tb testing.TB, ctx context.Context, url string, migrate func() error) ([]time.Duration, time.Duration) {
	tb.Helper()
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		tb.Fatal(err)
	}
	defer pool.Close()
	type sample struct {
		start time.Time
		d     time.Duration
	}
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		samples []sample
		errs    []error
	)
	stop := make(chan struct{})
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				start := time.Now()
				_, err := pool.Exec(ctx, `INSERT INTO comentario (usuario_id, postagem_id, texto) VALUES ($1, $2, $3)`,
					1+(w*7919+i)%1000, 1+(w*104729+i)%10000, "comentario ao vivo")
				d := time.Since(start)
				mu.Lock()
				if err != nil {
					errs = append(errs, err)
				}
				samples = append(samples, sample{start, d})
				mu.Unlock()
			}
		}()
	}
	time.Sleep(300 * time.Millisecond) // let the writers reach a steady pace
	from := time.Now()
	merr := migrate()
	to := time.Now()
	close(stop)
	wg.Wait()
	if merr != nil {
		tb.Fatalf("migration under load: %v", merr)
	}
	if len(errs) > 0 {
		tb.Fatalf("%d insert(s) failed during the migration, first: %v", len(errs), errs[0])
	}
	var lat []time.Duration
	for _, s := range samples {
		if s.start.Add(s.d).After(from) && s.start.Before(to) {
			lat = append(lat, s.d)
		}
	}
	return lat, to.Sub(from)
}

// summary returns the median, 99th percentile and maximum of lat.
func summary(lat []time.Duration) (p50, p99, maxLat time.Duration) {
	if len(lat) == 0 {
		return 0, 0, 0
	}
	s := slices.Clone(lat)
	slices.Sort(s)
	at := func(q float64) time.Duration { return s[min(len(s)-1, int(q*float64(len(s))))] }
	return at(0.50), at(0.99), s[len(s)-1]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
