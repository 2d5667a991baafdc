// Package check validates domain input before it is written, returning
// *versiona.Error values with kind versiona.ErrInvalid.
//
// Each text field's rule is a Text value defined once in its domain package:
// validation, the error text and the constraint mapping derive from it, and a
// test compares it with the CHECK constraints of the migrated catalog.
package check

import (
	"fmt"
	"math"
	"net/mail"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/versiona/versiona"
	"github.com/versiona/versiona/internal/pgerr"
)

// Invalid returns an ErrInvalid error for entity's field.
func Invalid(entity, field, rule string) error {
	return &versiona.Error{Kind: versiona.ErrInvalid, Entity: entity, Field: field, Rule: rule}
}

// Text is the rule of one text field: valid UTF-8 without NUL bytes (which
// PostgreSQL text cannot hold), of Min to Max characters (not bytes); Max 0
// means no upper bound.
type Text struct {
	Entity string // entity named in errors, e.g. "usuario"
	Field  string // input field named in errors, e.g. "nome"
	Table  string // table whose column holds the field, e.g. "usuarios"
	Column string // that column; Field when empty
	Min    int
	Max    int
}

// ColumnName is the column that holds the field.
func (r Text) ColumnName() string {
	if r.Column != "" {
		return r.Column
	}
	return r.Field
}

// LengthRule is the length part of the rule in words, as errors say it.
func (r Text) LengthRule() string {
	switch {
	case r.Max == 0 && r.Min <= 0:
		return "any length"
	case r.Max == 0 && r.Min == 1:
		return "must not be empty"
	case r.Max == 0:
		return fmt.Sprintf("must be at least %d characters", r.Min)
	case r.Min <= 0:
		return fmt.Sprintf("must be at most %d characters", r.Max)
	}
	return fmt.Sprintf("must be %d to %d characters", r.Min, r.Max)
}

// Constraint is the pgerr mapping of the CHECK constraint that states the
// rule in the database.
func (r Text) Constraint() pgerr.Constraint {
	return pgerr.Constraint{Entity: r.Entity, Field: r.Field, Rule: r.LengthRule()}
}

// Check returns ErrInvalid naming the field unless s follows the rule.
func (r Text) Check(s string) error {
	if !utf8.ValidString(s) {
		return Invalid(r.Entity, r.Field, "not valid UTF-8")
	}
	if strings.IndexByte(s, 0) >= 0 {
		return Invalid(r.Entity, r.Field, "must not contain NUL bytes")
	}
	n := utf8.RuneCountInString(s)
	if n < r.Min || (r.Max > 0 && n > r.Max) {
		rule := r.LengthRule()
		if n > 0 {
			rule += fmt.Sprintf(", got %d", n)
		}
		return Invalid(r.Entity, r.Field, rule)
	}
	return nil
}

// CheckOptional checks *s like Check when s is not nil.
func (r Text) CheckOptional(s *string) error {
	if s == nil {
		return nil
	}
	return r.Check(*s)
}

// Email checks s under r, then that it is a bare email address
// ("ana@example.com", no display name).
func (r Text) Email(s string) error {
	if err := r.Check(s); err != nil {
		return err
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s || addr.Name != "" || !strings.Contains(s, "@") {
		return Invalid(r.Entity, r.Field, fmt.Sprintf("%q is not an email address", s))
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

// Range is the rule of one numeric field: a value from Min to Max, both
// included; HasMax false means no upper bound.
type Range struct {
	Entity string // entity named in errors, e.g. "turma"
	Field  string // input field named in errors, e.g. "vagas"
	Table  string // table whose column holds the field, e.g. "turmas"
	Min    float64
	Max    float64
	HasMax bool
}

// Rule is the rule in words, as errors say it.
func (r Range) Rule() string {
	if !r.HasMax {
		return "must be at least " + strconv.FormatFloat(r.Min, 'g', -1, 64)
	}
	return "must be between " + strconv.FormatFloat(r.Min, 'g', -1, 64) + " and " + strconv.FormatFloat(r.Max, 'g', -1, 64)
}

// Constraint is the pgerr mapping of the CHECK constraint that states the
// rule in the database.
func (r Range) Constraint() pgerr.Constraint {
	return pgerr.Constraint{Entity: r.Entity, Field: r.Field, Rule: r.Rule()}
}

// Check returns ErrInvalid naming the field unless v is in the range.
func (r Range) Check(v float64) error {
	if math.IsNaN(v) || v < r.Min || (r.HasMax && v > r.Max) {
		return Invalid(r.Entity, r.Field, r.Rule()+", got "+strconv.FormatFloat(v, 'g', -1, 64))
	}
	return nil
}

// CheckOptional checks *v like Check when v is not nil.
func (r Range) CheckOptional(v *float64) error {
	if v == nil {
		return nil
	}
	return r.Check(*v)
}
