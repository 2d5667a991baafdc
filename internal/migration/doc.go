// Package migration is the versioned-migration engine of versiona, built on
// the Atlas library (ariga.io/atlas): it plans migration files from the
// desired schema, applies and reverts them, lints them and keeps atlas.sum.
//
// Everything it reads and writes is in Atlas's own formats: the directory of
// "<version>_<name>.sql" files with its atlas.sum, and the revisions table
// atlas_schema_revisions.atlas_schema_revisions. A database migrated here
// shows as up to date to the Atlas CLI, and the other way round.
//
// The workflow, as the cmd/migrate commands expose it:
//
//   - [Project.Diff] replays the directory and loads schema.sql on two
//     scratch databases, and writes the difference as a new file. It refuses
//     schema files holding objects Atlas's open-source engine does not carry
//     (views, functions, triggers, extensions…), naming each one.
//   - [Project.Apply] runs the pending files, each in its own transaction,
//     under the same advisory lock the Atlas CLI takes, after checking that
//     atlas.sum matches, that every file is named "<version>_<name>.sql",
//     that no applied file changed and that none is out of order.
//   - [Project.Down] reverts to an earlier version by planning the change
//     from the live schema to the directory's state at that version.
//   - [Project.Lint] runs Atlas's analyzers and the lock-aware rules of
//     package locks; [Project.Trace] replays files statement by statement
//     and reports the locks each took and the tables it rewrote.
//   - [Project.Status], [Project.Validate], [Rehash] and [NewFile]
//     complete the set.
//
// On a live database, Apply and Down wait for the advisory lock at most
// [Project.LockWait], naming its holder through [Project.Progress]; every
// statement runs under [Project.LockTimeout], and a file that hits it is
// rolled back and retried ([Project.Retries]), each failed attempt
// reported with the sessions that blocked it.
//
// Programs that only need "bring this database to head" call [ApplyAll].
//
// The engine never prints: each operation returns a structured result
// ([ApplyResult], [DownResult], [DiffResult], [LintResult], [Status],
// [ValidateResult], with JSON field names for machines) and reports
// progress, when asked, through [Project.Progress]; the caller renders both.
// Schemas are compared in Atlas's normalized mode, as the Atlas CLI
// compares them, so a changed CHECK expression is a change.
//
// Scratch databases are created (and dropped) on the server of
// [Project.DevURL], or on a throwaway server from package pgserver.
package migration
