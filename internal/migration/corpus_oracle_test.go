package migration_test

import (
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/versiona/versiona/internal/dbtest"
	"github.com/versiona/versiona/internal/testkit"
)

// settingsOracle reads, straight from pg_catalog and one sorted line per
// fact, what the fingerprint may not read: row-level security and
// policies, privileges, column statistics, storage and compression,
// replica identity, clustering, persistence, and the validity,
// deferrability and comments of constraints. Owners and grantors are left
// out (a role's name, not the schema's).
const settingsOracle = `
WITH rel AS (
  SELECT c.* FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'atlas_schema_revisions') AND n.nspname !~ '^pg_'
)
SELECT line FROM (
  SELECT 'table ' || oid::regclass || ' rls ' || relrowsecurity || ' force ' || relforcerowsecurity
      || ' replica ' || relreplident::text || ' persistence ' || relpersistence::text AS line
  FROM rel WHERE relkind IN ('r', 'p')
  UNION ALL
  SELECT 'sequence ' || oid::regclass || ' persistence ' || relpersistence::text FROM rel WHERE relkind = 'S'
  UNION ALL
  SELECT 'column ' || a.attrelid::regclass || '.' || quote_ident(a.attname) || ' statistics ' || a.attstattarget
      || ' storage ' || a.attstorage::text || ' compression ' || quote_literal(a.attcompression::text)
  FROM pg_attribute a JOIN rel r ON r.oid = a.attrelid WHERE r.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
  UNION ALL
  SELECT 'index ' || i.indexrelid::regclass || ' clustered ' || i.indisclustered || ' replica ' || i.indisreplident
  FROM pg_index i JOIN rel r ON r.oid = i.indrelid
  UNION ALL
  SELECT 'policy ' || quote_ident(p.polname) || ' on ' || p.polrelid::regclass || ' ' || p.polcmd::text || ' permissive ' || p.polpermissive
      || ' to ' || p.polroles::regrole[]::text || ' using ' || coalesce(pg_get_expr(p.polqual, p.polrelid), '-')
      || ' check ' || coalesce(pg_get_expr(p.polwithcheck, p.polrelid), '-')
      || ' comment ' || coalesce(obj_description(p.oid, 'pg_policy'), '-')
  FROM pg_policy p JOIN rel r ON r.oid = p.polrelid
  UNION ALL
  SELECT 'constraint ' || co.conname || ' on ' || co.conrelid::regclass || ' validated ' || co.convalidated
      || ' deferrable ' || co.condeferrable || ' deferred ' || co.condeferred
      || ' comment ' || coalesce(obj_description(co.oid, 'pg_constraint'), '-')
  FROM pg_constraint co JOIN rel r ON r.oid = co.conrelid
  UNION ALL
  SELECT 'grant on ' || r.oid::regclass || coalesce('.' || quote_ident(a.attname), '') || ' to '
      || CASE WHEN x.grantee = 0 THEN 'PUBLIC' ELSE x.grantee::regrole::text END || ' ' || x.privilege_type || ' ' || x.is_grantable
  FROM rel r LEFT JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND a.attacl IS NOT NULL
  CROSS JOIN LATERAL aclexplode(CASE WHEN a.attname IS NULL THEN r.relacl ELSE a.attacl END) x
  WHERE x.grantee <> r.relowner
  UNION ALL
  SELECT 'grant on function ' || p.oid::regprocedure || ' to '
      || CASE WHEN x.grantee = 0 THEN 'PUBLIC' ELSE x.grantee::regrole::text END || ' ' || x.privilege_type || ' ' || x.is_grantable
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
  CROSS JOIN LATERAL aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) x
  WHERE n.nspname = 'public' AND x.grantee <> p.proowner
  UNION ALL
  SELECT 'grant on schema ' || quote_ident(n.nspname) || ' to '
      || CASE WHEN x.grantee = 0 THEN 'PUBLIC' ELSE x.grantee::regrole::text END || ' ' || x.privilege_type || ' ' || x.is_grantable
  FROM pg_namespace n CROSS JOIN LATERAL aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) x
  WHERE n.nspname !~ '^pg_' AND n.nspname NOT IN ('information_schema', 'atlas_schema_revisions') AND x.grantee <> n.nspowner
  UNION ALL
  SELECT 'grant on type ' || t.oid::regtype || ' to '
      || CASE WHEN x.grantee = 0 THEN 'PUBLIC' ELSE x.grantee::regrole::text END || ' ' || x.privilege_type || ' ' || x.is_grantable
  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
  CROSS JOIN LATERAL aclexplode(coalesce(t.typacl, acldefault('T', t.typowner))) x
  WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd') AND x.grantee <> t.typowner
  UNION ALL
  SELECT 'default privileges in ' || coalesce(d.defaclnamespace::regnamespace::text, '-') || ' on ' || d.defaclobjtype::text
      || ' to ' || CASE WHEN x.grantee = 0 THEN 'PUBLIC' ELSE x.grantee::regrole::text END || ' ' || x.privilege_type
  FROM pg_default_acl d CROSS JOIN LATERAL aclexplode(d.defaclacl) x
) o ORDER BY 1`

// catalogSettings returns the settingsOracle lines of the database at url.
func catalogSettings(t testing.TB, url string) []string {
	t.Helper()
	return testkit.Lines(t, testkit.OpenSQL(t, url), settingsOracle)
}

// sameSettings fails the test when the settingsOracle lines differ.
func sameSettings(t testing.TB, what string, got, want []string) {
	t.Helper()
	if slices.Equal(got, want) {
		return
	}
	var b strings.Builder
	for _, l := range want {
		if !slices.Contains(got, l) {
			b.WriteString("\n  missing: " + l)
		}
	}
	for _, l := range got {
		if !slices.Contains(want, l) {
			b.WriteString("\n  extra:   " + l)
		}
	}
	t.Fatalf("%s: catalog settings differ:%s", what, b.String())
}

var (
	corpusSettingsOnce  sync.Once
	corpusSettingsLines []string
)

// corpusBaseSettings is the settingsOracle of the base schema loaded on a
// fresh database, read once.
func corpusBaseSettings(t testing.TB) []string {
	t.Helper()
	corpusSettingsOnce.Do(func() {
		url := dbtest.URL(t)
		if _, err := testkit.OpenSQL(t, url).Exec(corpusBase()); err != nil {
			t.Fatalf("loading the corpus base: %v", err)
		}
		corpusSettingsLines = catalogSettings(t, url)
	})
	if corpusSettingsLines == nil {
		t.Fatal("the corpus base's catalog settings were not read")
	}
	return corpusSettingsLines
}

// corpusRole creates, once, the role the corpus grants to on the test
// server, where Diff never creates roles (it is the dev URL's).
func corpusRole(t testing.TB) {
	t.Helper()
	const create = `DO $$ BEGIN CREATE ROLE versiona_leitor NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$`
	if _, err := testkit.OpenSQL(t, dbtest.ServerURL(t, "postgres")).Exec(create); err != nil {
		t.Fatalf("creating the corpus role: %v", err)
	}
}
