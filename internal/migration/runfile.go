package migration

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"ariga.io/atlas/sql/migrate"
)

// stmtHook runs after a statement of a file, on the connection (or in the
// transaction) the statement ran on.
type stmtHook func(q execQuerier, s *migrate.Stmt) error

// runFile runs the statements of the migration file f, each as written, on
// conn, the way apply runs it: all in one transaction, unless f is marked
// "-- atlas:txmode none", when each statement commits on its own. after,
// when not nil, runs after each statement, inside the transaction. What f
// sets for the session (SET, set_config) lasts to its end: the session is
// reset afterwards (RESET ALL), as apply resets it after each file, so no
// file sees another's settings. A refused statement is a *StatementError
// naming the file and line.
func runFile(ctx context.Context, conn *sql.Conn, drv migrate.Driver, f migrate.File, after stmtHook) error {
	stmts, err := migrate.FileStmtDecls(drv, f)
	if err != nil {
		return fmt.Errorf("reading statements of %s: %w", f.Name(), err)
	}
	run := func(q execQuerier) error { return runStmts(ctx, q, f, stmts, after) }
	if noTransaction(f) {
		err = run(conn)
	} else {
		err = withTx(ctx, conn, func(tx *sql.Tx) error { return run(tx) })
	}
	var ce *commitError
	if errors.As(err, &ce) {
		err = fmt.Errorf("%s: %w", f.Name(), err)
	}
	return errors.Join(err, resetSession(ctx, conn))
}

// runStmts runs stmts of f on q in order, then after on each.
func runStmts(ctx context.Context, q execQuerier, f migrate.File, stmts []*migrate.Stmt, after stmtHook) error {
	for _, s := range stmts {
		if _, err := q.ExecContext(ctx, s.Text); err != nil {
			return &StatementError{File: f.Name(), Line: lineAt(f.Bytes(), s.Pos), Stmt: s.Text, Err: err}
		}
		if after != nil {
			if err := after(q, s); err != nil {
				return err
			}
		}
	}
	return nil
}

// resetSession gives every setting of the session on q its value at
// connection start; it runs even when ctx is done.
func resetSession(ctx context.Context, q execQuerier) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rollbackTimeout)
	defer cancel()
	if _, err := q.ExecContext(ctx, "RESET ALL"); err != nil {
		return fmt.Errorf("resetting session: %w", err)
	}
	return nil
}

// replay runs files in order on one connection of d, each as apply runs it
// (runFile), once the roles they name exist (needRoles).
func (d *scratchDB) replay(ctx context.Context, files []migrate.File) error {
	if err := d.srv.needRoles(ctx, d.drv, files); err != nil {
		return err
	}
	return d.withConn(ctx, func(conn *sql.Conn) error {
		for _, f := range files {
			if err := runFile(ctx, conn, d.drv, f, nil); err != nil {
				return err
			}
		}
		return nil
	})
}

// withConn runs fn on one connection of d's pool.
func (d *scratchDB) withConn(ctx context.Context, fn func(conn *sql.Conn) error) error {
	conn, err := d.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("connecting to scratch database: %w", err)
	}
	return errors.Join(fn(conn), conn.Close())
}
