package migration_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/versiona/versiona/internal/dbtest"
	"github.com/versiona/versiona/internal/migration"
)

// BenchmarkApply measures applying the three-file history on an empty
// database against psql running the same files in one transaction (the
// floor), and an apply with nothing pending (target ≤ 50 ms):
//
//	go test -run '^$' -bench . -benchtime 30x ./internal/migration
func BenchmarkApply(b *testing.B) {
	ctx := context.Background()
	p, path := withHistory(b)
	var files []string
	for _, f := range sqlFiles(b, path) {
		files = append(files, filepath.Join(path, f))
	}

	// Both run on fresh databases, interleaved, so load on the machine
	// weighs on them alike; the ratio is the figure to watch (target ≤ 1.5).
	b.Run("empty-to-head-vs-psql", func(b *testing.B) {
		psql, err := exec.LookPath("psql")
		if err != nil {
			b.Skip("psql not found")
		}
		var migrateTime, psqlTime time.Duration
		b.StopTimer()
		for range b.N {
			url := dbtest.URL(b)
			start := time.Now()
			if _, err := p.Apply(ctx, url, migration.ApplyOptions{}); err != nil {
				b.Fatal(err)
			}
			migrateTime += time.Since(start)

			args := []string{"--single-transaction", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", dbtest.URL(b)}
			for _, f := range files {
				args = append(args, "-f", f)
			}
			cmd := exec.Command(psql, args...)
			start = time.Now()
			if out, err := cmd.CombinedOutput(); err != nil {
				b.Fatalf("psql: %v\n%s", err, out)
			}
			psqlTime += time.Since(start)
		}
		n := float64(b.N)
		b.ReportMetric(0, "ns/op")
		b.ReportMetric(float64(migrateTime.Milliseconds())/n, "migrate-ms/op")
		b.ReportMetric(float64(psqlTime.Milliseconds())/n, "psql-ms/op")
		b.ReportMetric(float64(migrateTime)/float64(psqlTime), "x-psql")
	})

	b.Run("migrate/nothing-pending", func(b *testing.B) {
		url := dbtest.URL(b)
		if _, err := p.Apply(ctx, url, migration.ApplyOptions{}); err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for range b.N {
			res, err := p.Apply(ctx, url, migration.ApplyOptions{})
			if err != nil || len(res.Applied) != 0 {
				b.Fatalf("apply = %+v, %v", res, err)
			}
		}
	})
}

// BenchmarkConnect is the floor under an apply with nothing pending: opening
// a connection to the same server and running one query.
func BenchmarkConnect(b *testing.B) {
	ctx := context.Background()
	url := dbtest.URL(b)
	for range b.N {
		db, err := sql.Open("pgx", url)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, "SELECT 1"); err != nil {
			b.Fatal(err)
		}
		db.Close()
	}
}

// BenchmarkDiff measures a diff of the history against its own schema file
// (in sync), with scratch databases on the test server; and the same diff
// with its fingerprint verification on and off, interleaved, so load on the
// machine weighs on both alike (target ratio ≤ 1.2):
//
//	go test -run '^$' -bench Diff -benchtime 10x -count 3 ./internal/migration
func BenchmarkDiff(b *testing.B) {
	p, _ := withHistory(b)
	inSync := timedInSync
	b.Run("in-sync", func(b *testing.B) {
		for range b.N {
			inSync(b, p)
		}
	})
	b.Run("in-sync-verified-vs-unverified", func(b *testing.B) {
		unverified, _ := withHistory(b)
		migration.SkipVerify(unverified, true)
		var on, off time.Duration
		for i := range b.N {
			// Alternate which goes first, so neither always runs on a
			// server the other just warmed.
			if i%2 == 0 {
				on += inSync(b, p)
				off += inSync(b, unverified)
			} else {
				off += inSync(b, unverified)
				on += inSync(b, p)
			}
		}
		n := float64(b.N)
		b.ReportMetric(0, "ns/op")
		b.ReportMetric(float64(on.Milliseconds())/n, "verified-ms/op")
		b.ReportMetric(float64(off.Milliseconds())/n, "unverified-ms/op")
		b.ReportMetric(float64(on)/float64(off), "x-unverified")
	})
}

// BenchmarkDiffRealSchema measures diff --check, in sync, on the largest
// vendored real schema (testdata/real/pagila: about 2,900 lines of pg_dump
// output) against the same check on this project's history, interleaved so
// load on the machine weighs on both alike:
//
//	go test -run '^$' -bench DiffRealSchema -benchtime 10x -count 3 ./internal/migration
func BenchmarkDiffRealSchema(b *testing.B) {
	project, _ := withHistory(b)
	real := realProject(b, "pagila")
	inSync := timedInSync
	var own, other time.Duration
	for i := range b.N {
		if i%2 == 0 {
			own += inSync(b, project)
			other += inSync(b, real)
		} else {
			other += inSync(b, real)
			own += inSync(b, project)
		}
	}
	n := float64(b.N)
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(float64(other.Milliseconds())/n, "pagila-ms/op")
	b.ReportMetric(float64(own.Milliseconds())/n, "versiona-ms/op")
	b.ReportMetric(float64(other)/float64(own), "x-versiona")
}

// timedInSync times one diff --check of p, which must be in sync.
func timedInSync(b *testing.B, p *migration.Project) time.Duration {
	start := time.Now()
	res, err := p.Diff(context.Background(), "", migration.DiffOptions{Check: true})
	if err != nil || !res.InSync() {
		b.Fatalf("diff --check = %+v, %v", res, err)
	}
	return time.Since(start)
}

// realProject returns a project whose schema file is the vendored real
// schema name and whose directory holds the plan diff made of it from
// empty.
func realProject(t testing.TB, name string) *migration.Project {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", "real", name, "schema.sql"))
	if err != nil {
		t.Fatal(err)
	}
	p, _ := newProject(t)
	writeFile(t, p.Schema, string(src))
	res, err := p.Diff(context.Background(), "initial", migration.DiffOptions{})
	if err != nil {
		t.Fatalf("planning %s from empty: %v", name, err)
	}
	if res.InSync() {
		t.Fatalf("planning %s from empty gave nothing", name)
	}
	return p
}

// baseFile is a base migration of n statements: tables with their indexes,
// comments and foreign keys, as a real project's first file holds them.
func baseFile(n int) string {
	var b strings.Builder
	for i := 0; n > 0; i++ {
		fmt.Fprintf(&b, "CREATE TABLE t%d (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, parent_id bigint, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());\n", i)
		fmt.Fprintf(&b, "CREATE INDEX t%d_name_idx ON t%d (name);\n", i, i)
		fmt.Fprintf(&b, "COMMENT ON TABLE t%d IS 'table %d';\n", i, i)
		n -= 3
		if i > 0 && n > 0 {
			fmt.Fprintf(&b, "ALTER TABLE t%d ADD CONSTRAINT t%d_parent_fkey FOREIGN KEY (parent_id) REFERENCES t%d (id);\n", i, i, i-1)
			fmt.Fprintf(&b, "CREATE INDEX t%d_parent_id_idx ON t%d (parent_id);\n", i, i)
			n -= 2
		}
	}
	return b.String()
}

// BenchmarkLint measures lint of one generated base file of 3,000
// statements (target: 3 s and 100 MB on 2 cores), interleaved with psql
// running the same file in one transaction on a fresh database, the floor
// of any check that runs it; the peak heap lint needed, sampled; and lint
// --latest 1 of a one-statement file after that base:
//
//	go test -run '^$' -bench Lint -benchtime 3x -count 3 ./internal/migration
func BenchmarkLint(b *testing.B) {
	ctx := context.Background()
	p, path := newProject(b)
	base := filepath.Join(path, "20260101000000_base.sql")
	writeFile(b, base, baseFile(3000))
	writeFile(b, filepath.Join(path, "20260102000000_next.sql"), "ALTER TABLE t1 ADD COLUMN extra text;\n")
	if err := migration.Rehash(p.Dir); err != nil {
		b.Fatal(err)
	}
	lint := func(b *testing.B, opts migration.LintOptions) (time.Duration, uint64) {
		var peak uint64
		done, sampled := make(chan struct{}), make(chan struct{})
		go func() {
			defer close(sampled)
			var ms runtime.MemStats
			for {
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
				select {
				case <-done:
					return
				case <-time.After(10 * time.Millisecond):
				}
			}
		}()
		start := time.Now()
		if _, err := p.Lint(ctx, opts); err != nil {
			b.Fatal(err)
		}
		took := time.Since(start)
		close(done)
		<-sampled
		return took, peak
	}
	b.Run("base-3000-statements-vs-psql", func(b *testing.B) {
		psql, err := exec.LookPath("psql")
		if err != nil {
			b.Skip("psql not found")
		}
		var lintTime, psqlTime time.Duration
		var peak uint64
		for range b.N {
			took, heap := lint(b, migration.LintOptions{Latest: 2})
			lintTime, peak = lintTime+took, max(peak, heap)
			cmd := exec.Command(psql, "--single-transaction", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", dbtest.URL(b), "-f", base)
			start := time.Now()
			if out, err := cmd.CombinedOutput(); err != nil {
				b.Fatalf("psql: %v\n%s", err, out)
			}
			psqlTime += time.Since(start)
		}
		n := float64(b.N)
		b.ReportMetric(0, "ns/op")
		b.ReportMetric(float64(lintTime.Milliseconds())/n, "lint-ms/op")
		b.ReportMetric(float64(psqlTime.Milliseconds())/n, "psql-ms/op")
		b.ReportMetric(float64(lintTime)/float64(psqlTime), "x-psql")
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	})
	// The inspection lint did before it was scoped, around every
	// statement, against the scoped one, on a file small enough for the
	// old way to finish: 300 statements.
	b.Run("scoped-vs-whole-schema-300-statements", func(b *testing.B) {
		small := func(all bool) *migration.Project {
			q, dir := newProject(b)
			migration.LintInspectAll(q, all)
			writeFile(b, filepath.Join(dir, "20260101000000_base.sql"), baseFile(300))
			if err := migration.Rehash(q.Dir); err != nil {
				b.Fatal(err)
			}
			return q
		}
		scoped, whole := small(false), small(true)
		var scopedTime, wholeTime time.Duration
		for range b.N {
			for _, c := range []struct {
				p *migration.Project
				t *time.Duration
			}{{scoped, &scopedTime}, {whole, &wholeTime}} {
				start := time.Now()
				if _, err := c.p.Lint(ctx, migration.LintOptions{}); err != nil {
					b.Fatal(err)
				}
				*c.t += time.Since(start)
			}
		}
		n := float64(b.N)
		b.ReportMetric(0, "ns/op")
		b.ReportMetric(float64(scopedTime.Milliseconds())/n, "scoped-ms/op")
		b.ReportMetric(float64(wholeTime.Milliseconds())/n, "whole-schema-ms/op")
		b.ReportMetric(float64(wholeTime)/float64(scopedTime), "x-scoped")
	})
	b.Run("latest-1-after-base", func(b *testing.B) {
		var total time.Duration
		for range b.N {
			took, _ := lint(b, migration.LintOptions{Latest: 1})
			total += took
		}
		b.ReportMetric(0, "ns/op")
		b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "lint-ms/op")
	})
}

// BenchmarkCompat measures compat of this repository's queries (every
// table's, 58) across one pending file, interleaved with diff --check of
// the same project, in sync. The release is a git repository holding this
// project's schema.sql, migration history, queries and generated code,
// tagged; the working tree adds a nullable column to postagens, in
// schema.sql and in a new file (the deploy):
//
//	go test -run '^$' -bench Compat -benchtime 5x -count 3 ./internal/migration
func BenchmarkCompat(b *testing.B) {
	ctx := context.Background()
	root := b.TempDir()
	copyTree := func(from, to string) {
		b.Helper()
		if out, err := exec.Command("cp", "-r", from, to).CombinedOutput(); err != nil {
			b.Fatalf("cp %s: %v\n%s", from, err, out)
		}
	}
	copyTree(filepath.Join("..", "..", "db"), filepath.Join(root, "db"))
	copyTree(filepath.Join("..", "..", "queries"), filepath.Join(root, "queries"))
	copyTree(filepath.Join("..", "..", "schema.sql"), filepath.Join(root, "schema.sql"))
	tagRelease(b, root)
	dir, err := migration.OpenDir(filepath.Join(root, "db", "migrations"), false)
	if err != nil {
		b.Fatal(err)
	}
	const added = "ALTER TABLE postagens ADD COLUMN resumo text;\n"
	schema, err := os.ReadFile(filepath.Join(root, "schema.sql"))
	if err != nil {
		b.Fatal(err)
	}
	writeFile(b, filepath.Join(root, "schema.sql"), string(schema)+added)
	writeFile(b, filepath.Join(root, "db", "migrations", "29990101000000_resumo.sql"), added)
	if err := migration.Rehash(dir); err != nil {
		b.Fatal(err)
	}
	p := &migration.Project{Dir: dir, Schema: filepath.Join(root, "schema.sql"), DevURL: dbtest.ServerURL(b, "postgres")}
	var compat, check time.Duration
	for range b.N {
		start := time.Now()
		res, err := p.Compat(ctx, migration.CompatOptions{Base: "v1"})
		if err != nil || !res.OK() || res.Old < 58 || res.Pending != 1 || len(res.NotRun) != 0 {
			b.Fatalf("compat = %+v, %v", res, err)
		}
		compat += time.Since(start)
		check += timedInSync(b, p)
	}
	n := float64(b.N)
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(float64(compat.Milliseconds())/n, "compat-ms/op")
	b.ReportMetric(float64(check.Milliseconds())/n, "diff-check-ms/op")
	b.ReportMetric(float64(compat)/float64(check), "x-diff-check")
}
