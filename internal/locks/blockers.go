package locks

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgerrcode"
	"github.com/jackc/pgx/v5/pgconn"
)

// Querier runs a query: a *sql.DB, *sql.Conn or *sql.Tx.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// LockNotAvailable is the SQLSTATE of a statement that gave up waiting for a
// lock (lock_timeout, or NOWAIT).
const LockNotAvailable = pgerrcode.LockNotAvailable

// IsLockTimeout reports whether err is, or wraps, a PostgreSQL error with
// SQLSTATE 55P03 (lock_not_available).
func IsLockTimeout(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == LockNotAvailable
}

// Blocker is a session that blocks another one.
type Blocker struct {
	PID             int
	ApplicationName string
	State           string        // pg_stat_activity.state, e.g. "idle in transaction"
	InTransaction   time.Duration // since its transaction began; 0 when none is open
	Query           string        // first line of its current or last query
}

// sessionHead names a server session: "pid 4242 (psql), idle".
func sessionHead(pid int, app, state string) string {
	s := fmt.Sprintf("pid %d", pid)
	if app != "" {
		s += " (" + app + ")"
	}
	if state != "" {
		s += ", " + state
	}
	return s
}

// String formats the blocker on one line, e.g.
// `pid 4242 (psql), idle in transaction for 12s: SELECT * FROM usuarios`.
func (b Blocker) String() string {
	s := sessionHead(b.PID, b.ApplicationName, b.State)
	if b.InTransaction > 0 {
		s += " for " + b.InTransaction.Round(time.Second).String()
	}
	if b.Query != "" {
		s += ": " + b.Query
	}
	return s
}

const blockersQuery = `
SELECT a.pid, coalesce(a.application_name, ''), coalesce(a.state, ''),
       coalesce(extract(epoch FROM clock_timestamp() - a.xact_start), 0)::float8,
       coalesce(a.query, '')
FROM unnest(pg_blocking_pids($1::int)) AS b(pid)
JOIN pg_stat_activity a ON a.pid = b.pid
ORDER BY a.xact_start NULLS LAST, a.pid`

// Blockers returns the sessions that block session pid from getting a lock,
// from pg_blocking_pids, oldest transaction first; none when pid is not
// waiting. A session of another role shows no query unless the caller may see
// it. It returns the database error if the query fails.
func Blockers(ctx context.Context, q Querier, pid int) ([]Blocker, error) {
	rows, err := q.QueryContext(ctx, blockersQuery, pid)
	if err != nil {
		return nil, fmt.Errorf("finding blockers of pid %d: %w", pid, err)
	}
	defer rows.Close()
	var bs []Blocker
	for rows.Next() {
		var b Blocker
		var inTx float64
		if err := rows.Scan(&b.PID, &b.ApplicationName, &b.State, &inTx, &b.Query); err != nil {
			return nil, fmt.Errorf("finding blockers of pid %d: %w", pid, err)
		}
		b.InTransaction = seconds(inTx)
		b.Query = firstLine(b.Query)
		bs = append(bs, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("finding blockers of pid %d: %w", pid, err)
	}
	return bs, nil
}

// maxQueryLen bounds the query text a Blocker carries.
const maxQueryLen = 120

// firstLine returns the first non-blank line of query, shortened to
// maxQueryLen bytes; a query that mentions a password is hidden, since its
// text may hold one.
func firstLine(query string) string {
	if strings.Contains(strings.ToLower(query), "password") {
		return "(query hidden: it mentions a password)"
	}
	query = strings.TrimSpace(query)
	if i := strings.IndexAny(query, "\r\n"); i >= 0 {
		query = strings.TrimSpace(query[:i])
	}
	if len(query) > maxQueryLen {
		cut := maxQueryLen
		for cut > 0 && (query[cut]&0xC0) == 0x80 { // not inside a UTF-8 sequence
			cut--
		}
		query = query[:cut] + "…"
	}
	return query
}

// MaxRetryPause caps the pause between two attempts of Retry.
const MaxRetryPause = 30 * time.Second

// Retry calls fn with attempt = 1, 2, … until it returns nil, an error that
// is not a lock timeout (see IsLockTimeout), or attempts calls were made.
// Between attempts it calls onRetry (when set) and pauses: base doubled after
// each attempt, capped at MaxRetryPause, of which a random half or less is
// taken off so that concurrent retries spread out.
//
// It returns nil, fn's error unchanged when it is not a lock timeout, the
// last lock timeout wrapped with the number of attempts, or ctx.Err() joined
// with the last lock timeout when ctx is done during a pause.
func Retry(ctx context.Context, attempts int, base time.Duration, fn func(attempt int) error, onRetry func(attempt int, err error, pause time.Duration)) error {
	for attempt := 1; ; attempt++ {
		err := fn(attempt)
		if err == nil || !IsLockTimeout(err) {
			return err
		}
		if attempt >= attempts {
			return fmt.Errorf("giving up after %d attempts: %w", attempt, err)
		}
		pause := retryPause(base, attempt)
		if onRetry != nil {
			onRetry(attempt, err, pause)
		}
		if cerr := sleep(ctx, pause); cerr != nil {
			return errors.Join(cerr, err)
		}
	}
}

// retryPause is the pause after the given failed attempt: base·2^(attempt−1),
// capped, less a random part of up to half of it.
func retryPause(base time.Duration, attempt int) time.Duration {
	if base <= 0 {
		return 0
	}
	d := base
	for i := 1; i < attempt && d < MaxRetryPause; i++ {
		d *= 2
	}
	d = min(d, MaxRetryPause)
	if half := d / 2; half > 0 {
		d -= rand.N(half)
	}
	return d
}

const invalidIndexesQuery = `
SELECT format('%I.%I', n.nspname, c.relname)
FROM pg_index i
JOIN pg_class c ON c.oid = i.indexrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE NOT i.indisvalid
  AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\_%'
  AND i.indexrelid NOT IN (SELECT index_relid FROM pg_stat_progress_create_index)
ORDER BY 1`

// InvalidIndexes returns the invalid indexes of the current database (left
// behind by a CREATE INDEX CONCURRENTLY or REINDEX CONCURRENTLY that failed),
// as schema-qualified names quoted where needed, ready for
// "DROP INDEX CONCURRENTLY IF EXISTS " + name. Indexes still being built
// concurrently by a live session are left out. It returns the database error
// if the query fails.
func InvalidIndexes(ctx context.Context, q Querier) ([]string, error) {
	rows, err := q.QueryContext(ctx, invalidIndexesQuery)
	if err != nil {
		return nil, fmt.Errorf("listing invalid indexes: %w", err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, fmt.Errorf("listing invalid indexes: %w", err)
		}
		names = append(names, name)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing invalid indexes: %w", err)
	}
	return names, nil
}

// WatchBlockers polls Blockers of session pid every interval, on q (which
// must not be pid's own connection: a pool, or a second connection), until
// stop is called or ctx is done. stop returns the last non-empty set of
// blockers seen, which is what a statement that failed on its lock_timeout
// waited behind: once it has failed, pg_blocking_pids no longer shows them.
// stop waits for a query in flight rather than cancelling it, so q stays
// usable. Query errors are ignored; a watcher that saw nothing returns nil.
func WatchBlockers(ctx context.Context, q Querier, pid int, interval time.Duration) (stop func() []Blocker) {
	stopped := make(chan struct{})
	done := make(chan []Blocker, 1)
	go func() {
		var last []Blocker
		tick := time.NewTicker(max(interval, time.Millisecond))
		defer tick.Stop()
		for {
			if bs, err := Blockers(ctx, q, pid); err == nil && len(bs) > 0 {
				last = bs
			}
			select {
			case <-stopped:
				done <- last
				return
			case <-ctx.Done():
				done <- last
				return
			case <-tick.C:
			}
		}
	}()
	var once sync.Once
	var result []Blocker
	return func() []Blocker {
		once.Do(func() { close(stopped); result = <-done })
		return result
	}
}
