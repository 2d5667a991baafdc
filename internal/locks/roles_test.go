package locks_test

import (
	"slices"
	"testing"

	"github.com/versiona/versiona/internal/locks"
)

func TestRoles(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		stmt string
		want []string
	}{
		{`GRANT SELECT, INSERT ON TABLE public.t TO app, "Report Reader" WITH GRANT OPTION`, []string{"app", "Report Reader"}},
		{`GRANT SELECT (a, b) ON t TO GROUP staff, PUBLIC`, []string{"staff"}},
		{`REVOKE GRANT OPTION FOR UPDATE ON t FROM App CASCADE`, []string{"app"}},
		{`REVOKE EXECUTE ON FUNCTION f(int) FROM PUBLIC`, nil},
		{`GRANT reader, writer TO app`, []string{"reader", "writer", "app"}},
		{`REVOKE ADMIN OPTION FOR reader FROM app`, []string{"reader", "app"}},
		{`GRANT USAGE ON SCHEMA s TO app GRANTED BY boss`, []string{"app", "boss"}},
		{`ALTER DEFAULT PRIVILEGES FOR ROLE owner1, owner2 IN SCHEMA s GRANT SELECT ON TABLES TO app`, []string{"owner1", "owner2", "app"}},
		{`ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC`, nil},
		{`CREATE POLICY p ON t AS PERMISSIVE FOR SELECT TO app, current_user USING (a = (SELECT 1 WHERE 'to' = 'to'))`, []string{"app"}},
		{`ALTER POLICY p ON t TO "App"`, []string{"App"}},
		{`ALTER TABLE t OWNER TO owner1`, []string{"owner1"}},
		{`ALTER FUNCTION f() OWNER TO CURRENT_USER`, nil},
		{`CREATE SCHEMA s AUTHORIZATION owner1`, []string{"owner1"}},
		{`CREATE TABLE grant_to (owner text, "to" text)`, nil},
		{`COMMENT ON TABLE t IS 'GRANT SELECT ON t TO app'`, nil},
	} {
		if got := locks.Roles(c.stmt); !slices.Equal(got, c.want) {
			t.Errorf("Roles(%q) = %q, want %q", c.stmt, got, c.want)
		}
	}
}
