package locks

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"time"
)

// MigrationLock is the name of the advisory lock held while migrations are
// applied or reverted. It is the name the Atlas CLI uses, so the two exclude
// each other.
const MigrationLock = "atlas_migrate_execute"

// ErrLocked is wrapped by the error Acquire returns when another session
// still holds the lock at the end of the wait.
var ErrLocked = errors.New("lock not acquired")

// Defaults of Lock's timing fields.
const (
	DefaultPollMin     = 25 * time.Millisecond
	DefaultPollMax     = time.Second
	DefaultReportEvery = 5 * time.Second
)

// Key returns the bigint advisory-lock key of name: the 32-bit FNV-1 hash of
// its bytes, as Atlas's PostgreSQL driver computes it, so a lock taken here
// and one taken by Atlas under the same name are the same lock.
func Key(name string) int64 {
	h := fnv.New32()
	h.Write([]byte(name))
	return int64(h.Sum32())
}

// Holder describes the session that holds an advisory lock.
type Holder struct {
	PID             int
	ApplicationName string
	State           string        // pg_stat_activity.state, e.g. "idle"
	Connected       time.Duration // since the session started
	InTransaction   time.Duration // since its transaction began; 0 when none is open
}

// String formats the holder on one line, e.g.
// `pid 4242 (psql), idle, connected 3m12s`.
func (h Holder) String() string {
	s := sessionHead(h.PID, h.ApplicationName, h.State)
	if h.InTransaction > 0 {
		s += ", in a transaction for " + h.InTransaction.Round(time.Second).String()
	}
	return s + ", connected " + h.Connected.Round(time.Second).String()
}

// Lock waits for a session-level advisory lock. The zero value of each timing
// field selects its default; tests shorten them.
type Lock struct {
	Name string // lock name; Key(Name) is the advisory key

	// Wait bounds the wait; zero or less means a single attempt.
	Wait time.Duration

	// OnWait, when set, is called every ReportEvery while waiting, with the
	// session holding the lock (the zero Holder if it was released
	// meanwhile).
	OnWait      func(Holder)
	ReportEvery time.Duration

	// Pauses between attempts grow from PollMin, doubling, to PollMax, with
	// up to 50% jitter added.
	PollMin, PollMax time.Duration

	// OnPoll, when set, is called after every failed attempt with their count.
	OnPoll func(polls int)
}

// Acquire takes the advisory lock name on conn's session, waiting at most
// wait and calling onWait every DefaultReportEvery meanwhile. See
// Lock.Acquire.
func Acquire(ctx context.Context, conn *sql.Conn, name string, wait time.Duration, onWait func(Holder)) (release func() error, err error) {
	return Lock{Name: name, Wait: wait, OnWait: onWait}.Acquire(ctx, conn)
}

// Acquire takes the lock on conn's session with pg_try_advisory_lock,
// retrying until it succeeds, l.Wait has passed or ctx is done. The lock
// belongs to the session: everything meant to run under it must run on conn,
// and release (which does not depend on ctx) must be called on success.
//
// It returns an error wrapping ErrLocked and naming the holder when the wait
// ends with the lock still held, ctx.Err() when ctx is done, or the
// database error.
func (l Lock) Acquire(ctx context.Context, conn *sql.Conn) (release func() error, err error) {
	l.defaults()
	key := Key(l.Name)
	start := time.Now()
	deadline := start.Add(l.Wait)
	nextReport := start.Add(l.ReportEvery)
	pause := l.PollMin
	for polls := 1; ; polls++ {
		ok, err := tryLock(ctx, conn, key)
		if err != nil {
			return nil, err
		}
		if ok {
			return func() error { return unlock(ctx, conn, key) }, nil
		}
		if l.OnPoll != nil {
			l.OnPoll(polls)
		}
		now := time.Now()
		if !now.Before(deadline) {
			return nil, l.heldError(ctx, conn, key, now.Sub(start))
		}
		if l.OnWait != nil && !now.Before(nextReport) {
			h, _ := holderOf(ctx, conn, key)
			l.OnWait(h)
			nextReport = now.Add(l.ReportEvery)
		}
		if err := sleep(ctx, min(jitter(pause), time.Until(deadline))); err != nil {
			return nil, err
		}
		pause = l.nextPause(pause)
	}
}

func (l *Lock) defaults() {
	if l.ReportEvery <= 0 {
		l.ReportEvery = DefaultReportEvery
	}
	if l.PollMin <= 0 {
		l.PollMin = DefaultPollMin
	}
	if l.PollMax <= 0 {
		l.PollMax = DefaultPollMax
	}
	l.PollMin = min(l.PollMin, maxPause)
	l.PollMax = min(max(l.PollMax, l.PollMin), maxPause)
	l.Wait = min(l.Wait, maxWait)
}

// Bounds that keep the backoff and deadline arithmetic far from overflow.
const (
	maxPause = time.Minute
	maxWait  = 100 * 365 * 24 * time.Hour
)

// nextPause returns the pause after pause: doubled, capped at PollMax.
func (l *Lock) nextPause(pause time.Duration) time.Duration { return min(2*pause, l.PollMax) }

// jitter adds up to half of d to d; d is positive and at most PollMax, so
// neither the sum nor rand's argument can overflow.
func jitter(d time.Duration) time.Duration {
	if d < 2 {
		return d
	}
	return d + rand.N(d/2)
}

// sleep waits d or until ctx is done, whichever comes first.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func tryLock(ctx context.Context, conn *sql.Conn, key int64) (bool, error) {
	var ok bool
	if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1::bigint)", key).Scan(&ok); err != nil {
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		return false, fmt.Errorf("trying advisory lock: %w", err)
	}
	return ok, nil
}

// releaseTimeout bounds the unlock, which runs even after ctx is done.
const releaseTimeout = 5 * time.Second

func unlock(ctx context.Context, conn *sql.Conn, key int64) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), releaseTimeout)
	defer cancel()
	var released bool
	if err := conn.QueryRowContext(ctx, "SELECT pg_advisory_unlock($1::bigint)", key).Scan(&released); err != nil {
		return fmt.Errorf("releasing advisory lock: %w", err)
	}
	if !released {
		return errors.New("releasing advisory lock: not held by this session")
	}
	return nil
}

// heldError is the one-line error at the end of the wait.
func (l Lock) heldError(ctx context.Context, conn *sql.Conn, key int64, waited time.Duration) error {
	by := "another session"
	if h, err := holderOf(ctx, conn, key); err == nil && h.PID != 0 {
		by = h.String()
	}
	return fmt.Errorf("%w: %q held by %s; waited %s", ErrLocked, l.Name, by, waited.Round(time.Millisecond))
}

// holderQuery finds the session holding a single-bigint advisory lock in the
// current database: pg_locks shows the key's high and low 32 bits as classid
// and objid, with objsubid 1.
const holderQuery = `
SELECT a.pid, a.application_name, coalesce(a.state, ''),
       extract(epoch FROM clock_timestamp() - a.backend_start)::float8,
       coalesce(extract(epoch FROM clock_timestamp() - a.xact_start), 0)::float8
FROM pg_locks l
JOIN pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'advisory' AND l.granted
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND l.classid::bigint = ($1::bigint >> 32) AND l.objid::bigint = ($1::bigint & 4294967295)
  AND l.objsubid = 1
LIMIT 1`

// holderOf returns the session holding key, or the zero Holder when none
// does.
func holderOf(ctx context.Context, conn *sql.Conn, key int64) (Holder, error) {
	var h Holder
	var connected, inTx float64
	err := conn.QueryRowContext(ctx, holderQuery, key).Scan(&h.PID, &h.ApplicationName, &h.State, &connected, &inTx)
	if errors.Is(err, sql.ErrNoRows) {
		return Holder{}, nil
	}
	if err != nil {
		return Holder{}, fmt.Errorf("finding lock holder: %w", err)
	}
	h.Connected = seconds(connected)
	h.InTransaction = seconds(inTx)
	return h, nil
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
