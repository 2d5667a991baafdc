package blog_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// bulkScale sizes the bulk-load benchmark: 20 times the demo's default
// volume, 4,000 usuarios, 20,000 postagens and 200,000 comentarios
// (224,000 rows), enough for index and key checks to dominate while a load
// takes seconds.
const bulkScale = 20

// BenchmarkBulkLoad loads the same rows into a fresh migrated database in
// several ways and reports rows per second (rows/s, all three tables):
// through the generated COPY code (pgx binary COPY, "pgx/…") and through
// `psql --single-transaction` with `\copy` from CSV files written by the
// benchmark ("psql/…"), the floor. Every load is checked afterwards: all
// rows present, every foreign key validated, every index valid.
//
// "constraints-in-place" copies into the tables as the migrations leave them;
// "deferred" drops each table's foreign keys and non-unique indexes in the
// load's transaction, copies, then rebuilds the indexes and re-adds the keys
// (which checks every row in one join), before committing.
//
// The "interleaved" run alternates the chosen plan with psql, on the same
// data, and reports the ratios that docs/benchmarks.md quotes (target ≥ 0.8).
func BenchmarkBulkLoad(b *testing.B) {
	psql, err := exec.LookPath("psql")
	if err != nil {
		b.Skip("psql not found")
	}
	ctx := context.Background()
	d := newBlogData(bulkScale)
	dir := b.TempDir()
	paths, err := d.writeCSV(dir)
	if err != nil {
		b.Fatal(err)
	}

	inPlace := loadPlan{batch: 50_000}
	deferred := loadPlan{deferIndexes: true, deferForeignKeys: true, batch: 50_000}

	url, _ := freshDatabase(b)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	script := func(name string, plan loadPlan) string {
		s, err := psqlScript(ctx, conn, d, plan, paths)
		if err != nil {
			b.Fatal(err)
		}
		path := filepath.Join(dir, name+".sql")
		if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
			b.Fatal(err)
		}
		return path
	}
	psqlInPlace, psqlDeferred := script("in-place", inPlace), script("deferred", deferred)
	conn.Close(ctx)

	type loader func(url string) error
	viaPgx := func(plan loadPlan) loader {
		return func(url string) error {
			conn, err := pgx.Connect(ctx, url)
			if err != nil {
				return err
			}
			defer conn.Close(ctx)
			return load(ctx, conn, d, plan)
		}
	}
	viaPsql := func(script string) loader {
		return func(url string) error {
			out, err := exec.CommandContext(ctx, psql, "-X", "-q", "-v", "ON_ERROR_STOP=1",
				"--single-transaction", "-d", url, "-f", script).CombinedOutput()
			if err != nil {
				b.Logf("psql: %s", out)
			}
			return err
		}
	}

	// timed runs one load on a fresh database, checks it, and returns the
	// time the load took; database creation and checks are off the clock.
	timed := func(b *testing.B, load loader) time.Duration {
		b.StopTimer()
		defer b.StartTimer()
		url, state := freshDatabase(b)
		b.StartTimer()
		start := time.Now()
		err := load(url)
		elapsed := time.Since(start)
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		checkLoaded(b, url, d, state)
		return elapsed
	}
	rate := func(total time.Duration, n int) float64 {
		return float64(d.rows()*n) / total.Seconds()
	}

	for _, v := range []struct {
		name string
		load loader
	}{
		{"psql/constraints-in-place", viaPsql(psqlInPlace)},
		{"psql/deferred", viaPsql(psqlDeferred)},
		{"pgx/constraints-in-place", viaPgx(inPlace)},
		{"pgx/constraints-in-place/tx-per-batch", viaPgx(loadPlan{batch: 50_000, txPerBatch: true})},
		{"pgx/deferred-indexes-only", viaPgx(loadPlan{deferIndexes: true, batch: 50_000})},
		{"pgx/deferred-foreign-keys-only", viaPgx(loadPlan{deferForeignKeys: true, batch: 50_000})},
		{"pgx/deferred/batch=10000", viaPgx(loadPlan{deferIndexes: true, deferForeignKeys: true, batch: 10_000})},
		{"pgx/deferred/batch=50000", viaPgx(deferred)},
		{"pgx/deferred/batch=all", viaPgx(loadPlan{deferIndexes: true, deferForeignKeys: true})},
	} {
		b.Run(v.name, func(b *testing.B) {
			var total time.Duration
			for range b.N {
				total += timed(b, v.load)
			}
			b.ReportMetric(rate(total, b.N), "rows/s")
		})
	}

	b.Run("interleaved", func(b *testing.B) {
		loads := []loader{viaPgx(deferred), viaPsql(psqlDeferred), viaPgx(inPlace), viaPsql(psqlInPlace)}
		totals := make([]time.Duration, len(loads))
		for i := range b.N {
			for j := range loads {
				k := (i + j) % len(loads) // rotate who goes first
				totals[k] += timed(b, loads[k])
			}
		}
		pgxDeferred, psqlDeferred := rate(totals[0], b.N), rate(totals[1], b.N)
		pgxInPlace, psqlInPlace := rate(totals[2], b.N), rate(totals[3], b.N)
		b.ReportMetric(0, "ns/op")
		b.ReportMetric(pgxDeferred, "pgx-deferred-rows/s")
		b.ReportMetric(psqlDeferred, "psql-deferred-rows/s")
		b.ReportMetric(pgxInPlace, "pgx-in-place-rows/s")
		b.ReportMetric(psqlInPlace, "psql-in-place-rows/s")
		b.ReportMetric(pgxDeferred/psqlDeferred, "x-psql-same-plan")
		b.ReportMetric(pgxDeferred/psqlInPlace, "x-psql-plain-copy")
		b.ReportMetric(pgxInPlace/psqlInPlace, "x-psql-in-place")
	})
}
