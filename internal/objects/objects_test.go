package objects_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"

	"github.com/versiona/versiona/internal/dbtest"
	"github.com/versiona/versiona/internal/objects"
	"github.com/versiona/versiona/internal/testkit"
)

func TestMain(m *testing.M) { dbtest.Main(m, nil) }

// build returns a fresh database holding the objects of script.
func build(t *testing.T, script string) *sql.DB {
	t.Helper()
	db := testkit.OpenSQL(t, dbtest.URL(t))
	if _, err := db.Exec(script); err != nil {
		t.Fatalf("building database: %v\n%s", err, script)
	}
	return db
}

// read returns the objects of db, read on one connection.
func read(t *testing.T, db *sql.DB) objects.Set {
	t.Helper()
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	s, err := objects.Read(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// apply runs before, the table changes and after on db in one transaction.
func apply(t *testing.T, db *sql.DB, before []objects.Statement, tables string, after []objects.Statement) {
	t.Helper()
	ctx := context.Background()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	run := func(sql string) {
		t.Helper()
		if _, err := tx.ExecContext(ctx, sql); err != nil {
			t.Fatalf("applying plan: %v\nstatement:\n%s\nbefore:\n%s\ntables:\n%s\nafter:\n%s",
				err, sql, objects.String(before), tables, objects.String(after))
		}
	}
	for _, s := range before {
		run(s.SQL)
	}
	if tables != "" {
		run(tables)
	}
	for _, s := range after {
		run(s.SQL)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// oracleQuery describes a database's objects with PostgreSQL's deparsers,
// one sorted line per fact, independently of package objects.
const oracleQuery = `
SELECT line FROM (
  SELECT format('%s %s %s %s: %s', c.relkind, c.oid::regclass, c.reloptions, c.relispopulated, pg_get_viewdef(c.oid)) AS line
  FROM pg_class c WHERE c.relkind IN ('v', 'm') AND c.relnamespace = 'public'::regnamespace
  UNION ALL
  SELECT 'index ' || pg_get_indexdef(i.indexrelid)
  FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid WHERE c.relnamespace = 'public'::regnamespace
  UNION ALL
  SELECT 'function ' || pg_get_functiondef(p.oid) FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace AND p.prokind <> 'a'
  UNION ALL
  SELECT 'trigger ' || pg_get_triggerdef(t.oid) FROM pg_trigger t WHERE NOT t.tgisinternal
  UNION ALL
  SELECT format('sequence %s %s %s %s %s %s %s %s', sequencename, data_type, start_value, min_value,
                max_value, increment_by, cycle, cache_size)
  FROM pg_sequences WHERE schemaname = 'public'
  UNION ALL
  SELECT format('owned %s by %s', pg_describe_object(d.classid, d.objid, 0),
                pg_describe_object(d.refclassid, d.refobjid, d.refobjsubid))
  FROM pg_depend d JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
  WHERE d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
  UNION ALL
  SELECT format('extension %s %s %s', extname, extversion, extnamespace::regnamespace) FROM pg_extension
  UNION ALL
  SELECT format('comment %s: %s', pg_describe_object(classoid, objoid, objsubid), description)
  FROM pg_description WHERE objoid >= 16384
  UNION ALL
  SELECT format('column %s.%s %s default %s', a.attrelid::regclass, a.attname,
                format_type(a.atttypid, a.atttypmod), pg_get_expr(ad.adbin, ad.adrelid))
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
  LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
  WHERE c.relkind IN ('r', 'v', 'm') AND c.relnamespace = 'public'::regnamespace
    AND a.attnum > 0 AND NOT a.attisdropped
  UNION ALL
  SELECT format('partition %s of %s %s %s', c.oid::regclass, i.inhparent::regclass,
                pg_get_expr(c.relpartbound, c.oid), pg_get_partkeydef(c.oid))
  FROM pg_class c JOIN pg_inherits i ON i.inhrelid = c.oid WHERE c.relispartition
  UNION ALL
  SELECT format('privilege on %s to %s: %s%s', o.what, CASE WHEN x.grantee = 0 THEN 'PUBLIC' ELSE x.grantee::regrole::text END,
                x.privilege_type, CASE WHEN x.is_grantable THEN ' with grant option' ELSE '' END)
  FROM (
    SELECT 'relation ' || c.oid::regclass AS what, coalesce(c.relacl, acldefault('r', c.relowner)) AS acl
    FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'v', 'm', 'S')
    UNION ALL
    SELECT 'column ' || a.attrelid::regclass || '.' || a.attname, a.attacl
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    WHERE c.relnamespace = 'public'::regnamespace AND a.attacl IS NOT NULL
    UNION ALL
    SELECT 'function ' || p.oid::regprocedure, coalesce(p.proacl, acldefault('f', p.proowner))
    FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
    UNION ALL
    SELECT 'schema ' || n.nspname, coalesce(n.nspacl, acldefault('n', n.nspowner)) FROM pg_namespace n WHERE n.nspname = 'public'
    UNION ALL
    SELECT 'type ' || t.oid::regtype, coalesce(t.typacl, acldefault('T', t.typowner))
    FROM pg_type t WHERE t.typnamespace = 'public'::regnamespace AND t.typtype IN ('e', 'd')
    UNION ALL
    SELECT 'default ' || d.defaclobjtype::text || ' in ' || coalesce(d.defaclnamespace::regnamespace::text, 'all'), d.defaclacl
    FROM pg_default_acl d
  ) o CROSS JOIN LATERAL aclexplode(o.acl) x
) facts ORDER BY line`

func oracle(t *testing.T, db *sql.DB) string {
	t.Helper()
	return strings.Join(append(testkit.Lines(t, db, oracleQuery), testkit.Lines(t, db, typesOracleQuery)...), "\n")
}

// planCase is a current and a desired schema, the table changes between
// them (as the table planner would write them) and their impact.
type planCase struct {
	name             string
	current, desired string
	tables           string
	impact           objects.TableImpact
	// want are fragments the plan must hold, in this order.
	want []string
}

// run plans c, applies the plan to the current database, and compares it
// with the desired one through the oracle; then plans again and expects
// nothing.
func (c planCase) run(t *testing.T) {
	t.Parallel()
	cur, des := build(t, c.current), build(t, c.desired)
	before, after := objects.Plan(read(t, cur), read(t, des), c.impact)
	plan := objects.String(before) + "-- tables\n" + objects.String(after)
	at := 0
	for _, w := range c.want {
		i := strings.Index(plan[at:], w)
		if i < 0 {
			t.Fatalf("plan lacks %q after offset %d:\n%s", w, at, plan)
		}
		at += i + len(w)
	}
	apply(t, cur, before, c.tables, after)
	if got, want := oracle(t, cur), oracle(t, des); got != want {
		t.Fatalf("planned database differs from desired\nplan:\n%s\ngot:\n%s\nwant:\n%s", plan, got, want)
	}
	if b, a := objects.Plan(read(t, cur), read(t, des), objects.TableImpact{}); len(b)+len(a) > 0 {
		t.Errorf("second plan is not empty:\n%s%s", objects.String(b), objects.String(a))
	}
}

func impactColumns(cols ...string) objects.TableImpact {
	t := objects.TableImpact{Tables: map[string]bool{}, Columns: map[string]bool{}}
	for _, c := range cols {
		t.Columns[c] = true
	}
	return t
}
