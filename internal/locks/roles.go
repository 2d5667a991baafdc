package locks

import "slices"

// Roles returns the roles a statement names and needs to exist: grantees
// and granted roles of GRANT and REVOKE (also under ALTER DEFAULT
// PRIVILEGES FOR ROLE …, whose roles count too), the new owner of OWNER
// TO, the roles of CREATE and ALTER POLICY … TO, of CREATE SCHEMA …
// AUTHORIZATION and of SET ROLE. PUBLIC, CURRENT_USER, CURRENT_ROLE and
// SESSION_USER are not roles. Names are as PostgreSQL folds them:
// unquoted names lowercased, quoted ones as written; each once, in order.
func Roles(stmt string) []string {
	toks := tokenize(stmt)
	var out []string
	add := func(names []string) {
		for _, n := range names {
			if !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	if hasWords(toks, "alter", "default", "privileges") {
		toks = toks[3:]
		for len(toks) > 0 && !toks[0].is("grant") && !toks[0].is("revoke") {
			if hasWords(toks, "for", "role") || hasWords(toks, "for", "user") {
				names, n := roleList(toks[2:])
				add(names)
				toks = toks[2+n:]
				continue
			}
			toks = toks[1:]
		}
	}
	switch {
	case hasWords(toks, "grant"), hasWords(toks, "revoke"):
		add(grantRoles(toks))
	case hasWords(toks, "create", "policy"), hasWords(toks, "alter", "policy"):
		if i := topIndex(toks, "to"); i >= 0 {
			names, _ := roleList(toks[i+1:])
			add(names)
		}
	case hasWords(toks, "create", "schema"):
		if i := topIndex(toks, "authorization"); i >= 0 {
			names, _ := roleList(toks[i+1:])
			add(names)
		}
	case hasWords(toks, "set", "role"), hasWords(toks, "set", "session", "role"), hasWords(toks, "set", "local", "role"):
		names, _ := roleList(toks[topIndex(toks, "role")+1:])
		add(names)
	}
	for i := range toks {
		if hasWords(toks[i:], "owner", "to") {
			names, _ := roleList(toks[i+2:])
			add(names)
		}
	}
	return out
}

// grantRoles returns the roles of a GRANT or REVOKE at toks[0]: those
// after TO or FROM and after GRANTED BY, and for a grant of roles (no ON)
// the roles granted.
func grantRoles(toks []token) []string {
	word := "to"
	if toks[0].is("revoke") {
		word = "from"
	}
	at := topIndex(toks, word)
	if at < 0 {
		return nil
	}
	var out []string
	if topIndex(toks[:at], "on") < 0 { // GRANT role TO role
		granted := skipWords(toks[1:at], "admin", "inherit", "set", "option", "for")
		names, _ := roleList(granted)
		out = append(out, names...)
	}
	names, _ := roleList(toks[at+1:])
	out = append(out, names...)
	if i := topIndex(toks, "granted"); i >= 0 && i+1 < len(toks) && toks[i+1].is("by") {
		names, _ := roleList(toks[i+2:])
		out = append(out, names...)
	}
	return out
}

// roleList reads a comma-separated list of role specifications at toks[0:]
// (each optionally after GROUP) and returns the role names in it and the
// number of tokens read.
func roleList(toks []token) (names []string, n int) {
	for n < len(toks) {
		if toks[n].is("group") && n+1 < len(toks) && toks[n+1].ident() {
			n++
		}
		t := toks[n]
		if !t.ident() {
			break
		}
		if t.kind == tokQuoted || !slices.Contains([]string{"public", "current_user", "current_role", "session_user"}, t.text) {
			names = append(names, t.text)
		}
		n++
		if n >= len(toks) || !toks[n].punct(",") {
			break
		}
		n++
	}
	return names, n
}

// topIndex returns the index of the first word w in toks outside
// parentheses, -1 when none.
func topIndex(toks []token, w string) int {
	depth := 0
	for i, t := range toks {
		switch {
		case t.punct("("):
			depth++
		case t.punct(")"):
			depth--
		case depth == 0 && t.is(w):
			return i
		}
	}
	return -1
}
