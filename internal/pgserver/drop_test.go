//go:build linux || darwin

package pgserver

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// dropFixture starts a server and returns a connection to its maintenance
// database, and exec running statements on it.
func dropFixture(t testing.TB) (*Server, *pgx.Conn, func(context.Context, string) error) {
	t.Helper()
	var s *Server
	switch tb := t.(type) {
	case *testing.T:
		s = startT(tb, Options{})
	default:
		var err error
		if s, err = Start(context.Background(), Options{}); err != nil {
			t.Fatalf("Start: %v", err)
		}
		t.Cleanup(func() { s.Stop() })
	}
	admin, err := pgx.Connect(context.Background(), s.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close(context.Background()) })
	exec := func(ctx context.Context, sql string) error { _, err := admin.Exec(ctx, sql); return err }
	return s, admin, exec
}

// databaseExists asks the catalog.
func databaseExists(t testing.TB, admin *pgx.Conn, name string) bool {
	t.Helper()
	var ok bool
	if err := admin.QueryRow(context.Background(), "SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)", name).Scan(&ok); err != nil {
		t.Fatal(err)
	}
	return ok
}

// usedAndClosed opens a connection to database name, runs a query on it and
// closes it.
func usedAndClosed(t testing.TB, s *Server, name string) {
	t.Helper()
	ctx := context.Background()
	cfg, err := pgx.ParseConfig(s.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Database = name
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "CREATE TABLE t (id int); INSERT INTO t VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)
}

func TestDropDatabase(t *testing.T) {
	s, admin, exec := dropFixture(t)
	ctx := context.Background()
	// A name that needs quoting both as an identifier and as a literal.
	const name = `scratch "db" o'neil`
	create := "CREATE DATABASE " + quoteIdent(name)

	t.Run("after its connection closed", func(t *testing.T) {
		if err := exec(ctx, create); err != nil {
			t.Fatal(err)
		}
		usedAndClosed(t, s, name)
		if err := DropDatabase(ctx, exec, name); err != nil {
			t.Fatalf("DropDatabase: %v", err)
		}
		if databaseExists(t, admin, name) {
			t.Fatal("the database is still in pg_database")
		}
	})

	t.Run("with a connection still open", func(t *testing.T) {
		if err := exec(ctx, create); err != nil {
			t.Fatal(err)
		}
		cfg, err := pgx.ParseConfig(s.URL("postgres"))
		if err != nil {
			t.Fatal(err)
		}
		cfg.Database = name
		open, err := pgx.ConnectConfig(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer open.Close(ctx)
		start := time.Now()
		if err := DropDatabase(ctx, exec, name); err != nil {
			t.Fatalf("DropDatabase: %v", err)
		}
		// The wait gives up after about a second; FORCE then ends the
		// connection.
		if d := time.Since(start); d < 900*time.Millisecond {
			t.Errorf("dropped in %v with a connection open; want the wait of about a second first", d)
		}
		if databaseExists(t, admin, name) {
			t.Fatal("the database is still in pg_database")
		}
		if _, err := open.Exec(ctx, "SELECT 1"); err == nil {
			t.Fatal("the open connection still answers after the drop")
		}
	})

	t.Run("absent", func(t *testing.T) {
		if err := DropDatabase(ctx, exec, "no_such_database"); err != nil {
			t.Fatalf("DropDatabase of an absent database: %v", err)
		}
	})

	t.Run("error names the database", func(t *testing.T) {
		// A template cannot be dropped: the server's error comes back
		// with the name.
		err := DropDatabase(ctx, exec, "template1")
		if err == nil || !databaseExists(t, admin, "template1") {
			t.Fatalf("DropDatabase(template1) = %v; want an error and the database kept", err)
		}
		if want := "dropping database template1"; !strings.Contains(err.Error(), want) {
			t.Fatalf("err = %v; want it to say %q", err, want)
		}
	})
}

// BenchmarkDropDatabase measures dropping a database just after its only
// connection closed, with DropDatabase and with DROP DATABASE ... WITH
// (FORCE) alone, interleaved so load on the machine weighs on both alike:
//
//	go test -run '^$' -bench DropDatabase -benchtime 20x -count 3 ./internal/pgserver
func BenchmarkDropDatabase(b *testing.B) {
	s, _, exec := dropFixture(b)
	ctx := context.Background()
	drop := func(name string, waited bool) time.Duration {
		if err := exec(ctx, "CREATE DATABASE "+quoteIdent(name)); err != nil {
			b.Fatal(err)
		}
		usedAndClosed(b, s, name)
		start := time.Now()
		var err error
		if waited {
			err = DropDatabase(ctx, exec, name)
		} else {
			err = exec(ctx, "DROP DATABASE "+quoteIdent(name)+" WITH (FORCE)")
		}
		if err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}
	var waited, plain time.Duration
	for i := range b.N {
		if i%2 == 0 {
			waited += drop("bench_waited", true)
			plain += drop("bench_plain", false)
		} else {
			plain += drop("bench_plain", false)
			waited += drop("bench_waited", true)
		}
	}
	n := float64(b.N)
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(float64(waited.Microseconds())/n/1000, "waited-ms/op")
	b.ReportMetric(float64(plain.Microseconds())/n/1000, "force-only-ms/op")
	b.ReportMetric(float64(waited)/float64(plain), "x-force-only")
}
