// Package check validates domain input before it is written, returning
// *versiona.Error values with kind versiona.ErrInvalid.
package check

import (
	"fmt"
	"net/mail"
	"strings"
	"unicode/utf8"

	"github.com/versiona/versiona"
)

// Invalid returns an ErrInvalid error for entity's field.
func Invalid(entity, field, rule string) error {
	return &versiona.Error{Kind: versiona.ErrInvalid, Entity: entity, Field: field, Rule: rule}
}

// Length checks that s has between min and max characters (not bytes).
func Length(entity, field, s string, min, max int) error {
	n := utf8.RuneCountInString(s)
	switch {
	case !utf8.ValidString(s):
		return Invalid(entity, field, "not valid UTF-8")
	case n < min && min == 1:
		return Invalid(entity, field, "must not be empty")
	case n < min || n > max:
		return Invalid(entity, field, fmt.Sprintf("must be %d to %d characters, got %d", min, max, n))
	}
	return nil
}

// OptionalLength checks *s like Length when s is not nil.
func OptionalLength(entity, field string, s *string, min, max int) error {
	if s == nil {
		return nil
	}
	return Length(entity, field, *s, min, max)
}

// Email checks that s is a bare email address ("ana@example.com", no display
// name) of at most 254 characters.
func Email(entity, field, s string) error {
	if err := Length(entity, field, s, 3, 254); err != nil {
		return err
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s || addr.Name != "" || !strings.Contains(s, "@") {
		return Invalid(entity, field, fmt.Sprintf("%q is not an email address", s))
	}
	return nil
}

// MaxPage is the largest page a list call returns.
const MaxPage = 1000

// Limit checks a page size: 1 to MaxPage rows.
func Limit(entity string, limit int) error {
	if limit < 1 || limit > MaxPage {
		return Invalid(entity, "limit", fmt.Sprintf("must be 1 to %d, got %d", MaxPage, limit))
	}
	return nil
}
