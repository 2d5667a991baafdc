package migration

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"

	"github.com/versiona/versiona/internal/fingerprint"
	"github.com/versiona/versiona/internal/objects"
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
// Every plan is verified: the directory plus the planned file, replayed,
// must have exactly the schema fingerprint of the schema file loaded
// (package fingerprint), and so must the directory alone for Diff to
// report InSync. It returns a *VerifyError, writing nothing, naming each
// fact that differs. It returns an *UnsupportedError, writing nothing, when the schema file
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
// the directory replayed, and the schema file loaded. Their realms are
// inspected only when the fingerprints differ (see inspect).
type diffStates struct {
	cur, des         *scratchDB
	current, desired *schema.Realm
	curObjs, desObjs objects.Set              // what Atlas ignores: views, functions, …
	desFP            *fingerprint.Fingerprint // the desired side's, once read
}

// inspect reads the realms of both sides at once.
func (s *diffStates) inspect(ctx context.Context) error {
	var (
		wg             sync.WaitGroup
		curErr, desErr error
	)
	wg.Add(2)
	go func() { defer wg.Done(); s.current, curErr = inspect(ctx, s.cur.drv) }()
	go func() { defer wg.Done(); s.desired, desErr = inspect(ctx, s.des.drv) }()
	wg.Wait()
	return errors.Join(curErr, desErr)
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
		wg                 sync.WaitGroup
		curErr, desErr     error
		curUnsup, desUnsup []string
	)
	wg.Add(2)
	go func() {
		defer wg.Done()
		if st.cur, curErr = replayed(ctx, srv, files); curErr == nil {
			curUnsup, curErr = unsupportedObjects(ctx, st.cur.db)
		}
	}()
	go func() {
		defer wg.Done()
		if st.des, desErr = loaded(ctx, srv, schemaFile); desErr == nil {
			desUnsup, desErr = unsupportedObjects(ctx, st.des.db)
		}
	}()
	wg.Wait()
	if err := errors.Join(curErr, desErr); err != nil {
		return st, err
	}
	if refused := notBuilt(curUnsup, desUnsup); len(refused) > 0 {
		return st, &UnsupportedError{Objects: refused}
	}
	return st, nil
}

// notBuilt returns the objects the engine cannot plan that the schema file
// holds and the directory does not build. One both hold (created by a
// hand-written migration, say) needs no plan: should its definition differ,
// or should only the directory hold it, the fingerprint check names the
// facts that differ.
func notBuilt(cur, des []string) []string {
	var out []string
	for _, o := range des {
		if !slices.Contains(cur, o) {
			out = append(out, o)
		}
	}
	return out
}

// replayed returns a new scratch database with files replayed.
func replayed(ctx context.Context, srv *scratchServer, files []migrate.File) (*scratchDB, error) {
	d, err := srv.create(ctx)
	if err != nil {
		return nil, err
	}
	if err := d.replay(ctx, files); err != nil {
		return d, fmt.Errorf("replaying migration directory: %w", err)
	}
	return d, nil
}

// loaded returns a new scratch database with the schema file loaded.
func loaded(ctx context.Context, srv *scratchServer, f migrate.File) (*scratchDB, error) {
	d, err := srv.create(ctx)
	if err != nil {
		return nil, err
	}
	if err := d.srv.needRoles(ctx, d.drv, []migrate.File{f}); err != nil {
		return d, err
	}
	if err := loadSchemaFile(ctx, d, f); err != nil {
		return d, fmt.Errorf("loading schema: %w", err)
	}
	return d, nil
}

// planDiff plans the files leading from the current state to the desired
// one, filling res, and verifies them by the fingerprint (verify.go). It
// returns nil when the fingerprints agree, and a *VerifyError when they
// differ after the plan, or when there is nothing to plan.
func (p *Project) planDiff(ctx context.Context, st *diffStates, name string, opts DiffOptions, res *DiffResult) ([]migrate.File, error) {
	inSync, mismatch, err := p.inSync(ctx, st)
	if err != nil {
		return nil, err
	}
	if err := st.readObjects(ctx); err != nil {
		return nil, err
	}
	if inSync && objects.Same(st.curObjs, st.desObjs) {
		return nil, nil
	}
	if err := st.inspect(ctx); err != nil {
		return nil, err
	}
	leaveConstraints(st.current, st.desired, st.curObjs, st.desObjs)
	changes, err := realmDiff(st.cur.drv, st.current, st.desired)
	if err != nil {
		return nil, err
	}
	main, online, existed := changes, []*migrate.Change(nil), tableSet(nil)
	if !opts.Plain {
		existed = tablesOf(st.current)
		if main, online, err = onlineChanges(ctx, st.cur.drv, changes, existed, st.desObjs); err != nil {
			return nil, err
		}
		online = append(online, onlineSettings(changes, main, st.desObjs)...)
	}
	plan, later, err := planWithObjects(ctx, st.cur.drv, name, main, st.curObjs, st.desObjs, existed, func(o *migrate.PlanOptions) {
		o.Mode = migrate.PlanModeDeferred
		o.Indent = "  "
	})
	if err != nil {
		return nil, err
	}
	switch {
	case len(later) == 0:
	case opts.Plain:
		plan.Changes = append(plan.Changes, later...)
	default:
		online = append(online, later...)
	}
	switch {
	case plan == nil && len(online) == 0:
		return nil, mismatch
	case plan == nil: // only online changes: onlineFiles writes one file
		plan = &migrate.Plan{Name: name}
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
	if err := p.verifyPlan(ctx, st, files...); err != nil {
		return nil, err
	}
	res.setFiles(files)
	res.Warnings = append(destructive(changes), droppedObjects(st.curObjs, st.desObjs, changes)...)
	return files, nil
}

// setFiles describes the planned files.
func (r *DiffResult) setFiles(files []migrate.File) {
	for _, f := range files {
		r.Files = append(r.Files, PlannedFile{Name: f.Name(), SQL: string(f.Bytes()), Transactional: !noTxFile(f)})
	}
	r.File, r.SQL = r.Files[0].Name, r.Files[0].SQL
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
	if err := identitiesKept(changes); err != nil {
		return nil, err
	}
	keepIndexComments(changes)
	keepIdentityPositions(changes)
	changes = userTypeChanges(from, to, changes)
	return changes, nil
}

// identitiesKept refuses to plan an identity added to, or dropped from, a
// column that exists on both sides: Atlas would write ALTER COLUMN … SET
// GENERATED, which PostgreSQL accepts only on a column that already is an
// identity, and the sequence would need a start past the column's values.
func identitiesKept(changes []schema.Change) error {
	for _, c := range changes {
		mt, ok := c.(*schema.ModifyTable)
		if !ok {
			continue
		}
		for _, mc := range mt.Changes {
			m, ok := mc.(*schema.ModifyColumn)
			if !ok || !m.Change.Is(schema.ChangeAttr) || isIdentity(m.From) == isIdentity(m.To) {
				continue
			}
			what := "an identity added to an existing column"
			if isIdentity(m.From) {
				what = "an identity dropped from a column that stays"
			}
			return fmt.Errorf("column %s.%s: %s — the engine cannot plan this change; write it by hand", tableKey(mt.T), m.To.Name, what)
		}
	}
	return nil
}

// isIdentity reports whether col is an identity column.
func isIdentity(col *schema.Column) bool {
	for _, a := range col.Attrs {
		if _, ok := a.(*postgres.Identity); ok {
			return true
		}
	}
	return false
}

// keepIdentityPositions keeps a plan from restarting the sequence of an
// identity column it alters. Atlas adds RESTART when the sequence's last
// value is below its start, which is always so on a scratch database: on a
// table with rows the sequence would hand out ids already used.
func keepIdentityPositions(changes []schema.Change) {
	for _, c := range changes {
		mt, ok := c.(*schema.ModifyTable)
		if !ok {
			continue
		}
		for _, mc := range mt.Changes {
			if m, ok := mc.(*schema.ModifyColumn); ok && m.Change.Is(schema.ChangeAttr) {
				m.To = withoutRestart(m.To)
			}
		}
	}
}

// withoutRestart returns col, or a copy whose identity's last value is at
// least its start, which Atlas reads as a sequence that needs no RESTART.
func withoutRestart(col *schema.Column) *schema.Column {
	for i, a := range col.Attrs {
		id, ok := a.(*postgres.Identity)
		if !ok || id.Sequence == nil || id.Sequence.Last >= id.Sequence.Start {
			continue
		}
		seq, idCopy, colCopy := *id.Sequence, *id, *col
		seq.Last = seq.Start
		idCopy.Sequence = &seq
		colCopy.Attrs = slices.Clone(col.Attrs)
		colCopy.Attrs[i] = &idCopy
		return &colCopy
	}
	return col
}

// keepIndexComments makes the plan set again the comment of an index that
// is rebuilt (dropped and created, say to make it unique): Atlas plans the
// comment only when it changes, and the rebuilt index would lose it.
func keepIndexComments(changes []schema.Change) {
	for _, c := range changes {
		mt, ok := c.(*schema.ModifyTable)
		if !ok {
			continue
		}
		for _, mc := range mt.Changes {
			mi, ok := mc.(*schema.ModifyIndex)
			if !ok || mi.Change.Is(schema.ChangeComment) || !hasComment(mi.To.Attrs) {
				continue
			}
			from := *mi.From
			from.Attrs = slices.DeleteFunc(slices.Clone(from.Attrs), func(a schema.Attr) bool {
				_, ok := a.(*schema.Comment)
				return ok
			})
			mi.From, mi.Change = &from, mi.Change|schema.ChangeComment
		}
	}
}

// hasComment reports whether attrs hold a non-empty comment.
func hasComment(attrs []schema.Attr) bool {
	for _, a := range attrs {
		if c, ok := a.(*schema.Comment); ok && c.Text != "" {
			return true
		}
	}
	return false
}
