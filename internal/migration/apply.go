package migration

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/postgres"
)

// ApplyAll brings the database at dbURL to the newest version in dir, with
// the same checks, lock and revisions table as `migrate apply`. It is what
// programs and tests call to get a migrated database, with the default lock
// wait, lock timeout and retries of a zero Project. It returns an error
// naming the file (and statement) when a check or a migration fails.
func ApplyAll(ctx context.Context, dbURL string, dir migrate.Dir) error {
	_, err := (&Project{Dir: dir}).Apply(ctx, dbURL, ApplyOptions{})
	return err
}

// ApplyOptions selects what Apply runs.
type ApplyOptions struct {
	N      int    // apply at most N pending files; 0 means all
	To     string // apply up to and including this version
	DryRun bool   // return the SQL of the pending files and touch nothing
}

// AppliedFile is one file Apply ran (or, on a dry run, would run).
type AppliedFile struct {
	Name     string        `json:"name"`
	Version  string        `json:"version"`
	Duration time.Duration `json:"duration_ns"`          // time the file took; 0 on a dry run
	SQL      []string      `json:"statements,omitempty"` // its statements, on a dry run only
}

// ApplyResult tells what Apply did.
type ApplyResult struct {
	Applied []AppliedFile `json:"applied"` // files applied (or, on a dry run, pending), in order
	Current string        `json:"current"` // version of the database afterwards, "" when none
}

// Names returns the names of the applied files, in order.
func (r *ApplyResult) Names() []string {
	names := make([]string, len(r.Applied))
	for i, f := range r.Applied {
		names[i] = f.Name
	}
	return names
}

// Apply runs the pending migration files on the database at dbURL, in
// order, each in its own transaction (unless the file says
// "-- atlas:txmode none"), under the advisory lock LockName, waited for at
// most p.LockWait.
//
// Each statement runs under p.LockTimeout (and p.StatementTimeout). A file
// that hits the lock timeout is rolled back and run again, up to p.Retries
// times; a file outside a transaction resumes at the statement that timed
// out, after dropping the invalid index a failed CREATE INDEX CONCURRENTLY
// left. Retries are reported as EventRetrying, with the sessions that
// blocked the attempt; a file that exhausts them fails with an *ApplyError
// of Cause CauseLockTimeout.
//
// Before anything runs, atlas.sum must match the directory, every file must
// be named "<version>_<name>.sql", no applied file may have changed since
// it was applied, and no pending file may be older than the current version
// (an *OutOfOrderError). When a file fails, it is rolled back, its revision
// row records the error and statement, and Apply returns an *ApplyError
// (wrapping a *StatementError when a statement was refused). Running Apply
// again resumes from that file.
func (p *Project) Apply(ctx context.Context, dbURL string, opts ApplyOptions) (*ApplyResult, error) {
	if opts.N < 0 {
		return nil, fmt.Errorf("invalid count %d", opts.N)
	}
	sess, err := p.connect(ctx, dbURL)
	if err != nil {
		return nil, err
	}
	defer sess.Close()
	if opts.DryRun {
		return p.dryRun(ctx, sess, opts)
	}
	// At head already: nothing to wait for. Files being applied by
	// another run show as pending, and are then waited for below.
	if res := p.atHead(ctx, sess, opts); res != nil {
		return res, nil
	}
	unlock, err := p.lock(ctx, sess)
	if err != nil {
		return nil, err
	}
	defer unlock()
	applied, pending, err := p.prepare(ctx, sess, opts)
	if err != nil {
		return nil, err
	}
	res := &ApplyResult{Current: currentVersion(applied)}
	for _, f := range pending {
		took, err := p.applyFile(ctx, sess, f)
		if err != nil {
			return res, err
		}
		res.Applied = append(res.Applied, AppliedFile{Name: f.Name(), Version: f.Version(), Duration: took})
		res.Current = f.Version()
	}
	return res, nil
}

// atHead returns the result of a run with nothing to do, read without the
// lock, or nil when something may be pending.
func (p *Project) atHead(ctx context.Context, sess *session, opts ApplyOptions) *ApplyResult {
	applied, exists, err := NewRevisions(sess.conn).read(ctx)
	if err != nil || !exists {
		return nil
	}
	pending, err := p.pending(ctx, sess.drv, applied, opts)
	if err != nil || len(pending) > 0 {
		return nil
	}
	return &ApplyResult{Current: currentVersion(applied)}
}

// prepare reads the revisions, creating the table when missing, and returns
// them with the files to run.
func (p *Project) prepare(ctx context.Context, sess *session, opts ApplyOptions) ([]*migrate.Revision, []migrate.File, error) {
	revs := NewRevisions(sess.conn)
	applied, exists, err := revs.read(ctx)
	if err != nil {
		return nil, nil, err
	}
	// What is pending is known before anything is created: a refusal (a
	// database that needs a baseline, say) leaves no revisions table.
	pending, err := p.pending(ctx, sess.drv, applied, opts)
	if err != nil {
		return nil, nil, err
	}
	if !exists {
		if err := revs.Init(ctx); err != nil {
			return nil, nil, err
		}
	}
	return applied, pending, nil
}

// dryRun returns the pending files with their statements.
func (p *Project) dryRun(ctx context.Context, sess *session, opts ApplyOptions) (*ApplyResult, error) {
	applied, _, err := NewRevisions(sess.conn).read(ctx)
	if err != nil {
		return nil, err
	}
	pending, err := p.pending(ctx, sess.drv, applied, opts)
	if err != nil {
		return nil, err
	}
	res := &ApplyResult{Current: currentVersion(applied)}
	for _, f := range pending {
		stmts, err := migrate.FileStmts(sess.drv, f)
		if err != nil {
			return nil, fmt.Errorf("reading statements of %s: %w", f.Name(), err)
		}
		res.Applied = append(res.Applied, AppliedFile{Name: f.Name(), Version: f.Version(), SQL: stmts})
	}
	return res, nil
}

// readOnce serves the revisions already read, so the executor's check of
// the history costs no second query.
type readOnce struct {
	*Revisions
	revs []*migrate.Revision
}

func (r *readOnce) ReadRevisions(context.Context) ([]*migrate.Revision, error) { return r.revs, nil }

// pending checks the history and returns the files to run. It is the one
// answer to "what is pending", for Apply and Status alike.
func (p *Project) pending(ctx context.Context, drv migrate.Driver, revs []*migrate.Revision, opts ApplyOptions) ([]migrate.File, error) {
	files, err := dirFiles(p.Dir)
	if err != nil {
		return nil, err
	}
	// An out-of-order file also changes the chained hashes of the files
	// after it: name the cause, not the symptom.
	if err := checkOrder(files, revs); err != nil {
		return nil, err
	}
	if err := checkApplied(p.Dir, revs); err != nil {
		return nil, err
	}
	ex, err := migrate.NewExecutor(drv, p.Dir, &readOnce{NewRevisions(nil), revs}, migrate.WithOperatorVersion(OperatorVersion))
	if err != nil {
		return nil, fmt.Errorf("creating executor: %w", err)
	}
	pending, err := ex.Pending(ctx)
	var notClean *migrate.NotCleanError
	switch {
	case errors.Is(err, migrate.ErrNoPendingFiles):
		pending = nil
	case errors.As(err, &notClean):
		return nil, &NeedsBaselineError{Reason: notClean.Reason}
	case err != nil:
		return nil, fmt.Errorf("finding pending files: %w", err)
	}
	return limitPending(files, pending, opts)
}

// limitPending cuts pending to what opts ask for.
func limitPending(files, pending []migrate.File, opts ApplyOptions) ([]migrate.File, error) {
	if opts.To != "" {
		i := slices.IndexFunc(pending, func(f migrate.File) bool { return f.Version() == opts.To })
		if i < 0 {
			if _, ok := fileByVersion(files, opts.To); !ok {
				return nil, fmt.Errorf("no migration file has version %s", opts.To)
			}
			if len(pending) > 0 && pending[0].Version() < opts.To {
				return nil, fmt.Errorf("version %s is not pending", opts.To)
			}
			return nil, nil // already applied
		}
		pending = pending[:i+1]
	}
	if opts.N > 0 && opts.N < len(pending) {
		pending = pending[:opts.N]
	}
	return pending, nil
}

// OutOfOrderError is a file that was never applied although its version is
// older than the database's current version: Apply would skip it forever.
type OutOfOrderError struct {
	Files   []string // the files, in order
	Current string   // the database's current version
}

func (e *OutOfOrderError) Error() string {
	return fmt.Sprintf("%s: version older than the database's current version %s, and never applied; rename it with a newer version (see `migrate new`) and run `migrate hash`",
		strings.Join(e.Files, ", "), e.Current)
}

// checkOrder refuses files never applied whose version is older than the
// current one.
func checkOrder(files []migrate.File, revs []*migrate.Revision) error {
	cur := currentVersion(revs)
	done := make(map[string]bool, len(revs))
	for _, r := range revs {
		done[r.Version] = true
	}
	var late []string
	for _, f := range files {
		if f.Version() < cur && f.Version() > baseline(revs) && !done[f.Version()] {
			late = append(late, f.Name())
		}
	}
	if len(late) > 0 {
		return &OutOfOrderError{Files: late, Current: cur}
	}
	return nil
}

// checkApplied refuses a history whose applied files were edited or removed
// since they ran: their hash in atlas.sum must equal the one recorded.
func checkApplied(dir migrate.Dir, revs []*migrate.Revision) error {
	files, err := dirFiles(dir)
	if err != nil {
		return err
	}
	sum, err := dir.Checksum()
	if err != nil {
		return fmt.Errorf("hashing migration directory: %w", err)
	}
	for _, rev := range revs {
		// A failed attempt applied nothing: its file may be fixed.
		if !rev.Type.Has(migrate.RevisionTypeExecute) || (rev.Applied == 0 && rev.Total > 0) {
			continue
		}
		f, ok := fileByVersion(files, rev.Version)
		if !ok {
			return fmt.Errorf("applied migration %s is missing from the directory", describe(rev))
		}
		h, err := sum.SumByName(f.Name())
		if err != nil {
			return fmt.Errorf("hashing %s: %w", f.Name(), err)
		}
		if rev.Hash != "" && h != rev.Hash {
			return fmt.Errorf("applied migration %s changed since it was applied: restore it and put the change in a new file", f.Name())
		}
	}
	return nil
}

type execQuerier interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}

// execute runs f through Atlas's executor on q.
func (p *Project) execute(ctx context.Context, q execQuerier, revs *Revisions, f migrate.File) error {
	drv, err := postgres.Open(q)
	if err != nil {
		return fmt.Errorf("opening driver: %w", err)
	}
	// A revision left by a failed attempt applied nothing: start it over,
	// with the file's current hash.
	prev, err := revs.ReadRevision(ctx, f.Version())
	switch {
	case errors.Is(err, migrate.ErrRevisionNotExist):
	case err != nil:
		return err
	case prev.Applied == 0:
		if err := revs.DeleteRevision(ctx, f.Version()); err != nil {
			return err
		}
	}
	ex, err := migrate.NewExecutor(drv, p.Dir, revs, migrate.WithOperatorVersion(OperatorVersion))
	if err != nil {
		return fmt.Errorf("creating executor: %w", err)
	}
	start := time.Now()
	if err := ex.Execute(ctx, f); err != nil {
		return err
	}
	// The executor measures from its last write; record the whole file.
	return revs.setExecutionTime(ctx, f.Version(), time.Since(start))
}

// currentVersion is the newest fully applied version, "" when none.
func currentVersion(revs []*migrate.Revision) string {
	for i := len(revs) - 1; i >= 0; i-- {
		if isApplied(revs[i]) {
			return revs[i].Version
		}
	}
	return ""
}

// baseline is the version of a baseline revision, "" when there is none.
func baseline(revs []*migrate.Revision) string {
	if len(revs) > 0 && revs[0].Type == migrate.RevisionTypeBaseline {
		return revs[0].Version
	}
	return ""
}

// NeedsBaselineError is a database that holds a schema but no revision of
// the directory: applying the first file would fail or, worse, half
// succeed. Baseline stamps the version it is at.
type NeedsBaselineError struct {
	Reason string // what Atlas found, e.g. `found table "users" in schema "public"`
}

func (e *NeedsBaselineError) Error() string {
	return "the database holds a schema but no migration revisions (" + e.Reason + "): " +
		"record the version it is at with `migrate baseline` (it checks the schema first), or migrate an empty database"
}
