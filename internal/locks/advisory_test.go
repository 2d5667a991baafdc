package locks_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"

	"github.com/versiona/versiona/internal/dbtest"
	"github.com/versiona/versiona/internal/locks"
	"github.com/versiona/versiona/internal/testkit"
)

// atlasOverflowPoll replays the backoff arithmetic of Atlas's PostgreSQL
// lock acquisition (an interval starting at 25 ms that doubles after every
// failed attempt, capped at 1 s, then rand.Intn of it) and returns the
// attempt at which the interval overflows to a non-positive duration, where
// rand.Intn panics.
func atlasOverflowPoll() int {
	inter := 25
	for poll := 1; ; poll++ {
		d := min(time.Duration(inter)*time.Millisecond, time.Second)
		if d <= 0 {
			return poll
		}
		inter += inter
	}
}

func TestKey_SameLockAsAtlas(t *testing.T) {
	ctx := context.Background()
	url := dbtest.URL(t)
	atlasConn := testkit.Session(t, url, "atlas")
	ours := testkit.Session(t, url, "versiona")
	observer := testkit.Session(t, url, "observer")

	drv, err := postgres.Open(atlasConn)
	if err != nil {
		t.Fatal(err)
	}
	unlockAtlas, err := drv.Lock(ctx, locks.MigrationLock, 0)
	if err != nil {
		t.Fatalf("atlas lock: %v", err)
	}
	// The catalog shows Atlas's lock under our key.
	var objid int64
	if err := observer.QueryRowContext(ctx, `SELECT objid::bigint FROM pg_locks WHERE locktype = 'advisory' AND pid = $1`, testkit.BackendPID(t, atlasConn)).Scan(&objid); err != nil {
		t.Fatal(err)
	}
	if objid != locks.Key(locks.MigrationLock) {
		t.Fatalf("atlas holds advisory objid %d, Key gives %d", objid, locks.Key(locks.MigrationLock))
	}
	if _, err := locks.Acquire(ctx, ours, locks.MigrationLock, 0, nil); !errors.Is(err, locks.ErrLocked) {
		t.Fatalf("Acquire while Atlas holds the lock: got %v, want ErrLocked", err)
	}
	if err := unlockAtlas(); err != nil {
		t.Fatal(err)
	}

	release, err := locks.Acquire(ctx, ours, locks.MigrationLock, 0, nil)
	if err != nil {
		t.Fatalf("Acquire after Atlas released: %v", err)
	}
	if _, err := drv.Lock(ctx, locks.MigrationLock, 0); !errors.Is(err, schema.ErrLocked) {
		t.Fatalf("atlas Lock while we hold the lock: got %v, want schema.ErrLocked", err)
	}
	if err := release(); err != nil {
		t.Fatal(err)
	}
	unlockAtlas, err = drv.Lock(ctx, locks.MigrationLock, 0)
	if err != nil {
		t.Fatalf("atlas lock after release: %v", err)
	}
	_ = unlockAtlas()
}

// holdLock takes name's lock on a new session named app with a plain
// pg_advisory_lock, as a psql user would, and returns its release and pid.
func holdLock(t *testing.T, url, app, name string) (release func() error, holderPID int) {
	t.Helper()
	conn := testkit.Session(t, url, app)
	testkit.Exec(t, conn, "SELECT pg_advisory_lock($1::bigint)", locks.Key(name))
	return func() error {
		_, err := conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock($1::bigint)", locks.Key(name))
		return err
	}, testkit.BackendPID(t, conn)
}

func TestLock_Acquire(t *testing.T) {
	t.Parallel()
	overflow := atlasOverflowPoll()
	t.Logf("Atlas's backoff panics at attempt %d", overflow)

	t.Run("waits past Atlas's overflow point and reports the holder", func(t *testing.T) {
		t.Parallel()
		url := dbtest.URL(t)
		releaseHolder, holderPID := holdLock(t, url, "holder-app", locks.MigrationLock)
		var (
			mu      sync.Mutex
			polls   int
			reports []locks.Holder
		)
		released := make(chan struct{})
		l := locks.Lock{
			Name: locks.MigrationLock, Wait: 20 * time.Second,
			PollMin: time.Millisecond, PollMax: 2 * time.Millisecond,
			ReportEvery: 100 * time.Millisecond,
			OnWait:      func(h locks.Holder) { mu.Lock(); reports = append(reports, h); mu.Unlock() },
			OnPoll: func(n int) {
				mu.Lock()
				defer mu.Unlock()
				polls = n
				if n == 3*overflow {
					go func() { _ = releaseHolder(); close(released) }()
				}
			},
		}
		start := time.Now()
		release, err := l.Acquire(context.Background(), testkit.Session(t, url, "waiter"))
		if err != nil {
			t.Fatalf("Acquire: %v", err)
		}
		<-released
		t.Logf("acquired after %d failed attempts in %s, %d reports", polls, time.Since(start), len(reports))
		if polls < 3*overflow {
			t.Fatalf("acquired after %d failed attempts, want at least %d (past Atlas's %d)", polls, 3*overflow, overflow)
		}
		if len(reports) == 0 {
			t.Fatal("OnWait never called while waiting")
		}
		if h := reports[0]; h.PID != holderPID || h.ApplicationName != "holder-app" {
			t.Fatalf("OnWait reported %+v, want pid %d application holder-app", h, holderPID)
		}
		if err := release(); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("fails at the deadline naming the holder", func(t *testing.T) {
		t.Parallel()
		url := dbtest.URL(t)
		_, holderPID := holdLock(t, url, "holder-app", locks.MigrationLock)
		polls := 0
		l := locks.Lock{
			Name: locks.MigrationLock, Wait: time.Second,
			PollMin: time.Millisecond, PollMax: 2 * time.Millisecond,
			OnPoll: func(n int) { polls = n },
		}
		start := time.Now()
		_, err := l.Acquire(context.Background(), testkit.Session(t, url, "waiter"))
		elapsed := time.Since(start)
		t.Logf("gave up after %s and %d attempts: %v", elapsed, polls, err)
		if !errors.Is(err, locks.ErrLocked) {
			t.Fatalf("got %v, want ErrLocked", err)
		}
		if elapsed < time.Second || elapsed > 1500*time.Millisecond {
			t.Fatalf("gave up after %s, want about 1s", elapsed)
		}
		if polls <= overflow {
			t.Fatalf("%d attempts, want more than Atlas's overflow point %d", polls, overflow)
		}
		msg := err.Error()
		if strings.Contains(msg, "\n") || !strings.Contains(msg, "pid "+strconv.Itoa(holderPID)) || !strings.Contains(msg, "holder-app") {
			t.Fatalf("error %q: want one line naming pid %d and holder-app", msg, holderPID)
		}
	})

	t.Run("a cancelled context stops the wait at once", func(t *testing.T) {
		t.Parallel()
		url := dbtest.URL(t)
		holdLock(t, url, "holder-app", locks.MigrationLock)
		ctx, cancel := context.WithCancel(context.Background())
		var cancelled time.Time
		time.AfterFunc(300*time.Millisecond, func() { cancelled = time.Now(); cancel() })
		_, err := locks.Lock{Name: locks.MigrationLock, Wait: time.Minute}.Acquire(ctx, testkit.Session(t, url, "waiter"))
		stopped := time.Since(cancelled)
		t.Logf("stopped %s after the cancel", stopped)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v, want context.Canceled", err)
		}
		if stopped > 200*time.Millisecond {
			t.Fatalf("stopped %s after the cancel, want under 200ms", stopped)
		}
	})

	t.Run("release frees the lock for another session", func(t *testing.T) {
		t.Parallel()
		url := dbtest.URL(t)
		release, _ := holdLock(t, url, "holder-app", locks.MigrationLock)
		other := testkit.Session(t, url, "other")
		try := func() bool {
			var ok bool
			if err := other.QueryRowContext(context.Background(), "SELECT pg_try_advisory_lock($1::bigint)", locks.Key(locks.MigrationLock)).Scan(&ok); err != nil {
				t.Fatal(err)
			}
			return ok
		}
		if try() {
			t.Fatal("another session took the lock while it was held")
		}
		if err := release(); err != nil {
			t.Fatal(err)
		}
		if !try() {
			t.Fatal("another session could not take the lock after release")
		}
	})
}
