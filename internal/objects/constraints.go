package objects

import (
	"context"
	"database/sql"
	"strings"
)

// Constraint is a table's CHECK or FOREIGN KEY constraint. Atlas's engine
// plans those it can model; Plan takes over, on both sides, those it
// cannot: NOT VALID, DEFERRABLE, or with a comment (see Taken). A change
// from NOT VALID to valid is planned as VALIDATE CONSTRAINT, a change of a
// foreign key's deferrability as ALTER CONSTRAINT; any other change drops
// and adds it.
const Constraint Kind = "constraint"

// classConstraint is pg_constraint's oid.
const classConstraint = 2606

var constraintsQuery = `
SELECT x.oid::int8, format('%I ON %I.%I', x.conname, n.nspname, c.relname), format('%I.%I', n.nspname, c.relname),
       quote_ident(x.conname), n.nspname || '.' || c.relname, x.conname::text, x.contype = 'f',
       pg_get_constraintdef(x.oid), NOT x.convalidated, x.condeferrable, x.condeferred,
       EXISTS (SELECT 1 FROM pg_description d WHERE d.classoid = 'pg_constraint'::regclass AND d.objoid = x.oid)
FROM pg_constraint x
JOIN pg_class c ON c.oid = x.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE x.contype IN ('c', 'f') AND c.relkind IN ('r', 'p') AND x.conparentid = 0
  AND ` + userObjects("pg_constraint", "c.relnamespace")

func (r *reader) constraints(ctx context.Context, q Querier) error {
	return each(ctx, q, constraintsQuery, func(rows *sql.Rows) error {
		var (
			oid                      int64
			table, name, def         string
			fk, deferrable, deferred bool
			commented                bool
		)
		con := &ConstraintState{}
		o := &Object{ID: ID{Kind: Constraint}, Con: con}
		if err := rows.Scan(&oid, &o.Name, &table, &name, &con.Table, &con.Name, &fk, &def,
			&con.NotValid, &deferrable, &deferred, &commented); err != nil {
			return err
		}
		o.Create = "ALTER TABLE " + table + " ADD CONSTRAINT " + name + " " + def
		o.Drop = "ALTER TABLE " + table + " DROP CONSTRAINT " + name
		con.Validate = "ALTER TABLE " + table + " VALIDATE CONSTRAINT " + name
		o.Signature = strings.TrimSuffix(def, " NOT VALID")
		if deferrable {
			con.Deferral = "DEFERRABLE INITIALLY IMMEDIATE"
			if deferred {
				con.Deferral = "DEFERRABLE INITIALLY DEFERRED"
			}
			o.Signature = strings.Replace(o.Signature, " "+con.Deferral, "", 1)
		}
		if fk {
			o.Alter = "ALTER TABLE " + table + " ALTER CONSTRAINT " + name + " "
		}
		con.Plain = !con.NotValid && !deferrable && !commented
		r.add(key{classConstraint, oid}, o)
		return nil
	})
}

// Taken returns the constraints Plan plans between current and desired,
// which the table planner must leave out on both sides: those that are
// not plain (NOT VALID, DEFERRABLE, commented) on either side.
func Taken(current, desired Set) []ID {
	var out []ID
	for _, s := range []Set{current, desired} {
		for _, id := range s.IDs() {
			if o := s[id]; id.Kind == Constraint && !o.Con.Plain && !hasID(out, id) {
				out = append(out, id)
			}
		}
	}
	return out
}

// withoutPlain returns copies of current and desired without the
// constraints the table planner plans (see Taken).
func withoutPlain(current, desired Set) (Set, Set) {
	taken := Taken(current, desired)
	keep := func(s Set) Set {
		out := Set{}
		for id, o := range s {
			if id.Kind != Constraint || hasID(taken, id) {
				out[id] = o
			}
		}
		return out
	}
	return keep(current), keep(desired)
}

// constraintAlterable reports whether constraint c becomes d by VALIDATE CONSTRAINT
// and ALTER CONSTRAINT: the same definition, valid or becoming valid, and
// for a CHECK the same deferrability (only foreign keys can change it).
func constraintAlterable(c, d *Object) bool {
	return c.Signature == d.Signature && (c.Con.NotValid || !d.Con.NotValid) && (c.Con.Deferral == d.Con.Deferral || d.Alter != "")
}

// alterConstraint returns the statements that make constraint c into d
// (constraintAlterable).
func alterConstraint(id ID, c, d *Object) []Statement {
	var out []Statement
	if c.Con.Deferral != d.Con.Deferral {
		to := d.Con.Deferral
		if to == "" {
			to = "NOT DEFERRABLE"
		}
		out = append(out, stmt("Alter", id, d.Alter+to))
	}
	if c.Con.NotValid && !d.Con.NotValid {
		v := stmt("Validate", id, d.Con.Validate)
		v.Later = true
		out = append(out, v)
	}
	return out
}

// ConstraintState is what Read knows of a constraint beyond its
// definition.
type ConstraintState struct {
	// Table ("schema.table") and Name, unquoted, as the table planner
	// names them.
	Table, Name string
	NotValid    bool
	// Deferral is "DEFERRABLE INITIALLY IMMEDIATE" or "… DEFERRED"; ""
	// when not deferrable.
	Deferral string
	// Plain is a constraint the table planner models: valid, not
	// deferrable, without a comment.
	Plain bool
	// Validate validates it.
	Validate string
}

// Later splits stmts into those to run in order and those marked Later.
func Later(stmts []Statement) (now, later []Statement) {
	for _, s := range stmts {
		if s.Later {
			later = append(later, s)
		} else {
			now = append(now, s)
		}
	}
	return now, later
}
