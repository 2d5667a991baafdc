package migration_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/versiona/versiona/internal/dbtest"
	"github.com/versiona/versiona/internal/locks"
	"github.com/versiona/versiona/internal/migration"
	"github.com/versiona/versiona/internal/testkit"
)

// holdMigrationLock takes the migration lock on a session named app with a
// plain pg_advisory_lock, as someone in psql would, under the name Atlas
// uses. It returns the release and the session's pid.
func holdMigrationLock(t *testing.T, url, app string) (release func(), pid int) {
	t.Helper()
	if migration.LockName != "atlas_migrate_execute" {
		t.Fatalf("LockName = %q; want Atlas's atlas_migrate_execute", migration.LockName)
	}
	conn := testkit.Session(t, url, app)
	testkit.Exec(t, conn, "SELECT pg_advisory_lock($1::bigint)", locks.Key("atlas_migrate_execute"))
	return func() {
		testkit.Exec(t, conn, "SELECT pg_advisory_unlock($1::bigint)", locks.Key("atlas_migrate_execute"))
	}, testkit.BackendPID(t, conn)
}

// atlasOverflowPoll is the attempt at which the backoff of Atlas's
// PostgreSQL lock acquisition (25 ms doubling after every attempt, capped
// at 1 s, then rand.Intn of it) reaches a non-positive interval and panics.
func atlasOverflowPoll() int {
	inter := 25
	for poll := 1; ; poll++ {
		if d := min(time.Duration(inter)*time.Millisecond, time.Second); d <= 0 {
			return poll
		}
		inter += inter
	}
}

// oneFileProject returns a project whose directory holds one file creating
// table um.
func oneFileProject(t *testing.T) *migration.Project {
	t.Helper()
	p, path := newProject(t)
	writeFile(t, filepath.Join(path, "20250101000000_one.sql"), "CREATE TABLE um (id int);\n")
	if err := migration.Rehash(p.Dir); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestProject_Apply_lockWait(t *testing.T) {
	t.Parallel()
	overflow := atlasOverflowPoll()
	if overflow < 30 || overflow > 70 {
		t.Fatalf("Atlas's backoff overflows at attempt %d; the replay is wrong", overflow)
	}

	t.Run("waits past Atlas's overflow point and reports the holder", func(t *testing.T) {
		t.Parallel()
		url := dbtest.URL(t)
		release, holderPID := holdMigrationLock(t, url, "psql-holder")
		p := oneFileProject(t)
		p.LockWait = 30 * time.Second
		var (
			mu      sync.Mutex
			polls   int
			holders []migration.Event
		)
		migration.SetLockTuning(p, 2*time.Millisecond, 50*time.Millisecond, func(n int) {
			mu.Lock()
			defer mu.Unlock()
			polls = n
			if n == 3*overflow {
				go release()
			}
		})
		p.Progress = func(e migration.Event) {
			if e.Kind == migration.EventLockWait {
				mu.Lock()
				holders = append(holders, e)
				mu.Unlock()
			}
		}
		res, err := p.Apply(context.Background(), url, migration.ApplyOptions{})
		if err != nil {
			t.Fatalf("apply after waiting: %v", err)
		}
		mu.Lock()
		defer mu.Unlock()
		t.Logf("applied after %d failed tries (Atlas panics at %d), %d holder reports", polls, overflow, len(holders))
		if polls < 3*overflow {
			t.Fatalf("lock taken after %d tries; want at least %d, past Atlas's overflow at %d", polls, 3*overflow, overflow)
		}
		if len(res.Applied) != 1 || !slices.Equal(tables(t, url), []string{"um"}) {
			t.Fatalf("applied %v, tables %v; want the file applied", res.Applied, tables(t, url))
		}
		if len(holders) == 0 {
			t.Fatal("no EventLockWait while waiting")
		}
		if h := holders[0].Holder; h.PID != holderPID || h.ApplicationName != "psql-holder" || h.Connected <= 0 {
			t.Fatalf("reported holder %+v; want pid %d, psql-holder", h, holderPID)
		}
	})

	t.Run("fails at the deadline with one line naming the holder", func(t *testing.T) {
		t.Parallel()
		url := dbtest.URL(t)
		_, holderPID := holdMigrationLock(t, url, "psql-holder")
		p := oneFileProject(t)
		p.LockWait = time.Second
		migration.SetLockTuning(p, 20*time.Millisecond, 0, nil)
		start := time.Now()
		_, err := p.Apply(context.Background(), url, migration.ApplyOptions{})
		took := time.Since(start)
		if !errors.Is(err, locks.ErrLocked) {
			t.Fatalf("err = %v; want ErrLocked", err)
		}
		msg := err.Error()
		if strings.Contains(msg, "\n") || !strings.Contains(msg, "pid "+itoa(holderPID)) || !strings.Contains(msg, "psql-holder") {
			t.Fatalf("error %q; want one line naming pid %d (psql-holder)", msg, holderPID)
		}
		if took < time.Second || took > 3*time.Second {
			t.Fatalf("gave up after %s; want the 1s wait", took)
		}
		if got := tables(t, url); len(got) != 0 {
			t.Fatalf("tables = %v; nothing should have run", got)
		}
	})

	t.Run("a cancelled context stops the wait at once", func(t *testing.T) {
		t.Parallel()
		url := dbtest.URL(t)
		holdMigrationLock(t, url, "psql-holder")
		p := oneFileProject(t)
		p.LockWait = time.Minute
		ctx, cancel := context.WithCancel(context.Background())
		var cancelled time.Time
		time.AfterFunc(300*time.Millisecond, func() { cancelled = time.Now(); cancel() })
		_, err := p.Apply(ctx, url, migration.ApplyOptions{})
		stopped := time.Since(cancelled)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v; want context.Canceled", err)
		}
		if stopped > 200*time.Millisecond {
			t.Fatalf("stopped %s after the cancel; want at once", stopped)
		}
		if got := tables(t, url); len(got) != 0 {
			t.Fatalf("tables = %v; nothing should have run", got)
		}
	})
}

func itoa(n int) string { return strconv.Itoa(n) }

// openTx opens a transaction on a new session named app, runs stmt in it
// and leaves it open. end commits it.
func openTx(t *testing.T, url, app, stmt string) (end func() error, pid int) {
	t.Helper()
	conn := testkit.Session(t, url, app)
	pid = testkit.BackendPID(t, conn)
	testkit.Exec(t, conn, "BEGIN")
	testkit.Exec(t, conn, stmt)
	var once sync.Once
	return func() error {
		var err error
		once.Do(func() { _, err = conn.ExecContext(context.Background(), "COMMIT") })
		return err
	}, pid
}

// watchReads reads table in a loop from its own session until stop is
// called, and returns the longest read and the number of reads.
func watchReads(t *testing.T, url, table string) (stop func() (longest time.Duration, reads int)) {
	t.Helper()
	conn := testkit.Session(t, url, "reader-loop")
	done := make(chan struct{})
	result := make(chan [2]int64, 1)
	go func() {
		var longest time.Duration
		reads := 0
		for {
			select {
			case <-done:
				result <- [2]int64{int64(longest), int64(reads)}
				return
			default:
			}
			start := time.Now()
			var n int
			if err := conn.QueryRowContext(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
				result <- [2]int64{-1, int64(reads)}
				return
			}
			longest = max(longest, time.Since(start))
			reads++
		}
	}()
	return func() (time.Duration, int) {
		close(done)
		r := <-result
		if r[0] < 0 {
			t.Fatal("a read of the third session failed")
		}
		return time.Duration(r[0]), int(r[1])
	}
}

// timedEvents records the events of a project with the time each arrived.
type timedEvents struct {
	mu     sync.Mutex
	events []migration.Event
	at     []time.Time
	on     func(migration.Event) // called after recording, when set
}

func (r *timedEvents) record(e migration.Event) {
	r.mu.Lock()
	r.events, r.at = append(r.events, e), append(r.at, time.Now())
	r.mu.Unlock()
	if r.on != nil {
		r.on(e)
	}
}

// attempts returns the duration of each attempt of file: from its start
// (EventApplying, or the end of the pause after the previous attempt) to
// its EventRetrying or EventFailed.
func (r *timedEvents) attempts(file string) []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []time.Duration
	var start time.Time
	for i, e := range r.events {
		if e.File != file {
			continue
		}
		switch e.Kind {
		case migration.EventApplying:
			start = r.at[i]
		case migration.EventRetrying:
			out = append(out, r.at[i].Sub(start))
			start = r.at[i].Add(e.Pause)
		case migration.EventFailed, migration.EventApplied:
			out = append(out, r.at[i].Sub(start))
		}
	}
	return out
}

func (r *timedEvents) retries() []migration.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []migration.Event
	for _, e := range r.events {
		if e.Kind == migration.EventRetrying {
			out = append(out, e)
		}
	}
	return out
}

func hasBlocker(bs []locks.Blocker, pid int, query string) bool {
	return slices.ContainsFunc(bs, func(b locks.Blocker) bool { return b.PID == pid && strings.Contains(b.Query, query) })
}

// usuariosProject returns a project on a database where the file creating
// usuarios is applied, with a pending second file holding second.
func usuariosProject(t *testing.T, url, second string) (p *migration.Project, version string) {
	t.Helper()
	p, path := newProject(t)
	writeFile(t, filepath.Join(path, "20250101000000_usuarios.sql"), "CREATE TABLE usuarios (id int, email text);\n")
	if err := migration.Rehash(p.Dir); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Apply(context.Background(), url, migration.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(path, "20250101000001_second.sql"), second)
	if err := migration.Rehash(p.Dir); err != nil {
		t.Fatal(err)
	}
	return p, "20250101000001"
}

// columnExists asks the catalog whether usuarios has column col.
func columnExists(t *testing.T, url, col string) bool {
	t.Helper()
	var n int
	err := testkit.OpenSQL(t, url).QueryRow(`SELECT count(*) FROM pg_attribute
WHERE attrelid = 'usuarios'::regclass AND attname = $1 AND NOT attisdropped`, col).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n == 1
}

func TestProject_Apply_lockTimeout(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const lockTimeout = 500 * time.Millisecond
	const alter = "ALTER TABLE usuarios ADD COLUMN x int;\n"

	t.Run("retries exhausted: reads keep flowing, blocker reported, database unchanged", func(t *testing.T) {
		t.Parallel()
		url := dbtest.URL(t)
		p, version := usuariosProject(t, url, alter)
		end, readerPID := openTx(t, url, "reader-app", "SELECT count(*) FROM usuarios")
		p.LockTimeout, p.Retries, p.RetryPause = lockTimeout, 2, 100*time.Millisecond
		var ev timedEvents
		p.Progress = ev.record
		stop := watchReads(t, url, "usuarios")

		_, err := p.Apply(ctx, url, migration.ApplyOptions{})
		longest, reads := stop()

		var aerr *migration.ApplyError
		if !errors.As(err, &aerr) || aerr.Cause != migration.CauseLockTimeout || aerr.Attempts != 3 || !aerr.RolledBack {
			t.Fatalf("err = %v; want an ApplyError for a lock timeout after 3 attempts", err)
		}
		if !hasBlocker(aerr.Blockers, readerPID, "SELECT count(*) FROM usuarios") {
			t.Fatalf("blockers = %v; want pid %d and its query", aerr.Blockers, readerPID)
		}
		if msg := err.Error(); !strings.Contains(msg, "pid "+itoa(readerPID)+" (reader-app)") || !strings.Contains(msg, "lock timeout") {
			t.Fatalf("error lacks the blocker:\n%s", msg)
		}
		retries := ev.retries()
		if len(retries) != 2 || !hasBlocker(retries[0].Blockers, readerPID, "usuarios") || retries[1].Attempt != 2 {
			t.Fatalf("retry events = %+v; want 2 naming pid %d", retries, readerPID)
		}
		attempts := ev.attempts("20250101000001_second.sql")
		t.Logf("attempts took %v; the third session's longest read %s over %d reads", attempts, longest, reads)
		if len(attempts) != 3 {
			t.Fatalf("attempts = %v; want 3", attempts)
		}
		for i, d := range attempts {
			if d < lockTimeout || d > lockTimeout+700*time.Millisecond {
				t.Errorf("attempt %d took %s; want the lock timeout %s and little more", i+1, d, lockTimeout)
			}
		}
		if longest > lockTimeout+300*time.Millisecond || longest < lockTimeout/2 || reads < 10 {
			t.Errorf("longest read %s over %d reads; want reads queued behind the ALTER for at most %s", longest, reads, lockTimeout)
		}
		if columnExists(t, url, "x") {
			t.Fatal("column x exists after the apply failed")
		}
		var applied int
		var recorded string
		if err := testkit.OpenSQL(t, url).QueryRow(`SELECT applied, coalesce(error, '') FROM atlas_schema_revisions.atlas_schema_revisions
WHERE version = $1`, version).Scan(&applied, &recorded); err != nil {
			t.Fatal(err)
		}
		if applied != 0 || !strings.Contains(recorded, "lock timeout") {
			t.Fatalf("revision: applied %d, error %q; want nothing applied and the lock timeout recorded", applied, recorded)
		}

		if err := end(); err != nil {
			t.Fatal(err)
		}
		if res, err := p.Apply(ctx, url, migration.ApplyOptions{}); err != nil || res.Current != version || !columnExists(t, url, "x") {
			t.Fatalf("apply after the blocker ended = %+v, %v; want the column added", res, err)
		}
	})

	t.Run("succeeds on a later attempt once the blocker commits", func(t *testing.T) {
		t.Parallel()
		url := dbtest.URL(t)
		p, version := usuariosProject(t, url, alter)
		end, readerPID := openTx(t, url, "reader-app", "SELECT count(*) FROM usuarios")
		p.LockTimeout, p.Retries, p.RetryPause = lockTimeout, 5, 100*time.Millisecond
		endErr := make(chan error, 1)
		ev := timedEvents{on: func(e migration.Event) {
			if e.Kind == migration.EventRetrying && e.Attempt == 2 {
				endErr <- end()
			}
		}}
		p.Progress = ev.record
		res, err := p.Apply(ctx, url, migration.ApplyOptions{})
		if err != nil || res.Current != version {
			t.Fatalf("apply = %+v, %v; want success after the blocker committed", res, err)
		}
		if err := <-endErr; err != nil {
			t.Fatal(err)
		}
		retries := ev.retries()
		if len(retries) != 2 || !hasBlocker(retries[0].Blockers, readerPID, "usuarios") {
			t.Fatalf("retry events = %+v; want 2 naming pid %d", retries, readerPID)
		}
		if !columnExists(t, url, "x") {
			t.Fatal("column x missing after the apply succeeded")
		}
	})

	t.Run("txmode none: the invalid index of a failed CREATE INDEX CONCURRENTLY is dropped before the retry", func(t *testing.T) {
		t.Parallel()
		url := dbtest.URL(t)
		p, version := usuariosProject(t, url,
			// CREATE TABLE would fail if a retry ran it again: retries resume.
			"-- atlas:txmode none\n\nCREATE TABLE dois (id int);\nCREATE INDEX CONCURRENTLY usuarios_email_idx ON usuarios (email);\n")
		// A writer's open transaction: the build waits for it after
		// creating the index, which stays invalid when the wait times out.
		end, writerPID := openTx(t, url, "writer-app", "INSERT INTO usuarios VALUES (1, 'a@b.c')")
		p.LockTimeout, p.Retries, p.RetryPause = lockTimeout, 5, 100*time.Millisecond
		observer := testkit.OpenSQL(t, url)
		invalidSeen := make(chan int, 4)
		endErr := make(chan error, 1)
		ev := timedEvents{on: func(e migration.Event) {
			if e.Kind != migration.EventRetrying {
				return
			}
			var n int
			_ = observer.QueryRow(`SELECT count(*) FROM pg_index WHERE NOT indisvalid`).Scan(&n)
			invalidSeen <- n
			if e.Attempt == 2 { // the second attempt also met the writer
				endErr <- end()
			}
		}}
		p.Progress = ev.record
		res, err := p.Apply(ctx, url, migration.ApplyOptions{})
		if err != nil || res.Current != version {
			t.Fatalf("apply = %+v, %v; want success after the writer committed", res, err)
		}
		if err := <-endErr; err != nil {
			t.Fatal(err)
		}
		retries := ev.retries()
		if len(retries) != 2 || !hasBlocker(retries[0].Blockers, writerPID, "INSERT INTO usuarios") {
			t.Fatalf("retry events = %+v; want 2 naming pid %d", retries, writerPID)
		}
		if n := <-invalidSeen; n != 1 {
			t.Fatalf("invalid indexes after the first attempt = %d; want the one the failed build left", n)
		}
		var valid, invalid int
		if err := observer.QueryRow(`SELECT count(*) FILTER (WHERE indisvalid), count(*) FILTER (WHERE NOT indisvalid)
FROM pg_index WHERE indrelid = 'usuarios'::regclass`).Scan(&valid, &invalid); err != nil {
			t.Fatal(err)
		}
		if valid != 1 || invalid != 0 {
			t.Fatalf("usuarios has %d valid and %d invalid index(es); want the one valid index", valid, invalid)
		}
		if got := tables(t, url); !slices.Equal(got, []string{"dois", "usuarios"}) {
			t.Fatalf("tables = %v; want dois created once", got)
		}
		var indexValid bool
		if err := observer.QueryRow(`SELECT indisvalid FROM pg_index WHERE indexrelid = 'usuarios_email_idx'::regclass`).Scan(&indexValid); err != nil || !indexValid {
			t.Fatalf("usuarios_email_idx valid = %v, %v", indexValid, err)
		}
	})
}

func TestProject_Down_lockTimeout(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := dbtest.URL(t)
	p, version := usuariosProject(t, url, "CREATE TABLE dois (id int);\n")
	if _, err := p.Apply(ctx, url, migration.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	end, readerPID := openTx(t, url, "reader-app", "SELECT count(*) FROM dois")
	p.LockTimeout, p.Retries, p.RetryPause = 300*time.Millisecond, 1, 50*time.Millisecond
	var ev timedEvents
	p.Progress = ev.record

	_, err := p.Down(ctx, url, migration.DownOptions{})
	var lte *migration.LockTimeoutError
	if !errors.As(err, &lte) || lte.Attempts != 2 || !hasBlocker(lte.Blockers, readerPID, "SELECT count(*) FROM dois") {
		t.Fatalf("err = %v; want a LockTimeoutError after 2 attempts naming pid %d", err, readerPID)
	}
	if retries := ev.retries(); len(retries) != 1 || !hasBlocker(retries[0].Blockers, readerPID, "dois") {
		t.Fatalf("retry events = %+v; want one naming pid %d", retries, readerPID)
	}
	if got := tables(t, url); !slices.Equal(got, []string{"dois", "usuarios"}) || revisionCount(t, url) != 2 {
		t.Fatalf("after the failed down: tables %v, %d revisions; want both files still applied", got, revisionCount(t, url))
	}
	if err := end(); err != nil {
		t.Fatal(err)
	}
	res, err := p.Down(ctx, url, migration.DownOptions{})
	if err != nil || res.From != version || !slices.Equal(tables(t, url), []string{"usuarios"}) {
		t.Fatalf("down after the reader committed = %+v, %v; tables %v", res, err, tables(t, url))
	}
}
