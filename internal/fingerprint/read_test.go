package fingerprint_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/versiona/versiona"
	"github.com/versiona/versiona/internal/dbtest"
	"github.com/versiona/versiona/internal/fingerprint"
	"github.com/versiona/versiona/internal/testkit"
)

// oddSession is a session whose settings change how PostgreSQL prints
// names, dates and timestamps.
const oddSession = `SET search_path = app, public; SET DateStyle = 'SQL, DMY'; SET IntervalStyle = 'sql_standard';
	SET TimeZone = 'America/Sao_Paulo'; SET quote_all_identifiers = on; SET extra_float_digits = 3; SET jit = on`

const showSession = `SELECT current_setting('search_path') || '|' || current_setting('DateStyle') || '|' || current_setting('IntervalStyle')
	|| '|' || current_setting('TimeZone') || '|' || current_setting('quote_all_identifiers') || '|' || current_setting('extra_float_digits') || '|' || current_setting('jit')`

// TestRead_Deterministic reads one database several ways, from a fresh
// session and from sessions with odd settings, and requires the same text;
// the caller's session settings are as they were after each read.
func TestRead_Deterministic(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := open(t, baseSchema)
	first := read(t, db)
	if second := read(t, db); second.String() != first.String() || !second.Equal(first) {
		t.Fatalf("two reads differ:\n%s\n---\n%s", first, second)
	}
	if !strings.Contains(first.String(), "column app.pai.marcado: default '2026-01-31 12:00:00+00'::timestamp with time zone\n") {
		t.Fatalf("the timestamp default is not printed in UTC with ISO dates:\n%s", first)
	}

	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, oddSession); err != nil {
		t.Fatal(err)
	}
	want := show(t, conn)
	if got := read(t, conn); got.String() != first.String() {
		t.Errorf("read from a session with odd settings differs:\n%s", describeAll(fingerprint.Diff(first, got)))
	}
	if got := show(t, conn); got != want {
		t.Errorf("session settings after Read = %q, want %q as before", got, want)
	}

	tx, err := conn.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if got := read(t, tx); got.String() != first.String() {
		t.Errorf("read in a read-only transaction differs:\n%s", describeAll(fingerprint.Diff(first, got)))
	}
	if got := show(t, tx); got != want {
		t.Errorf("settings in the transaction after Read = %q, want %q as before", got, want)
	}
}

func show(t *testing.T, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) string {
	t.Helper()
	var s string
	if err := q.QueryRowContext(context.Background(), showSession).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

func describeAll(diffs []fingerprint.Difference) string {
	var b strings.Builder
	for _, d := range diffs {
		b.WriteString(d.Describe("first", "second") + "\n")
	}
	return b.String()
}

// TestRead_ExcludeSchemas leaves out the schemas named, with everything in
// them, and always the system schemas.
func TestRead_ExcludeSchemas(t *testing.T) {
	t.Parallel()
	db := open(t, baseSchema+"CREATE TEMP TABLE provisoria (id int);")
	all := read(t, db)
	if !strings.Contains(all.String(), "table app.filho: ") {
		t.Fatal("schema app missing from the full fingerprint")
	}
	for _, l := range lines(all) {
		if strings.Contains(l, "pg_temp") || strings.Contains(l, "pg_toast") || strings.Contains(l, "information_schema") ||
			strings.Contains(l, "provisoria") {
			t.Errorf("system or temporary object in the fingerprint: %s", l)
		}
	}
	without := read(t, db, fingerprint.ExcludeSchemas("app"))
	for _, l := range lines(without) {
		if strings.Contains(l, "app.") || strings.HasPrefix(l, "schema app:") {
			t.Errorf("fact of the excluded schema app: %s", l)
		}
	}
	if !strings.Contains(without.String(), "schema public: exists\n") {
		t.Error("schema public left out along with app")
	}
}

// TestRead_Cancelled returns the context's error.
func TestRead_Cancelled(t *testing.T) {
	t.Parallel()
	db := open(t, "")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := fingerprint.Read(ctx, db); err == nil {
		t.Fatal("Read with a cancelled context succeeded")
	}
}

// BenchmarkRead reads the fingerprint of this project's schema, loaded
// from schema.sql: again and again on one session, and once on each new
// session (the first read of a session fills its catalog caches).
func BenchmarkRead(b *testing.B) {
	url := dbtest.URL(b)
	if _, err := testkit.OpenSQL(b, url).ExecContext(context.Background(), versiona.Schema); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.Run("same session", func(b *testing.B) {
		db := testkit.OpenSQL(b, url)
		for b.Loop() {
			if _, err := fingerprint.Read(ctx, db); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("new session", func(b *testing.B) {
		for range b.N {
			b.StopTimer()
			db := testkit.OpenSQL(b, url)
			if err := db.PingContext(ctx); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			if _, err := fingerprint.Read(ctx, db); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			db.Close()
			b.StartTimer()
		}
	})
}
