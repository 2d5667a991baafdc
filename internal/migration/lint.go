package migration

import (
	"context"
	"database/sql"
	"errors"
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
		if err := d.srv.needRoles(ctx, d.drv, check); err != nil {
			return err
		}
		for _, f := range check {
			found, err := lintFile(ctx, d, analyzers, f, p.lintInspectAll)
			res.Findings = append(res.Findings, found...)
			if errors.Is(err, errUnrunnable) {
				break // later files would be linted on a state f never made
			}
			if err != nil {
				return err
			}
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

// errUnrunnable is a file that fails on the scratch database, as apply
// would fail on it, where the lock rules say why: lintFile returns their
// findings with it.
var errUnrunnable = errors.New("file does not run")

// lintFile runs f on the scratch database and the analyzers on its changes.
// When f fails there and an unacknowledged lock rule explains it (PG104:
// CONCURRENTLY in a transaction), it returns the lock findings and
// errUnrunnable; otherwise the failure is the error.
func lintFile(ctx context.Context, d *scratchDB, analyzers []sqlcheck.Analyzer, f migrate.File, inspectAll bool) ([]Finding, error) {
	lockFindings, err := lintLocks(ctx, d, f)
	if err != nil {
		return nil, err
	}
	pf, err := fileChanges(ctx, d, f, inspectAll)
	if err != nil {
		return unrunnable(d, f, lockFindings, err)
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

// unrunnable returns the unacknowledged lock findings of f, which failed to
// run with err, and errUnrunnable; err when there are none.
func unrunnable(d *scratchDB, f migrate.File, lockFindings []locks.Finding, err error) ([]Finding, error) {
	decls, derr := migrate.FileStmtDecls(d.drv, f)
	if derr != nil {
		return nil, err
	}
	pf := &sqlcheck.File{File: f}
	for _, s := range decls {
		pf.Changes = append(pf.Changes, &sqlcheck.Change{Stmt: s})
	}
	var found []Finding
	for _, lf := range lockFindings {
		if fd := lockFinding(pf, lf); !fd.Acknowledged {
			found = append(found, fd)
		}
	}
	if len(found) == 0 {
		return nil, err
	}
	return found, errUnrunnable
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
// records the schema changes each one made, as Atlas's inspection sees
// them. Inspecting the whole schema around every statement would make a
// long file lint in quadratic time, so the schema is inspected only around
// the statements whose scope (scopeOf) may change what an analyzer judges,
// and only as far as that scope: the one table an ALTER TABLE, CREATE
// INDEX, COMMENT or DROP TABLE names, the whole schema for a statement of
// unknown scope. A statement changing no table, or only tables the file
// created (which hold no rows), is not inspected: a CREATE TABLE is
// recorded as its table's AddTable, which is what the analyzers ask.
func fileChanges(ctx context.Context, d *scratchDB, f migrate.File, inspectAll bool) (*sqlcheck.File, error) {
	stmts, err := migrate.FileStmtDecls(d.drv, f)
	if err != nil {
		return nil, fmt.Errorf("reading statements of %s: %w", f.Name(), err)
	}
	tr, err := newChangeTracker(ctx, d.db)
	if err != nil {
		return nil, err
	}
	tr.inspectAll = inspectAll
	pf := &sqlcheck.File{File: f}
	if len(stmts) > 0 {
		if err := tr.snapshot(ctx, d.db, d.drv, stmts[0]); err != nil {
			return nil, err
		}
	}
	var inFile migrate.Driver // on the connection or transaction of f
	err = d.withConn(ctx, func(conn *sql.Conn) error {
		return runFile(ctx, conn, d.drv, f, func(q execQuerier, s *migrate.Stmt) error {
			if inFile == nil {
				drv, err := postgres.Open(q)
				if err != nil {
					return fmt.Errorf("opening driver: %w", err)
				}
				inFile = drv
			}
			c, err := tr.after(ctx, q, inFile, s)
			if err != nil {
				return err
			}
			pf.Changes = append(pf.Changes, c)
			if i := len(pf.Changes); i < len(stmts) {
				return tr.snapshot(ctx, q, inFile, stmts[i])
			}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return pf, nil
}

// changeTracker follows the tables through a file's statements.
type changeTracker struct {
	tables  map[string]bool // tables that exist ("schema.table")
	created map[string]bool // of them, those the file created
	path    bool            // the file set search_path: names are no longer known
	// before is the schema, as far as the next statement's scope, before
	// it runs; nil when the statement needs no inspection.
	before      *schema.Realm
	beforeParts map[string]*schema.Table // partitions, which Atlas does not inspect
	scope       stmtScope
	// inspectAll inspects the whole schema around every statement, for the
	// test that holds the scoped inspection to it.
	inspectAll bool
}

func newChangeTracker(ctx context.Context, q execQuerier) (*changeTracker, error) {
	names, err := queryStrings(ctx, q, `SELECT n.nspname || '.' || c.relname FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p')`)
	if err != nil {
		return nil, fmt.Errorf("listing tables: %w", err)
	}
	t := &changeTracker{tables: map[string]bool{}, created: map[string]bool{}}
	for _, n := range names {
		t.tables[n] = true
	}
	return t, nil
}

// fast reports whether a statement's changes are known without
// inspecting: none, or only to tables the file creates.
func (t *changeTracker) fast(sc stmtScope) bool {
	switch {
	case t.inspectAll:
		return false
	case sc.noChange:
		return true
	case t.path:
		return false
	case sc.creates != "":
		return !t.tables[sc.creates]
	case sc.table != "":
		return t.created[sc.table]
	}
	return false
}

// snapshot inspects, before statement s runs, what it may change.
func (t *changeTracker) snapshot(ctx context.Context, q execQuerier, drv migrate.Driver, s *migrate.Stmt) error {
	t.scope, t.before = scopeOf(s.Text), nil
	if t.fast(t.scope) {
		return nil
	}
	r, err := t.inspect(ctx, drv)
	if err != nil {
		return err
	}
	t.before = r
	t.beforeParts, err = partitionTables(ctx, q)
	return err
}

// inspect reads the schema as far as the current scope: one table when it
// names an existing one, else everything.
func (t *changeTracker) inspect(ctx context.Context, drv migrate.Driver) (*schema.Realm, error) {
	if key := t.scope.table; key != "" && !t.path && !t.inspectAll {
		schemaName, table, _ := strings.Cut(key, ".")
		s, err := drv.InspectSchema(ctx, schemaName, &schema.InspectOptions{Mode: schema.InspectTables, Tables: []string{table}})
		var nf *schema.NotExistError
		switch {
		case errors.As(err, &nf):
			return schema.NewRealm(), nil
		case err != nil:
			return nil, fmt.Errorf("inspecting %s: %w", key, err)
		}
		return schema.NewRealm(s), nil
	}
	r, err := drv.InspectRealm(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("inspecting schema: %w", err)
	}
	return r, nil
}

// after records the change of statement s, which has just run.
func (t *changeTracker) after(ctx context.Context, q execQuerier, drv migrate.Driver, s *migrate.Stmt) (*sqlcheck.Change, error) {
	c := &sqlcheck.Change{Stmt: s}
	sc := t.scope
	defer func() { t.path = t.path || sc.path }()
	if t.before == nil { // fast
		if sc.creates != "" {
			schemaName, table, _ := strings.Cut(sc.creates, ".")
			c.Changes = schema.Changes{&schema.AddTable{T: schema.NewTable(table).SetSchema(schema.New(schemaName))}}
			t.tables[sc.creates], t.created[sc.creates] = true, true
		}
		return c, nil
	}
	cur, err := t.inspect(ctx, drv)
	if err != nil {
		return nil, err
	}
	changes, err := realmDiff(drv, t.before, cur)
	if err != nil {
		return nil, err
	}
	parts, err := partitionTables(ctx, q)
	if err != nil {
		return nil, err
	}
	c.Changes = renames(s.Text, append(changes, partitionChanges(t.beforeParts, parts)...))
	for _, ch := range c.Changes {
		switch ch := ch.(type) {
		case *schema.AddTable:
			t.tables[ch.T.Schema.Name+"."+ch.T.Name] = true
		case *schema.DropTable:
			delete(t.tables, ch.T.Schema.Name+"."+ch.T.Name)
		case *schema.RenameTable:
			delete(t.tables, ch.From.Schema.Name+"."+ch.From.Name)
			t.tables[ch.To.Schema.Name+"."+ch.To.Name] = true
		}
	}
	return c, nil
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
