package migration

import (
	"fmt"
	"strings"
)

// metaCommand is a line psql reads as a meta-command: a backslash first
// on a line between two statements.
type metaCommand struct {
	Line       int      // from 1
	Name       string   // with its backslash: `\connect`
	Args       []string // psql's words, unquoted
	Start, End int      // byte range of the line, without its newline
}

// MetaCommandError is a psql meta-command in a file that the engine does
// not run.
type MetaCommandError struct {
	File   string // file name
	Line   int    // from 1
	Name   string // with its backslash
	Reason string // why, when more is to be said than "not supported"
}

func (e *MetaCommandError) Error() string {
	if e.Reason != "" {
		return fmt.Sprintf("%s:%d: psql meta-command %s %s", e.File, e.Line, e.Name, e.Reason)
	}
	return fmt.Sprintf("%s:%d: psql meta-command %s is not supported", e.File, e.Line, e.Name)
}

// metaCommands returns the lines of sql that start, after blanks, with a
// backslash outside any statement: only whitespace and comments stand
// between such a line and the previous statement's semicolon (or the start
// of the file). Backslashes in strings, quoted identifiers, dollar-quoted
// bodies, comments, or inside a statement are not meta-commands here.
func metaCommands(sql string) []metaCommand {
	var (
		out       []metaCommand
		between   = true // no statement text since the last semicolon
		lineBlank = true // only blanks since the line started
		line      = 1
	)
	for i := 0; i < len(sql); i++ {
		c := sql[i]
		switch {
		case c == '\n':
			line++
			lineBlank = true
			continue
		case c == ' ' || c == '\t' || c == '\r' || c == '\f':
			continue
		case c == '\\' && between && lineBlank:
			end := strings.IndexByte(sql[i:], '\n')
			if end < 0 {
				end = len(sql)
			} else {
				end += i
			}
			out = append(out, parseMeta(sql[i:end], line, i, end))
			i = end - 1
			continue
		}
		lineBlank = false
		switch {
		case c == '-' && strings.HasPrefix(sql[i:], "--"):
			end := strings.IndexByte(sql[i:], '\n')
			if end < 0 {
				return out
			}
			i += end - 1
		case c == '/' && strings.HasPrefix(sql[i:], "/*"):
			n := blockComment(sql[i:])
			line += strings.Count(sql[i:i+n], "\n")
			i += n - 1
		case c == ';':
			between = true
		default:
			between = false
			n := quoted(sql, i)
			line += strings.Count(sql[i:i+n], "\n")
			i += n - 1
		}
	}
	return out
}

// blockComment returns the length of the (nested) comment s starts with.
func blockComment(s string) int {
	depth := 0
	for i := 0; i < len(s)-1; i++ {
		switch {
		case s[i] == '/' && s[i+1] == '*':
			depth++
			i++
		case s[i] == '*' && s[i+1] == '/':
			depth--
			i++
			if depth == 0 {
				return i + 1
			}
		}
	}
	return len(s)
}

// quoted returns the length of the string, quoted identifier or
// dollar-quoted body starting at sql[i], or 1 for any other character.
func quoted(sql string, i int) int {
	s := sql[i:]
	switch s[0] {
	case '\'':
		escapes := i > 0 && (sql[i-1] == 'E' || sql[i-1] == 'e') && (i < 2 || !identChar(sql[i-2]))
		return closeQuote(s, '\'', escapes)
	case '"':
		return closeQuote(s, '"', false)
	case '$':
		if i > 0 && identChar(sql[i-1]) {
			return 1
		}
		end := strings.IndexByte(s[1:], '$')
		if end < 0 {
			return 1
		}
		tag := s[:end+2]
		for j := 1; j < len(tag)-1; j++ {
			if c := tag[j]; !identChar(c) || (j == 1 && c >= '0' && c <= '9') {
				return 1
			}
		}
		body := strings.Index(s[len(tag):], tag)
		if body < 0 {
			return len(s)
		}
		return len(tag) + body + len(tag)
	}
	return 1
}

// closeQuote returns the length of the quoted text s starts with, closed
// by q (doubled q stands for itself; with escapes a backslash escapes the
// next character).
func closeQuote(s string, q byte, escapes bool) int {
	for i := 1; i < len(s); i++ {
		switch {
		case escapes && s[i] == '\\':
			i++
		case s[i] == q && i+1 < len(s) && s[i+1] == q:
			i++
		case s[i] == q:
			return i + 1
		}
	}
	return len(s)
}

func identChar(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// parseMeta splits a meta-command line into its name and arguments, as psql
// does for the commands read here: words separated by blanks, double
// quotes kept together and removed, single quotes likewise.
func parseMeta(text string, line, start, end int) metaCommand {
	m := metaCommand{Line: line, Start: start, End: end}
	words := psqlWords(strings.TrimRight(text, "\r"))
	m.Name = words[0]
	m.Args = words[1:]
	return m
}

// psqlWords splits s into blank-separated words, quotes removed.
func psqlWords(s string) []string {
	var (
		words []string
		cur   strings.Builder
		quote byte
		in    bool
	)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0 && c == quote && i+1 < len(s) && s[i+1] == quote:
			cur.WriteByte(c)
			i++
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
			cur.WriteByte(c)
		case c == '"' || c == '\'':
			quote, in = c, true
		case c == ' ' || c == '\t':
			if in {
				words = append(words, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteByte(c)
			in = true
		}
	}
	if in {
		words = append(words, cur.String())
	}
	return words
}
