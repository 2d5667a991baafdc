package objects

import (
	"sort"
	"strings"
)

// Plan returns the statements that lead a database holding the objects
// current, once the table changes described by impact are made, to one
// holding desired: before runs ahead of the table changes, after behind
// them. Both are empty when the sets agree and the impact touches nothing.
func Plan(current, desired Set, impact TableImpact) (before, after []Statement) {
	before, after, _ = PlanOnline(current, desired, impact, nil)
	return before, after
}

// PlanOnline is Plan, changing the partitions of the tables in existed
// ("schema.table", unquoted: the tables that exist before the plan) in
// the form that does not block the parent's readers and writers for
// longer than a catalog update: new partitions are attached (see
// createPartition), changed bounds validated first (see laterBound). later
// are the statements to run after the transactional file, each in its own
// transaction; none when existed is nil.
func PlanOnline(current, desired Set, impact TableImpact, existed map[string]bool) (before, after, later []Statement) {
	current, desired = withoutPlain(current, desired)
	p := decide(current, desired, impact)
	p.existed = existed
	return p.before(), p.after(), p.later()
}

// planner holds what happens to each object.
type planner struct {
	cur, des Set
	impact   TableImpact
	drop     map[ID]bool // current objects dropped
	create   map[ID]bool // desired objects created, new or again
	replace  map[ID]bool // functions replaced in place
	alter    map[ID]bool // sequences, extensions and partition bounds altered
	early    map[ID]bool // functions the tables need: created before them

	existed map[string]bool // tables existing before the plan (PlanOnline)
}

// impactable kinds break when a table or column under them changes.
var impactable = map[Kind]bool{View: true, MaterializedView: true, Index: true, Trigger: true,
	Partition: true, PartitionConstraint: true, Publication: true,
	Policy: true, Constraint: true, RowSecurity: true, ColumnOptions: true, ReplicaIdentity: true, Clustering: true, Unlogged: true,
	SequenceOptions: true, Grant: true, Revoke: true}

// earlyKinds are created before the table changes, which may use them.
var earlyKinds = map[Kind]bool{Extension: true, Sequence: true, Collation: true, Domain: true, Type: true,
	TextSearchDictionary: true, TextSearchConfiguration: true}

func decide(current, desired Set, impact TableImpact) *planner {
	p := &planner{cur: current, des: desired, impact: impact,
		drop: map[ID]bool{}, create: map[ID]bool{}, replace: map[ID]bool{}, alter: map[ID]bool{}, early: map[ID]bool{}}
	for id, c := range current {
		d := desired[id]
		switch {
		case d == nil, impactable[id.Kind] && (impact.hits(c) || p.overChangedPartition(c)):
			p.drop[id] = true
		case same(c, d):
		case id.Kind == Sequence || id.Kind == Extension || alterable(c, d):
			p.alter[id] = true
		case (id.Kind == Function || id.Kind == Procedure) && c.Signature == d.Signature:
			p.replace[id] = true
		case boundChanged(c, d):
			p.alter[id] = true
		case id.Kind == Policy && c.Signature == d.Signature:
			p.alter[id] = true
		case id.Kind == Constraint && constraintAlterable(c, d):
			p.alter[id] = true
		case id.Kind == Grant || id.Kind == Revoke:
			p.alter[id] = true
		default:
			p.drop[id] = true
		}
	}
	// Whatever depends on a dropped object goes with it.
	for grew := true; grew; {
		grew = false
		for id, c := range current {
			if p.drop[id] {
				continue
			}
			for _, dep := range c.Deps {
				if p.drop[dep] {
					p.drop[id], grew = true, true
					break
				}
			}
		}
	}
	for id := range desired {
		if current[id] == nil || p.drop[id] {
			p.create[id] = true
		}
	}
	p.markEarly()
	return p
}

// markEarly marks the objects of the early kinds, the functions table
// defaults, constraints or indexes call, and the functions and early
// objects those depend on or name in their bodies.
func (p *planner) markEarly() {
	var mark func(id ID)
	mark = func(id ID) {
		o := p.des[id]
		if o == nil || p.early[id] || (id.Kind != Function && id.Kind != Procedure && !earlyKinds[id.Kind]) {
			return
		}
		p.early[id] = true
		for _, dep := range o.createdAfter() {
			mark(dep)
		}
	}
	for id, o := range p.des {
		if o.UsedByTables || earlyKinds[id.Kind] {
			mark(id)
		}
	}
}

// lateDrop reports whether a dropped object goes after the table changes:
// removed functions, sequences and extensions, which tables may still use
// until then.
func (p *planner) lateDrop(id ID) bool {
	return p.des[id] == nil && !impactable[id.Kind] && !p.des.hasRoutine(id.Name)
}

// hasRoutine reports whether s holds a function or procedure named name:
// one replacing a routine of the other kind must be dropped first.
func (s Set) hasRoutine(name string) bool {
	return s[ID{Function, name}] != nil || s[ID{Procedure, name}] != nil
}

func (p *planner) before() []Statement {
	var out []Statement
	cur := order(p.cur)
	for i := len(cur) - 1; i >= 0; i-- {
		if id := cur[i]; p.drop[id] && !p.lateDrop(id) {
			out = append(out, stmt("Drop", id, p.cur[id].Drop))
		}
	}
	// A sequence owned by a column the table changes drop would go with it.
	for _, id := range cur {
		c := p.cur[id]
		if id.Kind == Sequence && !p.drop[id] && p.des[id] != nil && c.OwnedBy != "" && p.impact.hits(c) {
			out = append(out, stmt("Disown", id, "ALTER SEQUENCE "+id.Name+" OWNED BY NONE"))
		}
	}
	for _, id := range order(p.des) {
		switch d := p.des[id]; {
		case id.Kind == Extension && p.alter[id]:
			out = append(out, p.alterExtension(id)...)
		case id.Kind == Sequence && p.alter[id]:
			out = append(out, stmt("Alter", id, d.Alter))
		case p.early[id] && p.alter[id]:
			out = append(out, p.alterParts(id)...)
		case (id.Kind == Extension || id.Kind == Sequence || p.early[id]) && p.create[id]:
			out = append(out, creates(id, d)...)
		case p.early[id] && p.replace[id]:
			out = append(out, stmt("Replace", id, d.Create))
		}
	}
	return out
}

func (p *planner) alterExtension(id ID) []Statement {
	c, d := p.cur[id], p.des[id]
	var out []Statement
	if c.Schema != d.Schema {
		out = append(out, stmt("Move", id, "ALTER EXTENSION "+id.Name+" SET SCHEMA "+d.Schema))
	}
	if c.Version != d.Version {
		out = append(out, stmt("Update", id, "ALTER EXTENSION "+id.Name+" UPDATE TO "+quote(d.Version)))
	}
	return out
}

func (p *planner) after() []Statement {
	var out []Statement
	des := order(p.des)
	for _, id := range des {
		if id.Kind == Sequence {
			out = append(out, p.owner(id)...)
		}
	}
	for _, id := range des {
		if id.Kind == Partition && p.alter[id] && !p.onlineBound(id) {
			out = append(out, p.detach(id))
		}
	}
	for _, id := range des {
		switch d := p.des[id]; {
		case id.Kind == Extension || id.Kind == Sequence || p.early[id]:
		case id.Kind == Partition && p.create[id]:
			out = append(out, p.createPartition(id)...)
		case id.Kind == Partition && p.alter[id] && p.onlineBound(id):
			out = append(out, p.checkBound(id))
		case id.Kind == Partition && p.alter[id]:
			out = append(out, p.attach(id))
		case p.laterIndex(id):
		case p.create[id]:
			out = append(out, creates(id, d)...)
		case p.replace[id]:
			out = append(out, stmt("Replace", id, d.Create))
		case p.alter[id] && id.Kind == Constraint:
			out = append(out, alterConstraint(id, p.cur[id], d)...)
		case p.alter[id] && (id.Kind == Grant || id.Kind == Revoke):
			out = append(out, alterPrivileges(id, p.cur[id], d)...)
		case p.alter[id] && d.Head != "":
			out = append(out, p.alterParts(id)...)
		case p.alter[id]:
			out = append(out, stmt("Alter", id, d.Alter))
		}
	}
	for _, id := range p.des.IDs() {
		if !p.laterIndex(id) {
			out = append(out, p.comments(id)...)
		}
	}
	cur := order(p.cur)
	for i := len(cur) - 1; i >= 0; i-- {
		if id := cur[i]; p.drop[id] && p.lateDrop(id) {
			out = append(out, stmt("Drop", id, p.cur[id].Drop))
		}
	}
	return out
}

// creates creates o and completes it.
func creates(id ID, o *Object) []Statement {
	out := []Statement{stmt("Create", id, o.Create)}
	for _, s := range o.Then {
		out = append(out, stmt("Alter", id, s))
	}
	return out
}

// owner sets the owning column of a desired sequence when it is new, was
// disowned before the table changes, or changed.
func (p *planner) owner(id ID) []Statement {
	d, c := p.des[id], p.cur[id]
	was := ""
	if c != nil && !p.create[id] && !(c.OwnedBy != "" && p.impact.hits(c)) {
		was = c.OwnedBy
	}
	switch {
	case d.OwnedBy == was:
		return nil
	case d.OwnedBy == "":
		return []Statement{stmt("Disown", id, "ALTER SEQUENCE "+id.Name+" OWNED BY NONE")}
	default:
		return []Statement{stmt("Own", id, "ALTER SEQUENCE "+id.Name+" OWNED BY "+d.OwnedBy)}
	}
}

// comments sets the comments of a desired object that differ from those it
// has at that point: none when it was just created.
func (p *planner) comments(id ID) []Statement {
	d := p.des[id]
	var had map[string]string
	if c := p.cur[id]; c != nil && !p.create[id] {
		had = c.Comments
	}
	targets := make([]string, 0, len(d.Comments)+len(had))
	for t := range d.Comments {
		targets = append(targets, t)
	}
	for t := range had {
		if _, ok := d.Comments[t]; !ok {
			targets = append(targets, t)
		}
	}
	sort.Strings(targets)
	var out []Statement
	for _, t := range targets {
		if d.Comments[t] != had[t] {
			out = append(out, commentStmt(id, t, d.Comments[t]))
		}
	}
	return out
}

// order returns the IDs of s so that every object comes after those it
// depends on or its body names; among objects free to go, by kind and name.
func order(s Set) []ID {
	waiting := map[ID]int{}
	users := map[ID][]ID{}
	for id, o := range s {
		for _, dep := range o.createdAfter() {
			if s[dep] != nil {
				waiting[id]++
				users[dep] = append(users[dep], id)
			}
		}
	}
	var ready, out []ID
	for id := range s {
		if waiting[id] == 0 {
			ready = append(ready, id)
		}
	}
	for len(ready) > 0 {
		sort.Slice(ready, func(i, j int) bool { return less(ready[i], ready[j]) })
		id := ready[0]
		ready = ready[1:]
		out = append(out, id)
		for _, u := range users[id] {
			if waiting[u]--; waiting[u] == 0 {
				ready = append(ready, u)
			}
		}
	}
	if len(out) < len(s) { // a cycle: keep the rest in plain order
		for _, id := range s.IDs() {
			if waiting[id] > 0 {
				out = append(out, id)
			}
		}
	}
	return out
}

// String renders statements as a script, for messages and tests.
func String(stmts []Statement) string {
	var b strings.Builder
	for _, s := range stmts {
		b.WriteString("-- " + s.Comment + "\n" + s.SQL + ";\n")
	}
	return b.String()
}

// Removed returns the objects of current that desired no longer has, for
// warnings: dropping them loses what they hold (a sequence's position, a
// materialized view's rows).
func Removed(current, desired Set) []ID {
	current, desired = withoutPlain(current, desired)
	var out []ID
	for _, id := range current.IDs() {
		if desired[id] == nil && !settingKinds[id.Kind] { // a reset loses nothing
			out = append(out, id)
		}
	}
	return out
}

// Differ returns the objects on which current and desired disagree: on
// one side only, or created or commented otherwise.
func Differ(current, desired Set) []ID {
	var out []ID
	for _, id := range current.IDs() {
		if d := desired[id]; d == nil || !same(current[id], d) || current[id].OwnedBy != d.OwnedBy || !sameComments(current[id], d) {
			out = append(out, id)
		}
	}
	for _, id := range desired.IDs() {
		if current[id] == nil {
			out = append(out, id)
		}
	}
	return out
}

func sameComments(c, d *Object) bool {
	if len(c.Comments) != len(d.Comments) {
		return false
	}
	for t, text := range c.Comments {
		if d.Comments[t] != text {
			return false
		}
	}
	return true
}

// Same reports whether Plan has nothing to do between current and desired
// when the tables do not change: the settings a fingerprint may not read
// (a column's statistics target, say) count.
func Same(current, desired Set) bool {
	before, after := Plan(current, desired, TableImpact{})
	return len(before)+len(after) == 0
}
