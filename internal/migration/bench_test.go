package migration_test

import (
	"context"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/versiona/versiona/internal/dbtest"
	"github.com/versiona/versiona/internal/migration"
)

// BenchmarkApply measures applying the three-file history, against psql
// running the same files in one transaction (the floor), and an apply with
// nothing pending:
//
//	go test -run '^$' -bench . -benchtime 30x ./internal/migration
func BenchmarkApply(b *testing.B) {
	ctx := context.Background()
	p, path := withHistory(b)
	var files []string
	for _, f := range sqlFiles(b, path) {
		files = append(files, filepath.Join(path, f))
	}

	b.Run("migrate/empty-to-head", func(b *testing.B) {
		for range b.N {
			b.StopTimer()
			url := dbtest.URL(b)
			b.StartTimer()
			if _, err := p.Apply(ctx, url, migration.ApplyOptions{}); err != nil {
				b.Fatal(err)
			}
		}
	})

	b.Run("psql/empty-to-head", func(b *testing.B) {
		psql, err := exec.LookPath("psql")
		if err != nil {
			b.Skip("psql not found")
		}
		for range b.N {
			b.StopTimer()
			url := dbtest.URL(b)
			args := []string{"--single-transaction", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url}
			for _, f := range files {
				args = append(args, "-f", f)
			}
			cmd := exec.Command(psql, args...)
			b.StartTimer()
			if out, err := cmd.CombinedOutput(); err != nil {
				b.Fatalf("psql: %v\n%s", err, out)
			}
		}
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

// BenchmarkDiff measures a diff of the history against its own schema file
// (in sync), with scratch databases on the test server.
func BenchmarkDiff(b *testing.B) {
	ctx := context.Background()
	p, _ := withHistory(b)
	b.Run("in-sync", func(b *testing.B) {
		for range b.N {
			res, err := p.Diff(ctx, "x", migration.DiffOptions{Check: true})
			if err != nil || !res.InSync() {
				b.Fatalf("diff = %+v, %v", res, err)
			}
		}
	})
}
