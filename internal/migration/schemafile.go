package migration

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"ariga.io/atlas/sql/migrate"
)

// loadSchemaFile runs the schema file f on d the way `psql -f` loads it:
// statement by statement on one connection, each statement committing on
// its own (no transaction: a file psql loads must load, whatever its
// statements), and what a statement sets for the session (SET,
// set_config('search_path', '', false) as pg_dump writes) holding for the
// statements after it. The session is reset at the end. A refused
// statement is a *StatementError naming the file and line.
func loadSchemaFile(ctx context.Context, d *scratchDB, f migrate.File) error {
	stmts, err := migrate.FileStmtDecls(d.drv, f)
	if err != nil {
		return fmt.Errorf("reading statements of %s: %w", f.Name(), err)
	}
	return d.withConn(ctx, func(conn *sql.Conn) error {
		return errors.Join(runStmts(ctx, conn, f, stmts, nil), resetSession(ctx, conn))
	})
}

