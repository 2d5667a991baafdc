package locks_test

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/versiona/versiona/internal/dbtest"
	"github.com/versiona/versiona/internal/locks"
	"github.com/versiona/versiona/internal/testkit"
)

// readerTx opens a transaction on a new session named app that reads table
// and stays open until the test ends or the returned func is called.
func readerTx(t *testing.T, url, app, table string) (end func(), readerPID int) {
	t.Helper()
	conn := testkit.Session(t, url, app)
	readerPID = testkit.BackendPID(t, conn)
	tx, err := conn.BeginTx(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(context.Background(), "SELECT count(*) FROM "+table+"\n-- still reading"); err != nil {
		t.Fatal(err)
	}
	end = func() { _ = tx.Rollback() }
	t.Cleanup(end)
	return end, readerPID
}

// waitForLockWait polls until session pid waits on a lock.
func waitForLockWait(t *testing.T, observer *sql.Conn, pid int) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		var waiting bool
		if err := observer.QueryRowContext(context.Background(),
			"SELECT coalesce(wait_event_type = 'Lock', false) FROM pg_stat_activity WHERE pid = $1", pid).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting {
			return
		}
	}
	t.Fatalf("pid %d never waited on a lock", pid)
}

func TestBlockers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := dbtest.URL(t)
	observer := testkit.Session(t, url, "observer")
	testkit.Exec(t, observer, "CREATE TABLE usuarios (id int)")
	_, readerPID := readerTx(t, url, "reader-app", "usuarios")

	alterer := testkit.Session(t, url, "migrate")
	alterPID := testkit.BackendPID(t, alterer)
	testkit.Exec(t, alterer, "SET lock_timeout = '1s'")
	done := make(chan error, 1)
	go func() {
		_, err := alterer.ExecContext(ctx, "ALTER TABLE usuarios ADD COLUMN nome text")
		done <- err
	}()
	waitForLockWait(t, observer, alterPID)

	bs, err := locks.Blockers(ctx, observer, alterPID)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("blockers: %v", bs)
	if len(bs) != 1 {
		t.Fatalf("got %d blockers, want 1: %v", len(bs), bs)
	}
	b := bs[0]
	if b.PID != readerPID || b.ApplicationName != "reader-app" || b.State != "idle in transaction" ||
		b.Query != "SELECT count(*) FROM usuarios" || b.InTransaction <= 0 {
		t.Fatalf("blocker %+v: want pid %d, reader-app, idle in transaction, first line of its query", b, readerPID)
	}

	// A watcher started while the ALTER waits still knows its blockers
	// after it failed.
	stop := locks.WatchBlockers(ctx, observer, alterPID, 20*time.Millisecond)
	err = <-done
	watched := stop()
	if len(watched) != 1 || watched[0].PID != readerPID {
		t.Fatalf("WatchBlockers after the lock timeout: %v, want pid %d", watched, readerPID)
	}
	if !locks.IsLockTimeout(err) {
		t.Fatalf("ALTER TABLE behind the reader: got %v, want a lock timeout", err)
	}
	if locks.IsLockTimeout(errors.New("55P03")) || locks.IsLockTimeout(nil) {
		t.Fatal("IsLockTimeout true for an error that is not a PostgreSQL lock timeout")
	}
	if bs, err := locks.Blockers(ctx, observer, alterPID); err != nil || len(bs) != 0 {
		t.Fatalf("blockers of a session no longer waiting: %v, %v", bs, err)
	}
}

// alterUnderTimeout returns a Retry fn that adds column nome to usuarios on
// conn under a 100 ms lock timeout.
func alterUnderTimeout(conn *sql.Conn) func(int) error {
	return func(int) error {
		tx, err := conn.BeginTx(context.Background(), nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		if _, err := tx.Exec("SET LOCAL lock_timeout = '100ms'"); err != nil {
			return err
		}
		if _, err := tx.Exec("ALTER TABLE usuarios ADD COLUMN nome text"); err != nil {
			return err
		}
		return tx.Commit()
	}
}

// hasColumn reports, from the catalog, whether usuarios has column nome.
func hasColumn(t *testing.T, conn *sql.Conn) bool {
	t.Helper()
	var n int
	if err := conn.QueryRowContext(context.Background(),
		"SELECT count(*) FROM pg_attribute WHERE attrelid = 'usuarios'::regclass AND attname = 'nome' AND NOT attisdropped").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n == 1
}

func TestRetry(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	setup := func(t *testing.T) (url string, observer, migrator *sql.Conn) {
		url = dbtest.URL(t)
		observer = testkit.Session(t, url, "observer")
		testkit.Exec(t, observer, "CREATE TABLE usuarios (id int)")
		return url, observer, testkit.Session(t, url, "migrate")
	}

	t.Run("succeeds once the blocker ends, with growing pauses", func(t *testing.T) {
		t.Parallel()
		url, observer, migrator := setup(t)
		endReader, _ := readerTx(t, url, "reader-app", "usuarios")
		var pauses []time.Duration
		err := locks.Retry(ctx, 5, 40*time.Millisecond, alterUnderTimeout(migrator), func(attempt int, err error, pause time.Duration) {
			if !locks.IsLockTimeout(err) {
				t.Errorf("onRetry got %v, want a lock timeout", err)
			}
			pauses = append(pauses, pause)
			if attempt == 2 {
				endReader()
			}
		})
		if err != nil {
			t.Fatalf("Retry: %v", err)
		}
		t.Logf("pauses %v", pauses)
		if len(pauses) != 2 || pauses[0] > 40*time.Millisecond || pauses[1] < 40*time.Millisecond || pauses[1] > 80*time.Millisecond {
			t.Fatalf("pauses %v: want two, within [20ms,40ms] then [40ms,80ms]", pauses)
		}
		if !hasColumn(t, observer) {
			t.Fatal("column not added after a successful retry")
		}
	})

	t.Run("gives up after the attempts and leaves the table unchanged", func(t *testing.T) {
		t.Parallel()
		url, observer, migrator := setup(t)
		readerTx(t, url, "reader-app", "usuarios")
		calls := 0
		fn := alterUnderTimeout(migrator)
		err := locks.Retry(ctx, 3, time.Millisecond, func(a int) error { calls++; return fn(a) }, nil)
		if !locks.IsLockTimeout(err) || calls != 3 {
			t.Fatalf("got %v after %d calls, want a lock timeout after 3", err, calls)
		}
		if hasColumn(t, observer) {
			t.Fatal("column added although every attempt failed")
		}
	})

	t.Run("returns another error at once", func(t *testing.T) {
		t.Parallel()
		_, _, migrator := setup(t)
		calls := 0
		err := locks.Retry(ctx, 5, time.Millisecond, func(int) error {
			calls++
			_, err := migrator.ExecContext(ctx, "ALTER TABLE nao_existe ADD COLUMN x int")
			return err
		}, nil)
		if err == nil || locks.IsLockTimeout(err) || calls != 1 {
			t.Fatalf("got %v after %d calls, want the undefined-table error after 1", err, calls)
		}
	})

	t.Run("a cancelled context ends the pause", func(t *testing.T) {
		t.Parallel()
		url, _, migrator := setup(t)
		readerTx(t, url, "reader-app", "usuarios")
		ctx, cancel := context.WithCancel(ctx)
		start := time.Now()
		err := locks.Retry(ctx, 5, time.Minute, alterUnderTimeout(migrator), func(int, error, time.Duration) { cancel() })
		if !errors.Is(err, context.Canceled) || !locks.IsLockTimeout(err) || time.Since(start) > 2*time.Second {
			t.Fatalf("got %v after %s, want cancelled at once with the lock timeout", err, time.Since(start))
		}
	})
}

func TestInvalidIndexes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn := testkit.Session(t, dbtest.URL(t), "migrate")
	testkit.Exec(t, conn, `CREATE TABLE usuarios (email text); INSERT INTO usuarios VALUES ('a'), ('a')`)
	testkit.Exec(t, conn, `CREATE INDEX usuarios_email_idx ON usuarios (email)`)
	if _, err := conn.ExecContext(ctx, `CREATE UNIQUE INDEX CONCURRENTLY "Usuarios_Email_Key" ON usuarios (email)`); err == nil {
		t.Fatal("unique index on duplicate values was built")
	}
	got, err := locks.InvalidIndexes(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{`public."Usuarios_Email_Key"`}; !slices.Equal(got, want) {
		t.Fatalf("InvalidIndexes = %q, want %q", got, want)
	}
	testkit.Exec(t, conn, "DROP INDEX CONCURRENTLY IF EXISTS "+got[0])
	var left int
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM pg_class WHERE relkind = 'i' AND relname = 'Usuarios_Email_Key'").Scan(&left); err != nil || left != 0 {
		t.Fatalf("invalid index still in the catalog after the drop (%d, %v)", left, err)
	}
}
