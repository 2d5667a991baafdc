package migration

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"

	"github.com/versiona/versiona/internal/objects"
)

// readObjects returns the objects Atlas's engine ignores and package
// objects plans (extensions, sequences, functions, views, triggers…) of
// the database behind db, read on one of its connections.
func readObjects(ctx context.Context, db *sql.DB) (objects.Set, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading objects: %w", err)
	}
	defer conn.Close()
	set, err := objects.Read(ctx, conn)
	if err != nil {
		return nil, fmt.Errorf("reading objects: %w", err)
	}
	return set, nil
}

// readObjects reads the objects of both states, once.
func (s *diffStates) readObjects(ctx context.Context) error {
	if s.curObjs != nil && s.desObjs != nil {
		return nil
	}
	var curErr, desErr error
	s.curObjs, curErr = readObjects(ctx, s.cur.db)
	s.desObjs, desErr = readObjects(ctx, s.des.db)
	return errors.Join(curErr, desErr)
}

// planWithObjects plans Atlas's changes and the objects from cur to des as
// one plan: new schemas first (objects may live in them), then the objects'
// drops and what the tables need (extensions, sequences, the functions
// their defaults call), the table changes, and the objects built on
// tables. The partitions of the tables in existed take the online form
// (objects.PlanOnline); existed is nil for the plain form. The statements
// that run after the plan's transaction, each on its own (those of the
// online partition forms, VALIDATE CONSTRAINT), are returned apart, as
// later. It returns a nil plan when there is nothing to do, and an
// *objects.UnplannableError for a type tables use that cannot change in
// place.
func planWithObjects(ctx context.Context, drv migrate.Driver, name string, changes []schema.Change, cur, des objects.Set, existed tableSet, opts ...migrate.PlanOption) (plan *migrate.Plan, later []*migrate.Change, err error) {
	impact := objects.ImpactOf(changes)
	if err := objects.Check(cur, des, impact); err != nil {
		return nil, nil, err
	}
	before, after, onlineLater := objects.PlanOnline(cur, des, impact, existed)
	if len(changes)+len(before)+len(after) == 0 {
		return nil, planned(onlineLater), nil
	}
	after, late := objects.Later(after)
	var schemas, rest []schema.Change
	for _, c := range changes {
		if _, ok := c.(*schema.AddSchema); ok {
			schemas = append(schemas, c)
		} else {
			rest = append(rest, c)
		}
	}
	head, err := drv.PlanChanges(ctx, name, schemas, opts...)
	if err != nil {
		return nil, nil, fmt.Errorf("planning migration: %w", err)
	}
	plan, err = drv.PlanChanges(ctx, name, rest, opts...)
	if err != nil {
		return nil, nil, fmt.Errorf("planning migration: %w", err)
	}
	all := append(head.Changes, planned(before)...)
	plan.Changes = append(append(all, plan.Changes...), planned(after)...)
	plan.Reversible = plan.Reversible && head.Reversible && len(before)+len(after)+len(late) == 0
	return plan, planned(append(onlineLater, late...)), nil
}

// planned turns statements into plan changes.
func planned(stmts []objects.Statement) []*migrate.Change {
	out := make([]*migrate.Change, len(stmts))
	for i, s := range stmts {
		out[i] = &migrate.Change{Cmd: s.SQL, Comment: s.Comment}
	}
	return out
}

// droppedObjects warns about the objects a plan drops for good, and the
// partitions it drops and creates again, around the table changes.
func droppedObjects(cur, des objects.Set, changes []schema.Change) []string {
	var warns []string
	for _, id := range objects.Removed(cur, des) {
		w := "drops " + id.String()
		if id.Kind == objects.Partition {
			w += " and its rows"
		}
		warns = append(warns, w)
	}
	for _, id := range objects.Emptied(cur, des, objects.ImpactOf(changes)) {
		warns = append(warns, "drops and creates again "+id.String()+": its rows are lost")
	}
	return warns
}

// sessionState inspects the database of sess, on its connection: Atlas's
// realm and the objects beside it.
func sessionState(ctx context.Context, sess *session) (*dbState, error) {
	r, err := inspect(ctx, sess.drv)
	if err != nil {
		return nil, err
	}
	objs, err := objects.Read(ctx, sess.conn)
	if err != nil {
		return nil, fmt.Errorf("reading objects: %w", err)
	}
	return &dbState{realm: r, objs: objs}, nil
}

// dbState is a database's schema: Atlas's realm and the objects beside it.
type dbState struct {
	realm *schema.Realm
	objs  objects.Set
}

// domainNullsQuery lists the nullable columns of tables whose type is a
// NOT NULL domain.
const domainNullsQuery = `
SELECT n.nspname, c.relname, a.attname
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid AND c.relkind IN ('r', 'p')
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid AND t.typtype = 'd' AND t.typnotnull
WHERE a.attnum > 0 AND NOT a.attisdropped AND NOT a.attnotnull`

// domainNulls marks nullable the columns r has as NOT NULL because their
// domain is: Atlas reads information_schema, which says so, and would
// write NOT NULL on the column itself.
func domainNulls(ctx context.Context, drv migrate.Driver, r *schema.Realm) error {
	q, ok := drv.(schema.ExecQuerier)
	if !ok {
		return nil
	}
	rows, err := q.QueryContext(ctx, domainNullsQuery)
	if err != nil {
		return fmt.Errorf("listing columns of NOT NULL domains: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var ns, table, column string
		if err := rows.Scan(&ns, &table, &column); err != nil {
			return fmt.Errorf("listing columns of NOT NULL domains: %w", err)
		}
		if s, ok := r.Schema(ns); ok {
			if t, ok := s.Table(table); ok {
				if c, ok := t.Column(column); ok {
					c.Type.Null = true
				}
			}
		}
	}
	return rows.Err()
}

// userTypeChanges adds to changes the columns whose type changes from one
// domain or composite type to another, which Atlas's diff does not see
// (it compares user-defined types by nothing but their kind).
func userTypeChanges(from, to *schema.Realm, changes []schema.Change) []schema.Change {
	modified := map[string]*schema.ModifyTable{} // by tableKey
	for _, c := range changes {
		if mt, ok := c.(*schema.ModifyTable); ok {
			modified[tableKey(mt.T)] = mt
		}
	}
	for _, ts := range to.Schemas {
		fs, ok := from.Schema(ts.Name)
		if !ok {
			continue
		}
		for _, tt := range ts.Tables {
			ft, ok := fs.Table(tt.Name)
			if !ok {
				continue
			}
			for _, tc := range tt.Columns {
				fc, ok := ft.Column(tc.Name)
				if !ok || !userTypeChanged(fc, tc) {
					continue
				}
				mt := modified[tableKey(tt)]
				if mt == nil {
					mt = &schema.ModifyTable{T: tt}
					modified[tableKey(tt)] = mt
					changes = append(changes, mt)
				}
				mt.Changes = withTypeChange(mt.Changes, fc, tc)
			}
		}
	}
	return changes
}

// userTypeChanged reports whether both columns are of user-defined types
// and the types differ.
func userTypeChanged(from, to *schema.Column) bool {
	f, ok1 := from.Type.Type.(*postgres.UserDefinedType)
	t, ok2 := to.Type.Type.(*postgres.UserDefinedType)
	return ok1 && ok2 && f.T != t.T
}

// withTypeChange marks the change of column from in changes as a type
// change, adding one when there is none.
func withTypeChange(changes []schema.Change, from, to *schema.Column) []schema.Change {
	for _, c := range changes {
		if m, ok := c.(*schema.ModifyColumn); ok && m.From.Name == from.Name {
			m.Change |= schema.ChangeType
			return changes
		}
	}
	return append(changes, &schema.ModifyColumn{From: from, To: to, Change: schema.ChangeType})
}
