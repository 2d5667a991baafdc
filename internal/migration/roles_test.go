package migration_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/versiona/versiona/internal/dbtest"
	"github.com/versiona/versiona/internal/migration"
	"github.com/versiona/versiona/internal/testkit"
)

// newRoleName returns the name of a role that exists on no server yet.
func newRoleName(t testing.TB) string {
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return "versiona_novo_" + hex.EncodeToString(b[:])
}

// rolesSchema grants to and names role in a policy.
func rolesSchema(role string) string {
	return "CREATE TABLE notas (id bigint PRIMARY KEY, texto text);\n" +
		"ALTER TABLE notas ENABLE ROW LEVEL SECURITY;\n" +
		"GRANT SELECT, INSERT ON notas TO " + role + ";\n" +
		"CREATE POLICY notas_leitura ON notas FOR SELECT TO " + role + " USING (true);\n"
}

// TestDiff_MissingRole checks a schema naming a role its server lacks:
// on the dev URL's server Diff refuses, naming the role, and writes
// nothing; on a throwaway server it creates the role and plans the grant
// and the policy, which, applied where the role exists, give the
// catalog's ACL and policy, and down takes back.
func TestDiff_MissingRole(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("dev url", func(t *testing.T) {
		t.Parallel()
		role := newRoleName(t)
		p, path := newProject(t)
		writeFile(t, p.Schema, rolesSchema(role))
		_, err := p.Diff(ctx, "roles", migration.DiffOptions{})
		var missing *migration.MissingRolesError
		if !errors.As(err, &missing) || !slices.Equal(missing.Roles, []string{role}) {
			t.Fatalf("diff err = %v; want a MissingRolesError naming %s", err, role)
		}
		if !strings.Contains(err.Error(), `CREATE ROLE "`+role+`" NOLOGIN`) {
			t.Errorf("err = %v; want it to say how to create the role", err)
		}
		if files := sqlFiles(t, path); len(files) != 0 {
			t.Errorf("refused diff wrote %v", files)
		}
		if n := catalogValue(t, dbtest.ServerURL(t, "postgres"), "SELECT count(*)::text FROM pg_roles WHERE rolname = $1", role); n != "0" {
			t.Errorf("role %s created on the dev server", role)
		}
	})
	t.Run("throwaway server", func(t *testing.T) {
		t.Parallel()
		role := newRoleName(t)
		p, path := newProject(t)
		p.DevURL = "" // a throwaway scratch server
		writeFile(t, p.Schema, rolesSchema(role))
		res, err := p.Diff(ctx, "roles", migration.DiffOptions{})
		if err != nil {
			t.Fatalf("diff: %v", err)
		}
		for _, want := range []string{"GRANT INSERT, SELECT ON TABLE public.notas TO " + role, "CREATE POLICY notas_leitura ON public.notas AS PERMISSIVE FOR SELECT TO " + role} {
			if !strings.Contains(res.SQL, want) {
				t.Fatalf("plan lacks %q:\n%s", want, res.SQL)
			}
		}
		if len(sqlFiles(t, path)) != 1 {
			t.Fatalf("diff wrote %v; want one file", sqlFiles(t, path))
		}
		if _, err := testkit.OpenSQL(t, dbtest.ServerURL(t, "postgres")).Exec(`CREATE ROLE "` + role + `" NOLOGIN`); err != nil {
			t.Fatal(err)
		}
		url := dbtest.URL(t)
		if _, err := p.Apply(ctx, url, migration.ApplyOptions{}); err != nil {
			t.Fatalf("apply: %v", err)
		}
		const acl = `SELECT coalesce(string_agg(x.privilege_type, ', ' ORDER BY x.privilege_type), '') FROM pg_class c
			CROSS JOIN LATERAL aclexplode(c.relacl) x WHERE c.oid = 'notas'::regclass AND x.grantee = $1::regrole`
		const policy = `SELECT count(*)::text FROM pg_policy WHERE polname = 'notas_leitura' AND polroles = ARRAY[$1::regrole::oid]`
		if got := catalogValue(t, url, acl, role); got != "INSERT, SELECT" {
			t.Errorf("applied: %s has %q on notas; want INSERT, SELECT", role, got)
		}
		if got := catalogValue(t, url, policy, role); got != "1" {
			t.Errorf("applied: %s policies for %s; want 1", got, role)
		}
		if _, err := p.Down(ctx, url, migration.DownOptions{}); err != nil {
			t.Fatalf("down: %v", err)
		}
		if got := catalogValue(t, url, "SELECT count(*)::text FROM pg_class WHERE relname = 'notas'"); got != "0" {
			t.Errorf("down left notas")
		}
	})
}
