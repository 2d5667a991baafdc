package migration

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/postgres"
)

// LockName is the PostgreSQL advisory lock held while applying or reverting.
// It is the Atlas CLI's, so the two tools never migrate a database at once.
const LockName = "atlas_migrate_execute"

// OperatorVersion is recorded in the operator_version column.
const OperatorVersion = "versiona migrate"

// Project is a migration directory with the desired schema it is generated
// from. The zero value of every field but Dir is usable.
type Project struct {
	// Dir holds the migration files and atlas.sum.
	Dir migrate.Dir
	// Schema is the path of the desired-state schema file (used by Diff).
	Schema string
	// DevURL is a database on the server where scratch databases are
	// created and dropped; the role needs CREATEDB. Empty: a throwaway
	// server is started for each command.
	DevURL string
	// Out receives progress and reports for people; nil discards them.
	Out io.Writer
	// LockTimeout bounds the wait for the advisory lock; zero means a minute.
	LockTimeout time.Duration
}

func (p *Project) out() io.Writer {
	if p.Out == nil {
		return io.Discard
	}
	return p.Out
}

func (p *Project) lockTimeout() time.Duration {
	if p.LockTimeout <= 0 {
		return time.Minute
	}
	return p.LockTimeout
}

// ApplyAll brings the database at dbURL to the newest version in dir, with
// the same checks, lock and revisions table as `migrate apply`. It is what
// programs and tests call to get a migrated database. It returns an error
// naming the file (and statement) when a check or a migration fails.
func ApplyAll(ctx context.Context, dbURL string, dir migrate.Dir) error {
	_, err := (&Project{Dir: dir}).Apply(ctx, dbURL, ApplyOptions{})
	return err
}

// ApplyOptions selects what Apply runs.
type ApplyOptions struct {
	N      int    // apply at most N pending files; 0 means all
	To     string // apply up to and including this version
	DryRun bool   // print the SQL and touch nothing
}

// ApplyResult tells what Apply did.
type ApplyResult struct {
	Applied []string // names of the files applied (or, on a dry run, pending)
	Current string   // version of the database afterwards, "" when none
}

// Apply runs the pending migration files on the database at dbURL, in
// order, each in its own transaction (unless the file says
// "-- atlas:txmode none"), under the advisory lock LockName.
//
// Before anything runs, atlas.sum must match the directory and no applied
// file may have changed since it was applied. When a statement fails, its
// file is rolled back, the revision row records the error and statement, and
// Apply returns a *StatementError. A commit that fails (a deferred
// constraint) is recorded the same way, with COMMIT as the statement, and
// returned as an error naming the file. Running Apply again after fixing the
// file (and `migrate hash`) resumes from that file.
func (p *Project) Apply(ctx context.Context, dbURL string, opts ApplyOptions) (*ApplyResult, error) {
	if opts.N < 0 {
		return nil, fmt.Errorf("invalid count %d", opts.N)
	}
	sess, err := p.connect(ctx, dbURL)
	if err != nil {
		return nil, err
	}
	defer sess.Close()
	conn, drv := sess.conn, sess.drv
	revs := NewRevisions(conn)
	if !opts.DryRun {
		// At head already: nothing to wait for. Files being applied by
		// another run show as pending, and are then waited for below.
		if applied, exists, err := revs.read(ctx); err == nil && exists {
			pending, err := p.pending(ctx, drv, &readOnce{revs, applied}, opts)
			if err == nil && len(pending) == 0 {
				fmt.Fprintln(p.out(), "no pending migrations: the database is up to date")
				return &ApplyResult{Current: currentVersion(applied)}, nil
			}
		}
		unlock, err := sess.lock(ctx, p.lockTimeout())
		if err != nil {
			return nil, err
		}
		defer unlock()
	}
	applied, exists, err := revs.read(ctx)
	if err != nil {
		return nil, err
	}
	if !exists && !opts.DryRun {
		if err := revs.Init(ctx); err != nil {
			return nil, err
		}
	}
	pending, err := p.pending(ctx, drv, &readOnce{revs, applied}, opts)
	if err != nil {
		return nil, err
	}
	res := &ApplyResult{Current: currentVersion(applied)}
	if opts.DryRun {
		for _, f := range pending {
			res.Applied = append(res.Applied, f.Name())
		}
		return res, p.printDryRun(drv, pending)
	}
	w := p.out()
	if len(pending) == 0 {
		fmt.Fprintln(w, "no pending migrations: the database is up to date")
	}
	for _, f := range pending {
		if err := p.applyFile(ctx, conn, f); err != nil {
			return res, err
		}
		res.Applied = append(res.Applied, f.Name())
		res.Current = f.Version()
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

// pending checks the history and returns the files to run.
func (p *Project) pending(ctx context.Context, drv migrate.Driver, revs *readOnce, opts ApplyOptions) ([]migrate.File, error) {
	if err := checkApplied(p.Dir, revs.revs); err != nil {
		return nil, err
	}
	ex, err := migrate.NewExecutor(drv, p.Dir, revs, migrate.WithOperatorVersion(OperatorVersion))
	if err != nil {
		return nil, fmt.Errorf("creating executor: %w", err)
	}
	pending, err := ex.Pending(ctx)
	switch {
	case errors.Is(err, migrate.ErrNoPendingFiles):
		pending = nil
	case err != nil:
		return nil, fmt.Errorf("finding pending files: %w", err)
	}
	if opts.To != "" {
		i := slices.IndexFunc(pending, func(f migrate.File) bool { return f.Version() == opts.To })
		if i < 0 {
			files, _ := p.Dir.Files()
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

// checkApplied refuses a history whose applied files were edited or removed
// since they ran: their hash in atlas.sum must equal the one recorded.
func checkApplied(dir migrate.Dir, revs []*migrate.Revision) error {
	files, err := dir.Files()
	if err != nil {
		return fmt.Errorf("reading migration files: %w", err)
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

// applyFile runs one file in its own transaction and records its revision.
func (p *Project) applyFile(ctx context.Context, conn *sql.Conn, f migrate.File) error {
	w := p.out()
	noTx := false
	if lf, ok := f.(*migrate.LocalFile); ok {
		noTx = slices.Contains(lf.Directive("txmode"), "none")
	}
	start := time.Now()
	fmt.Fprintf(w, "applying %s\n", f.Name())
	var revs *Revisions
	run := func(q execQuerier) error {
		revs = NewRevisions(q)
		return p.execute(ctx, q, revs, f)
	}
	var err error
	if noTx {
		err = run(conn)
	} else {
		err = withTx(ctx, conn, func(tx *sql.Tx) error { return run(tx) })
	}
	if err == nil {
		fmt.Fprintf(w, "  ok (%s)\n", time.Since(start).Round(time.Millisecond))
		return nil
	}
	var (
		se *migrate.StmtExecError
		ce *commitError
	)
	errors.As(err, &se)
	errors.As(err, &ce)
	if !noTx && revs != nil && revs.last != nil {
		// The file was rolled back whole: record the error on a revision
		// that applied nothing, so the next run starts the file over.
		rev := revs.last
		rev.Applied, rev.PartialHashes = 0, nil
		switch {
		case ce != nil:
			// The executor wrote its success row before the commit.
			rev.Error, rev.ErrorStmt = ce.err.Error(), "COMMIT"
		case rev.Error == "":
			rev.Error = err.Error()
		}
		if werr := NewRevisions(conn).WriteRevision(context.WithoutCancel(ctx), rev); werr != nil {
			err = errors.Join(err, werr)
		}
	}
	if se != nil {
		err = &StatementError{File: f.Name(), Line: lineAt(f.Bytes(), se.Stmt.Pos), Stmt: se.Stmt.Text, Err: se.Err}
	}
	fmt.Fprintf(w, "  FAILED: %v\n", err)
	if !noTx && (se != nil || ce != nil) {
		fmt.Fprintf(w, "  %s was rolled back; fix it, run `migrate hash`, then `migrate apply` again\n", f.Name())
	}
	return fmt.Errorf("applying %s: %w", f.Name(), err)
}

type execQuerier interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}

// execute runs f through Atlas's executor on q.
func (p *Project) execute(ctx context.Context, q execQuerier, revs *Revisions, f migrate.File) error {
	drv, err := postgres.Open(q)
	if err != nil {
		return err
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
		return err
	}
	start := time.Now()
	if err := ex.Execute(ctx, f); err != nil {
		return err
	}
	// The executor measures from its last write; record the whole file.
	if _, err := q.ExecContext(ctx, `UPDATE "atlas_schema_revisions"."atlas_schema_revisions"
SET execution_time = $1 WHERE version = $2`, int64(time.Since(start)), f.Version()); err != nil {
		return fmt.Errorf("recording execution time: %w", err)
	}
	return nil
}

// printDryRun writes the statements pending files would run.
func (p *Project) printDryRun(drv migrate.Driver, pending []migrate.File) error {
	w := p.out()
	if len(pending) == 0 {
		fmt.Fprintln(w, "-- no pending migrations")
		return nil
	}
	for _, f := range pending {
		stmts, err := migrate.FileStmts(drv, f)
		if err != nil {
			return fmt.Errorf("reading statements of %s: %w", f.Name(), err)
		}
		fmt.Fprintf(w, "-- %s (%d statement(s))\n", f.Name(), len(stmts))
		for _, s := range stmts {
			fmt.Fprintln(w, s)
		}
	}
	return nil
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
