package migration

import (
	"context"
	"fmt"
	"slices"
	"time"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"
	"github.com/jackc/pgx/v5"

	"github.com/versiona/versiona/internal/objects"
)

// The online-safe form of a plan. A change to a table that existed before
// the plan is written so that it never holds a lock that blocks writes for
// longer than a catalog update:
//
//   - indexes are built and dropped CONCURRENTLY;
//   - FOREIGN KEY and CHECK constraints are added NOT VALID, then validated
//     in a later transaction (VALIDATE takes SHARE UPDATE EXCLUSIVE, which
//     lets writes through);
//   - SET NOT NULL goes through a CHECK (col IS NOT NULL), added NOT VALID
//     and validated, so that SET NOT NULL finds it and skips its scan
//     (PostgreSQL 12 and later); the CHECK is dropped afterwards;
//   - UNIQUE and PRIMARY KEY are built as a unique index CONCURRENTLY and
//     attached with ADD CONSTRAINT … USING INDEX.
//
// The statements that must run outside a transaction, or after an earlier
// one committed, make a second file marked "-- atlas:txmode none", where
// each statement commits on its own. Tables created in the same plan are
// empty, so their changes keep the plain form.

// onlineSuffix ends the name of the file holding the online statements.
const onlineSuffix = "_online"

// tableSet holds tables by schema-qualified name.
type tableSet map[string]bool

// tablesOf returns the tables of r.
func tablesOf(r *schema.Realm) tableSet {
	set := tableSet{}
	for _, s := range r.Schemas {
		for _, t := range s.Tables {
			set[tableKey(t)] = true
		}
	}
	return set
}

func tableKey(t *schema.Table) string {
	if t.Schema == nil {
		return t.Name
	}
	return t.Schema.Name + "." + t.Name
}

// onlineChanges rewrites changes into the online-safe form for the tables
// in existed. It returns the changes for the transactional file (the ones
// left as they are, and the NOT VALID constraints) and the statements of
// the txmode none file that follows it, in order. pl plans the statements;
// it needs no connection (postgres.DefaultPlan will do). parts holds the
// partitions the plan leads to (see partitionedTable).
func onlineChanges(ctx context.Context, pl migrate.PlanApplier, changes []schema.Change, existed tableSet, parts objects.Set) ([]schema.Change, []*migrate.Change, error) {
	o := &onliner{ctx: ctx, pl: pl, existed: existed, keys: newKeys(changes, existed), parts: parts}
	var main []schema.Change
	for _, c := range changes {
		switch c := c.(type) {
		case *schema.ModifyTable:
			if !existed[tableKey(c.T)] {
				main = append(main, c)
				continue
			}
			kept, err := o.table(c)
			if err != nil {
				return nil, nil, fmt.Errorf("planning online form of %s: %w", c.T.Name, err)
			}
			if len(kept) > 0 {
				main = append(main, &schema.ModifyTable{T: c.T, Changes: kept})
			}
		case *schema.AddTable:
			t, err := o.newTable(c.T)
			if err != nil {
				return nil, nil, fmt.Errorf("planning online form of %s: %w", c.T.Name, err)
			}
			main = append(main, &schema.AddTable{T: t, Extra: c.Extra})
		default:
			main = append(main, c)
		}
	}
	return main, o.statements(), nil
}

// onliner collects the statements of the txmode none file, by step.
type onliner struct {
	ctx     context.Context
	pl      migrate.PlanApplier
	existed tableSet
	keys    map[string]bool // unique keys built in the online file, by keyOf
	parts   objects.Set     // the desired partitions

	rebuilds, builds, validates, notNulls, attaches, after, drops []*migrate.Change
}

// statements returns the online statements in the order they must run:
// the drops of changed indexes (rebuilt under the same name), index
// builds, validations, NOT NULLs (a primary key needs them), constraints
// attached to their index, the foreign keys that reference those, and
// last the drops of indexes no longer wanted, so that queries keep an
// index until its replacement is built.
func (o *onliner) statements() []*migrate.Change {
	var all []*migrate.Change
	for _, step := range [][]*migrate.Change{o.rebuilds, o.builds, o.validates, o.notNulls, o.attaches, o.after, o.drops} {
		all = append(all, step...)
	}
	return all
}

// table rewrites the changes to one existing table and returns those that
// stay in the transactional file.
func (o *onliner) table(m *schema.ModifyTable) ([]schema.Change, error) {
	t, dropped := m.T, droppedColumns(m.Changes)
	var kept []schema.Change
	for _, c := range m.Changes {
		if isPartitioned(t) {
			k, handled, err := o.partitionedTable(t, c, kept)
			if err != nil {
				return nil, err
			}
			if handled {
				kept = k
				continue
			}
		}
		var err error
		switch c := c.(type) {
		case *schema.AddIndex:
			kept, err = o.addIndex(t, c, kept)
		case *schema.DropIndex:
			if conType(c.I) != "" || usesAny(c.I, dropped) {
				kept = append(kept, c) // a constraint's, or gone with its column
				continue
			}
			err = o.plan(&o.drops, t, &schema.DropIndex{I: c.I, Extra: concurrently(c.Extra)})
		case *schema.ModifyIndex:
			// A comment-only change stays; a rebuilt index gets its
			// comment from its AddIndex.
			if conType(c.From) != "" || conType(c.To) != "" || c.Change == schema.ChangeComment {
				kept = append(kept, c)
				continue
			}
			err = o.plan(&o.rebuilds, t, &schema.DropIndex{I: c.From, Extra: concurrently(nil)})
			if err == nil {
				err = o.plan(&o.builds, t, &schema.AddIndex{I: c.To, Extra: concurrently(nil)})
			}
		case *schema.AddPrimaryKey:
			err = o.attach(t, c.P, pkName(t, c.P), "p")
		case *schema.AddForeignKey:
			kept, err = o.addForeignKey(t, c.F, kept)
		case *schema.ModifyForeignKey:
			kept = append(kept, &schema.DropForeignKey{F: c.From})
			kept, err = o.addForeignKey(t, c.To, kept)
		case *schema.AddCheck:
			kept = append(kept, o.addCheck(t, c.C, c.Extra))
		case *schema.ModifyCheck:
			kept = append(kept, &schema.DropCheck{C: c.From}, o.addCheck(t, c.To, nil))
		case *schema.ModifyColumn:
			kept = o.modifyColumn(t, c, kept)
		default:
			kept = append(kept, c)
		}
		if err != nil {
			return nil, err
		}
	}
	return kept, nil
}

// addIndex builds a plain index CONCURRENTLY, and a UNIQUE constraint as a
// unique index attached USING INDEX. Other constraints stay as they are.
func (o *onliner) addIndex(t *schema.Table, c *schema.AddIndex, kept []schema.Change) ([]schema.Change, error) {
	switch ct := conType(c.I); ct {
	case "":
		return kept, o.plan(&o.builds, t, &schema.AddIndex{I: c.I, Extra: concurrently(c.Extra)})
	case "u":
		return kept, o.attach(t, c.I, conName(c.I), ct)
	default:
		return append(kept, c), nil
	}
}

// attach builds the index of a UNIQUE (ct "u") or PRIMARY KEY ("p")
// constraint CONCURRENTLY, then adds the constraint USING it.
func (o *onliner) attach(t *schema.Table, idx *schema.Index, name, ct string) error {
	plain := *idx
	plain.Name, plain.Unique, plain.Table = name, true, t
	plain.Attrs = withoutConstraint(idx.Attrs)
	if err := o.plan(&o.builds, t, &schema.AddIndex{I: &plain, Extra: concurrently(nil)}); err != nil {
		return err
	}
	var add schema.Change = &postgres.AddUniqueConstraint{Name: name, Using: &plain}
	if ct == "p" {
		add = &postgres.AddPKConstraint{Name: name, Using: &plain}
	}
	return o.plan(&o.attaches, t, add)
}

// addForeignKey adds fk NOT VALID and validates it later. A foreign key
// that references a key built in the online file goes there, after it.
func (o *onliner) addForeignKey(t *schema.Table, fk *schema.ForeignKey, kept []schema.Change) ([]schema.Change, error) {
	if fk.Symbol == "" {
		return append(kept, &schema.AddForeignKey{F: fk}), nil
	}
	add := &schema.AddForeignKey{F: fk, Extra: []schema.Clause{&postgres.NotValid{}}}
	if o.keys[refKey(fk)] {
		if err := o.plan(&o.after, t, add); err != nil {
			return nil, err
		}
		o.after = append(o.after, validate(t, fk.Symbol, "foreign key"))
		return kept, nil
	}
	o.validates = append(o.validates, validate(t, fk.Symbol, "foreign key"))
	return append(kept, add), nil
}

// addCheck adds ck NOT VALID and validates it later.
func (o *onliner) addCheck(t *schema.Table, ck *schema.Check, extra []schema.Clause) schema.Change {
	if ck.Name == "" {
		return &schema.AddCheck{C: ck, Extra: extra}
	}
	o.validates = append(o.validates, validate(t, ck.Name, "check"))
	return &schema.AddCheck{C: ck, Extra: append(extra, &postgres.NotValid{})}
}

// modifyColumn moves SET NOT NULL to the online file, behind a validated
// CHECK (col IS NOT NULL), and keeps the column's other changes.
func (o *onliner) modifyColumn(t *schema.Table, c *schema.ModifyColumn, kept []schema.Change) []schema.Change {
	if !c.Change.Is(schema.ChangeNull) || c.To.Type.Null {
		return append(kept, c)
	}
	if rest := c.Change &^ schema.ChangeNull; rest != schema.NoChange {
		kept = append(kept, &schema.ModifyColumn{From: c.From, To: c.To, Change: rest, Extra: c.Extra})
	}
	name := notNullCheckName(t, c.To.Name)
	ck := &schema.Check{Name: name, Expr: pgx.Identifier{c.To.Name}.Sanitize() + " IS NOT NULL"}
	kept = append(kept, &schema.AddCheck{C: ck, Extra: []schema.Clause{&postgres.NotValid{}}})
	table := qualified(t)
	o.notNulls = append(o.notNulls,
		validate(t, name, "check"),
		&migrate.Change{
			Cmd:     fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s SET NOT NULL", table, pgx.Identifier{c.To.Name}.Sanitize()),
			Comment: fmt.Sprintf("set %q NOT NULL (the validated check spares the scan)", c.To.Name),
		},
		&migrate.Change{
			Cmd:     fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT %s", table, pgx.Identifier{name}.Sanitize()),
			Comment: fmt.Sprintf("drop the helper check %q", name),
		})
	return kept
}

// newTable returns t without the foreign keys that reference a key
// built in the online file; they are added there, after it (the table
// is new and empty: no need for NOT VALID).
func (o *onliner) newTable(t *schema.Table) (*schema.Table, error) {
	var fks []*schema.ForeignKey
	for _, fk := range t.ForeignKeys {
		if !o.keys[refKey(fk)] {
			fks = append(fks, fk)
			continue
		}
		if err := o.plan(&o.after, t, &schema.AddForeignKey{F: fk}); err != nil {
			return nil, err
		}
	}
	if len(fks) == len(t.ForeignKeys) {
		return t, nil
	}
	cp := *t
	cp.ForeignKeys = fks
	return &cp, nil
}

// plan appends to step the statements Atlas plans for changes to t.
func (o *onliner) plan(step *[]*migrate.Change, t *schema.Table, changes ...schema.Change) error {
	p, err := o.pl.PlanChanges(o.ctx, "online", []schema.Change{&schema.ModifyTable{T: t, Changes: changes}})
	if err != nil {
		return err
	}
	*step = append(*step, p.Changes...)
	return nil
}

// validate is the statement validating constraint name of t.
func validate(t *schema.Table, name, kind string) *migrate.Change {
	return &migrate.Change{
		Cmd:     fmt.Sprintf("ALTER TABLE %s VALIDATE CONSTRAINT %s", qualified(t), pgx.Identifier{name}.Sanitize()),
		Comment: fmt.Sprintf("validate %s %q (its own transaction; writes go on)", kind, name),
	}
}

// onlineFiles appends to main the txmode none file holding online, named
// after main's version plus one second. When main has no statement it is
// left out and the online file takes its version.
func onlineFiles(main *migrate.Plan, mainFile migrate.File, online []*migrate.Change) ([]migrate.File, error) {
	if len(online) == 0 {
		return []migrate.File{mainFile}, nil
	}
	var files []migrate.File
	version := main.Version
	if len(main.Changes) > 0 {
		files = append(files, mainFile)
		t, err := time.Parse(versionLayout, main.Version)
		if err != nil {
			return nil, fmt.Errorf("parsing version %q: %w", main.Version, err)
		}
		version = t.Add(time.Second).Format(versionLayout)
	}
	plan := &migrate.Plan{
		Version:    version,
		Name:       main.Name + onlineSuffix,
		Changes:    online,
		Directives: []string{"-- atlas:txmode none"},
	}
	f, err := migrate.DefaultFormatter.FormatFile(plan)
	if err != nil {
		return nil, fmt.Errorf("formatting online migration: %w", err)
	}
	return append(files, f), nil
}

// newKeys returns the keys a foreign key may reference that existing tables
// gain in changes, by keyOf: UNIQUE and PRIMARY KEY constraints and unique
// indexes, all built in the online file.
func newKeys(changes []schema.Change, existed tableSet) map[string]bool {
	keys := map[string]bool{}
	for _, c := range changes {
		m, ok := c.(*schema.ModifyTable)
		if !ok || !existed[tableKey(m.T)] || isPartitioned(m.T) {
			continue
		}
		for _, mc := range m.Changes {
			switch mc := mc.(type) {
			case *schema.AddIndex:
				if ct := conType(mc.I); ct == "u" || ct == "" && mc.I.Unique {
					keys[keyOf(m.T, mc.I.Parts)] = true
				}
			case *schema.AddPrimaryKey:
				keys[keyOf(m.T, mc.P.Parts)] = true
			}
		}
	}
	return keys
}

// keyOf names a table's key by its columns.
func keyOf(t *schema.Table, parts []*schema.IndexPart) string {
	k := tableKey(t)
	for _, p := range parts {
		if p.C != nil {
			k += "|" + p.C.Name
		}
	}
	return k
}

// refKey names the key fk references, as keyOf does.
func refKey(fk *schema.ForeignKey) string {
	k := tableKey(fk.RefTable)
	for _, c := range fk.RefColumns {
		k += "|" + c.Name
	}
	return k
}

// conType returns the type of the constraint an index backs: "u"
// (UNIQUE), "p" (PRIMARY KEY), "x" (EXCLUDE), or "" for a plain index. (A
// unique index also lists the foreign keys that reference it, type "f".)
func conType(idx *schema.Index) string {
	for _, a := range idx.Attrs {
		if c, ok := a.(*postgres.Constraint); ok && (c.T == "u" || c.T == "p" || c.T == "x") {
			return c.T
		}
	}
	return ""
}

// conName returns the name of the constraint an index backs.
func conName(idx *schema.Index) string {
	for _, a := range idx.Attrs {
		if c, ok := a.(*postgres.Constraint); ok && c.T == conType(idx) && c.N != "" {
			return c.N
		}
	}
	return idx.Name
}

func withoutConstraint(attrs []schema.Attr) []schema.Attr {
	var out []schema.Attr
	for _, a := range attrs {
		if _, ok := a.(*postgres.Constraint); !ok {
			out = append(out, a)
		}
	}
	return out
}

// pkName is the name of t's primary key: its own, or PostgreSQL's default.
func pkName(t *schema.Table, pk *schema.Index) string {
	if pk.Name != "" {
		return pk.Name
	}
	return t.Name + "_pkey"
}

// notNullCheckName names the helper CHECK of SET NOT NULL, within
// PostgreSQL's 63-byte limit.
func notNullCheckName(t *schema.Table, col string) string {
	name := t.Name + "_" + col + "_not_null"
	if len(name) > 63 {
		name = name[:63]
	}
	return name
}

func droppedColumns(changes []schema.Change) map[string]bool {
	dropped := map[string]bool{}
	for _, c := range changes {
		if d, ok := c.(*schema.DropColumn); ok {
			dropped[d.C.Name] = true
		}
	}
	return dropped
}

// usesAny reports whether idx covers one of cols.
func usesAny(idx *schema.Index, cols map[string]bool) bool {
	for _, p := range idx.Parts {
		if p.C != nil && cols[p.C.Name] {
			return true
		}
	}
	return false
}

func concurrently(extra []schema.Clause) []schema.Clause {
	return append(append([]schema.Clause(nil), extra...), &postgres.Concurrently{})
}

// qualified quotes t's schema-qualified name.
func qualified(t *schema.Table) string {
	if t.Schema == nil {
		return pgx.Identifier{t.Name}.Sanitize()
	}
	return pgx.Identifier{t.Schema.Name, t.Name}.Sanitize()
}

// noTxFile reports whether f is marked "-- atlas:txmode none".
func noTxFile(f migrate.File) bool {
	lf, ok := f.(*migrate.LocalFile)
	return ok && slices.Contains(lf.Directive("txmode"), "none")
}
