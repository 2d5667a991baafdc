package objects

import (
	"context"
	"database/sql"
	"strings"
)

// Policy is a row-level security policy of a table.
const Policy Kind = "policy"

// classPolicy is pg_policy's oid.
const classPolicy = 3256

var policiesQuery = `
SELECT x.oid::int8, format('%I ON %I.%I', x.polname, n.nspname, c.relname), x.polpermissive, x.polcmd::text,
       (SELECT string_agg(r.name, ', ' ORDER BY r.name COLLATE "C")
        FROM (SELECT CASE WHEN o = 0 THEN 'PUBLIC' ELSE o::regrole::text END AS name FROM unnest(x.polroles) o) r),
       COALESCE(pg_get_expr(x.polqual, x.polrelid), ''), COALESCE(pg_get_expr(x.polwithcheck, x.polrelid), '')
FROM pg_policy x
JOIN pg_class c ON c.oid = x.polrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE ` + userObjects("pg_policy", "c.relnamespace")

var policyCommands = map[string]string{"r": "SELECT", "a": "INSERT", "w": "UPDATE", "d": "DELETE", "*": "ALL"}

// policies reads the policies. One whose type, command, or presence of a
// USING or WITH CHECK expression stays is changed by ALTER POLICY (its
// Signature is these); any other change drops and creates it.
func (r *reader) policies(ctx context.Context, q Querier) error {
	return each(ctx, q, policiesQuery, func(rows *sql.Rows) error {
		var (
			oid                      int64
			permissive               bool
			cmd, roles, using, check string
		)
		o := &Object{ID: ID{Kind: Policy}}
		if err := rows.Scan(&oid, &o.Name, &permissive, &cmd, &roles, &using, &check); err != nil {
			return err
		}
		as := "RESTRICTIVE"
		if permissive {
			as = "PERMISSIVE"
		}
		var exprs []string
		if using != "" {
			exprs = append(exprs, "USING ("+using+")")
		}
		if check != "" {
			exprs = append(exprs, "WITH CHECK ("+check+")")
		}
		to := strings.Join(append([]string{"TO " + roles}, exprs...), " ")
		o.Create = "CREATE POLICY " + o.Name + " AS " + as + " FOR " + policyCommands[cmd] + " " + to
		o.Alter = "ALTER POLICY " + o.Name + " " + to
		o.Drop = "DROP POLICY " + o.Name
		o.Signature = as + " " + cmd + " " + boolWord(using != "") + " " + boolWord(check != "")
		r.add(key{classPolicy, oid}, o)
		return nil
	})
}

func boolWord(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
