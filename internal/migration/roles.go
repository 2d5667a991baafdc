package migration

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"ariga.io/atlas/sql/migrate"

	"github.com/versiona/versiona/internal/locks"
)

// MissingRolesError is returned when the schema file or the migrations
// name roles (as grantee, owner, policy role…) that do not exist on the
// server of DevURL. Roles belong to the server, not to a schema, so a
// schema file cannot bring them; the engine creates them only on a
// throwaway server it started itself, never on DevURL's.
type MissingRolesError struct {
	Roles []string // the missing roles, as named
}

func (e *MissingRolesError) Error() string {
	quoted := make([]string, len(e.Roles))
	for i, r := range e.Roles {
		quoted[i] = quoteIdent(r)
	}
	return fmt.Sprintf("role(s) %s named in the schema or the migrations do not exist on the dev database's server; "+
		"create them there (CREATE ROLE %s NOLOGIN), or use a throwaway scratch server (no dev URL)",
		strings.Join(quoted, ", "), strings.Join(quoted, ", "))
}

// needRoles makes sure the roles the statements of files name (see
// locks.Roles) exist on the server before they run: on a throwaway
// server it creates the missing ones, NOLOGIN and without privileges; on
// the server of DevURL it returns a *MissingRolesError naming them.
func (s *scratchServer) needRoles(ctx context.Context, drv migrate.Driver, files []migrate.File) error {
	var named []string
	for _, f := range files {
		stmts, err := migrate.FileStmtDecls(drv, f)
		if err != nil {
			return fmt.Errorf("reading statements of %s: %w", f.Name(), err)
		}
		for _, st := range stmts {
			for _, r := range locks.Roles(st.Text) {
				if !slices.Contains(named, r) {
					named = append(named, r)
				}
			}
		}
	}
	if len(named) == 0 {
		return nil
	}
	s.rolesMu.Lock()
	defer s.rolesMu.Unlock()
	missing, err := s.missingRoles(ctx, named)
	if err != nil || len(missing) == 0 {
		return err
	}
	if !s.throwaway {
		return &MissingRolesError{Roles: missing}
	}
	for _, r := range missing {
		if _, err := s.admin.ExecContext(ctx, "CREATE ROLE "+quoteIdent(r)+" NOLOGIN"); err != nil {
			return fmt.Errorf("creating role %s on the scratch server: %w", quoteIdent(r), err)
		}
	}
	return nil
}

// missingRoles returns the roles of names that do not exist on the server.
func (s *scratchServer) missingRoles(ctx context.Context, names []string) ([]string, error) {
	rows, err := s.admin.QueryContext(ctx, "SELECT rolname FROM pg_roles WHERE rolname = ANY($1)", names)
	if err != nil {
		return nil, fmt.Errorf("reading roles: %w", err)
	}
	defer rows.Close()
	exist := map[string]bool{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("reading roles: %w", err)
		}
		exist[n] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading roles: %w", err)
	}
	var missing []string
	for _, n := range names {
		if !exist[n] {
			missing = append(missing, n)
		}
	}
	return missing, nil
}

// quoteIdent quotes a role name as SQL needs it, keywords included.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
