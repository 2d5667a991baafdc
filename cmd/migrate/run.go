package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	atlas "ariga.io/atlas/sql/migrate"

	"github.com/versiona/versiona/internal/migration"
)

// usageError is a mistake in the command line; it exits with code 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// errOutOfSync is returned by "diff --check" when a migration is missing.
var errOutOfSync = errors.New("schema file and migration directory are out of sync: run `migrate diff NAME`")

const exitCodes = `
Exit codes: 0 success, 1 failure, 2 usage error.`

type command struct {
	name, args, summary, help string
	run                       func(ctx context.Context, c *cli, pos []string) error
	flags                     func(fs *flag.FlagSet, c *cli)
	uses                      uses // shared flags the command reads, besides --dir
}

// uses is a set of the flags several commands share.
type uses uint8

const (
	usesURL    uses = 1 << iota // --url: the target database
	usesDevURL                  // --dev-url: scratch databases
	usesSchema                  // --schema: the desired-state file
	usesJSON                    // --json: results as JSON
)

// cli holds the parsed flags of one invocation.
type cli struct {
	stdout, stderr io.Writer

	dir, schema, url, devURL string
	check, dryRun, force     bool
	plain                    bool
	json                     bool
	format                   string
	to                       string
	latest                   int
}

var commands = []command{
	{
		name: "diff", args: "NAME", summary: "generate a migration from schema.sql (alembic revision --autogenerate)",
		help: `Replays the migration directory and loads the schema file on scratch databases,
plans the difference and writes <UTC timestamp>_NAME.sql, updating atlas.sum.
Changes to tables that already exist are written in the online-safe form: the
file adds FOREIGN KEY and CHECK constraints NOT VALID, and a second file,
<UTC timestamp + 1s>_NAME_online.sql marked "-- atlas:txmode none", builds and
drops indexes CONCURRENTLY, validates the constraints, sets NOT NULL through a
validated CHECK, and attaches UNIQUE and PRIMARY KEY constraints USING INDEX.
--plain writes the plain form instead, in one file. When they agree it prints "no changes" and writes nothing. It refuses schema files
holding objects the engine cannot carry (views, functions, triggers, extensions…),
naming each, and warns about every destructive change.
With --check nothing is written and the exit code is 1 when a migration would be
generated (the alembic check of versiona).`,
		flags: func(fs *flag.FlagSet, c *cli) {
			fs.BoolVar(&c.check, "check", false, "write nothing; exit 1 when schema file and directory disagree")
			fs.BoolVar(&c.plain, "plain", false, "write every change in one transactional file, without the online-safe form")
		},
		run:  runDiff,
		uses: usesDevURL | usesSchema | usesJSON,
	},
	{
		name: "apply", args: "[N]", summary: "apply pending migrations (alembic upgrade head|+N|REV)",
		help: `Applies the pending files in order (all, the next N, or up to --to), each in its
own transaction, under a PostgreSQL advisory lock, recording each in
atlas_schema_revisions.atlas_schema_revisions. Refuses to start when atlas.sum does
not match or an applied file changed. A failing statement rolls back its file,
is recorded, and is printed with its file and line; apply again after fixing.`,
		flags: func(fs *flag.FlagSet, c *cli) {
			fs.StringVar(&c.to, "to", "", "apply up to and including `VERSION`")
			fs.BoolVar(&c.dryRun, "dry-run", false, "print the SQL that would run and touch nothing")
		},
		run:  runApply,
		uses: usesURL,
	},
	{
		name: "down", args: "[N]", summary: "revert the last N migrations (alembic downgrade -N|REV|base)",
		help: `Reverts to an earlier version (1 file back by default, N back, or to --to VERSION;
--to 0 reverts everything) without down files: the directory is replayed up to the
target on a scratch database and the change from the live schema to that state is
planned, printed and applied in one transaction; the reverted revisions are deleted.
Refuses when the live schema differs from what the directory builds at the current
version, unless --force.`,
		flags: func(fs *flag.FlagSet, c *cli) {
			fs.StringVar(&c.to, "to", "", "revert to `VERSION` (kept applied); 0 reverts all")
			fs.BoolVar(&c.dryRun, "dry-run", false, "print the SQL that would run and touch nothing")
			fs.BoolVar(&c.force, "force", false, "revert even when the live schema drifted")
		},
		run:  runDown,
		uses: usesURL | usesDevURL,
	},
	{
		name: "status", summary: "current version, pending files, last error, history (alembic current/history)",
		help: `Shows the current version, the pending files, the last error if any, and the
applied history (version, description, applied at, duration). Touches nothing.`,
		run:  runStatus,
		uses: usesURL | usesJSON,
	},
	{
		name: "lint", summary: "run Atlas's analyzers on migration files",
		help: `Runs Atlas's PostgreSQL analyzers (destructive, data-dependent, constraint drops,
backward-incompatible) on the migration files and prints findings as
file:line: message. Exits 1 on a finding the file does not acknowledge with an
"-- atlas:nolint [analyzer|code]" comment on the statement (or at the top of the file).`,
		flags: func(fs *flag.FlagSet, c *cli) {
			fs.IntVar(&c.latest, "latest", 0, "check only the newest `N` files (0: all)")
			fs.StringVar(&c.format, "format", "text", "output `FORMAT`: text, or github for GitHub Actions annotations")
		},
		run:  runLint,
		uses: usesDevURL | usesJSON,
	},
	{
		name: "validate", summary: "check atlas.sum and replay every file on a scratch database",
		help: `Checks that atlas.sum exists and matches the directory, that every .sql file is
named <version>_<name>.sql, and that every file replays cleanly, in order, on an
empty scratch database.`,
		run:  runValidate,
		uses: usesDevURL | usesJSON,
	},
	{
		name: "hash", summary: "rewrite atlas.sum after editing a file by hand",
		help: `Rewrites atlas.sum from the files in the directory.`,
		run:  runHash,
	},
	{
		name: "new", args: "NAME", summary: "create an empty migration file for a data migration",
		help: `Creates an empty <UTC timestamp>_NAME.sql for statements written by hand and
re-hashes the directory. Run "migrate hash" after editing it.`,
		run: runNew,
	},
}

// run executes the command line args (without the program name).
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		printUsage(stderr)
		return usagef("no command given")
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		printUsage(stdout)
		return nil
	}
	for i := range commands {
		if commands[i].name == args[0] {
			return runCommand(ctx, &commands[i], args[1:], stdout, stderr)
		}
	}
	printUsage(stderr)
	return usagef("unknown command %q", args[0])
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage: migrate COMMAND [flags] [args]\n\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun \"migrate COMMAND -h\" for the flags of a command."+exitCodes)
}

func runCommand(ctx context.Context, cmd *command, args []string, stdout, stderr io.Writer) error {
	c := &cli{stdout: stdout, stderr: stderr}
	fs := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // usage and errors are printed below, once
	fs.Usage = func() {}
	fs.StringVar(&c.dir, "dir", "db/migrations", "migration directory")
	if cmd.uses&usesSchema != 0 {
		fs.StringVar(&c.schema, "schema", "schema.sql", "desired-state schema file")
	}
	if cmd.uses&usesURL != 0 {
		fs.StringVar(&c.url, "url", os.Getenv("DATABASE_URL"), "target database `URL` (default $DATABASE_URL)")
	}
	if cmd.uses&usesDevURL != 0 {
		fs.StringVar(&c.devURL, "dev-url", os.Getenv("DEV_DATABASE_URL"),
			"database `URL` on a server where scratch databases may be created (default $DEV_DATABASE_URL, else a throwaway server)")
	}
	if cmd.uses&usesJSON != 0 {
		fs.BoolVar(&c.json, "json", false, "print the result as JSON (fields documented in the README)")
	}
	if cmd.flags != nil {
		cmd.flags(fs, c)
	}
	usage := func(w io.Writer) {
		fmt.Fprintf(w, "Usage: migrate %s [flags] %s\n\n%s\n\nFlags:\n", cmd.name, cmd.args, cmd.help)
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
		fmt.Fprintln(w, exitCodes)
	}
	pos, err := parseInterleaved(fs, args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		usage(stdout)
		return nil
	case err != nil:
		usage(stderr)
		return &usageError{msg: err.Error()}
	}
	return cmd.run(ctx, c, pos)
}

// parseInterleaved parses flags placed before, between or after the
// positional arguments, which it returns.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos, args = append(pos, args[0]), args[1:]
	}
}

// openDir opens the directory; create makes it when missing (diff, unless
// --check, and new). A missing directory otherwise is a usage error.
func (c *cli) openDir(create bool) (*atlas.LocalDir, error) {
	if !create {
		if fi, err := os.Stat(c.dir); err != nil || !fi.IsDir() {
			return nil, usagef("migration directory %s does not exist (pass --dir)", c.dir)
		}
	}
	return migration.OpenDir(c.dir, create)
}

// project opens the directory as a project whose progress is printed
// (unless the result is printed as JSON).
func (c *cli) project(create bool) (*migration.Project, error) {
	dir, err := c.openDir(create)
	if err != nil {
		return nil, err
	}
	p := &migration.Project{Dir: dir, Schema: c.schema, DevURL: c.devURL}
	if !c.json {
		p.Progress = c.progress
	}
	return p, nil
}

// progress prints the steps of a long operation.
func (c *cli) progress(e migration.Event) {
	switch e.Kind {
	case migration.EventApplying:
		fmt.Fprintf(c.stdout, "applying %s\n", e.File)
	case migration.EventApplied:
		fmt.Fprintf(c.stdout, "  ok (%s)\n", e.Duration.Round(time.Millisecond))
	case migration.EventFailed:
		fmt.Fprintf(c.stdout, "  FAILED after %s\n", e.Duration.Round(time.Millisecond))
	}
}

// printJSON writes v as indented JSON.
func (c *cli) printJSON(v any) error {
	enc := json.NewEncoder(c.stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encoding JSON: %w", err)
	}
	return nil
}

func (c *cli) target() (string, error) {
	if c.url == "" {
		return "", usagef("no target database: set DATABASE_URL or pass --url")
	}
	return c.url, nil
}

// count parses the optional N argument.
func count(pos []string) (int, error) {
	switch len(pos) {
	case 0:
		return 0, nil
	case 1:
		n, err := strconv.Atoi(pos[0])
		if err != nil || n < 1 {
			return 0, usagef("N must be a positive number, got %q", pos[0])
		}
		return n, nil
	default:
		return 0, usagef("too many arguments: %s", strings.Join(pos, " "))
	}
}
