package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/versiona/versiona/internal/exit"
	"github.com/versiona/versiona/internal/importer"
	"github.com/versiona/versiona/internal/migration"
)

func runDiff(ctx context.Context, c *cli, pos []string) error {
	var name string
	switch {
	case len(pos) == 1:
		name = pos[0]
	case len(pos) == 0 && c.check:
	default:
		return exit.Usagef("diff needs exactly one NAME for the migration")
	}
	if c.json && !c.check {
		return exit.Usagef("--json goes with --check")
	}
	if name != "" {
		if err := migration.CheckName(name); err != nil {
			return &exit.UsageError{Msg: err.Error()}
		}
	}
	p, err := c.project(!c.check) // --check writes nothing, not even the directory
	if err != nil {
		return err
	}
	res, err := p.Diff(ctx, name, migration.DiffOptions{Check: c.check, Plain: c.plain})
	var verr *migration.VerifyError
	switch {
	case errors.As(err, &verr):
		return c.diffRefused(verr)
	case err != nil && c.check:
		return &exit.CheckError{Err: err}
	case err != nil:
		return err
	}
	if c.json {
		if err := c.printJSON(res); err != nil {
			return err
		}
		if !res.InSync() {
			return errOutOfSync
		}
		return nil
	}
	if res.InSync() {
		fmt.Fprintln(c.stdout, "no changes: the migration directory matches", c.schema)
		return nil
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(c.stdout, "warning: %s\n", w)
	}
	if c.check {
		for _, f := range res.Files {
			fmt.Fprintf(c.stdout, "a migration would be generated, %s:\n%s", f.Name, f.SQL)
		}
		return errOutOfSync
	}
	for _, f := range res.Files {
		fmt.Fprintf(c.stdout, "wrote %s%s\n", filepath.Join(c.dir, f.Name), txNote(f))
	}
	return nil
}

// diffRefused reports facts that differ after planning (or with nothing
// to plan): the error names them, and with --json so does the result.
func (c *cli) diffRefused(verr *migration.VerifyError) error {
	if !c.json {
		return verr
	}
	out := struct {
		InSync      bool                   `json:"in_sync"`
		Error       string                 `json:"error"`
		Differences []migration.Difference `json:"differences"`
	}{Error: verr.Error(), Differences: verr.Differences}
	return errors.Join(verr, c.printJSON(out))
}

// txNote says how a planned file runs when it is not one transaction.
func txNote(f migration.PlannedFile) string {
	if f.Transactional {
		return ""
	}
	return " (txmode none: each statement commits on its own)"
}

// migrating reads what apply and down share: the count N or --to, the
// target database, and the project with its live-database settings.
func (c *cli) migrating(pos []string) (n int, url string, p *migration.Project, err error) {
	if n, err = count(pos); err != nil {
		return 0, "", nil, err
	}
	if n > 0 && c.to != "" {
		return 0, "", nil, exit.Usagef("pass N or --to, not both")
	}
	if url, p, err = c.targetProject(); err != nil {
		return 0, "", nil, err
	}
	return n, url, p, c.live(p)
}

// targetProject returns the target database and the project, for the
// commands that work on a live database.
func (c *cli) targetProject() (string, *migration.Project, error) {
	url, err := c.target()
	if err != nil {
		return "", nil, err
	}
	p, err := c.project(false)
	return url, p, err
}

func runApply(ctx context.Context, c *cli, pos []string) error {
	n, url, p, err := c.migrating(pos)
	if err != nil {
		return err
	}
	res, err := p.Apply(ctx, url, migration.ApplyOptions{N: n, To: c.to, DryRun: c.dryRun})
	switch {
	case err != nil:
		return err
	case c.dryRun:
		printDryRun(c, res)
	case len(res.Applied) == 0:
		fmt.Fprintln(c.stdout, "no pending migrations: the database is up to date")
	default:
		fmt.Fprintf(c.stdout, "applied %d migration(s); current version %s\n", len(res.Applied), res.Current)
	}
	return nil
}

// printDryRun prints the statements the pending files would run.
func printDryRun(c *cli, res *migration.ApplyResult) {
	if len(res.Applied) == 0 {
		fmt.Fprintln(c.stdout, "-- no pending migrations")
	}
	for _, f := range res.Applied {
		fmt.Fprintf(c.stdout, "-- %s (%d statement(s))\n", f.Name, len(f.SQL))
		for _, s := range f.SQL {
			fmt.Fprintln(c.stdout, s)
		}
	}
}

func runDown(ctx context.Context, c *cli, pos []string) error {
	n, url, p, err := c.migrating(pos)
	if err != nil {
		return err
	}
	res, err := p.Down(ctx, url, migration.DownOptions{N: n, To: c.to, DryRun: c.dryRun, Force: c.force})
	if res != nil {
		printDown(c, res, err == nil && !c.dryRun)
	}
	return err
}

// printDown prints the drift found, the plan of a revert and its outcome.
func printDown(c *cli, res *migration.DownResult, done bool) {
	w := c.stdout
	if len(res.Drift) > 0 {
		fmt.Fprintf(w, "the live database differs from the migrations at version %s:\n", res.From)
		for _, d := range res.Drift {
			fmt.Fprintf(w, "  %s\n", d.Text)
		}
	}
	to := res.To
	if to == "" {
		to = "none (empty schema)"
	}
	if len(res.Reverted) == 0 {
		return // refused before planning
	}
	fmt.Fprintf(w, "reverting %s -> %s (%d revision(s): %s)\n", res.From, to, len(res.Reverted), strings.Join(res.Reverted, ", "))
	for _, warn := range res.Warnings {
		fmt.Fprintf(w, "warning: %s\n", warn)
	}
	for _, s := range res.SQL {
		fmt.Fprintf(w, "%s;\n", s)
	}
	if done {
		fmt.Fprintf(w, "reverted to %s\n", to)
	}
}

func runDrift(ctx context.Context, c *cli, pos []string) error {
	if len(pos) > 0 {
		return exit.Usagef("drift takes no arguments")
	}
	url, p, err := c.targetProject()
	if err != nil {
		return err
	}
	res, err := p.Drift(ctx, url)
	if err != nil {
		return &exit.CheckError{Err: err}
	}
	if c.json {
		err = c.printJSON(res)
	} else {
		printDrift(c, res)
	}
	if err == nil && !res.InSync() {
		err = errDrift
	}
	return err
}

// printDrift writes what drift found for people, live database first.
func printDrift(c *cli, res *migration.DriftResult) {
	w := c.stdout
	at := "at version " + res.Version
	if res.Version == "" {
		at = "with no migration applied (compared with the empty schema)"
	}
	if res.InSync() {
		fmt.Fprintf(w, "in sync: the live database has the schema the migrations give %s\n", at)
		return
	}
	fmt.Fprintf(w, "drift: the live database differs from the migrations %s (%d difference(s)):\n", at, len(res.Differences))
	for _, d := range res.Differences {
		fmt.Fprintf(w, "  %s\n", d.Text)
	}
}

func runStatus(ctx context.Context, c *cli, pos []string) error {
	if len(pos) > 0 {
		return exit.Usagef("status takes no arguments")
	}
	url, p, err := c.targetProject()
	if err != nil {
		return err
	}
	st, err := p.Status(ctx, url)
	if err != nil {
		return err
	}
	if c.json {
		return c.printJSON(st)
	}
	printStatus(c, st)
	return nil
}

// printStatus writes the status for people.
func printStatus(c *cli, s *migration.Status) {
	w := c.stdout
	cur := s.Current
	if cur == "" {
		cur = "none (no migration applied)"
	}
	fmt.Fprintf(w, "current version: %s\n", cur)
	switch {
	case s.Problem != "":
	case len(s.Pending) == 0:
		fmt.Fprintln(w, "pending: none, the database is at head")
	default:
		fmt.Fprintf(w, "pending: %d file(s)\n", len(s.Pending))
		for _, f := range s.Pending {
			fmt.Fprintf(w, "  %s\n", f)
		}
	}
	if s.Failed != nil {
		fmt.Fprintf(w, "last error: %s: %s\n  statement: %s\n", s.Failed.File(), s.Failed.Error, indent(strings.TrimSpace(s.Failed.ErrorStmt)))
	}
	if s.Problem != "" {
		fmt.Fprintf(w, "problem: %s\n", s.Problem)
	}
	if len(s.Applied) == 0 {
		return
	}
	fmt.Fprintln(w, "history:")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  VERSION\tDESCRIPTION\tAPPLIED AT\tDURATION\tSTATE")
	for _, r := range s.Applied {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", r.Version, r.Description,
			r.ExecutedAt.Local().Format(time.DateTime), r.ExecutionTime.Round(time.Microsecond*100), r.State)
	}
	tw.Flush()
}

func runLint(ctx context.Context, c *cli, pos []string) error {
	if len(pos) > 0 {
		return exit.Usagef("lint takes no arguments")
	}
	if c.latest < 0 {
		return exit.Usagef("--latest must not be negative")
	}
	if c.format != "text" && c.format != "github" {
		return exit.Usagef("--format must be text or github, got %q", c.format)
	}
	if c.url != "" && (!c.trace || c.latest > 0) {
		return exit.Usagef("--url goes with --trace, without --latest")
	}
	p, err := c.project(false)
	if err != nil {
		return err
	}
	var trace *migration.TraceResult
	if c.trace {
		if trace, err = p.Trace(ctx, migration.TraceOptions{Latest: c.latest, URL: c.url}); err != nil {
			return err
		}
	}
	res := &migration.LintResult{Findings: []migration.Finding{}}
	// With --url, lint the pending files: the newest ones.
	if c.url == "" || len(trace.Files) > 0 {
		latest := c.latest
		if c.url != "" {
			latest = len(trace.Files)
		}
		if res, err = p.Lint(ctx, migration.LintOptions{Latest: latest}); err != nil {
			return err
		}
	}
	if err := printLint(c, res, trace); err != nil {
		return err
	}
	if res.Unacknowledged > 0 {
		return fmt.Errorf("%d finding(s) not acknowledged: fix the file or add \"-- atlas:nolint <analyzer>\" above the statement", res.Unacknowledged)
	}
	if !c.json {
		fmt.Fprintf(c.stdout, "lint: no unacknowledged findings\n")
	}
	return nil
}

// printLint renders the findings and, with --trace, the trace.
func printLint(c *cli, res *migration.LintResult, trace *migration.TraceResult) error {
	switch {
	case c.json:
		return c.printJSON(struct {
			*migration.LintResult
			Trace *migration.TraceResult `json:"trace,omitempty"`
		}{res, trace})
	case c.format == "github":
		printAnnotations(c, res.Findings)
	default:
		for _, f := range res.Findings {
			fmt.Fprintln(c.stdout, filepath.Join(c.dir, f.String()))
		}
	}
	if trace != nil {
		printTrace(c, trace)
	}
	return nil
}

// printTrace prints each statement with the locks it took and the tables
// it rewrote.
func printTrace(c *cli, tr *migration.TraceResult) {
	w := c.stdout
	if len(tr.Statements) == 0 {
		fmt.Fprintln(w, "trace: no statements")
		return
	}
	fmt.Fprintln(w, "trace (each statement in its own transaction on a scratch database):")
	for _, st := range tr.Statements {
		fmt.Fprintf(w, "%s:%d: %s\n", filepath.Join(c.dir, st.File), st.Line, st.Statement)
		if !st.Traced {
			fmt.Fprintln(w, "    not traced: it runs outside a transaction (txmode none)")
			continue
		}
		for _, l := range st.Locks {
			fmt.Fprintf(w, "    %-24s %s\n", l.Mode, l.Relation)
		}
		for _, r := range st.Rewrites {
			fmt.Fprintf(w, "    rewrites %s\n", r)
		}
	}
}

// printAnnotations prints findings as GitHub Actions workflow commands:
// errors for unacknowledged findings, notices for acknowledged ones.
func printAnnotations(c *cli, findings []migration.Finding) {
	for _, f := range findings {
		level, text := "error", f.Text
		if f.Acknowledged {
			level, text = "notice", text+" (acknowledged)"
		}
		if f.Code != "" {
			text += " [" + f.Code + "]"
		}
		annotate(c, level, filepath.ToSlash(filepath.Join(c.dir, f.File)), strconv.Itoa(f.Line), "", text)
	}
}

// annotate prints a GitHub Actions annotation on file:line, escaped.
func annotate(c *cli, level, file, line, title, text string) {
	esc := strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	escProp := strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
	props := "file=" + escProp.Replace(file) + ",line=" + line
	if title != "" {
		props += ",title=" + escProp.Replace(title)
	}
	fmt.Fprintf(c.stdout, "::%s %s::%s\n", level, props, esc.Replace(text))
}

func runValidate(ctx context.Context, c *cli, pos []string) error {
	if len(pos) > 0 {
		return exit.Usagef("validate takes no arguments")
	}
	p, err := c.project(false)
	if err != nil {
		return err
	}
	res, err := p.Validate(ctx)
	if c.json {
		out := struct {
			OK    bool     `json:"ok"`
			Files []string `json:"files"`
			Error string   `json:"error,omitempty"`
		}{OK: err == nil, Files: []string{}}
		if err != nil {
			out.Error = err.Error()
		} else {
			out.Files = res.Files
		}
		if jerr := c.printJSON(out); jerr != nil {
			return errors.Join(err, jerr)
		}
		return err
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "ok: atlas.sum matches and all %d file(s) replay cleanly\n", len(res.Files))
	return nil
}

func runHash(_ context.Context, c *cli, pos []string) error {
	if len(pos) > 0 {
		return exit.Usagef("hash takes no arguments")
	}
	dir, err := c.openDir(false)
	if err != nil {
		return err
	}
	if err := migration.Rehash(dir); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "wrote %s\n", filepath.Join(c.dir, "atlas.sum"))
	return nil
}

func runNew(_ context.Context, c *cli, pos []string) error {
	if len(pos) != 1 {
		return exit.Usagef("new needs exactly one NAME for the migration")
	}
	if err := migration.CheckName(pos[0]); err != nil {
		return &exit.UsageError{Msg: err.Error()}
	}
	dir, err := c.openDir(true)
	if err != nil {
		return err
	}
	name, err := migration.NewFile(dir, pos[0])
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "wrote %s\n", filepath.Join(c.dir, name))
	return nil
}

// indent indents the continuation lines of a statement under its first.
func indent(stmt string) string { return strings.ReplaceAll(stmt, "\n", "\n  ") }

func runImport(ctx context.Context, c *cli, pos []string) error {
	if len(pos) != 1 {
		return exit.Usagef("import needs exactly one SRC directory")
	}
	format := importer.Format(c.from)
	if !slices.Contains(importer.Formats, format) {
		return exit.Usagef("--from must be one of golang-migrate, goose, dbmate, flyway")
	}
	if fi, err := os.Stat(pos[0]); err != nil || !fi.IsDir() {
		return exit.Usagef("source directory %s does not exist", pos[0])
	}
	p, err := c.project(true)
	if err != nil {
		return err
	}
	res, err := p.Import(ctx, os.DirFS(pos[0]), format)
	if err != nil {
		return err
	}
	if c.json {
		return c.printJSON(res)
	}
	for _, f := range res.Files {
		mode := ""
		if f.NoTx {
			mode = ", outside a transaction"
		}
		fmt.Fprintf(c.stdout, "%s ← %s (%d statement(s)%s)\n", filepath.Join(c.dir, f.Name), f.Source, f.Statements, mode)
	}
	for _, a := range res.Aside {
		fmt.Fprintf(c.stdout, "kept aside: %s (%s)\n", a.Source, a.Why)
	}
	fmt.Fprintf(c.stdout, "imported %d migration(s) from %s; the replayed source and the imported files have the same schema\n", len(res.Files), format)
	return nil
}

func runBaseline(ctx context.Context, c *cli, pos []string) error {
	if len(pos) > 0 {
		return exit.Usagef("baseline takes no arguments (the version goes in --version)")
	}
	url, p, err := c.targetProject()
	if err != nil {
		return err
	}
	if err := c.live(p); err != nil {
		return err
	}
	res, err := p.Baseline(ctx, url, migration.BaselineOptions{Version: c.version, DryRun: c.dryRun})
	if err != nil {
		return err
	}
	if c.json {
		return c.printJSON(res)
	}
	fmt.Fprintf(c.stdout, "the live database has the directory's schema at %s (%s, from %s)\n", res.Version, res.File, res.From)
	if res.Recorded {
		fmt.Fprintf(c.stdout, "recorded baseline %s: apply runs the files after it\n", res.Version)
	} else {
		fmt.Fprintln(c.stdout, "dry run: nothing recorded")
	}
	return nil
}

// errCompat is returned by "compat" when a query breaks.
var errCompat = errors.New("a query breaks across the deploy")

func runCompat(ctx context.Context, c *cli, pos []string) error {
	if len(pos) > 0 {
		return exit.Usagef("compat takes no arguments (the revision goes in --base)")
	}
	if c.format != "text" && c.format != "github" {
		return exit.Usagef("--format must be text or github, got %q", c.format)
	}
	p, err := c.project(false)
	if err != nil {
		return err
	}
	res, err := p.Compat(ctx, migration.CompatOptions{Base: c.base, Queries: c.queries, MigrationsFirst: c.migrationsFirst})
	if err != nil {
		return err
	}
	switch {
	case c.json:
		err = c.printJSON(res)
	case c.format == "github":
		for _, b := range res.Problems {
			file, line, _ := strings.Cut(b.Source, ":")
			if line == "" {
				line = "1"
			}
			annotate(c, "error", file, line, "compat "+b.Query, compatLine(b)+"\nfix: "+b.Fix)
		}
	default:
		for _, b := range res.Problems {
			fmt.Fprintf(c.stdout, "%s (%s): %s\n  fix: %s\n", b.Query, b.Source, compatLine(b), b.Fix)
		}
		for _, n := range res.NotRun {
			fmt.Fprintf(c.stdout, "note: %s; its sample values fail on the schema of %s already, so it is prepared but not run\n", n, res.Base)
		}
		if res.OK() {
			files := fmt.Sprintf("after each of the %d pending files", res.Pending)
			switch res.Pending {
			case 0:
				files = "on its schema (no pending file)"
			case 1:
				files = "after the pending file"
			}
			newOnes := fmt.Sprintf(", %d new ones on its schema", res.New)
			if c.migrationsFirst {
				newOnes = ""
			}
			fmt.Fprintf(c.stdout, "compat: %d queries of %s checked %s%s; none breaks\n", res.Old, res.Base, files, newOnes)
		}
	}
	if err == nil && !res.OK() {
		err = errCompat
	}
	return err
}

// compatLine says on which side and after which file a query breaks, and how.
func compatLine(b migration.CompatBreak) string {
	where := ""
	if b.File != "" {
		where = " after " + b.File
	}
	return b.Side + where + ": " + b.Problem
}
