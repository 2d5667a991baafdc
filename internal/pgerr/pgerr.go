// Package pgerr turns PostgreSQL errors into *versiona.Error values by
// SQLSTATE code and constraint name, never by message text. Each domain
// package keeps the table of its own constraints and calls Map from its one
// error-mapping function.
package pgerr

import (
	"errors"

	"github.com/jackc/pgerrcode"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/versiona/versiona"
)

// Constraint describes one named constraint of the schema.
type Constraint struct {
	Entity string // entity whose table owns the constraint, e.g. "turma"
	Field  string // input field it guards, e.g. "curso_id"
	Rule   string // the rule, or for a foreign key what is missing
	// Referenced is, for a foreign key, the rule a delete of the referenced
	// row breaks, e.g. "still has turmas". Empty for other constraints.
	Referenced string
}

// NotFound reports that entity's field refers to no target row: with
// field "id" and target entity, that the entity asked for does not exist.
func NotFound(entity, field, target string) error {
	return &versiona.Error{Kind: versiona.ErrNotFound, Entity: entity, Field: field, Rule: "no " + target + " with this id"}
}

// Map returns err as a *versiona.Error when it is a PostgreSQL integrity
// error raised while writing entity, looking the constraint up in cs, or
// pgx.ErrNoRows (entity not found). Other errors, including *versiona.Error
// values, are returned unchanged.
//
// A foreign key violation is read from the writer's side: when entity owns the
// constraint the referenced row is missing (ErrNotFound); otherwise entity is
// the referenced row and is still in use (ErrConflict).
func Map(cs map[string]Constraint, entity string, err error) error {
	var de *versiona.Error
	if errors.As(err, &de) {
		return err // already mapped
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return NotFound(entity, "id", entity)
	}
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return err
	}
	c, known := cs[pe.ConstraintName]
	if !known {
		c = Constraint{Entity: entity, Field: pe.ColumnName, Rule: "violates " + pe.ConstraintName}
	}
	e := &versiona.Error{Entity: c.Entity, Field: c.Field, Rule: c.Rule, Err: err}
	switch pe.Code {
	case pgerrcode.UniqueViolation:
		e.Kind = versiona.ErrConflict
	case pgerrcode.CheckViolation:
		e.Kind = versiona.ErrInvalid
	case pgerrcode.ForeignKeyViolation, pgerrcode.RestrictViolation:
		if c.Entity == entity {
			e.Kind = versiona.ErrNotFound
		} else {
			e.Kind = versiona.ErrConflict
			e.Entity, e.Field, e.Rule = entity, "", c.Referenced
			if e.Rule == "" {
				e.Rule = "still referenced by " + pe.TableName
			}
		}
	case pgerrcode.NotNullViolation:
		e.Kind = versiona.ErrInvalid
		e.Entity, e.Field, e.Rule = entity, pe.ColumnName, "required"
	case pgerrcode.StringDataRightTruncationDataException, pgerrcode.InvalidTextRepresentation, pgerrcode.NumericValueOutOfRange:
		e.Kind = versiona.ErrInvalid
		e.Entity, e.Field, e.Rule = entity, pe.ColumnName, "value does not fit its column"
	case pgerrcode.CharacterNotInRepertoire, pgerrcode.UntranslatableCharacter:
		// Raised while decoding a parameter: the column is rarely known.
		e.Kind = versiona.ErrInvalid
		e.Entity, e.Field, e.Rule = entity, pe.ColumnName, "not valid text (a NUL byte or invalid UTF-8)"
	default:
		return err
	}
	return e
}
