package migration

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"ariga.io/atlas/sql/migrate"
)

// loadSchemaFile runs the schema file f on d the way `psql -f` loads it:
// statement by statement on one connection, each statement committing on
// its own (no transaction: a file psql loads must load, whatever its
// statements), and what a statement sets for the session (SET, or the
// set_config of an empty search_path that pg_dump writes) holding for the
// statements after it. The session is reset at the end. The psql
// meta-commands pg_dump writes are read as schemaMeta says; any other is
// refused with a *MetaCommandError. A refused statement is a
// *StatementError naming the file and line.
func loadSchemaFile(ctx context.Context, d *scratchDB, f migrate.File) error {
	f, err := schemaMeta(f)
	if err != nil {
		return err
	}
	stmts, err := migrate.FileStmtDecls(d.drv, f)
	if err != nil {
		return fmt.Errorf("reading statements of %s: %w", f.Name(), err)
	}
	return d.withConn(ctx, func(conn *sql.Conn) error {
		return errors.Join(runStmts(ctx, conn, f, stmts, nil), resetSession(ctx, conn))
	})
}

// schemaMeta returns the schema file f with the psql meta-commands pg_dump
// writes blanked out (lines and offsets unchanged): \restrict and
// \unrestrict (pg_dump's guard against a server injecting meta-commands),
// and \connect (or \c) to the database the file is about: "-", or the one
// its first \connect names. A \connect to another database, or with a
// user, host or port, and any other meta-command are refused with a
// *MetaCommandError.
func schemaMeta(f migrate.File) (migrate.File, error) {
	cmds := metaCommands(string(f.Bytes()))
	if len(cmds) == 0 {
		return f, nil
	}
	var db string // the database of the first \connect
	out := slices.Clone(f.Bytes())
	for _, m := range cmds {
		switch m.Name {
		case `\restrict`, `\unrestrict`:
		case `\connect`, `\c`:
			name, err := connectTarget(m)
			if err != nil {
				return nil, &MetaCommandError{File: f.Name(), Line: m.Line, Name: m.Name, Reason: err.Error()}
			}
			switch {
			case name == "-" || name == db:
			case db == "":
				db = name
			default:
				return nil, &MetaCommandError{File: f.Name(), Line: m.Line, Name: m.Name,
					Reason: fmt.Sprintf("to database %q after %q is not supported: a schema file describes one database", name, db)}
			}
		default:
			return nil, &MetaCommandError{File: f.Name(), Line: m.Line, Name: m.Name}
		}
		for i := m.Start; i < m.End; i++ {
			out[i] = ' '
		}
	}
	return migrate.NewLocalFile(f.Name(), out), nil
}

// connectTarget returns the database a \connect names: its first argument
// after the -reuse-previous option, a plain name or a connection string's
// dbname ("dbname='x'", as pg_dump writes for names needing quotes).
func connectTarget(m metaCommand) (string, error) {
	args := m.Args
	if len(args) > 0 && strings.HasPrefix(args[0], "-reuse-previous") {
		args = args[1:]
	}
	switch {
	case len(args) == 0:
		return "-", nil
	case len(args) > 1 && strings.Trim(strings.Join(args[1:], ""), "-") != "":
		return "", errors.New("with a user, host or port is not supported")
	case strings.Contains(args[0], "://"):
		return "", errors.New("with a URI is not supported")
	case strings.Contains(args[0], "="):
		return conninfoDBName(args[0])
	}
	return args[0], nil
}

// conninfoDBName returns the dbname of a keyword=value connection string
// that names nothing else.
func conninfoDBName(s string) (string, error) {
	key, val, _ := strings.Cut(strings.TrimSpace(s), "=")
	key, val = strings.TrimSpace(key), strings.TrimSpace(val)
	if key != "dbname" {
		return "", fmt.Errorf("with %s is not supported", key)
	}
	if !strings.HasPrefix(val, "'") {
		if strings.ContainsAny(val, " \t") {
			return "", errors.New("with more than a database name is not supported")
		}
		return val, nil
	}
	var b strings.Builder
	for i := 1; i < len(val); i++ {
		switch {
		case val[i] == '\\' && i+1 < len(val):
			i++
			b.WriteByte(val[i])
		case val[i] == '\'':
			if strings.TrimSpace(val[i+1:]) != "" {
				return "", errors.New("with more than a database name is not supported")
			}
			return b.String(), nil
		default:
			b.WriteByte(val[i])
		}
	}
	return "", errors.New("with an unterminated connection string is not supported")
}

// refuseMetaCommands refuses migration files holding a psql meta-command:
// a migration file is SQL for the server, run by apply and every replay
// alike, and nothing runs psql's commands.
func refuseMetaCommands(files []migrate.File) error {
	for _, f := range files {
		if cmds := metaCommands(string(f.Bytes())); len(cmds) > 0 {
			return &MetaCommandError{File: f.Name(), Line: cmds[0].Line, Name: cmds[0].Name}
		}
	}
	return nil
}
