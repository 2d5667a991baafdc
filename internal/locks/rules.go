package locks

import (
	"slices"
	"strings"
)

// statement dispatches one tokenized statement to its checks.
func (l *linter) statement(toks []token) {
	switch {
	case hasWords(toks, "create"):
		rest := skipWords(toks[1:], "or", "replace", "global", "local", "temp", "temporary", "unlogged", "unique")
		switch {
		case hasWords(rest, "index"):
			l.createIndex(toks[0], rest[1:])
		case hasWords(rest, "table"):
			l.createTable(rest[1:])
		case hasWords(rest, "materialized", "view"):
			if name, n := readName(skipWords(rest[2:], "if", "not", "exists"), l.env.DefaultSchema); n > 0 {
				l.createdView[name] = true
			}
		}
	case hasWords(toks, "refresh", "materialized", "view"):
		l.refresh(toks[0], toks[3:])
	case hasWords(toks, "vacuum"):
		l.vacuum(toks[0], toks[1:])
	case hasWords(toks, "cluster"):
		l.cluster(toks[0], toks[1:])
	case hasWords(toks, "do"):
		l.doBlock(toks[0], toks[1:])
	case hasWords(toks, "drop", "index"):
		l.dropIndex(toks[0], toks[2:])
	case hasWords(toks, "reindex"):
		l.reindex(toks[0], toks[1:])
	case hasWords(toks, "alter", "table"):
		l.alterTable(toks[2:])
	}
}

// concurrently reports whether toks starts with CONCURRENTLY, and flags
// PG104 when it does in a transactional file.
func (l *linter) concurrently(stmt token, what string, toks []token) bool {
	if !hasWords(toks, "concurrently") {
		return false
	}
	l.concurrentInTx(stmt, what)
	return true
}

// concurrentInTx flags PG104 for a CONCURRENTLY form in a transactional file.
func (l *linter) concurrentInTx(at token, what string) {
	if l.env.Transactional {
		l.report("PG104", at, "%s CONCURRENTLY in a transactional file", what)
	}
}

func (l *linter) createTable(toks []token) {
	toks = skipWords(toks, "if", "not", "exists")
	name, n := readName(toks, l.env.DefaultSchema)
	if n == 0 {
		return
	}
	l.created[name] = true
	if rest := toks[n:]; hasWords(rest, "partition", "of") {
		if parent, m := readName(rest[2:], l.env.DefaultSchema); m > 0 && l.existing(parent) {
			l.report("PG112", rest[0], "CREATE TABLE %s PARTITION OF existing table %s", name, parent)
		}
	}
}

// partitioned reports whether table is partitioned before the file.
func (l *linter) partitioned(table qname) bool {
	return !l.created[table] && l.env.Partitioned != nil && l.env.Partitioned(table.schema, table.name)
}

// createIndex checks CREATE [UNIQUE] INDEX [CONCURRENTLY] [[IF NOT EXISTS]
// name] ON [ONLY] table; toks follow INDEX.
func (l *linter) createIndex(stmt token, toks []token) {
	concurrent := l.concurrently(stmt, "CREATE INDEX", toks)
	ifNotExists := toks
	toks = skipWords(toks, "concurrently", "if", "not", "exists")
	var index string
	if len(toks) > 0 && !toks[0].is("on") && toks[0].ident() {
		index = toks[0].text
		toks = toks[1:]
	}
	if !hasWords(toks, "on") {
		return
	}
	only := hasWords(toks[1:], "only")
	table, n := readName(skipWords(toks[1:], "only"), l.env.DefaultSchema)
	if n == 0 {
		return
	}
	if index != "" && hasWords(skipWords(ifNotExists, "concurrently"), "if", "not", "exists") && l.env.IndexTable != nil {
		if _, _, exists := l.env.IndexTable(table.schema, index); exists {
			return // IF NOT EXISTS of an index that exists: PostgreSQL does nothing
		}
	}
	if index != "" {
		l.createdIndex[qname{table.schema, index}] = true
	}
	if only && l.partitioned(table) {
		return // a catalog entry: the partitions' indexes are built on their own
	}
	if !concurrent && l.existing(table) {
		l.report("PG101", stmt, "CREATE INDEX%s on existing table %s without CONCURRENTLY", optionalName(index), table)
	}
}

// dropIndex checks DROP INDEX [CONCURRENTLY] [IF EXISTS] name [, …]; toks
// follow INDEX.
func (l *linter) dropIndex(stmt token, toks []token) {
	if l.concurrently(stmt, "DROP INDEX", toks) {
		return
	}
	toks = skipWords(toks, "if", "exists")
	for _, part := range splitTop(toks) {
		if index, n := readName(part, l.env.DefaultSchema); n > 0 && l.indexOnExisting(index) {
			l.report("PG102", part[0], "DROP INDEX %s without CONCURRENTLY", index)
		}
	}
}

// indexOnExisting reports whether index is on a table that existed before
// the file: known through Env.IndexTable, else assumed unless the file
// created the index.
func (l *linter) indexOnExisting(index qname) bool {
	if l.createdIndex[index] {
		return false
	}
	if l.env.IndexTable != nil {
		if s, t, ok := l.env.IndexTable(index.schema, index.name); ok {
			return l.existing(qname{s, t})
		}
	}
	return true
}

// reindex checks REINDEX [(options)] {INDEX|TABLE|SCHEMA|DATABASE|SYSTEM}
// [CONCURRENTLY] name; toks follow REINDEX.
func (l *linter) reindex(stmt token, toks []token) {
	optionConcurrently := false
	if options, next, ok := group(toks); ok {
		// (CONCURRENTLY [true|on|1]) since PostgreSQL 14
		optionConcurrently = topWords(options, "concurrently") && !topWords(options, "false") && !topWords(options, "off")
		toks = toks[next:]
	}
	if len(toks) == 0 {
		return
	}
	kind, rest := toks[0].text, toks[1:]
	if optionConcurrently {
		rest = append([]token{{kind: tokWord, text: "concurrently"}}, rest...)
	}
	if l.concurrently(stmt, "REINDEX", rest) {
		return
	}
	name, n := readName(rest, l.env.DefaultSchema)
	switch {
	case kind == "index" && n > 0 && l.indexOnExisting(name):
		l.report("PG103", stmt, "REINDEX INDEX %s without CONCURRENTLY", name)
	case kind == "table" && n > 0 && l.existing(name):
		l.report("PG103", stmt, "REINDEX TABLE %s without CONCURRENTLY", name)
	case kind == "schema" || kind == "database" || kind == "system":
		l.report("PG103", stmt, "REINDEX %s without CONCURRENTLY", strings.ToUpper(kind))
	}
}

// alterTable checks each clause of ALTER TABLE [IF EXISTS] [ONLY] name [*]
// clause, …; toks follow TABLE.
func (l *linter) alterTable(toks []token) {
	toks = skipWords(toks, "if", "exists", "only")
	table, n := readName(toks, l.env.DefaultSchema)
	if n == 0 {
		return
	}
	toks = toks[n:]
	if len(toks) > 0 && toks[0].kind == tokOp && toks[0].text == "*" {
		toks = toks[1:]
	}
	existing := l.existing(table)
	for _, clause := range splitTop(toks) {
		if len(clause) == 0 {
			continue
		}
		switch {
		case hasWords(clause, "add"):
			l.add(table, existing, clause)
		case hasWords(clause, "alter"):
			l.alterColumn(table, existing, clause)
		case hasWords(clause, "validate", "constraint"):
			l.validate(table, clause)
		case hasWords(clause, "detach", "partition") && topWords(clause, "concurrently"):
			l.concurrentInTx(clause[0], "DETACH PARTITION")
		case hasWords(clause, "detach", "partition") && existing:
			l.report("PG113", clause[0], "DETACH PARTITION from existing table %s without CONCURRENTLY", table)
		case (hasWords(clause, "set", "unlogged") || hasWords(clause, "set", "logged")) && existing:
			l.report("PG114", clause[0], "SET %s on existing table %s rewrites it", strings.ToUpper(clause[1].text), table)
		}
	}
}

// constraintWords start a table constraint after ADD [CONSTRAINT name].
var constraintWords = []string{"check", "foreign", "unique", "primary", "exclude"}

// add checks an ADD clause: a column or a table constraint.
func (l *linter) add(table qname, existing bool, clause []token) {
	rest := clause[1:]
	name := ""
	if hasWords(rest, "constraint") && len(rest) > 1 {
		name, rest = rest[1].text, rest[2:]
	}
	if len(rest) > 0 && rest[0].kind == tokWord && slices.Contains(constraintWords, rest[0].text) {
		l.addConstraint(table, existing, name, clause[0], rest)
		return
	}
	l.addColumn(table, existing, clause[0], skipWords(rest, "column", "if", "not", "exists"))
}

// addConstraint checks ADD [CONSTRAINT name] followed by toks.
func (l *linter) addConstraint(table qname, existing bool, name string, at token, toks []token) {
	notValid := topWords(toks, "not", "valid")
	switch {
	case hasWords(toks, "check"):
		col := ""
		if _, next, ok := group(toks[1:]); ok {
			col = notNullColumn(toks[1 : 1+next])
		}
		if !notValid && existing {
			l.report("PG106", at, "ADD CHECK on existing table %s without NOT VALID", table)
		}
		if notValid && name != "" {
			l.notValid[constraintKey{table, name}] = addedConstraint{notNullOf: col}
		} else if !notValid && col != "" {
			l.notNull[columnKey{table, col}] = true
		}
	case hasWords(toks, "foreign", "key"):
		if !notValid && existing {
			l.report("PG105", at, "ADD FOREIGN KEY on existing table %s without NOT VALID", table)
		}
		if notValid && name != "" {
			l.notValid[constraintKey{table, name}] = addedConstraint{foreignKey: true}
		}
	case hasWords(toks, "unique") || hasWords(toks, "primary", "key"):
		if existing && !topWords(toks, "using", "index") {
			l.report("PG111", at, "ADD %s on existing table %s without USING INDEX", uniqueKind(toks), table)
		}
	}
}

func uniqueKind(toks []token) string {
	if hasWords(toks, "primary") {
		return "PRIMARY KEY"
	}
	return "UNIQUE"
}

// notNullColumn returns c when toks is the parenthesized expression
// `c IS NOT NULL`, in any number of parentheses.
func notNullColumn(toks []token) string {
	for {
		inner, next, ok := group(toks)
		if !ok || next != len(toks) {
			break
		}
		toks = inner
	}
	if len(toks) == 4 && toks[0].ident() && hasWords(toks[1:], "is", "not", "null") {
		return toks[0].text
	}
	return ""
}

// validate checks VALIDATE CONSTRAINT name against an ADD … NOT VALID
// earlier in the same file.
func (l *linter) validate(table qname, clause []token) {
	if len(clause) < 3 {
		return
	}
	added, ok := l.notValid[constraintKey{table, clause[2].text}]
	if !ok {
		return
	}
	if added.notNullOf != "" {
		l.notNull[columnKey{table, added.notNullOf}] = true
	}
	if !l.env.Transactional || !l.existing(table) {
		return
	}
	l.report("PG107", clause[0], "VALIDATE CONSTRAINT %s on %s in the same transaction as its ADD … NOT VALID", quoteIdent(clause[2].text), table)
	if added.foreignKey {
		f := &l.findings[len(l.findings)-1]
		f.Lock, f.Blocks = LockShareRowExclusive, blocksWritesBothTables
	}
}

// alterColumn checks ALTER [COLUMN] col {SET NOT NULL | [SET DATA] TYPE t}.
func (l *linter) alterColumn(table qname, existing bool, clause []token) {
	rest := skipWords(clause[1:], "column")
	if len(rest) < 2 || !rest[0].ident() || !existing {
		return
	}
	col := rest[0].text
	rest = rest[1:]
	switch {
	case hasWords(rest, "set", "not", "null"):
		if !l.notNull[columnKey{table, col}] && (l.env.NotNullChecked == nil || !l.env.NotNullChecked(table.schema, table.name, col)) {
			l.report("PG108", clause[0], "SET NOT NULL on %s.%s without a validated CHECK (%s IS NOT NULL)", table, quoteIdent(col), quoteIdent(col))
		}
	case hasWords(rest, "type") || hasWords(rest, "set", "data", "type"):
		l.alterType(table, col, clause[0], skipWords(rest, "set", "data", "type"))
	}
}

// alterType checks a column type change; toks follow TYPE.
func (l *linter) alterType(table qname, col string, at token, toks []token) {
	end := len(toks)
	for i, t := range toks {
		if t.is("collate") || t.is("using") {
			end = i
			break
		}
	}
	to := parseType(toks[:end])
	switch {
	case l.addedColumn[columnKey{table, col}]:
		// The column holds only NULLs, yet PostgreSQL rewrites the table.
		l.report("PG110", at, "ALTER COLUMN %s.%s TYPE %s of a column added earlier in this file still rewrites the table: add the column with its final type instead",
			table, quoteIdent(col), to.base)
	case topWords(toks, "using"):
		l.report("PG110", at, "ALTER COLUMN %s.%s TYPE … USING rewrites the table", table, quoteIdent(col))
	case l.env.ColumnType == nil:
		l.report("PG110", at, "ALTER COLUMN %s.%s TYPE %s may rewrite the table (its current type is unknown)", table, quoteIdent(col), to.base)
	default:
		typ, ok := l.env.ColumnType(table.schema, table.name, col)
		if !ok {
			l.report("PG110", at, "ALTER COLUMN %s.%s TYPE %s may rewrite the table (its current type is unknown)", table, quoteIdent(col), to.base)
		} else if rewrites(parseType(tokenize(typ)), to) {
			l.report("PG110", at, "ALTER COLUMN %s.%s TYPE from %s to %s rewrites the table", table, quoteIdent(col), typ, to.base)
		}
	}
}

// volatileFuncs are the built-in volatile functions a column default
// commonly calls; a default calling one is evaluated for every row.
var volatileFuncs = []string{
	"clock_timestamp", "timeofday", "random", "random_normal", "gen_random_uuid",
	"uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v4", "uuidv4", "uuidv7",
	"nextval",
}

// columnConstraintWords end a DEFAULT expression in a column definition.
var columnConstraintWords = []string{"constraint", "not", "null", "check", "unique", "primary", "references", "collate", "generated"}

// serialTypes get a nextval default.
var serialTypes = []string{"serial", "serial4", "bigserial", "serial8", "smallserial", "serial2"}

// addColumn checks ADD [COLUMN] [IF NOT EXISTS] name type [constraints];
// toks start at the name.
func (l *linter) addColumn(table qname, existing bool, at token, toks []token) {
	if !existing || len(toks) < 2 {
		return
	}
	col := toks[0].text
	l.addedColumn[columnKey{table, col}] = true
	switch reason := rewriteReason(toks[1:]); {
	case reason != "":
		l.report("PG109", at, "ADD COLUMN %s to existing table %s with %s rewrites the table", quoteIdent(col), table, reason)
	case topWords(toks, "check"):
		l.report("PG106", at, "ADD COLUMN %s with a CHECK on existing table %s", quoteIdent(col), table)
	case topWords(toks, "unique") || topWords(toks, "primary", "key"):
		l.report("PG111", at, "ADD COLUMN %s %s on existing table %s builds its index under lock", quoteIdent(col), uniqueKind(columnConstraint(toks)), table)
	}
}

// columnConstraint returns toks from its UNIQUE or PRIMARY word.
func columnConstraint(toks []token) []token {
	for i, t := range toks {
		if t.is("unique") || t.is("primary") {
			return toks[i:]
		}
	}
	return nil
}

// rewriteReason says why a column definition (type and constraints) fills
// every existing row with a value of its own: a serial type, an identity,
// a stored generated expression or a volatile default; "" when it does not.
func rewriteReason(def []token) string {
	if len(def) > 0 && def[0].kind == tokWord && slices.Contains(serialTypes, def[0].text) {
		return "type " + def[0].text
	}
	if topWords(def, "generated") {
		if topWords(def, "identity") {
			return "an identity"
		}
		return "a stored generated expression"
	}
	inDefault, depth := false, 0
	for i, t := range def {
		switch {
		case t.punct("("):
			depth++
		case t.punct(")"):
			depth--
		case t.is("default"):
			inDefault = true
		case inDefault && t.kind == tokWord && slices.Contains(volatileFuncs, t.text) && i+1 < len(def) && def[i+1].punct("("):
			return "volatile default " + t.text + "()"
		case depth == 0 && t.kind == tokWord && slices.Contains(columnConstraintWords, t.text):
			inDefault = false
		}
	}
	return ""
}

// optionalName formats an optional name after a keyword: " name" or "".
func optionalName(name string) string {
	if name == "" {
		return ""
	}
	return " " + quoteIdent(name)
}

// refresh checks REFRESH MATERIALIZED VIEW [CONCURRENTLY] name; toks follow VIEW.
func (l *linter) refresh(stmt token, toks []token) {
	if hasWords(toks, "concurrently") { // allowed inside a transaction
		return
	}
	if name, n := readName(toks, l.env.DefaultSchema); n > 0 && !l.createdView[name] {
		l.report("PG115", stmt, "REFRESH MATERIALIZED VIEW %s without CONCURRENTLY", name)
	}
}

// vacuum checks VACUUM [(options)] [FULL] …; toks follow VACUUM.
func (l *linter) vacuum(stmt token, toks []token) {
	full := hasWords(toks, "full")
	if options, _, ok := group(toks); ok {
		full = topWords(options, "full") && !topWords(options, "false") && !topWords(options, "off")
	}
	if full {
		l.report("PG116", stmt, "VACUUM FULL rewrites each table it names (every table, when it names none)")
	}
}

// cluster checks CLUSTER [VERBOSE] [table [USING index]]; toks follow CLUSTER.
func (l *linter) cluster(stmt token, toks []token) {
	toks = skipWords(toks, "verbose")
	if name, n := readName(toks, l.env.DefaultSchema); n > 0 {
		if l.existing(name) {
			l.report("PG117", stmt, "CLUSTER %s rewrites the table", name)
		}
		return
	}
	l.report("PG117", stmt, "CLUSTER rewrites every table clustered before")
}

// ddlWords start the statements a DO block may run that change the schema.
var ddlWords = []string{"alter", "create", "drop", "reindex", "cluster", "vacuum", "truncate", "lock", "refresh"}

// doBlock flags a DO block whose body holds DDL: lint cannot split the
// body into statements, so their locks go unchecked.
func (l *linter) doBlock(stmt token, toks []token) {
	if w := ddlIn(toks, 3); w != "" {
		l.report("PG118", stmt, "DO block runs %s …: lint cannot check the locks of the statements inside it", strings.ToUpper(w))
	}
}

// ddlIn returns the first DDL word in the string literals of toks, looking
// depth levels deep into strings within strings (EXECUTE '…').
func ddlIn(toks []token, depth int) string {
	if depth == 0 {
		return ""
	}
	for _, t := range toks {
		if t.kind != tokString {
			continue
		}
		inner := tokenize(stringBody(t.text))
		for _, w := range inner {
			if w.kind == tokWord && slices.Contains(ddlWords, w.text) {
				return w.text
			}
		}
		if w := ddlIn(inner, depth-1); w != "" {
			return w
		}
	}
	return ""
}

// stringBody returns the text inside a string token: between the quotes
// of '…', or the tags of $tag$…$tag$.
func stringBody(s string) string {
	if strings.HasPrefix(s, "$") {
		if end := strings.IndexByte(s[1:], '$'); end >= 0 {
			tag := s[:end+2]
			return strings.TrimSuffix(strings.TrimPrefix(s, tag), tag)
		}
	}
	if i := strings.IndexByte(s, '\''); i >= 0 && len(s) > i+1 {
		return s[i+1 : len(s)-1]
	}
	return s
}
