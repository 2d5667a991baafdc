package migration

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/postgres"
	_ "ariga.io/atlas/sql/postgres/postgrescheck" // registers the PostgreSQL analyzers
	"ariga.io/atlas/sql/schema"
	"ariga.io/atlas/sql/sqlcheck"
	"ariga.io/atlas/sql/sqlclient"

	"github.com/versiona/versiona/internal/locks"
)

// LocksAnalyzer is the Analyzer name of the lock-aware findings (codes
// PG1xx, see package locks), for "-- atlas:nolint locks".
const LocksAnalyzer = "locks"

// LintOptions selects the files Lint checks.
type LintOptions struct {
	Latest int // check the newest N files; 0 means all
}

// Finding is one diagnostic of an analyzer on a migration file.
type Finding struct {
	File     string `json:"file"`     // file name
	Line     int    `json:"line"`     // line of the statement, from 1
	Analyzer string `json:"analyzer"` // analyzer name, e.g. "destructive"
	Code     string `json:"code"`     // Atlas check code, e.g. "DS103"
	Text     string `json:"text"`     // what was found
	// Lock, Blocks and Fix are set for the findings of LocksAnalyzer: the
	// lock the statement takes, what it blocks while held, and the safe
	// alternative (all three are also in Text).
	Lock   string `json:"lock,omitempty"`
	Blocks string `json:"blocks,omitempty"`
	Fix    string `json:"fix,omitempty"`
	// Acknowledged is set when the file opts out with an atlas:nolint
	// directive naming the analyzer or code (or nothing, meaning all).
	Acknowledged bool `json:"acknowledged"`
}

// String formats the finding as "file:line: text [code]".
func (f Finding) String() string {
	s := fmt.Sprintf("%s:%d: %s", f.File, f.Line, f.Text)
	if f.Code != "" {
		s += " [" + f.Code + "]"
	}
	if f.Acknowledged {
		s += " (acknowledged)"
	}
	return s
}

// LintResult is what Lint found.
type LintResult struct {
	Findings []Finding `json:"findings"` // ordered by file and line
	// Unacknowledged counts the findings no nolint directive covers.
	Unacknowledged int `json:"unacknowledged"`
}

// Lint runs Atlas's analyzers for PostgreSQL (destructive changes,
// data-dependent changes, constraint drops, backward-incompatible changes)
// and the lock-aware rules of package locks (LocksAnalyzer: statements
// whose locks block an existing table's readers or writers) on migration
// files. The changes each statement makes are found by running the
// directory on a scratch database and inspecting it around every
// statement; the tables that exist before each file are read there too. A
// finding is acknowledged by "-- atlas:nolint [name|code…]"
// on the statement, or at the top of the file followed by a blank line.
func (p *Project) Lint(ctx context.Context, opts LintOptions) (*LintResult, error) {
	if err := checkDir(p.Dir); err != nil {
		return nil, err
	}
	files, err := dirFiles(p.Dir)
	if err != nil {
		return nil, err
	}
	var base, check []migrate.File = nil, files
	if opts.Latest > 0 && opts.Latest < len(files) {
		base, check = files[:len(files)-opts.Latest], files[len(files)-opts.Latest:]
	}
	analyzers, err := sqlcheck.AnalyzerFor(postgres.DriverName, nil)
	if err != nil {
		return nil, fmt.Errorf("loading analyzers: %w", err)
	}
	res := &LintResult{Findings: []Finding{}}
	err = p.withScratchDB(ctx, func(d *scratchDB) error {
		if err := d.replay(ctx, base); err != nil {
			return fmt.Errorf("replaying migration directory: %w", err)
		}
		for _, f := range check {
			found, err := lintFile(ctx, d, analyzers, f)
			if err != nil {
				return err
			}
			res.Findings = append(res.Findings, found...)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(res.Findings, func(a, b Finding) int {
		if c := strings.Compare(a.File, b.File); c != 0 {
			return c
		}
		return a.Line - b.Line
	})
	for _, f := range res.Findings {
		if !f.Acknowledged {
			res.Unacknowledged++
		}
	}
	return res, nil
}

// lintFile runs f on the scratch database and the analyzers on its changes.
func lintFile(ctx context.Context, d *scratchDB, analyzers []sqlcheck.Analyzer, f migrate.File) ([]Finding, error) {
	lockFindings, err := lintLocks(ctx, d, f)
	if err != nil {
		return nil, err
	}
	pf, err := fileChanges(ctx, d, f)
	if err != nil {
		return nil, err
	}
	dev := &sqlclient.Client{Name: postgres.DriverName, DB: d.db, Driver: d.drv}
	var findings []Finding
	for _, az := range analyzers {
		var reports []sqlcheck.Report
		pass := &sqlcheck.Pass{File: pf, Dev: dev, Reporter: sqlcheck.ReportWriterFunc(func(r sqlcheck.Report) {
			reports = append(reports, r)
		})}
		// Analyzers return an error when they report findings they
		// consider fatal; whether a finding fails is decided by the caller.
		if err := az.Analyze(ctx, pass); err != nil && len(reports) == 0 {
			return nil, fmt.Errorf("linting %s: %w", f.Name(), err)
		}
		name := analyzerName(az)
		for _, r := range reports {
			for _, dg := range r.Diagnostics {
				findings = append(findings, Finding{
					File:         f.Name(),
					Line:         lineAt(f.Bytes(), dg.Pos),
					Analyzer:     name,
					Code:         dg.Code,
					Text:         dg.Text,
					Acknowledged: acknowledged(pf, dg.Pos, name, dg.Code),
				})
			}
		}
	}
	for _, lf := range lockFindings {
		findings = append(findings, lockFinding(pf, lf))
	}
	return findings, nil
}

// lintLocks checks f with the lock-aware rules, knowing from the scratch
// database (at the version before f) which tables exist.
func lintLocks(ctx context.Context, d *scratchDB, f migrate.File) ([]locks.Finding, error) {
	env, err := locks.ReadEnv(ctx, d.db)
	if err != nil {
		return nil, fmt.Errorf("linting %s: %w", f.Name(), err)
	}
	env.Transactional = !noTransaction(f)
	decls, err := migrate.FileStmtDecls(d.drv, f)
	if err != nil {
		return nil, fmt.Errorf("reading statements of %s: %w", f.Name(), err)
	}
	stmts := make([]locks.Statement, len(decls))
	for i, s := range decls {
		stmts[i] = locks.Statement{Text: s.Text, Pos: s.Pos}
	}
	return locks.Lint(stmts, env), nil
}

// lockFinding turns a finding of package locks into a Finding of pf's file.
func lockFinding(pf *sqlcheck.File, lf locks.Finding) Finding {
	text := lf.Text
	if lf.Lock != "" {
		text += fmt.Sprintf(": takes %s, blocking %s", lf.Lock, lf.Blocks)
	}
	text += "; instead: " + lf.Fix
	return Finding{
		File:         pf.File.Name(),
		Line:         lineAt(pf.File.Bytes(), lf.Pos),
		Analyzer:     LocksAnalyzer,
		Code:         lf.Code,
		Text:         text,
		Lock:         lf.Lock,
		Blocks:       lf.Blocks,
		Fix:          lf.Fix,
		Acknowledged: acknowledged(pf, stmtAt(pf, lf.Pos), LocksAnalyzer, lf.Code),
	}
}

// stmtAt returns the position of the statement of pf holding byte offset pos.
func stmtAt(pf *sqlcheck.File, pos int) int {
	start := 0
	for _, c := range pf.Changes {
		if c.Stmt.Pos <= pos {
			start = c.Stmt.Pos
		}
	}
	return start
}

// noTransaction reports whether f is marked "-- atlas:txmode none".
func noTransaction(f migrate.File) bool {
	lf, ok := f.(*migrate.LocalFile)
	return ok && slices.Contains(lf.Directive("txmode"), "none")
}

// fileChanges runs f on the scratch database statement by statement and
// records the schema changes each one made.
func fileChanges(ctx context.Context, d *scratchDB, f migrate.File) (*sqlcheck.File, error) {
	stmts, err := migrate.FileStmtDecls(d.drv, f)
	if err != nil {
		return nil, fmt.Errorf("reading statements of %s: %w", f.Name(), err)
	}
	before, err := d.drv.InspectRealm(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("inspecting schema: %w", err)
	}
	pf := &sqlcheck.File{File: f, From: before}
	prev := before
	prevParts, err := partitionTables(ctx, d.db)
	if err != nil {
		return nil, err
	}
	for _, s := range stmts {
		if _, err := d.db.ExecContext(ctx, s.Text); err != nil {
			return nil, &StatementError{File: f.Name(), Line: lineAt(f.Bytes(), s.Pos), Stmt: s.Text, Err: err}
		}
		next, err := d.drv.InspectRealm(ctx, nil)
		if err != nil {
			return nil, fmt.Errorf("inspecting schema: %w", err)
		}
		changes, err := realmDiff(d.drv, prev, next)
		if err != nil {
			return nil, err
		}
		parts, err := partitionTables(ctx, d.db)
		if err != nil {
			return nil, err
		}
		changes = append(changes, partitionChanges(prevParts, parts)...)
		pf.Changes = append(pf.Changes, &sqlcheck.Change{Stmt: s, Changes: renames(s.Text, changes)})
		prev, prevParts = next, parts
	}
	pf.To = prev
	if pf.Sum, err = realmDiff(d.drv, before, prev); err != nil {
		return nil, err
	}
	return pf, nil
}

// renames turns the drop + add that inspection sees for a RENAME statement
// back into a rename, so it is reported as backward-incompatible rather than
// as a loss of data.
func renames(stmt string, changes schema.Changes) schema.Changes {
	if !strings.Contains(strings.ToUpper(strings.Join(strings.Fields(stmt), " ")), " RENAME ") {
		return changes
	}
	var dropT, addT *schema.Table
	for _, c := range changes {
		switch c := c.(type) {
		case *schema.DropTable:
			dropT = c.T
		case *schema.AddTable:
			addT = c.T
		case *schema.ModifyTable:
			var drop, add *schema.Column
			for _, mc := range c.Changes {
				switch mc := mc.(type) {
				case *schema.DropColumn:
					drop = mc.C
				case *schema.AddColumn:
					add = mc.C
				}
			}
			if drop != nil && add != nil && len(c.Changes) == 2 {
				c.Changes = schema.Changes{&schema.RenameColumn{From: drop, To: add}}
			}
		}
	}
	if dropT != nil && addT != nil && len(changes) == 2 {
		return schema.Changes{&schema.RenameTable{From: dropT, To: addT}}
	}
	return changes
}

func analyzerName(az sqlcheck.Analyzer) string {
	if n, ok := az.(sqlcheck.NamedAnalyzer); ok {
		return n.Name()
	}
	return ""
}

// acknowledged reports whether a nolint directive covers the finding: one
// in the comments of the statement at pos, or a file-level one.
func acknowledged(f *sqlcheck.File, pos int, name, code string) bool {
	covers := func(args string) bool {
		fields := strings.Fields(args)
		return len(fields) == 0 || slices.Contains(fields, name) || (code != "" && slices.Contains(fields, code))
	}
	if lf, ok := f.File.(*migrate.LocalFile); ok {
		for _, d := range lf.Directive("nolint") {
			if covers(d) {
				return true
			}
		}
	}
	for _, c := range f.Changes {
		if c.Stmt.Pos != pos {
			continue
		}
		for _, d := range c.Stmt.Directive("nolint") {
			if covers(d) {
				return true
			}
		}
	}
	return false
}
