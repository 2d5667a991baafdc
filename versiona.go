// Package versiona holds what the rest of the module shares: the desired
// database schema, its migrations, and the error vocabulary of the domain
// packages blog and escola.
//
// Every error those packages return for a rule of the domain matches exactly
// one of ErrNotFound, ErrConflict and ErrInvalid under errors.Is, and is a
// *Error naming the entity, field and rule under errors.As:
//
//	_, err := svc.UsuarioCreate(ctx, db.UsuarioCreateParams{Nome: "Ana", Email: "ANA@example.com"})
//	switch {
//	case errors.Is(err, versiona.ErrConflict): // the email is taken, in any letter case
//	case errors.Is(err, versiona.ErrInvalid):  // a field breaks a rule
//	}
package versiona

//go:generate sh -c "rm -f db/*.go && go tool -modfile=tools/go.mod sqlc generate"

import (
	_ "embed"
	"errors"
	"strings"
)

// Schema is the text of schema.sql, the desired state of the database.
//
//go:embed schema.sql
var Schema string

// The closed set of error kinds. Every *Error matches exactly one of them
// under errors.Is.
var (
	// ErrNotFound: the row asked for, or one it refers to, does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict: the write clashes with other rows: a duplicate unique
	// value, a full turma, or a row that is still referenced.
	ErrConflict = errors.New("conflict")
	// ErrInvalid: an input breaks a rule of the schema.
	ErrInvalid = errors.New("invalid")
)

// Error is a domain error: which entity and field broke which rule.
type Error struct {
	Kind   error  // ErrNotFound, ErrConflict or ErrInvalid
	Entity string // the entity written or read, e.g. "usuario"
	Field  string // the input field at fault, e.g. "email"; empty for the whole row
	Rule   string // what was wrong, e.g. "at most 100 characters"
	Err    error  // the underlying cause, e.g. a *pgconn.PgError; may be nil
}

// Error returns "entity field: rule (kind)".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Entity)
	if e.Field != "" {
		b.WriteString(" ")
		b.WriteString(e.Field)
	}
	b.WriteString(": ")
	b.WriteString(e.Rule)
	if e.Kind != nil {
		b.WriteString(" (")
		b.WriteString(e.Kind.Error())
		b.WriteString(")")
	}
	return b.String()
}

// Is reports whether target is e's kind.
func (e *Error) Is(target error) bool { return target != nil && target == e.Kind }

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }
