package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/versiona/versiona"
	"github.com/versiona/versiona/internal/migration"
	"github.com/versiona/versiona/internal/pgserver"
)

// usageError is a mistake in the command line, already reported with the
// usage on stderr; it exits with code 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// connectTimeout bounds connecting to the database, so that an unreachable
// -database-url fails fast instead of hanging.
const connectTimeout = 5 * time.Second

// config is the parsed command line.
type config struct {
	databaseURL string
	scale       int
	seed        uint64
	keep, reset bool
}

const usageText = `Usage: go run ./cmd/demo [flags]

Applies versiona's migrations to a database, seeds it with deterministic
Portuguese data (bulk-loaded with COPY) and prints the blog's and the course
catalogue's queries as tables, then walks through create, update and delete.

The database is -database-url, else $DATABASE_URL, else a throwaway
PostgreSQL server started for the run and removed afterwards. A database whose
tables already hold rows is refused, untouched, unless -reset is given.

The tables go to stdout and are identical for the same -seed and -scale;
progress and timings go to stderr.

Exit codes: 0 success, 1 failure, 2 usage error.

Flags:
`

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usageText)
		fs.PrintDefaults()
	}
	fs.StringVar(&c.databaseURL, "database-url", "", "PostgreSQL `URL` to seed (default $DATABASE_URL, else a throwaway server)")
	fs.IntVar(&c.scale, "scale", 1, "multiply every volume by `N` (100: a million comentarios)")
	fs.Uint64Var(&c.seed, "seed", 1, "seed of the random data: the same `N` gives the same data and output")
	fs.BoolVar(&c.keep, "keep", false, "keep the throwaway server running, print a psql command, and wait for Ctrl-C")
	fs.BoolVar(&c.reset, "reset", false, "delete the rows of versiona's tables, and of tables referencing them, when they are not empty")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return c, err
		}
		return c, &usageError{msg: err.Error()}
	}
	bad := func(format string, a ...any) (config, error) {
		msg := fmt.Sprintf(format, a...)
		fmt.Fprintln(stderr, msg)
		fs.Usage()
		return c, &usageError{msg: msg}
	}
	if fs.NArg() > 0 {
		return bad("unexpected argument %q", fs.Arg(0))
	}
	if c.scale < 1 || c.scale > 10_000 {
		return bad("invalid value %d for flag -scale: must be between 1 and 10000", c.scale)
	}
	return c, nil
}

// run is the whole program: main only wires it to the process.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) (err error) {
	c, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}

	// Generate the data while the server starts and the schema migrates.
	generated := make(chan *dataset, 1)
	go func() { generated <- generate(c.scale, c.seed) }()

	dsn := c.databaseURL
	if dsn == "" {
		dsn = os.Getenv("DATABASE_URL")
	}
	var srv *pgserver.Server
	if dsn == "" {
		fmt.Fprintln(stderr, "starting a throwaway PostgreSQL server…")
		srv, err = pgserver.Start(ctx, pgserver.Options{})
		if err != nil {
			return fmt.Errorf("%w\nset -database-url or DATABASE_URL to use a server of your own", err)
		}
		defer func() {
			if serr := srv.Stop(); serr != nil && err == nil {
				err = fmt.Errorf("stopping PostgreSQL: %w", serr)
			}
		}()
		dsn = srv.URL("postgres")
		fmt.Fprintf(stderr, "PostgreSQL %s on 127.0.0.1:%d\n", srv.Version, srv.Port)
	}

	pool, err := connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer pool.Close()

	// Look before migrating: a database holding data is left as it was.
	if !c.reset {
		names, err := affectedTables(ctx, pool)
		if err != nil {
			return err
		}
		full, err := tablesWithRows(ctx, pool, names)
		if err != nil {
			return err
		}
		if len(full) > 0 {
			return &notEmptyError{tables: full}
		}
	}
	if err := migrate(ctx, dsn, stderr); err != nil {
		return err
	}

	d := <-generated
	p := newProgress(stderr)
	if err := seed(ctx, pool, d, c.reset, p); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("seeding interrupted; nothing was written: %w", ctx.Err())
		}
		return fmt.Errorf("seeding: %w", err)
	}
	p.finish()

	if err := show(ctx, pool, d, stdout); err != nil {
		return err
	}

	if c.keep {
		if srv == nil {
			fmt.Fprintln(stderr, "-keep: the data stays in the database you gave; nothing to keep running")
			return nil
		}
		fmt.Fprintf(stderr, "\nThe server keeps running until Ctrl-C. Explore the data with:\n\n    psql %q\n\n", dsn)
		<-ctx.Done()
		fmt.Fprintln(stderr, "stopping PostgreSQL")
	}
	return nil
}

// connect opens a pool on dsn and checks that the server answers within
// connectTimeout.
func connect(ctx context.Context, dsn string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("parsing the database URL: %w", err)
	}
	if cfg.ConnConfig.ConnectTimeout == 0 || cfg.ConnConfig.ConnectTimeout > connectTimeout {
		cfg.ConnConfig.ConnectTimeout = connectTimeout
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connecting to the database: %w", err)
	}
	pctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	if err := pool.Ping(pctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connecting to the database at %s:%d: %w", cfg.ConnConfig.Host, cfg.ConnConfig.Port, err)
	}
	return pool, nil
}

// migrate brings the database to the newest embedded migration.
func migrate(ctx context.Context, dsn string, stderr io.Writer) error {
	dir, err := migration.DirFS(versiona.Migrations)
	if err != nil {
		return fmt.Errorf("reading the embedded migrations: %w", err)
	}
	res, err := (&migration.Project{Dir: dir}).Apply(ctx, dsn, migration.ApplyOptions{})
	if err != nil {
		return fmt.Errorf("migrating: %w", err)
	}
	fmt.Fprintf(stderr, "migrations: %d applied, database at version %s\n", len(res.Applied), res.Current)
	return nil
}
