package locks_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/versiona/versiona/internal/dbtest"
	"github.com/versiona/versiona/internal/locks"
	"github.com/versiona/versiona/internal/testkit"
)

// seqScansOf runs stmt in a transaction and returns how many sequential scans
// of table it made, from pg_stat_xact_user_tables, then rolls back.
func seqScansOf(t *testing.T, conn *sql.Conn, table, stmt string) int64 {
	t.Helper()
	ctx := context.Background()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	count := func() (n int64) {
		if err := tx.QueryRowContext(ctx, "SELECT seq_scan FROM pg_stat_xact_user_tables WHERE relname = $1", table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count()
	if _, err := tx.ExecContext(ctx, stmt); err != nil {
		t.Fatalf("%s: %v", stmt, err)
	}
	return count() - before
}

func TestReadEnv(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn := testkit.Session(t, dbtest.URL(t), "lint")
	testkit.Exec(t, conn, oracleSchema)
	const setNotNull = `ALTER TABLE usuarios ALTER COLUMN bio SET NOT NULL;`
	lint := func() []locks.Finding {
		env, err := locks.ReadEnv(ctx, conn)
		if err != nil {
			t.Fatal(err)
		}
		env.Transactional = true
		return locks.Lint(statements(t, setNotNull), env)
	}

	t.Run("catalog facts", func(t *testing.T) {
		env, err := locks.ReadEnv(ctx, conn)
		if err != nil {
			t.Fatal(err)
		}
		if !env.Existing("public", "comentario") || env.Existing("public", "nao_existe") {
			t.Fatal("Existing disagrees with the catalog")
		}
		if s, tb, ok := env.IndexTable("public", "comentario_usuario_id_idx"); !ok || s != "public" || tb != "comentario" {
			t.Fatalf("IndexTable = %s, %s, %v", s, tb, ok)
		}
		if typ, ok := env.ColumnType("public", "comentario", "texto"); !ok || typ != "character varying(200)" {
			t.Fatalf("ColumnType = %q, %v", typ, ok)
		}
	})

	t.Run("SET NOT NULL is flagged until a check is validated", func(t *testing.T) {
		if got := lint(); len(got) != 1 || got[0].Code != "PG108" {
			t.Fatalf("without a check: want PG108, got %v", got)
		}
		if n := seqScansOf(t, conn, "usuarios", setNotNull); n == 0 {
			t.Fatal("oracle: SET NOT NULL without a check did not scan; the case proves nothing")
		}
		testkit.Exec(t, conn, `ALTER TABLE usuarios ADD CONSTRAINT bio_nn CHECK (bio IS NOT NULL) NOT VALID`)
		if got := lint(); len(got) != 1 || got[0].Code != "PG108" {
			t.Fatalf("with a check not yet validated: want PG108, got %v", got)
		}
		testkit.Exec(t, conn, `ALTER TABLE usuarios VALIDATE CONSTRAINT bio_nn`)
		if got := lint(); len(got) != 0 {
			t.Fatalf("with a validated check: want nothing, got %v", got)
		}
		if n := seqScansOf(t, conn, "usuarios", setNotNull); n != 0 {
			t.Fatalf("oracle: SET NOT NULL with a validated check scanned usuarios %d times", n)
		}
	})
}

// TestLint_ScanOracle checks, with pg_stat_xact_user_tables, that what the
// lint flags as validating a constraint does scan the table and that the
// NOT VALID form it suggests does not.
func TestLint_ScanOracle(t *testing.T) {
	t.Parallel()
	conn := testkit.Session(t, dbtest.URL(t), "lint")
	testkit.Exec(t, conn, oracleSchema)
	for _, c := range []struct {
		src   string
		flags bool
	}{
		{`ALTER TABLE comentario ADD CONSTRAINT c CHECK (n > 0);`, true},
		{`ALTER TABLE comentario ADD COLUMN estrelas int DEFAULT 3 CHECK (estrelas BETWEEN 1 AND 5);`, true},
		{`ALTER TABLE comentario ADD CONSTRAINT c CHECK (n > 0) NOT VALID;`, false},
		{`ALTER TABLE comentario ADD CONSTRAINT fk FOREIGN KEY (usuario_id) REFERENCES usuarios (id) NOT VALID;`, false},
	} {
		flagged := len(locks.Lint(statements(t, c.src), locks.Env{Transactional: true})) > 0
		scans := seqScansOf(t, conn, "comentario", c.src)
		if flagged != c.flags || (scans > 0) != c.flags {
			t.Errorf("%s: flagged %v, scanned comentario %d times; want both %v", c.src, flagged, scans, c.flags)
		}
	}
}
