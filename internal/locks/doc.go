// Package locks keeps schema changes safe on a database that serves
// traffic. Its three parts are independent of the migration engine, which
// calls them.
//
// # The migration lock
//
// Acquire (or Lock.Acquire, whose timings tests can shorten) takes the
// session-level advisory lock MigrationLock on one *sql.Conn with
// pg_try_advisory_lock. Key derives the bigint key from the name exactly as
// Atlas's PostgreSQL driver does (32-bit FNV-1), so a versiona run and an
// Atlas CLI run exclude each other. The wait polls with a jittered backoff
// from 25 ms doubling to a 1 s cap, calls OnWait with the holder (pid,
// application name, state, how long connected and in its transaction) every
// few seconds, returns ctx.Err() as soon as the context is cancelled, and at
// the deadline returns a one-line error wrapping ErrLocked that names the
// holder. Atlas's own Driver.Lock is not used: its backoff interval
// overflows on the 40th attempt (after about 55 s) and panics.
//
// # Lock timeouts and retries
//
// A migration file run under SET LOCAL lock_timeout gives up with SQLSTATE
// 55P03 (IsLockTimeout) instead of waiting behind a long transaction while
// every later query on the table queues behind it. Retry reruns the file
// after growing, jittered pauses while it fails that way. Blockers lists the
// sessions a waiting session waits behind (pg_blocking_pids joined to
// pg_stat_activity); since they vanish from pg_blocking_pids once the
// statement has failed, WatchBlockers polls them from another connection
// during the attempt:
//
//	err := locks.Retry(ctx, retries, time.Second, func(int) error {
//		stop := locks.WatchBlockers(ctx, pool, filePID, 100*time.Millisecond)
//		err := runFile(ctx, conn, file) // SET LOCAL lock_timeout first
//		blockers = stop()
//		return err
//	}, report)
//
// In a "-- atlas:txmode none" file a failed CREATE INDEX CONCURRENTLY leaves
// an invalid index behind; InvalidIndexes lists such indexes for a
// DROP INDEX CONCURRENTLY before the retry.
//
// # Lock-aware lint
//
// Lint reads the statements of one file (Atlas-formatted or hand-written:
// quoted and schema-qualified names, several clauses per ALTER TABLE) and
// flags those that hold a lock blocking an existing table's readers or
// writers for longer than a moment. Tables (and indexes) created earlier in
// the same file are exempt. ReadEnv reads what Lint needs to know (tables,
// index tables, column types, validated NOT NULL checks) from a database at
// the version before the file. The rules (Rules holds them):
//
//	Code   Flags                                         Lock                 Blocks
//	PG101  CREATE INDEX without CONCURRENTLY             SHARE                writes
//	PG102  DROP INDEX without CONCURRENTLY               ACCESS EXCLUSIVE     reads and writes
//	PG103  REINDEX without CONCURRENTLY                  ACCESS EXCLUSIVE     reads and writes
//	PG104  CONCURRENTLY in a transactional file          -                    (the file fails)
//	PG105  ADD FOREIGN KEY without NOT VALID             SHARE ROW EXCLUSIVE  writes, on both tables
//	PG106  ADD CHECK without NOT VALID                   ACCESS EXCLUSIVE     reads and writes
//	PG107  VALIDATE in the transaction of its ADD        ACCESS EXCLUSIVE     reads and writes
//	       (of a FOREIGN KEY)                            SHARE ROW EXCLUSIVE  writes, on both tables
//	PG108  SET NOT NULL without a validated CHECK        ACCESS EXCLUSIVE     reads and writes
//	PG109  ADD COLUMN with a volatile default            ACCESS EXCLUSIVE     reads and writes
//	PG110  ALTER COLUMN TYPE that rewrites               ACCESS EXCLUSIVE     reads and writes
//	PG111  ADD UNIQUE / PRIMARY KEY without USING INDEX  ACCESS EXCLUSIVE     reads and writes
//	PG112  CREATE TABLE … PARTITION OF                   ACCESS EXCLUSIVE     reads and writes
//	PG113  DETACH PARTITION without CONCURRENTLY         ACCESS EXCLUSIVE     reads and writes
//	PG114  SET UNLOGGED / SET LOGGED (rewrites)          ACCESS EXCLUSIVE     reads and writes
//	PG115  REFRESH MATERIALIZED VIEW without CONCURRENTLY ACCESS EXCLUSIVE    reads of the view
//	PG116  VACUUM FULL (rewrites)                        ACCESS EXCLUSIVE     reads and writes
//	PG117  CLUSTER (rewrites)                            ACCESS EXCLUSIVE     reads and writes
//	PG118  DDL inside a DO block                         (unknown)            (unchecked)
//
// The safe alternatives (Finding.Fix):
//
//	PG101  CREATE INDEX CONCURRENTLY in its own "-- atlas:txmode none" file
//	PG102  DROP INDEX CONCURRENTLY in its own "-- atlas:txmode none" file
//	PG103  REINDEX … CONCURRENTLY in its own "-- atlas:txmode none" file
//	PG104  move the statement to its own "-- atlas:txmode none" file
//	PG105  ADD … FOREIGN KEY … NOT VALID, then VALIDATE CONSTRAINT in a later transaction
//	PG106  ADD … CHECK (…) NOT VALID, then VALIDATE CONSTRAINT in a later transaction
//	PG107  VALIDATE CONSTRAINT once the ADD … NOT VALID has committed
//	PG108  CHECK (col IS NOT NULL) NOT VALID; VALIDATE later; SET NOT NULL; drop the check
//	PG109  add the column without a volatile default, SET DEFAULT, backfill in batches
//	PG110  widen only (varchar(n) to varchar(m > n) or text, numeric precision up, …),
//	       or add a new column, backfill it and switch over
//	PG111  CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT … USING INDEX
//	PG112  CREATE TABLE … (LIKE parent INCLUDING …), then ATTACH PARTITION
//	PG113  DETACH PARTITION … CONCURRENTLY in its own "-- atlas:txmode none" file
//	PG114  create the table with its persistence; switch only in a maintenance window
//	PG115  REFRESH MATERIALIZED VIEW CONCURRENTLY (needs a unique index), outside the migration
//	PG116  plain VACUUM outside the migration; rebuild online with a new table
//	PG117  ALTER TABLE … CLUSTER ON (no rewrite); reorder in a maintenance window
//	PG118  write the statements in the file itself, where each is checked
//
// CREATE INDEX IF NOT EXISTS of an index that exists does nothing, and is not
// flagged. A type change of a column the same file added to an existing table
// is flagged (PG110): the column holds only NULLs, but PostgreSQL rewrites
// the table all the same; add the column with its final type.
//
// CREATE INDEX … ON ONLY a partitioned table is not flagged: it builds no
// index, only the catalog entry the partitions' indexes (built on their
// own, CONCURRENTLY) are attached to.
//
// PG104 fires whatever the table, as the statement cannot run in a
// transaction at all. A volatile default is a call to a built-in volatile
// function (clock_timestamp, random, gen_random_uuid, uuid_generate_v*,
// nextval, …), a serial type, an identity or a stored generated column;
// now() and constants are not (no rewrite since PostgreSQL 11). A type
// change rewrites unless it is binary compatible with the type ReadEnv
// found: to the same type, a longer or unconstrained varchar, varchar to
// text, numeric of the same scale and no less precision, a time type of no
// less precision, cidr to inet. Unknown functions in defaults are not
// flagged; a type change on a column of unknown type is.
//
// Each rule's lock and rewrite claims are checked against PostgreSQL by the
// tests (pg_locks of the session that ran the statement, relfilenode, and
// pg_stat_xact_user_tables).
package locks
