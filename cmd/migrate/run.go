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

	"github.com/versiona/versiona/internal/exit"
	"github.com/versiona/versiona/internal/migration"
)

// errOutOfSync is returned by "diff --check" when a migration is missing.
var errOutOfSync = errors.New("schema file and migration directory are out of sync: run `migrate diff NAME`")

// errDrift is returned by "drift" when the live database differs.
var errDrift = errors.New("the live database drifted from the migration directory")

const exitCodes = `
Exit codes: 0 success, 1 failure, 2 usage error.`

// checkExitCodes are the exit codes of the checks: diff --check and drift.
const checkExitCodes = `
Exit codes of diff --check and drift: 0 in sync, 1 a difference found, 2 usage
error, 3 the check could not be made (database unreachable, stale atlas.sum…).`

type command struct {
	name, args, summary, help string
	exits                     string // exit codes, when not exitCodes
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
	usesLive                    // --lock-wait, --lock-timeout, --statement-timeout, --retries
)

// cli holds the parsed flags of one invocation.
type cli struct {
	stdout, stderr io.Writer

	dir, schema, url, devURL string
	check, dryRun, force     bool
	trace                    bool
	plain                    bool
	json                     bool
	format                   string
	from, version            string
	base, queries            string
	migrationsFirst          bool
	to                       string
	latest                   int

	lockWait, lockTimeout, statementTimeout time.Duration
	retries                                 int
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
--plain writes the plain form instead, in one file. When they agree it prints
"no changes" and writes nothing. What Atlas's engine ignores (views, functions,
triggers, sequences, extensions, domains and types, partitions, policies,
grants, column settings…) is planned from the catalog in the (first) file; it
refuses what it cannot plan (rules, operators, exclusion constraints…), naming
each, unless the directory already builds it, and warns about every
destructive change.
Every plan is verified by the schema fingerprint: the directory plus the planned
file, replayed, must have exactly the fingerprint of the schema file loaded.
Any fact that differs (a COLLATE change, say) fails the diff, writes nothing,
and is named with both sides; write such a change by hand (migrate new).
With --check nothing is written and the exit code is 1 when a migration would be
generated or a fact differs (the alembic check of versiona); it never reports
"no changes" while the fingerprints differ.`,
		flags: func(fs *flag.FlagSet, c *cli) {
			fs.BoolVar(&c.check, "check", false, "write nothing; exit 1 when schema file and directory disagree")
			fs.BoolVar(&c.plain, "plain", false, "write every change in one transactional file, without the online-safe form")
		},
		run:   runDiff,
		uses:  usesDevURL | usesSchema | usesJSON,
		exits: exitCodes + checkExitCodes,
	},
	{
		name: "apply", args: "[N]", summary: "apply pending migrations (alembic upgrade head|+N|REV)",
		help: `Applies the pending files in order (all, the next N, or up to --to), each in its
own transaction, under a PostgreSQL advisory lock, recording each in
atlas_schema_revisions.atlas_schema_revisions. Refuses to start when atlas.sum does
not match or an applied file changed. A failing statement rolls back its file,
is recorded, and is printed with its file and line; apply again after fixing.
On a live database: the lock is waited for at most --lock-wait, naming its holder
every few seconds on stderr; each statement runs under --lock-timeout, and a file
that hits it is rolled back and retried (--retries), printing the sessions that
blocked it. A "-- atlas:txmode none" file resumes at the statement that timed out.`,
		flags: func(fs *flag.FlagSet, c *cli) {
			fs.StringVar(&c.to, "to", "", "apply up to and including `VERSION`")
			fs.BoolVar(&c.dryRun, "dry-run", false, "print the SQL that would run and touch nothing")
		},
		run:  runApply,
		uses: usesURL | usesLive,
	},
	{
		name: "down", args: "[N]", summary: "revert the last N migrations (alembic downgrade -N|REV|base)",
		help: `Reverts to an earlier version (1 file back by default, N back, or to --to VERSION;
--to 0 reverts everything) without down files: the directory is replayed up to the
target on a scratch database and the change from the live schema to that state is
planned, printed and applied in one transaction; the reverted revisions are deleted.
Refuses when the live schema's fingerprint differs from what the directory builds
at the current version (each difference printed, live database first), unless
--force. Before committing, checks that the result's fingerprint is the directory's
at the target version; otherwise rolls back and prints the difference. The lock
wait, lock timeout and retries are apply's.`,
		flags: func(fs *flag.FlagSet, c *cli) {
			fs.StringVar(&c.to, "to", "", "revert to `VERSION` (kept applied); 0 reverts all")
			fs.BoolVar(&c.dryRun, "dry-run", false, "print the SQL that would run and touch nothing")
			fs.BoolVar(&c.force, "force", false, "revert even when the live schema drifted")
		},
		run:  runDown,
		uses: usesURL | usesDevURL | usesLive,
	},
	{
		name: "drift", summary: "compare a live database with the directory at its version (exit 1 on drift)",
		help: `Replays the files applied to the live database on a scratch database and compares
the schema fingerprints of both, fact by fact: tables, columns (type, collation,
default, nullability, identity…), constraints, indexes, views, functions, triggers,
sequences, comments… Prints each difference, live database first. A database with
no migration applied (or no revisions table) is compared with the empty schema.
Changes nothing and takes no lock: for CI and cron.`,
		run:   runDrift,
		uses:  usesURL | usesDevURL | usesJSON,
		exits: checkExitCodes,
	},
	{
		name: "status", summary: "current version, pending files, last error, history (alembic current/history)",
		help: `Shows the current version, the pending files, the last error if any, and the
applied history (version, description, applied at, duration). Touches nothing.`,
		run:  runStatus,
		uses: usesURL | usesJSON,
	},
	{
		name: "lint", summary: "check migration files for destructive changes and blocking locks",
		help: `Runs Atlas's PostgreSQL analyzers (destructive, data-dependent, constraint drops,
backward-incompatible) and the lock-aware rules (analyzer "locks", codes PG101-PG111:
statements whose locks block an existing table's readers or writers, with the lock
taken and the safe alternative) on the migration files and prints findings as
file:line: message. Exits 1 on a finding the file does not acknowledge with an
"-- atlas:nolint [analyzer|code]" comment on the statement (or at the top of the file).
With --trace it also replays the checked files statement by statement on a scratch
database, each statement in its own transaction, and prints the locks each one took
(relation and mode, from pg_locks before its commit) and the tables it rewrote. With
--trace --url, the files checked and traced are those pending on that database,
replayed on a scratch database at its current version (the database is only read).`,
		flags: func(fs *flag.FlagSet, c *cli) {
			fs.IntVar(&c.latest, "latest", 0, "check only the newest `N` files (0: all)")
			fs.BoolVar(&c.trace, "trace", false, "also print the locks each statement takes and the tables it rewrites")
			fs.StringVar(&c.url, "url", "", "with --trace: check and trace the files pending on the database at `URL`")
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
		name: "import", args: "--from FORMAT SRC", summary: "convert a golang-migrate, goose, dbmate or Flyway directory into this format",
		help: `Converts the migration directory SRC of another tool into --dir, which must hold
no migration (default db/migrations), and writes atlas.sum. Versions keep their
numbers, padded so that the files sort as the tool orders them (1, 2, 10); each up
part is copied byte for byte, section markers (-- +goose Up, -- migrate:up) parsed
as markers, never matched as substrings; a part the tool runs outside a transaction
(goose NO TRANSACTION, dbmate transaction:false, or one holding CREATE INDEX
CONCURRENTLY or its own BEGIN/COMMIT) starts with "-- atlas:txmode none". Down and
undo parts are kept in --dir/down, never run. Flyway: V versions in order, R
repeatables after them by description, a B baseline replacing the versions up to
it, U undo kept aside. What cannot be carried whole (a goose Go migration, a Flyway
placeholder, ENVSUB) is refused naming the file and line, and nothing is written.
Before writing, the source (each up part as its tool runs it) and the converted
files are replayed on two scratch databases: their schema fingerprints must agree.`,
		flags: func(fs *flag.FlagSet, c *cli) {
			fs.StringVar(&c.from, "from", "", "source `FORMAT`: golang-migrate, goose, dbmate or flyway")
		},
		run:  runImport,
		uses: usesDevURL | usesJSON,
	},
	{
		name: "baseline", summary: "stamp a database another tool migrated at the directory's version",
		help: `Records that a live database is already at a version of the directory, so that
apply runs only the files after it: for a database migrated by golang-migrate,
goose, dbmate or by hand, once its history is imported (migrate import). The
version is --version, else the one in the old tool's history table
(schema_migrations of golang-migrate or dbmate, goose_db_version), matched by number
with the imported file. Checks first and writes nothing unless all pass: the
database has no revision yet; the live schema's fingerprint (the old tool's table
left out) equals the directory's at that version, replayed on a scratch database.
When they differ it prints each difference, live database first. The revision is
written in one transaction under the migration lock; --dry-run writes nothing.`,
		flags: func(fs *flag.FlagSet, c *cli) {
			fs.StringVar(&c.version, "version", "", "the directory's `VERSION` the database is at (default: read from the old tool's table)")
			fs.BoolVar(&c.dryRun, "dry-run", false, "check and print, record nothing")
		},
		run:  runBaseline,
		uses: usesURL | usesDevURL | usesJSON | usesLive,
	},
	{
		name: "compat", args: "[--base REV]", summary: "check that the previous release's queries survive the pending migrations (rolling deploys)",
		help: `During a rolling deploy the old release serves queries against the migrated
schema, and the new one may serve against the old. compat builds the schema of the
git revision --base (default: the last tag, else HEAD~1; its migration directory
read with git) on a scratch database and runs there the queries sqlc generated for
the working tree (--queries, default db). Then it applies the newer migration files
one by one and checks the old release's queries (read from the revision with git)
after each:
  - prepared: a dropped or renamed column (SQLSTATE 42703), an ambiguous one
    (42702), a result column that changes type or becomes nullable while the old
    Go code scans it into a type that refuses NULL;
  - run, as pgx runs them (statements prepared on the old schema, COPY for
    :copyfrom), with typed sample values in a transaction rolled back: a new NOT
    NULL column the old INSERT does not set (23502), a CHECK the old writes fail
    (23514), a cached statement the file invalidates (0A000).
The new release's queries that fail on the old schema and run on the new one are
reported too, unless --migrations-first says it never meets the old schema. Each break names the query, its queries file and line, the
migration file and the expand/contract fix. Exit 1 on a break. Changes nothing.`,
		flags: func(fs *flag.FlagSet, c *cli) {
			fs.StringVar(&c.base, "base", "", "git `REV` of the release still running (default: the last tag, else HEAD~1)")
			fs.StringVar(&c.queries, "queries", "db", "`DIR` of sqlc's generated Go, relative to the repository root")
			fs.StringVar(&c.format, "format", "text", "output `FORMAT`: text, or github for GitHub Actions annotations")
			fs.BoolVar(&c.migrationsFirst, "migrations-first", false, "the new release starts only after the migrations: do not check its queries on the old schema")
		},
		run:  runCompat,
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
		return exit.Usagef("no command given")
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
	return exit.Usagef("unknown command %q", args[0])
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage: migrate COMMAND [flags] [args]\n\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun \"migrate COMMAND -h\" for the flags of a command."+exitCodes+checkExitCodes)
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
	if cmd.uses&usesLive != 0 {
		liveFlags(fs, c)
	}
	if cmd.flags != nil {
		cmd.flags(fs, c)
	}
	usage := func(w io.Writer) {
		fmt.Fprintf(w, "Usage: migrate %s [flags] %s\n\n%s\n\nFlags:\n", cmd.name, cmd.args, cmd.help)
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
		exits := exitCodes
		if cmd.exits != "" {
			exits = cmd.exits
		}
		fmt.Fprintln(w, exits)
	}
	pos, err := parseInterleaved(fs, args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		usage(stdout)
		return nil
	case err != nil:
		// One line, as the demo does: the help is one -h away.
		return exit.Usagef("%v (see migrate %s -h)", err, cmd.name)
	}
	return cmd.run(ctx, c, pos)
}

// liveFlags declares the flags that bound waits on a live database.
func liveFlags(fs *flag.FlagSet, c *cli) {
	fs.DurationVar(&c.lockWait, "lock-wait", migration.DefaultLockWait,
		"wait at most `DURATION` for the migration lock held by another run (0: try once)")
	fs.DurationVar(&c.lockTimeout, "lock-timeout", migration.DefaultLockTimeout,
		"lock_timeout of each statement: give up waiting for a table lock after `DURATION` and retry the file (0: no limit)")
	fs.DurationVar(&c.statementTimeout, "statement-timeout", 0,
		"statement_timeout of each statement, `DURATION` (0: no limit)")
	fs.IntVar(&c.retries, "retries", migration.DefaultRetries,
		"run a file again up to `N` times after a lock timeout (0: never)")
}

// live copies the live-database flags to p, refusing negative values.
func (c *cli) live(p *migration.Project) error {
	if c.lockWait < 0 || c.lockTimeout < 0 || c.statementTimeout < 0 || c.retries < 0 {
		return exit.Usagef("--lock-wait, --lock-timeout, --statement-timeout and --retries must not be negative")
	}
	p.LockWait, p.LockTimeout, p.StatementTimeout, p.Retries = orNone(c.lockWait), orNone(c.lockTimeout), c.statementTimeout, c.retries
	if c.retries == 0 {
		p.Retries = -1
	}
	return nil
}

// orNone maps a flag's 0 ("none") to the Project's negative value.
func orNone(d time.Duration) time.Duration {
	if d == 0 {
		return -1
	}
	return d
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
			return nil, exit.Usagef("migration directory %s does not exist (pass --dir)", c.dir)
		}
	}
	return migration.OpenDir(c.dir, create)
}

// project opens the directory as a project whose progress is printed:
// the steps on stdout (unless the result is printed as JSON), the waits on
// a live database on stderr.
func (c *cli) project(create bool) (*migration.Project, error) {
	dir, err := c.openDir(create)
	if err != nil {
		return nil, err
	}
	p := &migration.Project{Dir: dir, Schema: c.schema, DevURL: c.devURL, Progress: c.progress}
	return p, nil
}

// progress prints the steps of a long operation.
func (c *cli) progress(e migration.Event) {
	switch e.Kind {
	case migration.EventLockWait:
		printLockWait(c.stderr, e)
	case migration.EventRetrying:
		printRetry(c.stderr, e)
	}
	if c.json {
		return
	}
	switch e.Kind {
	case migration.EventApplying:
		fmt.Fprintf(c.stdout, "applying %s\n", e.File)
	case migration.EventApplied:
		fmt.Fprintf(c.stdout, "  ok (%s)\n", e.Duration.Round(time.Millisecond))
	case migration.EventFailed:
		fmt.Fprintf(c.stdout, "  FAILED after %s\n", e.Duration.Round(time.Millisecond))
	}
}

// printLockWait says who holds the migration lock being waited for.
func printLockWait(w io.Writer, e migration.Event) {
	by := "another session"
	if e.Holder.PID != 0 {
		by = e.Holder.String()
	}
	fmt.Fprintf(w, "waiting for the migration lock (%s so far), held by %s\n", e.Duration.Round(time.Second), by)
}

// printRetry says that an attempt hit the lock timeout, behind whom, and
// when the next one starts.
func printRetry(w io.Writer, e migration.Event) {
	what := "the revert"
	if e.File != "" {
		what = e.File
	}
	fmt.Fprintf(w, "%s: attempt %d hit the lock timeout; retrying in %s\n", what, e.Attempt, e.Pause.Round(time.Millisecond))
	if len(e.Blockers) == 0 {
		fmt.Fprintln(w, "  blocked by: (sessions gone before they could be read)")
	}
	for _, b := range e.Blockers {
		fmt.Fprintf(w, "  blocked by %s\n", b)
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
		return "", exit.Usagef("no target database: set DATABASE_URL or pass --url")
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
			return 0, exit.Usagef("N must be a positive number, got %q", pos[0])
		}
		return n, nil
	default:
		return 0, exit.Usagef("too many arguments: %s", strings.Join(pos, " "))
	}
}
