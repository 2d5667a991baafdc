package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	neturl "net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/versiona/versiona"
	"github.com/versiona/versiona/internal/dburl"
	"github.com/versiona/versiona/internal/exit"
	"github.com/versiona/versiona/migrate"
)

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
progress and timings go to stderr. -scale is at most %d: the demo needs
about %d MiB of memory per unit of scale, the database about 3 MiB.

Exit codes: 0 success, 1 failure, 2 usage error.

Flags:
`

// parseFlags parses the command line. -h prints the usage on stdout and
// returns flag.ErrHelp; a mistake returns an *exit.UsageError, printing nothing.
func parseFlags(args []string, stdout io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported once, by exitCode
	fs.Usage = func() {}
	fs.StringVar(&c.databaseURL, "database-url", "", "PostgreSQL `URL` to seed (default $DATABASE_URL, else a throwaway server)")
	fs.IntVar(&c.scale, "scale", 1, fmt.Sprintf("multiply every volume by `N`, 1 to %d (100: a million comentarios)", maxScale))
	fs.Uint64Var(&c.seed, "seed", 1, "seed of the random data: the same `N` gives the same data and output")
	fs.BoolVar(&c.keep, "keep", false, "keep the throwaway server running, print a psql command, and wait for Ctrl-C")
	fs.BoolVar(&c.reset, "reset", false, "delete the rows of versiona's tables, and of tables referencing them, when they are not empty")
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprintf(stdout, usageText, maxScale, memPerScale>>20)
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		return c, err
	case err != nil:
		return c, &exit.UsageError{Msg: err.Error()}
	case fs.NArg() > 0:
		return c, &exit.UsageError{Msg: fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	if err := checkScale(c.scale, memAvailable); err != nil {
		return c, &exit.UsageError{Msg: err.Error()}
	}
	return c, nil
}

// run is the whole program: main only wires it to the process.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) (err error) {
	c, err := parseFlags(args, stdout)
	if err != nil {
		return err
	}

	// Generate the data while the server starts and the schema migrates.
	generated := make(chan *dataset, 1)
	go func() { generated <- generate(c.scale, c.seed) }()

	explicit := dburl.Given(c.databaseURL, "DATABASE_URL") != ""
	if !explicit {
		fmt.Fprintln(stderr, "starting a throwaway PostgreSQL server…")
	}
	dsn, stopServer, err := dburl.Resolve(ctx, c.databaseURL, "DATABASE_URL")
	if err != nil {
		return err
	}
	defer func() {
		if serr := stopServer(); serr != nil && err == nil {
			err = fmt.Errorf("stopping PostgreSQL: %w", serr)
		}
	}()

	pool, err := dburl.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer pool.Close()
	if !explicit {
		if err := printServer(ctx, pool, stderr); err != nil {
			return err
		}
	}

	// Look before migrating: a database holding data is left as it was.
	if !c.reset {
		if err := refuseNotEmpty(ctx, pool); err != nil {
			return err
		}
	}
	if err := migrateDB(ctx, pool, stderr); err != nil {
		return err
	}

	d := <-generated
	p := newProgress(stderr)
	if err := seed(ctx, pool, d, c.reset, p); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("seeding interrupted; nothing was written: %w", context.Cause(ctx))
		}
		return fmt.Errorf("seeding: %w", err)
	}
	p.finish()

	if err := show(ctx, pool, d, stdout); err != nil {
		return err
	}

	if c.keep {
		return keep(ctx, explicit, dsn, stderr)
	}
	return nil
}

// refuseNotEmpty returns a *notEmptyError when versiona's tables, or tables
// referencing them, hold rows.
func refuseNotEmpty(ctx context.Context, q querier) error {
	names, err := affectedTables(ctx, q)
	if err != nil {
		return err
	}
	full, err := tablesWithRows(ctx, q, names)
	if err != nil {
		return err
	}
	if len(full) > 0 {
		return &notEmptyError{tables: full}
	}
	return nil
}

// keep waits, for -keep, until ctx ends (Ctrl-C, or the parent process
// gone) with the throwaway server running; a database the user gave has
// nothing to keep running. The psql command it prints holds no password:
// that goes in a password file only the user can read, removed on return.
func keep(ctx context.Context, explicit bool, dsn string, stderr io.Writer) error {
	if explicit {
		fmt.Fprintln(stderr, "-keep: the data stays in the database you gave; nothing to keep running")
		return nil
	}
	url, passFile, cleanup, err := passwordFile(dsn)
	if err != nil {
		return err
	}
	defer cleanup()
	fmt.Fprintf(stderr, "\nThe server keeps running until Ctrl-C. Explore the data with:\n\n    PGPASSFILE=%s psql %q\n\n"+
		"or, in another terminal, point migrate at it:\n\n    export PGPASSFILE=%[1]s DATABASE_URL=%[2]q\n\n", passFile, url)
	<-ctx.Done()
	if cause := context.Cause(ctx); errors.Is(cause, errOrphaned) {
		fmt.Fprintf(stderr, "%v: ", cause)
	}
	fmt.Fprintln(stderr, "stopping PostgreSQL")
	return nil
}

// passwordFile writes the password of dsn, a URL, to a PostgreSQL password
// file (mode 0600, in a new directory of mode 0700) and returns dsn without
// its password, the file, and a function that removes both.
func passwordFile(dsn string) (url, file string, cleanup func(), err error) {
	u, err := neturl.Parse(dsn)
	if err != nil {
		return "", "", nil, fmt.Errorf("-keep: %w", dburl.Redacted(err))
	}
	password, _ := u.User.Password()
	u.User = neturl.User(u.User.Username())
	dir, err := os.MkdirTemp("", "versiona-demo-")
	if err != nil {
		return "", "", nil, fmt.Errorf("-keep: %w", err)
	}
	cleanup = func() { os.RemoveAll(dir) }
	esc := strings.NewReplacer(`\`, `\\`, `:`, `\:`)
	line := strings.Join([]string{esc.Replace(u.Hostname()), esc.Replace(u.Port()), "*", esc.Replace(u.User.Username()), esc.Replace(password)}, ":")
	file = filepath.Join(dir, "pgpass")
	if err := os.WriteFile(file, []byte(line+"\n"), 0o600); err != nil {
		cleanup()
		return "", "", nil, fmt.Errorf("-keep: writing the password file: %w", err)
	}
	return u.String(), file, cleanup, nil
}

// printServer names the throwaway server on stderr: its version and address.
func printServer(ctx context.Context, pool *pgxpool.Pool, stderr io.Writer) error {
	var version string
	if err := pool.QueryRow(ctx, "SHOW server_version").Scan(&version); err != nil {
		return fmt.Errorf("reading the server version: %w", err)
	}
	if f := strings.Fields(version); len(f) > 0 {
		version = f[0]
	}
	cfg := pool.Config().ConnConfig
	fmt.Fprintf(stderr, "PostgreSQL %s on %s:%d\n", version, cfg.Host, cfg.Port)
	return nil
}

// migrateDB brings the database to the newest embedded migration, with
// the engine a service embeds (package migrate).
func migrateDB(ctx context.Context, pool *pgxpool.Pool, stderr io.Writer) error {
	m, err := migrate.NewFromPool(pool, versiona.Migrations, nil)
	if err != nil {
		return fmt.Errorf("reading the embedded migrations: %w", err)
	}
	res, err := m.Apply(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrating: %w", err)
	}
	fmt.Fprintf(stderr, "migrations: %d applied, database at version %s\n", len(res.Applied), res.Current)
	return nil
}
