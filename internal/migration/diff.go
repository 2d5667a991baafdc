package migration

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/schema"
)

// DiffOptions tunes Diff.
type DiffOptions struct {
	// Check plans without writing anything: the CI gate.
	Check bool
}

// DiffResult is what Diff planned.
type DiffResult struct {
	// File is the name of the planned file, "" when the directory is in
	// sync with the schema. With Check it is planned but not written.
	File string
	// SQL is the content of the planned file.
	SQL string
	// Warnings name every destructive change in the plan.
	Warnings []string
}

// InSync reports whether the directory already reaches the schema.
func (r *DiffResult) InSync() bool { return r.File == "" }

// Diff compares the state the migration directory builds with the desired
// schema file, each on its own scratch database, and writes the difference
// as "<version>_<name>.sql", updating atlas.sum. When they agree nothing is
// written and the result is InSync.
//
// It returns an *UnsupportedError, writing nothing, when the schema file
// holds objects the engine would leave out of the migration, and a
// *StatementError when the schema file or a migration file does not load.
func (p *Project) Diff(ctx context.Context, name string, opts DiffOptions) (*DiffResult, error) {
	if name == "" && opts.Check {
		name = "check"
	}
	if err := CheckName(name); err != nil {
		return nil, err
	}
	if err := checksumError(p.Dir); err != nil {
		return nil, err
	}
	files, err := p.Dir.Files()
	if err != nil {
		return nil, fmt.Errorf("reading migration files: %w", err)
	}
	desiredSQL, err := os.ReadFile(p.Schema)
	if err != nil {
		return nil, fmt.Errorf("reading schema: %w", err)
	}
	srv, err := p.scratchServer(ctx)
	if err != nil {
		return nil, err
	}
	defer srv.Close()

	// Build both states at once, each on its own database.
	var (
		wg               sync.WaitGroup
		cur, des         *scratchDB
		current, desired *schema.Realm
		curErr, desErr   error
		schemaFile       = migrate.NewLocalFile(filepath.Base(p.Schema), desiredSQL)
		unsupported      []string
	)
	wg.Add(2)
	go func() {
		defer wg.Done()
		if cur, curErr = srv.create(ctx); curErr != nil {
			return
		}
		if curErr = cur.replay(ctx, files); curErr != nil {
			curErr = fmt.Errorf("replaying migration directory: %w", curErr)
			return
		}
		current, curErr = inspect(ctx, cur.drv)
	}()
	go func() {
		defer wg.Done()
		if des, desErr = srv.create(ctx); desErr != nil {
			return
		}
		if desErr = execFile(ctx, des.db, des.drv, schemaFile); desErr != nil {
			desErr = fmt.Errorf("loading schema: %w", desErr)
			return
		}
		if unsupported, desErr = unsupportedObjects(ctx, des.db); desErr != nil {
			return
		}
		desired, desErr = inspect(ctx, des.drv)
	}()
	wg.Wait()
	for _, d := range []*scratchDB{cur, des} {
		if d != nil {
			defer d.Close()
		}
	}
	if err := errors.Join(curErr, desErr); err != nil {
		return nil, err
	}
	if len(unsupported) > 0 {
		return nil, &UnsupportedError{Objects: unsupported}
	}

	changes, err := realmDiff(cur.drv, current, desired)
	if err != nil {
		return nil, err
	}
	res := &DiffResult{}
	if len(changes) == 0 {
		return res, nil
	}
	plan, err := cur.drv.PlanChanges(ctx, name, changes, func(o *migrate.PlanOptions) {
		o.Mode = migrate.PlanModeDeferred
		o.Indent = "  "
	})
	if err != nil {
		return nil, fmt.Errorf("planning migration: %w", err)
	}
	if plan.Version, err = nextVersion(p.Dir, time.Now()); err != nil {
		return nil, err
	}
	file, err := migrate.DefaultFormatter.FormatFile(plan)
	if err != nil {
		return nil, fmt.Errorf("formatting migration: %w", err)
	}
	res.File, res.SQL, res.Warnings = file.Name(), string(file.Bytes()), destructive(changes)

	// The file must lead from the directory's state to the schema exactly;
	// anything left over would be silently lost.
	if err := cur.replay(ctx, []migrate.File{file}); err != nil {
		return nil, fmt.Errorf("checking planned migration: %w", err)
	}
	after, err := inspect(ctx, cur.drv)
	if err != nil {
		return nil, err
	}
	if left, err := realmDiff(cur.drv, after, desired); err != nil {
		return nil, fmt.Errorf("checking planned migration: %w", err)
	} else if len(left) > 0 {
		return nil, fmt.Errorf("the planned migration does not reach the schema; differences left: %s", strings.Join(describeChanges(left), "; "))
	}
	if opts.Check {
		return res, nil
	}
	if err := p.Dir.WriteFile(file.Name(), file.Bytes()); err != nil {
		return nil, fmt.Errorf("writing %s: %w", file.Name(), err)
	}
	if err := Rehash(p.Dir); err != nil {
		return nil, err
	}
	return res, nil
}

// destructive describes the changes that lose data: drops, and the drop +
// add pairs Atlas plans for a rename.
func destructive(changes []schema.Change) []string {
	var warns []string
	var droppedT, addedT []string
	for _, c := range changes {
		switch c := c.(type) {
		case *schema.DropSchema:
			warns = append(warns, fmt.Sprintf("drops schema %q and everything in it", c.S.Name))
		case *schema.DropTable:
			droppedT = append(droppedT, c.T.Name)
			warns = append(warns, fmt.Sprintf("drops table %q and its rows", c.T.Name))
		case *schema.AddTable:
			addedT = append(addedT, c.T.Name)
		case *schema.DropObject:
			warns = append(warns, "drops "+objectName(c.O))
		case *schema.ModifyTable:
			var dropped, added []string
			for _, mc := range c.Changes {
				switch mc := mc.(type) {
				case *schema.DropColumn:
					dropped = append(dropped, mc.C.Name)
					warns = append(warns, fmt.Sprintf("drops column %q of table %q and its data", mc.C.Name, c.T.Name))
				case *schema.AddColumn:
					added = append(added, mc.C.Name)
				case *schema.ModifyColumn:
					if mc.Change.Is(schema.ChangeType) {
						warns = append(warns, fmt.Sprintf("changes the type of column %q of table %q (data is converted or the change fails)", mc.To.Name, c.T.Name))
					}
				}
			}
			if len(dropped) > 0 && len(added) > 0 {
				warns = append(warns, fmt.Sprintf("table %q: column(s) %s dropped and %s added; if this is a rename, edit the file to use ALTER TABLE … RENAME COLUMN",
					c.T.Name, strings.Join(dropped, ", "), strings.Join(added, ", ")))
			}
		}
	}
	if len(droppedT) > 0 && len(addedT) > 0 {
		warns = append(warns, fmt.Sprintf("table(s) %s dropped and %s added; if this is a rename, edit the file to use ALTER TABLE … RENAME TO",
			strings.Join(droppedT, ", "), strings.Join(addedT, ", ")))
	}
	return warns
}

// describeChanges names changes for messages.
func describeChanges(changes []schema.Change) []string {
	out := make([]string, 0, len(changes))
	for _, c := range changes {
		switch c := c.(type) {
		case *schema.AddSchema:
			out = append(out, "add schema "+c.S.Name)
		case *schema.DropSchema:
			out = append(out, "drop schema "+c.S.Name)
		case *schema.ModifySchema:
			out = append(out, "modify schema "+c.S.Name)
		case *schema.AddTable:
			out = append(out, "add table "+c.T.Name)
		case *schema.DropTable:
			out = append(out, "drop table "+c.T.Name)
		case *schema.ModifyTable:
			out = append(out, fmt.Sprintf("modify table %s (%d change(s))", c.T.Name, len(c.Changes)))
		case *schema.AddObject:
			out = append(out, fmt.Sprintf("add %s", objectName(c.O)))
		case *schema.DropObject:
			out = append(out, "drop "+objectName(c.O))
		default:
			out = append(out, fmt.Sprintf("%T", c))
		}
	}
	return out
}

func objectName(o schema.Object) string {
	if e, ok := o.(*schema.EnumType); ok {
		return fmt.Sprintf("enum type %q", e.T)
	}
	return fmt.Sprintf("%T", o)
}

// realmDiff compares two realms in the normalized mode the Atlas CLI uses,
// where CHECK constraints are compared by their deparsed expressions.
func realmDiff(drv migrate.Driver, from, to *schema.Realm) ([]schema.Change, error) {
	changes, err := drv.RealmDiff(from, to, schema.DiffNormalized())
	if err != nil {
		return nil, fmt.Errorf("comparing schemas: %w", err)
	}
	return changes, nil
}
