package locks

import (
	"fmt"
)

// Lock modes named in findings, as the PostgreSQL documentation spells them.
const (
	LockShare               = "SHARE"
	LockShareRowExclusive   = "SHARE ROW EXCLUSIVE"
	LockAccessExclusive     = "ACCESS EXCLUSIVE"
	blocksWrites            = "writes (INSERT/UPDATE/DELETE)"
	blocksReadsAndWrites    = "reads and writes"
	blocksWritesBothTables  = "writes (INSERT/UPDATE/DELETE) on both tables"
	fixConcurrentlyOwnFile  = `in its own file marked "-- atlas:txmode none"`
	fixValidateInLaterTx    = `then VALIDATE CONSTRAINT in a later transaction (a later file, or a "-- atlas:txmode none" file)`
	transactionBlockFailure = "cannot run inside a transaction block"
)

// Rule is one lock-aware lint rule.
type Rule struct {
	Code   string // stable code, e.g. "PG101"
	Name   string // what it flags
	Lock   string // strongest lock the flagged statement takes; "" for none
	Blocks string // what that lock blocks while held
	Fix    string // the safe alternative
}

// Rules lists the rules Lint applies, in code order.
var Rules = []Rule{
	{"PG101", "CREATE INDEX without CONCURRENTLY on an existing table", LockShare, blocksWrites,
		"CREATE INDEX CONCURRENTLY, " + fixConcurrentlyOwnFile},
	{"PG102", "DROP INDEX without CONCURRENTLY on an index of an existing table", LockAccessExclusive, blocksReadsAndWrites,
		"DROP INDEX CONCURRENTLY, " + fixConcurrentlyOwnFile},
	{"PG103", "REINDEX without CONCURRENTLY", LockAccessExclusive, blocksReadsAndWrites,
		"REINDEX … CONCURRENTLY, " + fixConcurrentlyOwnFile},
	{"PG104", "CONCURRENTLY inside a transactional file", "", "nothing: the statement fails, as it " + transactionBlockFailure,
		`move the statement to its own file marked "-- atlas:txmode none"`},
	{"PG105", "ADD FOREIGN KEY without NOT VALID on an existing table", LockShareRowExclusive, blocksWritesBothTables,
		"ADD CONSTRAINT … FOREIGN KEY … NOT VALID, " + fixValidateInLaterTx},
	{"PG106", "ADD CHECK without NOT VALID on an existing table", LockAccessExclusive, blocksReadsAndWrites,
		"ADD CONSTRAINT … CHECK (…) NOT VALID, " + fixValidateInLaterTx},
	{"PG107", "VALIDATE CONSTRAINT in the same transaction as its ADD … NOT VALID", LockAccessExclusive, blocksReadsAndWrites,
		"VALIDATE CONSTRAINT in a later transaction, once the ADD … NOT VALID has committed"},
	{"PG108", "SET NOT NULL without a validated CHECK (col IS NOT NULL)", LockAccessExclusive, blocksReadsAndWrites,
		"ADD CONSTRAINT c CHECK (col IS NOT NULL) NOT VALID; VALIDATE CONSTRAINT c in a later transaction; then SET NOT NULL (no scan) and DROP CONSTRAINT c"},
	{"PG109", "ADD COLUMN with a volatile default (rewrites the table)", LockAccessExclusive, blocksReadsAndWrites,
		"add the column without a default (or with a constant or now()), SET DEFAULT, then backfill in batches"},
	{"PG110", "ALTER COLUMN TYPE that rewrites the table", LockAccessExclusive, blocksReadsAndWrites,
		"add a column of the new type, backfill it in batches and switch over; or widen only (varchar(n) to varchar(m > n) or text, numeric precision up)"},
	{"PG111", "ADD UNIQUE or PRIMARY KEY without USING INDEX on an existing table", LockAccessExclusive, blocksReadsAndWrites,
		"CREATE UNIQUE INDEX CONCURRENTLY (own \"-- atlas:txmode none\" file), then ADD CONSTRAINT … UNIQUE/PRIMARY KEY USING INDEX"},
	{"PG112", "CREATE TABLE … PARTITION OF an existing table", LockAccessExclusive, blocksReadsAndWrites,
		"CREATE TABLE … (LIKE parent INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED), then ALTER TABLE parent ATTACH PARTITION … (SHARE UPDATE EXCLUSIVE: reads and writes go on)"},
	{"PG113", "DETACH PARTITION without CONCURRENTLY from an existing table", LockAccessExclusive, blocksReadsAndWrites,
		"DETACH PARTITION … CONCURRENTLY, " + fixConcurrentlyOwnFile},
	{"PG114", "SET UNLOGGED or SET LOGGED on an existing table (rewrites it)", LockAccessExclusive, blocksReadsAndWrites,
		"create the table with the persistence it needs; on a table with rows, switch only in a maintenance window"},
	{"PG115", "REFRESH MATERIALIZED VIEW without CONCURRENTLY", LockAccessExclusive, "reads and writes of the materialized view",
		"REFRESH MATERIALIZED VIEW CONCURRENTLY (it needs a unique index on the view), outside the migration"},
	{"PG116", "VACUUM FULL (rewrites the table)", LockAccessExclusive, blocksReadsAndWrites,
		"plain VACUUM (no lock against reads and writes), outside the migration; rebuild a bloated table online with a new table or pg_repack"},
	{"PG117", "CLUSTER (rewrites the table)", LockAccessExclusive, blocksReadsAndWrites,
		"ALTER TABLE … CLUSTER ON to record the index without rewriting; reorder in a maintenance window"},
	{"PG118", "DDL inside a DO block", "", "what its statements lock, which lint cannot see",
		"write the statements in the file itself, where lint checks each one"},
}

// rule returns the rule with code.
func rule(code string) Rule {
	for _, r := range Rules {
		if r.Code == code {
			return r
		}
	}
	panic("locks: unknown rule " + code)
}

// Statement is one statement of a migration file.
type Statement struct {
	Text string // the statement, as written
	Pos  int    // byte offset of Text in the file
}

// Finding is one lock hazard found in a file.
type Finding struct {
	Pos    int    // byte offset in the file of the offending clause
	Code   string // rule code, e.g. "PG101"
	Lock   string // lock mode taken, e.g. "SHARE"; "" for PG104
	Blocks string // what the lock blocks while held
	Text   string // what was found, naming the relation
	Fix    string // the safe alternative
}

// String formats f as "text [code]: takes LOCK, blocking BLOCKS; instead: FIX".
func (f Finding) String() string {
	s := f.Text + " [" + f.Code + "]"
	if f.Lock != "" {
		s += fmt.Sprintf(": takes %s, blocking %s", f.Lock, f.Blocks)
	}
	return s + "; instead: " + f.Fix
}

// Env is what Lint knows about the database before the file runs. Only
// Transactional is required; a nil function means "unknown", and Lint then
// assumes the worst.
type Env struct {
	// Transactional is false for a file marked "-- atlas:txmode none",
	// where each statement commits on its own.
	Transactional bool

	// DefaultSchema qualifies unqualified names; "" means "public".
	DefaultSchema string

	// Existing reports whether the table exists before the file. Nil: every
	// table the file does not create exists.
	Existing func(schema, table string) bool

	// IndexTable returns the table of an existing index, for DROP INDEX and
	// REINDEX INDEX. Nil or not found: the index is taken to be on an
	// existing table unless the file creates it.
	IndexTable func(schema, index string) (tableSchema, table string, ok bool)

	// NotNullChecked reports whether the table has a validated
	// CHECK (column IS NOT NULL) before the file. Nil: none has.
	NotNullChecked func(schema, table, column string) bool

	// ColumnType returns the column's type before the file, as format_type
	// prints it. Nil or not found: a type change is taken to rewrite.
	ColumnType func(schema, table, column string) (typ string, ok bool)

	// Partitioned reports whether the table is partitioned before the
	// file, for CREATE INDEX … ON ONLY, which builds no index on a
	// partitioned table. Nil: none is.
	Partitioned func(schema, table string) bool
}

// Lint checks the statements of one migration file, in order, for
// statements that take locks blocking an existing table's readers or
// writers for longer than a moment (see Rules). Tables and indexes created
// earlier in the same file are exempt.
func Lint(stmts []Statement, env Env) []Finding {
	if env.DefaultSchema == "" {
		env.DefaultSchema = "public"
	}
	l := &linter{
		env:          env,
		created:      map[qname]bool{},
		createdIndex: map[qname]bool{},
		notValid:     map[constraintKey]addedConstraint{},
		notNull:      map[columnKey]bool{},
		addedColumn:  map[columnKey]bool{},
		createdView:  map[qname]bool{},
	}
	for _, s := range stmts {
		l.base = s.Pos
		l.statement(tokenize(s.Text))
	}
	return l.findings
}

type constraintKey struct {
	table qname
	name  string
}

type columnKey struct {
	table  qname
	column string
}

// addedConstraint is a constraint added NOT VALID earlier in the file.
type addedConstraint struct {
	foreignKey bool
	notNullOf  string // column c when the constraint is CHECK (c IS NOT NULL)
}

// linter holds what the file did so far.
type linter struct {
	env          Env
	base         int                               // Pos of the current statement
	created      map[qname]bool                    // tables created in the file
	createdIndex map[qname]bool                    // indexes created in the file
	notValid     map[constraintKey]addedConstraint // constraints added NOT VALID in the file
	notNull      map[columnKey]bool                // columns with a validated IS NOT NULL check from the file
	addedColumn  map[columnKey]bool                // columns the file added to existing tables
	createdView  map[qname]bool                    // materialized views created in the file
	findings     []Finding
}

// report adds a finding of rule code at token t.
func (l *linter) report(code string, t token, format string, args ...any) {
	r := rule(code)
	l.findings = append(l.findings, Finding{
		Pos: l.base + t.pos, Code: code, Lock: r.Lock, Blocks: r.Blocks,
		Text: fmt.Sprintf(format, args...), Fix: r.Fix,
	})
}

// existing reports whether table existed before the file.
func (l *linter) existing(table qname) bool {
	if l.created[table] {
		return false
	}
	return l.env.Existing == nil || l.env.Existing(table.schema, table.name)
}
