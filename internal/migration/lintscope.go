package migration

import (
	"regexp"
	"strings"
)

// A statement's scope tells lint whether it must inspect the schema around
// the statement to know what it changed. Inspecting after every statement
// costs a dozen catalog queries each, which makes a long base file lint in
// quadratic time; most statements of such a file change only tables the
// same file created, which no analyzer judges (they have no rows), or no
// table at all.
type stmtScope struct {
	noChange bool   // changes nothing Atlas inspects (INSERT, GRANT, CREATE FUNCTION…)
	creates  string // CREATE TABLE of this table ("schema.table")
	table    string // changes only this table ("schema.table"), or creates or drops it
	path     bool   // sets search_path: later names may resolve elsewhere
}

const identPattern = `(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)`

var (
	qualifiedName = `(` + identPattern + `(?:\s*\.\s*` + identPattern + `)?)`
	// Statements that change nothing Atlas's inspection reads.
	noChangeStmt = regexp.MustCompile(`(?is)^(insert|update|delete|copy|truncate|analyze|lock|reset|vacuum|grant|revoke|notify|refresh\s+materialized\s+view|` +
		`create\s+(or\s+replace\s+)?(function|procedure|trigger|view|rule)|comment\s+on\s+(function|procedure|view|trigger|schema|sequence|type))\b`)
	setStmt         = regexp.MustCompile(`(?is)^(set|select\s+(pg_catalog\.)?set_config)\b`)
	createTableStmt = regexp.MustCompile(`(?is)^create\s+table\s+(if\s+not\s+exists\s+)?` + qualifiedName + `\s*\(`)
	createIndexStmt = regexp.MustCompile(`(?is)^create\s+(unique\s+)?index\s+(concurrently\s+)?(if\s+not\s+exists\s+)?(` + identPattern + `\s+)?on\s+(only\s+)?` + qualifiedName + `[\s(]`)
	alterTableStmt  = regexp.MustCompile(`(?is)^alter\s+table\s+(if\s+exists\s+)?(only\s+)?` + qualifiedName + `\s`)
	dropTableStmt   = regexp.MustCompile(`(?is)^drop\s+table\s+(if\s+exists\s+)?` + qualifiedName + `\s*(restrict\s*)?;?\s*$`)
	commentStmt     = regexp.MustCompile(`(?is)^comment\s+on\s+(table|column)\s+` + qualifiedName)
	renameOrMove    = regexp.MustCompile(`(?i)\b(rename|set\s+schema|attach|detach|inherit)\b`)
	createTableAs   = regexp.MustCompile(`(?is)\)\s*(as|partition|inherits)\b|\bpartition\s+of\b`)
	identRE         = regexp.MustCompile(identPattern)
)

// scopeOf reads the scope of a statement's text; a statement it does not
// know has the zero scope: inspect around it.
func scopeOf(stmt string) stmtScope {
	s := stripComments(stmt)
	switch {
	case setStmt.MatchString(s):
		return stmtScope{noChange: true, path: strings.Contains(strings.ToLower(s), "search_path")}
	case noChangeStmt.MatchString(s):
		return stmtScope{noChange: true}
	}
	if m := createTableStmt.FindStringSubmatch(s); m != nil && m[1] == "" && !createTableAs.MatchString(s) {
		return stmtScope{creates: tableKeyOf(m[2])}
	}
	if m := createIndexStmt.FindStringSubmatch(s); m != nil {
		return stmtScope{table: tableKeyOf(m[6])}
	}
	if m := alterTableStmt.FindStringSubmatch(s); m != nil && !renameOrMove.MatchString(s) {
		return stmtScope{table: tableKeyOf(m[3])}
	}
	if m := dropTableStmt.FindStringSubmatch(s); m != nil {
		return stmtScope{table: tableKeyOf(m[2])}
	}
	if m := commentStmt.FindStringSubmatch(s); m != nil {
		name := m[2]
		if strings.EqualFold(m[1], "column") { // schema.table.column or table.column
			parts := splitName(name)
			if len(parts) < 2 {
				return stmtScope{}
			}
			return stmtScope{table: tableKeyOf(strings.Join(parts[:len(parts)-1], "."))}
		}
		return stmtScope{table: tableKeyOf(name)}
	}
	return stmtScope{}
}

// tableKeyOf returns "schema.table", unquoted, for a table name as written
// (public when unqualified); "" when it is not one.
func tableKeyOf(name string) string {
	parts := splitName(name)
	switch len(parts) {
	case 1:
		return "public." + parts[0]
	case 2:
		return parts[0] + "." + parts[1]
	}
	return ""
}

// splitName splits a dotted name into identifiers, unquoting quoted ones and
// folding the others to lower case, as PostgreSQL reads them.
func splitName(name string) []string {
	var parts []string
	for _, p := range identRE.FindAllString(name, -1) {
		if strings.HasPrefix(p, `"`) {
			parts = append(parts, strings.ReplaceAll(p[1:len(p)-1], `""`, `"`))
		} else {
			parts = append(parts, strings.ToLower(p))
		}
	}
	return parts
}

// stripComments drops the comments before a statement.
func stripComments(s string) string {
	for {
		t := strings.TrimLeft(s, " \t\r\n")
		switch {
		case strings.HasPrefix(t, "--"):
			i := strings.IndexByte(t, '\n')
			if i < 0 {
				return ""
			}
			s = t[i+1:]
		case strings.HasPrefix(t, "/*"):
			i := strings.Index(t, "*/")
			if i < 0 {
				return ""
			}
			s = t[i+2:]
		default:
			return t
		}
	}
}
