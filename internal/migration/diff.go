package migration

import (
	"context"
	"encoding/json"
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
	// Plain writes every change in one transactional file, as planned, even
	// for tables that exist: no CONCURRENTLY, NOT VALID or USING INDEX form.
	Plain bool
}

// DiffResult is what Diff planned.
type DiffResult struct {
	// File is the name of the first planned file, "" when the directory is
	// in sync with the schema. With Check it is planned but not written.
	File string `json:"file"`
	// SQL is the content of the first planned file.
	SQL string `json:"sql"`
	// Files are all the planned files, in the order they apply: the
	// transactional file, then, when the plan changes a table that existed
	// before, the "<version>_<name>_online.sql" file run outside a
	// transaction (see DiffOptions.Plain).
	Files []PlannedFile `json:"files"`
	// Warnings name every destructive change in the plan.
	Warnings []string `json:"warnings"`
}

// PlannedFile is one file Diff planned.
type PlannedFile struct {
	Name string `json:"name"` // file name
	SQL  string `json:"sql"`  // content
	// Transactional is false for a "-- atlas:txmode none" file, whose
	// statements each commit on their own.
	Transactional bool `json:"transactional"`
}

// InSync reports whether the directory already reaches the schema.
func (r *DiffResult) InSync() bool { return r.File == "" }

// MarshalJSON adds "in_sync" to the fields.
func (r *DiffResult) MarshalJSON() ([]byte, error) {
	type plain DiffResult
	return json.Marshal(struct {
		InSync bool `json:"in_sync"`
		*plain
	}{r.InSync(), (*plain)(r)})
}

// Diff compares the state the migration directory builds with the desired
// schema file, each on its own scratch database, and writes the difference
// as "<version>_<name>.sql", updating atlas.sum. Changes to tables that
// existed before take the online-safe form (see online.go), which adds a
// "<version+1s>_<name>_online.sql" file; opts.Plain turns it off. When they
// agree nothing is written and the result is InSync.
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
	if err := checkDir(p.Dir); err != nil {
		return nil, err
	}
	files, err := dirFiles(p.Dir)
	if err != nil {
		return nil, err
	}
	desiredSQL, err := os.ReadFile(p.Schema)
	if err != nil {
		return nil, fmt.Errorf("reading schema: %w", err)
	}
	schemaFile := migrate.NewLocalFile(filepath.Base(p.Schema), desiredSQL)
	res := &DiffResult{Files: []PlannedFile{}, Warnings: []string{}}
	var planned []migrate.File
	err = p.withScratch(ctx, func(srv *scratchServer) error {
		st, err := buildStates(ctx, srv, files, schemaFile)
		if err == nil {
			planned, err = p.planDiff(ctx, st, name, opts, res)
		}
		return errors.Join(err, st.Close())
	})
	if err != nil {
		return nil, err
	}
	if len(planned) == 0 || opts.Check {
		return res, nil
	}
	for _, f := range planned {
		if err := p.Dir.WriteFile(f.Name(), f.Bytes()); err != nil {
			return nil, fmt.Errorf("writing %s: %w", f.Name(), err)
		}
	}
	if err := Rehash(p.Dir); err != nil {
		return nil, err
	}
	return res, nil
}

// diffStates are the two sides of a diff, each on its own scratch database:
// the directory replayed, and the schema file loaded.
type diffStates struct {
	cur, des         *scratchDB
	current, desired *schema.Realm
}

// Close drops both databases.
func (s *diffStates) Close() error {
	var errs []error
	for _, d := range []*scratchDB{s.cur, s.des} {
		if d != nil {
			errs = append(errs, d.Close())
		}
	}
	return errors.Join(errs...)
}

// buildStates builds both states at once. The result is to be closed even
// when an error is returned.
func buildStates(ctx context.Context, srv *scratchServer, files []migrate.File, schemaFile migrate.File) (*diffStates, error) {
	st := &diffStates{}
	var (
		wg             sync.WaitGroup
		curErr, desErr error
		unsupported    []string
	)
	wg.Add(2)
	go func() {
		defer wg.Done()
		st.cur, st.current, curErr = replayed(ctx, srv, files)
	}()
	go func() {
		defer wg.Done()
		st.des, st.desired, unsupported, desErr = loaded(ctx, srv, schemaFile)
	}()
	wg.Wait()
	if err := errors.Join(curErr, desErr); err != nil {
		return st, err
	}
	if len(unsupported) > 0 {
		return st, &UnsupportedError{Objects: unsupported}
	}
	return st, nil
}

// replayed returns a new scratch database with files replayed, and its schema.
func replayed(ctx context.Context, srv *scratchServer, files []migrate.File) (*scratchDB, *schema.Realm, error) {
	d, err := srv.create(ctx)
	if err != nil {
		return nil, nil, err
	}
	if err := d.replay(ctx, files); err != nil {
		return d, nil, fmt.Errorf("replaying migration directory: %w", err)
	}
	r, err := inspect(ctx, d.drv)
	return d, r, err
}

// loaded returns a new scratch database with the schema file loaded, its
// schema, and the objects in it the engine cannot carry.
func loaded(ctx context.Context, srv *scratchServer, f migrate.File) (*scratchDB, *schema.Realm, []string, error) {
	d, err := srv.create(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := execFile(ctx, d.db, d.drv, f); err != nil {
		return d, nil, nil, fmt.Errorf("loading schema: %w", err)
	}
	unsupported, err := unsupportedObjects(ctx, d.db)
	if err != nil {
		return d, nil, nil, err
	}
	r, err := inspect(ctx, d.drv)
	return d, r, unsupported, err
}

// planDiff plans the files leading from the current state to the desired
// one, filling res, and verifies them. It returns nil when they agree.
func (p *Project) planDiff(ctx context.Context, st *diffStates, name string, opts DiffOptions, res *DiffResult) ([]migrate.File, error) {
	changes, err := realmDiff(st.cur.drv, st.current, st.desired)
	if err != nil || len(changes) == 0 {
		return nil, err
	}
	main, online := changes, []*migrate.Change(nil)
	if !opts.Plain {
		if main, online, err = onlineChanges(ctx, st.cur.drv, changes, tablesOf(st.current)); err != nil {
			return nil, err
		}
	}
	plan, err := st.cur.drv.PlanChanges(ctx, name, main, func(o *migrate.PlanOptions) {
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
	files, err := onlineFiles(plan, file, online)
	if err != nil {
		return nil, err
	}
	if err := verifyPlan(ctx, st, files); err != nil {
		return nil, err
	}
	res.setFiles(files)
	res.Warnings = destructive(changes)
	return files, nil
}

// setFiles describes the planned files.
func (r *DiffResult) setFiles(files []migrate.File) {
	for _, f := range files {
		r.Files = append(r.Files, PlannedFile{Name: f.Name(), SQL: string(f.Bytes()), Transactional: !noTxFile(f)})
	}
	r.File, r.SQL = r.Files[0].Name, r.Files[0].SQL
}

// verifyPlan replays files, in order, on the current state: they must lead
// to the desired schema exactly, or anything left over would be silently
// lost. The replay runs each statement on its own, outside a transaction,
// as a "-- atlas:txmode none" file runs (CREATE INDEX CONCURRENTLY needs it).
func verifyPlan(ctx context.Context, st *diffStates, files []migrate.File) error {
	if err := st.cur.replay(ctx, files); err != nil {
		return fmt.Errorf("checking planned migration: %w", err)
	}
	after, err := inspect(ctx, st.cur.drv)
	if err != nil {
		return err
	}
	left, err := realmDiff(st.cur.drv, after, st.desired)
	if err != nil {
		return fmt.Errorf("checking planned migration: %w", err)
	}
	if len(left) > 0 {
		return fmt.Errorf("the planned migration does not reach the schema; differences left: %s", strings.Join(describeChanges(left), "; "))
	}
	return nil
}

// destructive describes the changes that lose data: drops, and the drop +
// add pairs Atlas plans for a rename.
func destructive(changes []schema.Change) []string {
	warns := []string{}
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
