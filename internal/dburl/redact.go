package dburl

import (
	"net/url"
	"os"
	"regexp"
	"strings"
)

// mask replaces every secret Redact hides.
const mask = "xxxxx"

var (
	// urlToken matches a URL of any scheme up to the next white space.
	urlToken = regexp.MustCompile(`[A-Za-z][A-Za-z0-9+.-]*://\S*`)
	// kvPassword matches a keyword/value password setting (password,
	// sslpassword, in any case), its value plain or single-quoted.
	kvPassword = regexp.MustCompile(`(?i)([a-z_]*password\s*=\s*)('(?:[^'\\]|\\.)*'?|\S+)`)
)

// Redact returns s, a connection string or a message quoting one, with its
// secrets masked: the password of a URL's user info, password query
// parameters in any case, keyword/value password settings (quoted or not),
// the value of $PGPASSWORD wherever it appears, and each of extra.
func Redact(s string, extra ...string) string {
	var b strings.Builder
	last := 0
	for _, loc := range urlToken.FindAllStringIndex(s, -1) {
		b.WriteString(redactKV(s[last:loc[0]]))
		b.WriteString(redactURL(s[loc[0]:loc[1]]))
		last = loc[1]
	}
	b.WriteString(redactKV(s[last:]))
	out := b.String()
	for _, secret := range append(extra, os.Getenv("PGPASSWORD")) {
		if secret != "" {
			out = strings.ReplaceAll(out, secret, mask)
		}
	}
	return out
}

func redactKV(s string) string { return kvPassword.ReplaceAllString(s, "${1}"+mask) }

// redactURL masks the password of the user info (up to the last "@", so a
// stray "@" in the password hides the host rather than leak) and the value
// of every query parameter whose decoded name ends in "password".
func redactURL(u string) string {
	i := strings.Index(u, "://") + len("://")
	after := u[i:]
	if at := strings.LastIndex(after, "@"); at >= 0 {
		if colon := strings.Index(after[:at], ":"); colon >= 0 {
			after = after[:colon+1] + mask + after[at:]
		}
	}
	rest, query, hasQuery := strings.Cut(after, "?")
	if !hasQuery {
		return u[:i] + rest
	}
	params := strings.Split(query, "&")
	for j, p := range params {
		key, _, found := strings.Cut(p, "=")
		name, err := url.QueryUnescape(key)
		if err != nil {
			name = key
		}
		if found && strings.HasSuffix(strings.ToLower(name), "password") {
			params[j] = key + "=" + mask
		}
	}
	return u[:i] + rest + "?" + strings.Join(params, "&")
}

// secretsOf returns the passwords written in connection string s, whole
// and word by word, so that a message quoting s mangled (as pgx quotes it,
// half-redacted) can still be cleaned of them.
func secretsOf(s string) []string {
	var out []string
	add := func(v string) {
		out = append(out, v)
		for _, w := range strings.Fields(strings.Trim(v, "'")) {
			if w = strings.Trim(w, "'\\"); len(w) >= 3 {
				out = append(out, w)
			}
		}
	}
	for _, m := range kvPassword.FindAllStringSubmatch(s, -1) {
		add(m[2])
	}
	for _, loc := range urlToken.FindAllStringIndex(s, -1) {
		u := s[loc[0]:loc[1]]
		after := u[strings.Index(u, "://")+len("://"):]
		if at := strings.LastIndex(after, "@"); at >= 0 {
			if _, pw, ok := strings.Cut(after[:at], ":"); ok {
				add(pw)
			}
		}
	}
	return out
}

// redactedError is an error whose message is redacted; it unwraps to the
// original so that errors.Is and errors.As still see through it.
type redactedError struct {
	err   error
	extra []string
}

func (e *redactedError) Error() string { return Redact(e.err.Error(), e.extra...) }
func (e *redactedError) Unwrap() error { return e.err }

// Redacted returns err with its message passed through Redact (with extra
// secrets), or nil for a nil err. Wrap every error that may quote a
// connection string with it: pgx's parse errors do.
func Redacted(err error, extra ...string) error {
	if err == nil {
		return nil
	}
	return &redactedError{err: err, extra: extra}
}
