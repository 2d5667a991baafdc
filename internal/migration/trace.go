package migration

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/postgres"
)

// TraceOptions selects the files Trace replays.
type TraceOptions struct {
	Latest int // trace the newest N files; 0 means all
	// URL, when set, traces the files pending on that database instead,
	// on a scratch database brought to its current version. The database
	// is only read.
	URL string
}

// LockTaken is a lock a statement held when it finished.
type LockTaken struct {
	Relation string `json:"relation"` // e.g. public.usuarios
	Mode     string `json:"mode"`     // as pg_locks names it, e.g. AccessExclusiveLock
}

// StatementTrace is what one statement did on the scratch database.
type StatementTrace struct {
	File      string `json:"file"`
	Line      int    `json:"line"`
	Statement string `json:"statement"` // its first line
	// Traced is false for a statement of a "-- atlas:txmode none" file:
	// it commits on its own, so its locks are gone before they can be read.
	Traced   bool        `json:"traced"`
	Locks    []LockTaken `json:"locks"`    // relation locks of its session, by relation
	Rewrites []string    `json:"rewrites"` // tables it rewrote (their relfilenode changed)
}

// TraceResult is the trace of each statement of the files, in order.
type TraceResult struct {
	Files      []string         `json:"files"`
	Statements []StatementTrace `json:"statements"`
}

// Trace replays migration files statement by statement on a scratch
// database, each statement in its own transaction, and reports the
// relation locks it took (read from pg_locks on its own session before the
// commit) and the tables it rewrote (their relfilenode changed). Files
// before the traced ones are replayed first. It returns a *StatementError
// when a statement fails.
func (p *Project) Trace(ctx context.Context, opts TraceOptions) (*TraceResult, error) {
	if err := checkDir(p.Dir); err != nil {
		return nil, err
	}
	base, traced, err := p.traceFiles(ctx, opts)
	if err != nil {
		return nil, err
	}
	res := &TraceResult{Files: []string{}, Statements: []StatementTrace{}}
	err = p.withScratchDB(ctx, func(d *scratchDB) error {
		if err := d.replay(ctx, base); err != nil {
			return fmt.Errorf("replaying migration directory: %w", err)
		}
		conn, err := d.db.Conn(ctx)
		if err != nil {
			return fmt.Errorf("connecting to scratch database: %w", err)
		}
		defer conn.Close()
		for _, f := range traced {
			res.Files = append(res.Files, f.Name())
			sts, err := traceFile(ctx, conn, d.drv, f)
			if err != nil {
				return err
			}
			res.Statements = append(res.Statements, sts...)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// traceFiles splits the directory into the files replayed before the trace
// and the files traced.
func (p *Project) traceFiles(ctx context.Context, opts TraceOptions) (base, traced []migrate.File, err error) {
	files, err := dirFiles(p.Dir)
	if err != nil {
		return nil, nil, err
	}
	if opts.URL == "" {
		if opts.Latest > 0 && opts.Latest < len(files) {
			return files[:len(files)-opts.Latest], files[len(files)-opts.Latest:], nil
		}
		return nil, files, nil
	}
	pending, err := p.pendingOn(ctx, opts.URL)
	if err != nil {
		return nil, nil, err
	}
	for _, f := range files {
		if !slices.ContainsFunc(pending, func(pf migrate.File) bool { return pf.Name() == f.Name() }) {
			base = append(base, f)
		}
	}
	return base, pending, nil
}

// pendingOn returns the files pending on the database at dbURL, reading it
// without the lock.
func (p *Project) pendingOn(ctx context.Context, dbURL string) ([]migrate.File, error) {
	db, err := openDB(ctx, dbURL)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	revs, _, err := NewRevisions(db).read(ctx)
	if err != nil {
		return nil, err
	}
	drv, err := postgres.Open(db)
	if err != nil {
		return nil, fmt.Errorf("opening driver: %w", err)
	}
	return p.pending(ctx, drv, revs, ApplyOptions{})
}

// traceFile runs the statements of f on conn, each in its own transaction
// unless f's txmode is none, and traces them. Unlike apply (runFile), a
// transactional file is not one transaction here, so that each statement's
// locks are its own: a SET LOCAL ends with its statement. What f sets for
// the session ends with the file, as under apply.
func traceFile(ctx context.Context, conn *sql.Conn, drv migrate.Driver, f migrate.File) ([]StatementTrace, error) {
	stmts, err := migrate.FileStmtDecls(drv, f)
	if err != nil {
		return nil, fmt.Errorf("reading statements of %s: %w", f.Name(), err)
	}
	var out []StatementTrace
	for _, s := range stmts {
		st := StatementTrace{File: f.Name(), Line: lineAt(f.Bytes(), s.Pos), Statement: firstLine(s.Text), Locks: []LockTaken{}, Rewrites: []string{}}
		if noTransaction(f) {
			_, err = conn.ExecContext(ctx, s.Text)
		} else {
			err = withTx(ctx, conn, func(tx *sql.Tx) error { return traceStmt(ctx, tx, s.Text, &st) })
		}
		if err != nil {
			return nil, &StatementError{File: f.Name(), Line: st.Line, Stmt: s.Text, Err: err}
		}
		out = append(out, st)
	}
	return out, resetSession(ctx, conn)
}

// relfilenodesQuery lists the user tables with their relfilenode.
const relfilenodesQuery = `SELECT format('%I.%I', n.nspname, c.relname), c.relfilenode::bigint
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'm') AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\_%'`

// locksQuery lists the relation locks of the session on user relations.
const locksQuery = `SELECT format('%I.%I', n.nspname, c.relname), l.mode
FROM pg_locks l JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND l.granted
  AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\_%'
ORDER BY 1, 2`

// traceStmt runs stmt on tx and fills st with the locks it holds and the
// tables whose relfilenode it changed.
func traceStmt(ctx context.Context, tx *sql.Tx, stmt string, st *StatementTrace) error {
	before, err := relfilenodes(ctx, tx)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, stmt); err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, locksQuery)
	if err != nil {
		return fmt.Errorf("reading locks: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var l LockTaken
		if err := rows.Scan(&l.Relation, &l.Mode); err != nil {
			return fmt.Errorf("reading locks: %w", err)
		}
		st.Locks = append(st.Locks, l)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("reading locks: %w", err)
	}
	after, err := relfilenodes(ctx, tx)
	if err != nil {
		return err
	}
	for name, node := range before {
		if n, ok := after[name]; ok && n != node {
			st.Rewrites = append(st.Rewrites, name)
		}
	}
	slices.Sort(st.Rewrites)
	st.Traced = true
	return nil
}

func relfilenodes(ctx context.Context, tx *sql.Tx) (map[string]int64, error) {
	rows, err := tx.QueryContext(ctx, relfilenodesQuery)
	if err != nil {
		return nil, fmt.Errorf("reading relfilenodes: %w", err)
	}
	defer rows.Close()
	nodes := map[string]int64{}
	for rows.Next() {
		var name string
		var node int64
		if err := rows.Scan(&name, &node); err != nil {
			return nil, fmt.Errorf("reading relfilenodes: %w", err)
		}
		nodes[name] = node
	}
	return nodes, rows.Err()
}
