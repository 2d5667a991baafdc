package migration

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"ariga.io/atlas/sql/migrate"
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

// readObjects reads the objects of both states.
func (s *diffStates) readObjects(ctx context.Context) error {
	var curErr, desErr error
	s.curObjs, curErr = readObjects(ctx, s.cur.db)
	s.desObjs, desErr = readObjects(ctx, s.des.db)
	return errors.Join(curErr, desErr)
}

// planWithObjects plans Atlas's changes and the objects from cur to des as
// one plan: new schemas first (objects may live in them), then the objects'
// drops and what the tables need (extensions, sequences, the functions
// their defaults call), the table changes, and the objects built on
// tables. It returns nil when there is nothing to do. The statements that
// may run after the plan's transaction, each on its own (VALIDATE
// CONSTRAINT), are returned apart, as later.
func planWithObjects(ctx context.Context, drv migrate.Driver, name string, changes []schema.Change, cur, des objects.Set, opts ...migrate.PlanOption) (plan *migrate.Plan, later []*migrate.Change, err error) {
	before, after := objects.Plan(cur, des, objects.ImpactOf(changes))
	if len(changes)+len(before)+len(after) == 0 {
		return nil, nil, nil
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
	return plan, planned(late), nil
}

// planned turns statements into plan changes.
func planned(stmts []objects.Statement) []*migrate.Change {
	out := make([]*migrate.Change, len(stmts))
	for i, s := range stmts {
		out[i] = &migrate.Change{Cmd: s.SQL, Comment: s.Comment}
	}
	return out
}

// droppedObjects warns about the objects a plan drops for good.
func droppedObjects(cur, des objects.Set) []string {
	var warns []string
	for _, id := range objects.Removed(cur, des) {
		warns = append(warns, "drops "+id.String())
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
