package migrate_test

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"log"
	"log/slog"
	"os"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/versiona/versiona/migrate"
)

//go:embed testdata/migrations
var serviceFiles embed.FS

// A service brings its database to the newest migration it embeds before
// it serves: concurrent instances wait for each other on the migration
// lock, and each file runs once.
func Example() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()

	dir, err := fs.Sub(serviceFiles, "testdata/migrations")
	if err != nil {
		log.Fatal(err)
	}
	m, err := migrate.NewFromPool(pool, dir, &migrate.Config{Logger: slog.Default()})
	if err != nil {
		log.Fatal(err)
	}
	res, err := m.Apply(ctx, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d migration(s) applied; database at version %s\n", len(res.Applied), res.Current)
}
