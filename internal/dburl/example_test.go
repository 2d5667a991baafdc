package dburl_test

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/versiona/versiona/internal/dburl"
)

// A program on database/sql opens the checked, time-bounded configuration
// with pgx's stdlib, and redacts what it reports.
func ExampleConfig() {
	ctx := context.Background()
	s := "postgres://postgres:S3cretPW@127.0.0.1:1/app?sslmode=disable&connect_timeout=1"
	cfg, err := dburl.Config(s)
	if err != nil {
		fmt.Println(err)
		return
	}
	cfg.ConnConfig.DefaultQueryExecMode = pgx.QueryExecModeExec
	db := stdlib.OpenDB(*cfg.ConnConfig)
	defer db.Close()
	if err := db.PingContext(ctx); err != nil {
		fmt.Printf("connecting to %s: failed\n", dburl.Redact(s))
	}
	// Output: connecting to postgres://postgres:xxxxx@127.0.0.1:1/app?sslmode=disable&connect_timeout=1: failed
}

// Each test's database is named on the server of a resolved string.
func ExampleWithDatabase() {
	s, _ := dburl.WithDatabase("postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", "versiona_test_1")
	fmt.Println(s)
	// Output: postgres://postgres@127.0.0.1:5432/versiona_test_1?sslmode=disable
}
