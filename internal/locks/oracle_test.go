package locks_test

import (
	"context"
	"database/sql"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/versiona/versiona/internal/dbtest"
	"github.com/versiona/versiona/internal/locks"
	"github.com/versiona/versiona/internal/testkit"
)

// oracleSchema is the database the oracle runs each statement on; every
// table holds rows, so scans and rewrites have something to do.
const oracleSchema = `
CREATE TABLE usuarios (id bigint PRIMARY KEY, email text, bio text);
CREATE TABLE postagens (id bigint, titulo text);
CREATE TABLE comentario (id bigint PRIMARY KEY, usuario_id bigint, texto varchar(200), criado_em timestamptz,
  nota numeric(10,2), visto timestamp(3), rede cidr, letra char(5), n int, etiquetas varchar(10)[]);
CREATE INDEX comentario_usuario_id_idx ON comentario (usuario_id);
INSERT INTO usuarios SELECT g, 'u' || g, 'bio' FROM generate_series(1, 100) g;
INSERT INTO postagens SELECT g, 't' FROM generate_series(1, 100) g;
INSERT INTO comentario SELECT g, g, 'texto', now(), 1.5, now(), '10.0.0.0/8', 'a', g, '{a,b}' FROM generate_series(1, 100) g;
CREATE TABLE medidas (id bigint, medido_em date NOT NULL, valor int) PARTITION BY RANGE (medido_em);
CREATE TABLE medidas_2025 PARTITION OF medidas FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
INSERT INTO medidas SELECT g, date '2025-01-01' + g, g FROM generate_series(1, 100) g;
CREATE MATERIALIZED VIEW resumo AS SELECT count(*) AS n FROM comentario;
`

// observed is what PostgreSQL shows of a statement run in a transaction.
type observed struct {
	strongest string // strongest lock mode held on a relation that existed before, e.g. "SHARE"
	rewrote   bool   // comentario or usuarios got a new relfilenode
	err       error
}

var lockRank = []string{"AccessShareLock", "RowShareLock", "RowExclusiveLock", "ShareUpdateExclusiveLock",
	"ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock"}

// modeName turns pg_locks' "ShareRowExclusiveLock" into "SHARE ROW EXCLUSIVE".
func modeName(mode string) string {
	words := regexp.MustCompile(`[A-Z][a-z]+`).FindAllString(strings.TrimSuffix(mode, "Lock"), -1)
	return strings.ToUpper(strings.Join(words, " "))
}

// observe runs src in a transaction on conn, reads the locks of its own
// session from pg_locks and the relfilenodes from pg_class, and rolls back.
func observe(t *testing.T, conn *sql.Conn, src string) observed {
	t.Helper()
	ctx := context.Background()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	before := map[int64]bool{}
	nodes := func() (m map[string]int64) {
		m = map[string]int64{}
		rows, err := tx.QueryContext(ctx, `SELECT oid::bigint, relname, relfilenode::bigint FROM pg_class WHERE relnamespace = 'public'::regnamespace`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var oid, node int64
			var name string
			if err := rows.Scan(&oid, &name, &node); err != nil {
				t.Fatal(err)
			}
			before[oid], m[name] = true, node
		}
		return m
	}
	nodesBefore := nodes()
	for _, s := range statements(t, src) {
		if _, err := tx.ExecContext(ctx, s.Text); err != nil {
			return observed{err: err}
		}
	}
	var o observed
	rows, err := tx.QueryContext(ctx, `SELECT relation::bigint, mode FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'relation' AND granted`)
	if err != nil {
		t.Fatal(err)
	}
	rank := -1
	for rows.Next() {
		var rel int64
		var mode string
		if err := rows.Scan(&rel, &mode); err != nil {
			t.Fatal(err)
		}
		for i, m := range lockRank {
			if m == mode && before[rel] && i > rank {
				rank, o.strongest = i, modeName(m)
			}
		}
	}
	rows.Close()
	nodesAfter := nodes()
	o.rewrote = nodesAfter["comentario"] != nodesBefore["comentario"] || nodesAfter["usuarios"] != nodesBefore["usuarios"]
	return o
}

// TestLint_LockOracle runs each rule's statement on existing tables of a
// real database and checks the lock its finding names against pg_locks, and
// its rewrite claims against relfilenode.
func TestLint_LockOracle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn := testkit.Session(t, dbtest.URL(t), "oracle")
	testkit.Exec(t, conn, oracleSchema)
	env, err := locks.ReadEnv(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	env.Transactional = true

	cases := []struct {
		code, src string
		rewrite   bool
	}{
		{"PG101", `CREATE INDEX comentario_criado_em_idx ON comentario (criado_em);`, false},
		{"PG101", `CREATE UNIQUE INDEX ON "public"."usuarios" ("email");`, false},
		{"PG102", `DROP INDEX comentario_usuario_id_idx;`, false},
		{"PG103", `REINDEX TABLE comentario;`, false},
		{"PG103", `REINDEX INDEX comentario_usuario_id_idx;`, false},
		{"PG105", `ALTER TABLE "public"."comentario" ADD CONSTRAINT "fk" FOREIGN KEY ("usuario_id") REFERENCES "public"."usuarios" ("id");`, false},
		{"PG106", `ALTER TABLE comentario ADD CONSTRAINT c CHECK (char_length(texto) >= 1);`, false},
		{"PG106", `ALTER TABLE comentario ADD COLUMN estrelas int DEFAULT 3 CHECK (estrelas BETWEEN 1 AND 5);`, false},
		{"PG107", "ALTER TABLE comentario ADD CONSTRAINT c CHECK (n > 0) NOT VALID;\nALTER TABLE comentario VALIDATE CONSTRAINT c;", false},
		{"PG107", "ALTER TABLE comentario ADD CONSTRAINT fk FOREIGN KEY (usuario_id) REFERENCES usuarios (id) NOT VALID;\nALTER TABLE comentario VALIDATE CONSTRAINT fk;", false},
		{"PG108", `ALTER TABLE usuarios ALTER COLUMN bio SET NOT NULL;`, false},
		{"PG109", `ALTER TABLE comentario ADD COLUMN token uuid NOT NULL DEFAULT gen_random_uuid();`, true},
		{"PG109", `ALTER TABLE comentario ADD COLUMN visto_em timestamptz DEFAULT clock_timestamp();`, true},
		{"PG109", `ALTER TABLE comentario ADD COLUMN ordem bigserial;`, true},
		{"PG109", `ALTER TABLE comentario ADD COLUMN ordem bigint GENERATED ALWAYS AS IDENTITY;`, true},
		{"PG109", `ALTER TABLE comentario ADD COLUMN dobro int GENERATED ALWAYS AS (n * 2) STORED;`, true},
		{"PG110", `ALTER TABLE comentario ALTER COLUMN texto TYPE varchar(100);`, true},
		{"PG110", `ALTER TABLE comentario ALTER COLUMN n TYPE bigint;`, true},
		{"PG110", `ALTER TABLE comentario ALTER COLUMN nota TYPE numeric(12,3);`, true},
		{"PG110", `ALTER TABLE comentario ALTER COLUMN letra TYPE char(10);`, true},
		{"PG110", `ALTER TABLE comentario ALTER COLUMN letra TYPE text;`, true},
		{"PG110", `ALTER TABLE comentario ALTER COLUMN visto TYPE timestamp(0);`, true},
		{"PG110", `ALTER TABLE comentario ALTER COLUMN etiquetas TYPE varchar(20)[];`, true},
		{"PG110", `ALTER TABLE comentario ALTER COLUMN texto TYPE text USING texto || '';`, true},
		{"PG111", `ALTER TABLE usuarios ADD CONSTRAINT usuarios_email_key UNIQUE (email);`, false},
		{"PG111", `ALTER TABLE postagens ADD PRIMARY KEY (id);`, false},
		{"PG111", `ALTER TABLE usuarios ADD COLUMN apelido text UNIQUE;`, false},
		{"PG112", `CREATE TABLE medidas_2026 PARTITION OF medidas FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');`, false},
		{"PG113", `ALTER TABLE medidas DETACH PARTITION medidas_2025;`, false},
		{"PG114", `ALTER TABLE comentario SET UNLOGGED;`, true},
		{"PG115", `REFRESH MATERIALIZED VIEW resumo;`, false},
		{"PG117", `CLUSTER comentario USING comentario_pkey;`, true},
		{"PG110", "ALTER TABLE comentario ADD COLUMN extra int;\nALTER TABLE comentario ALTER COLUMN extra TYPE bigint;", true},
		// Not flagged: PostgreSQL neither rewrites nor scans under a lock.
		{"", "CREATE TABLE medidas_2026 (LIKE medidas INCLUDING DEFAULTS INCLUDING CONSTRAINTS);\nALTER TABLE medidas ATTACH PARTITION medidas_2026 FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');", false},
		{"", `CREATE INDEX medidas_valor_idx ON ONLY medidas (valor);`, false},
		{"", `CREATE INDEX IF NOT EXISTS comentario_usuario_id_idx ON comentario (usuario_id);`, false},
		{"", `ALTER TABLE comentario CLUSTER ON comentario_pkey;`, false},
		{"", `ALTER TABLE comentario ADD COLUMN editado_em timestamptz NOT NULL DEFAULT now();`, false},
		{"", `ALTER TABLE comentario ADD COLUMN estado text NOT NULL DEFAULT 'novo';`, false},
		{"", `ALTER TABLE comentario ADD COLUMN estado text DEFAULT statement_timestamp()::text;`, false},
		{"", `ALTER TABLE comentario ALTER COLUMN texto TYPE character varying(500);`, false},
		{"", `ALTER TABLE comentario ALTER COLUMN texto TYPE varchar;`, false},
		{"", `ALTER TABLE comentario ALTER COLUMN texto TYPE text;`, false},
		{"", `ALTER TABLE comentario ALTER COLUMN nota TYPE numeric(14,2);`, false},
		{"", `ALTER TABLE comentario ALTER COLUMN nota TYPE numeric;`, false},
		{"", `ALTER TABLE comentario ALTER COLUMN visto TYPE timestamp(6) without time zone;`, false},
		{"", `ALTER TABLE comentario ALTER COLUMN rede TYPE inet;`, false},
		{"", `ALTER TABLE comentario ADD CONSTRAINT fk FOREIGN KEY (usuario_id) REFERENCES usuarios (id) NOT VALID;`, false},
	}
	for _, c := range cases {
		findings := locks.Lint(statements(t, c.src), env)
		o := observe(t, conn, c.src)
		if o.err != nil {
			t.Errorf("%s: %v", c.src, o.err)
			continue
		}
		if o.rewrote != c.rewrite {
			t.Errorf("%s: rewrote the table = %v, the case says %v", c.src, o.rewrote, c.rewrite)
		}
		if c.code == "" {
			if len(findings) != 0 {
				t.Errorf("%s: flagged %v; PostgreSQL took %s, rewrote=%v", c.src, findings, o.strongest, o.rewrote)
			}
			continue
		}
		if len(findings) != 1 || findings[0].Code != c.code {
			t.Errorf("%s: want one %s, got %v", c.src, c.code, findings)
			continue
		}
		if findings[0].Lock != o.strongest {
			t.Errorf("%s: %s claims %s, pg_locks shows %s", c.src, c.code, findings[0].Lock, o.strongest)
		}
	}
}

// TestLint_ConcurrentlyOracle shows PG104's claim on PostgreSQL: each
// CONCURRENTLY form it flags fails inside a transaction.
func TestLint_ConcurrentlyOracle(t *testing.T) {
	t.Parallel()
	conn := testkit.Session(t, dbtest.URL(t), "oracle")
	testkit.Exec(t, conn, oracleSchema)
	for _, src := range []string{
		`CREATE INDEX CONCURRENTLY i ON comentario (criado_em);`,
		`DROP INDEX CONCURRENTLY comentario_usuario_id_idx;`,
		`REINDEX INDEX CONCURRENTLY comentario_usuario_id_idx;`,
	} {
		findings := locks.Lint(statements(t, src), locks.Env{Transactional: true})
		if len(findings) != 1 || findings[0].Code != "PG104" {
			t.Errorf("%s: want PG104, got %v", src, findings)
		}
		var pe *pgconn.PgError
		if o := observe(t, conn, src); !errors.As(o.err, &pe) || pe.Code != "25001" {
			t.Errorf("%s in a transaction: got %v, want SQLSTATE 25001", src, o.err)
		}
	}
}

// TestVolatileFuncs checks the functions the lint treats as volatile
// against pg_proc.
func TestVolatileFuncs(t *testing.T) {
	t.Parallel()
	conn := testkit.Session(t, dbtest.URL(t), "oracle")
	for _, fn := range locks.VolatileFuncs() {
		var volatility string
		err := conn.QueryRowContext(context.Background(),
			`SELECT coalesce(min(provolatile::text), 'missing') FROM pg_proc WHERE proname = $1`, fn).Scan(&volatility)
		if err != nil {
			t.Fatal(err)
		}
		if volatility != "v" && volatility != "missing" { // missing: from an extension or a newer server
			t.Errorf("%s: provolatile %q, want v", fn, volatility)
		}
	}
}
