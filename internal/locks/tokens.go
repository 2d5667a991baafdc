package locks

import (
	"slices"
	"strings"
)

// tokenKind classifies a token of a SQL statement.
type tokenKind int

const (
	tokWord   tokenKind = iota // keyword or unquoted identifier, lowercased
	tokQuoted                  // "quoted identifier", unescaped
	tokString                  // string literal, dollar-quoted string or bit string
	tokNumber
	tokPunct // one of ( ) [ ] , ; .
	tokOp    // operator, e.g. ::, =, >=
	tokParam // $1
)

// token is one lexical token of a statement; pos is its byte offset.
type token struct {
	kind tokenKind
	text string
	pos  int
}

// is reports whether t is the unquoted word w (lowercase).
func (t token) is(w string) bool { return t.kind == tokWord && t.text == w }

// punct reports whether t is the punctuation p.
func (t token) punct(p string) bool { return t.kind == tokPunct && t.text == p }

// ident reports whether t can name a relation or column.
func (t token) ident() bool { return t.kind == tokWord || t.kind == tokQuoted }

// tokenize splits a PostgreSQL statement into tokens, dropping comments and
// whitespace. Unterminated quotes and comments end at the end of the text.
func tokenize(s string) []token {
	var toks []token
	for i := 0; i < len(s); {
		c := s[i]
		start := i
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			i++
			continue
		case strings.HasPrefix(s[i:], "--"):
			i = skipLine(s, i)
			continue
		case strings.HasPrefix(s[i:], "/*"):
			i = skipBlockComment(s, i)
			continue
		case c == '\'':
			i = skipString(s, i+1, false)
			toks = append(toks, token{tokString, s[start:i], start})
		case c == '"':
			var name string
			name, i = quotedIdent(s, i+1)
			toks = append(toks, token{tokQuoted, name, start})
		case c == '$':
			i = dollar(s, i)
			kind := tokString
			if i-start > 1 && s[start+1] >= '0' && s[start+1] <= '9' {
				kind = tokParam
			}
			toks = append(toks, token{kind, s[start:i], start})
		case isWordStart(c):
			i = skipWord(s, i)
			w := strings.ToLower(s[start:i])
			if i < len(s) && s[i] == '\'' && (w == "e" || w == "b" || w == "x" || w == "n" || w == "u&") {
				i = skipString(s, i+1, w == "e")
				toks = append(toks, token{tokString, s[start:i], start})
				continue
			}
			toks = append(toks, token{tokWord, w, start})
		case isDigit(c) || (c == '.' && i+1 < len(s) && isDigit(s[i+1])):
			i = skipNumber(s, i)
			toks = append(toks, token{tokNumber, s[start:i], start})
		case strings.IndexByte("()[],;.", c) >= 0:
			i++
			toks = append(toks, token{tokPunct, s[start:i], start})
		default:
			for i++; i < len(s) && strings.IndexByte("+-*/<>=~!@#%^&|`?:", s[i]) >= 0 &&
				!strings.HasPrefix(s[i:], "--") && !strings.HasPrefix(s[i:], "/*"); i++ {
			}
			toks = append(toks, token{tokOp, s[start:i], start})
		}
	}
	return toks
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isWordStart(c byte) bool {
	return c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z') || c >= 0x80
}

func skipWord(s string, i int) int {
	for i < len(s) && (isWordStart(s[i]) || isDigit(s[i]) || s[i] == '$') {
		i++
	}
	if i < len(s) && s[i] == '&' && strings.EqualFold(s[i-1:i], "u") && i+1 < len(s) && (s[i+1] == '\'' || s[i+1] == '"') {
		i++ // U&'…' or U&"…"
	}
	return i
}

func skipNumber(s string, i int) int {
	for i < len(s) && (isDigit(s[i]) || s[i] == '.' || s[i] == '_' || s[i]|0x20 == 'e' ||
		((s[i] == '+' || s[i] == '-') && s[i-1]|0x20 == 'e')) {
		i++
	}
	return i
}

func skipLine(s string, i int) int {
	if j := strings.IndexByte(s[i:], '\n'); j >= 0 {
		return i + j + 1
	}
	return len(s)
}

// skipBlockComment skips a /* */ comment, which nests in PostgreSQL.
func skipBlockComment(s string, i int) int {
	depth := 0
	for i < len(s) {
		switch {
		case strings.HasPrefix(s[i:], "/*"):
			depth++
			i += 2
		case strings.HasPrefix(s[i:], "*/"):
			depth--
			i += 2
			if depth == 0 {
				return i
			}
		default:
			i++
		}
	}
	return i
}

// skipString returns the offset after the string literal whose body starts
// at i; ” is a quote, and with backslashes so is \'.
func skipString(s string, i int, backslashes bool) int {
	for i < len(s) {
		switch {
		case backslashes && s[i] == '\\':
			i += 2
		case s[i] == '\'' && i+1 < len(s) && s[i+1] == '\'':
			i += 2
		case s[i] == '\'':
			return i + 1
		default:
			i++
		}
	}
	return len(s)
}

// quotedIdent reads a quoted identifier whose body starts at i.
func quotedIdent(s string, i int) (string, int) {
	var b strings.Builder
	for i < len(s) {
		if s[i] == '"' {
			if i+1 < len(s) && s[i+1] == '"' {
				b.WriteByte('"')
				i += 2
				continue
			}
			return b.String(), i + 1
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String(), i
}

// dollar returns the offset after a $n parameter or a $tag$…$tag$ string
// starting at i; a lone $ is one character.
func dollar(s string, i int) int {
	j := i + 1
	for j < len(s) && isDigit(s[j]) {
		j++
	}
	if j > i+1 {
		return j // $1
	}
	for j < len(s) && (isWordStart(s[j]) || isDigit(s[j])) {
		j++
	}
	if j >= len(s) || s[j] != '$' {
		return i + 1
	}
	tag := s[i : j+1]
	if k := strings.Index(s[j+1:], tag); k >= 0 {
		return j + 1 + k + len(tag)
	}
	return len(s)
}

// splitTop splits toks at commas outside parentheses and brackets.
func splitTop(toks []token) [][]token {
	var parts [][]token
	depth, start := 0, 0
	for i, t := range toks {
		switch {
		case t.punct("(") || t.punct("["):
			depth++
		case t.punct(")") || t.punct("]"):
			depth--
		case t.punct(",") && depth == 0:
			parts = append(parts, toks[start:i])
			start = i + 1
		}
	}
	return append(parts, toks[start:])
}

// group returns the tokens inside the parentheses opening at toks[0] and the
// index after the closing one; ok is false when toks does not start with "(".
func group(toks []token) (inner []token, next int, ok bool) {
	if len(toks) == 0 || !toks[0].punct("(") {
		return nil, 0, false
	}
	depth := 0
	for i, t := range toks {
		switch {
		case t.punct("("):
			depth++
		case t.punct(")"):
			depth--
			if depth == 0 {
				return toks[1:i], i + 1, true
			}
		}
	}
	return toks[1:], len(toks), true
}

// topWords reports whether the words ws appear in sequence in toks outside
// parentheses.
func topWords(toks []token, ws ...string) bool {
	depth := 0
	for i, t := range toks {
		switch {
		case t.punct("("):
			depth++
		case t.punct(")"):
			depth--
		case depth == 0 && hasWords(toks[i:], ws...):
			return true
		}
	}
	return false
}

// hasWords reports whether toks starts with the words ws.
func hasWords(toks []token, ws ...string) bool {
	if len(toks) < len(ws) {
		return false
	}
	for i, w := range ws {
		if !toks[i].is(w) {
			return false
		}
	}
	return true
}

// qname is a schema-qualified relation name.
type qname struct{ schema, name string }

// String formats n as SQL would, quoting where needed.
func (n qname) String() string { return quoteIdent(n.schema) + "." + quoteIdent(n.name) }

func quoteIdent(s string) string {
	plain := s != ""
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || (c >= 'a' && c <= 'z') || (i > 0 && isDigit(c))) {
			plain = false
		}
	}
	if plain {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// readName reads a possibly qualified name at toks[0:], qualifying it with
// schema when it is not; n is the number of tokens read (0 when none).
func readName(toks []token, schema string) (name qname, n int) {
	if len(toks) == 0 || !toks[0].ident() {
		return qname{}, 0
	}
	parts := []string{toks[0].text}
	n = 1
	for n+1 < len(toks) && toks[n].punct(".") && toks[n+1].ident() {
		parts = append(parts, toks[n+1].text)
		n += 2
	}
	switch len(parts) {
	case 1:
		return qname{schema, parts[0]}, n
	default: // schema.name, or database.schema.name
		return qname{parts[len(parts)-2], parts[len(parts)-1]}, n
	}
}

// skipWords skips the leading words of toks that are in ws, in any order.
func skipWords(toks []token, ws ...string) []token {
	for len(toks) > 0 && toks[0].kind == tokWord && slices.Contains(ws, toks[0].text) {
		toks = toks[1:]
	}
	return toks
}
