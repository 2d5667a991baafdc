package objects

import (
	"context"
	"database/sql"
	"sort"
	"strings"
)

// sqlBodiesQuery lists the LANGUAGE sql functions and procedures with a
// body in a string (not BEGIN ATOMIC or RETURN): PostgreSQL checks such a
// body when the function is created, yet records no dependency on what it
// names.
const sqlBodiesQuery = `
SELECT x.oid::int8, x.prosrc FROM pg_proc x JOIN pg_language l ON l.oid = x.prolang
WHERE l.lanname = 'sql' AND x.prosqlbody IS NULL AND x.prokind IN ('f', 'p') AND x.oid >= 16384`

// bodyTargetsQuery lists, by bare name, what a body may name that the
// package plans: functions, procedures, views and materialized views.
const bodyTargetsQuery = `
SELECT 'pg_proc'::regclass::int8, oid::int8, proname::text FROM pg_proc
WHERE prokind IN ('f', 'p') AND oid >= 16384
UNION ALL
SELECT 'pg_class'::regclass::int8, oid::int8, relname::text FROM pg_class
WHERE relkind IN ('v', 'm') AND oid >= 16384`

// bodyDependencies sets the BodyRefs of each LANGUAGE sql function or
// procedure whose body is checked at creation: every other planned
// function, procedure, view or materialized view whose name occurs in the
// body as an identifier (strings and comments aside; schemas are not
// told apart, since the body resolves names on its search_path). A name
// matched by chance only moves the function later. A dependency that
// would close a cycle with those already known is left out. It runs after
// dependencies.
func (r *reader) bodyDependencies(ctx context.Context, q Querier) error {
	byName := map[string][]*Object{}
	if err := each(ctx, q, bodyTargetsQuery, func(rows *sql.Rows) error {
		var (
			k    key
			name string
		)
		if err := rows.Scan(&k.class, &k.obj, &name); err != nil {
			return err
		}
		if o := r.byKey[k]; o != nil {
			byName[name] = append(byName[name], o)
		}
		return nil
	}); err != nil {
		return err
	}
	bodies := map[*Object]string{}
	if err := each(ctx, q, sqlBodiesQuery, func(rows *sql.Rows) error {
		var (
			oid  int64
			body string
		)
		if err := rows.Scan(&oid, &body); err != nil {
			return err
		}
		if o := r.byKey[key{classProc, oid}]; o != nil {
			bodies[o] = body
		}
		return nil
	}); err != nil {
		return err
	}
	users := make([]*Object, 0, len(bodies))
	for o := range bodies {
		users = append(users, o)
	}
	sort.Slice(users, func(i, j int) bool { return less(users[i].ID, users[j].ID) })
	for _, o := range users {
		for _, name := range identifiers(bodies[o]) {
			for _, ref := range byName[name] {
				if ref != o && !hasID(o.Deps, ref.ID) && !hasID(o.BodyRefs, ref.ID) && !r.set.reaches(ref.ID, o.ID) {
					o.BodyRefs = append(o.BodyRefs, ref.ID)
				}
			}
		}
	}
	return nil
}

// reaches reports whether from is created after to, directly or through
// others (createdAfter).
func (s Set) reaches(from, to ID) bool {
	seen := map[ID]bool{}
	var walk func(id ID) bool
	walk = func(id ID) bool {
		if id == to {
			return true
		}
		if seen[id] || s[id] == nil {
			return false
		}
		seen[id] = true
		for _, dep := range s[id].createdAfter() {
			if walk(dep) {
				return true
			}
		}
		return false
	}
	return walk(from)
}

// createdAfter returns the objects o is created after: those it depends
// on and those its body names.
func (o *Object) createdAfter() []ID {
	if len(o.BodyRefs) == 0 {
		return o.Deps
	}
	return append(append([]ID(nil), o.Deps...), o.BodyRefs...)
}

// identifiers returns the distinct identifiers of an SQL text, as the
// catalog spells them: unquoted ones folded to lower case, quoted ones as
// written. String literals, dollar-quoted strings and comments are
// skipped; the scan is rough (keywords are identifiers too), which only
// adds names that match nothing or move a function later.
func identifiers(text string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case strings.HasPrefix(text[i:], "--"):
			i = skipTo(text, i, "\n")
		case strings.HasPrefix(text[i:], "/*"):
			i = skipComment(text, i)
		case (c == 'E' || c == 'e') && strings.HasPrefix(text[i+1:], "'"):
			i = skipQuoted(text, i+1, '\'', true)
		case c == '\'':
			i = skipQuoted(text, i, '\'', false)
		case c == '"':
			end := skipQuoted(text, i, '"', false)
			add(strings.ReplaceAll(strings.TrimSuffix(text[i+1:end], `"`), `""`, `"`))
			i = end
		case c == '$' && dollarTag(text[i:]) != "":
			tag := dollarTag(text[i:])
			i = skipTo(text, i+len(tag), tag)
		case identStart(c):
			j := i + 1
			for j < len(text) && (identStart(text[j]) || text[j] >= '0' && text[j] <= '9' || text[j] == '$') {
				j++
			}
			add(strings.ToLower(text[i:j]))
			i = j
		case c >= '0' && c <= '9':
			for i < len(text) && (identStart(text[i]) || text[i] >= '0' && text[i] <= '9') {
				i++
			}
		default:
			i++
		}
	}
	return out
}

func identStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

// skipTo returns the offset just past the first end at or after from, or
// the length of text when there is none.
func skipTo(text string, from int, end string) int {
	if i := strings.Index(text[from:], end); i >= 0 {
		return from + i + len(end)
	}
	return len(text)
}

// skipComment returns the offset just past the (nested) comment starting
// at text[i].
func skipComment(text string, i int) int {
	depth := 0
	for ; i < len(text)-1; i++ {
		switch {
		case text[i] == '/' && text[i+1] == '*':
			depth++
			i++
		case text[i] == '*' && text[i+1] == '/':
			i++
			if depth--; depth == 0 {
				return i + 1
			}
		}
	}
	return len(text)
}

// skipQuoted returns the offset just past the text quoted by q starting at
// text[i] (a doubled q stands for itself; with escapes a backslash escapes
// the next character).
func skipQuoted(text string, i int, q byte, escapes bool) int {
	for j := i + 1; j < len(text); j++ {
		switch {
		case escapes && text[j] == '\\':
			j++
		case text[j] == q && j+1 < len(text) && text[j+1] == q:
			j++
		case text[j] == q:
			return j + 1
		}
	}
	return len(text)
}

// dollarTag returns the dollar-quote opening s starts with ("$$",
// "$body$"), or "" when s does not start one.
func dollarTag(s string) string {
	for j := 1; j < len(s); j++ {
		switch c := s[j]; {
		case c == '$':
			return s[:j+1]
		case identStart(c), j > 1 && c >= '0' && c <= '9':
		default:
			return ""
		}
	}
	return ""
}
