package objects

import (
	"fmt"
	"strings"
)

// Part is one piece of an object that ALTER changes on its own: a domain's
// default or constraint, a composite type's attribute, a text search
// configuration's mapping for one token type.
type Part struct {
	// Key names the part within its object: "default", "constraint c".
	Key string
	// Add adds the part, Drop drops it; Change turns the other side's part
	// of the same key into this one ("" when it is dropped and added).
	Add, Drop, Change string
	// Locked is set on a part that cannot change while a table column
	// uses its object (a composite type's attribute type).
	Locked bool
	// Positional is set on a part whose place among the object's parts
	// counts (a composite type's attribute): an added one goes last.
	Positional bool
}

// same reports whether c and d are created alike.
func same(c, d *Object) bool {
	return c.Create == d.Create && c.Version == d.Version && c.Schema == d.Schema &&
		strings.Join(c.Then, ";\n") == strings.Join(d.Then, ";\n")
}

// alterable reports whether c can become d by altering its parts: the
// heads agree, some part changes, and the positional parts end up in d's
// order (kept ones in place, added ones last).
func alterable(c, d *Object) bool {
	if c.Head == "" || c.Head != d.Head {
		return false
	}
	had, has := parts(c), parts(d)
	var order, want []string
	changed := len(c.Parts) != len(d.Parts)
	for _, cp := range c.Parts {
		dp, ok := has[cp.Key]
		changed = changed || !ok || dp.Add != cp.Add
		if ok && cp.Positional && (dp.Add == cp.Add || dp.Change != "") {
			order = append(order, cp.Key)
		}
	}
	for _, dp := range d.Parts {
		if !dp.Positional {
			continue
		}
		want = append(want, dp.Key)
		if cp, ok := had[dp.Key]; !ok || (dp.Add != cp.Add && dp.Change == "") {
			order = append(order, dp.Key)
		}
	}
	return changed && strings.Join(order, "\x00") == strings.Join(want, "\x00")
}

// alterParts returns the statements that turn the parts of the current
// object id into the desired ones: drops first, then changes and adds in
// the desired order.
func (p *planner) alterParts(id ID) []Statement {
	c, d := p.cur[id], p.des[id]
	had, has := parts(c), parts(d)
	var out []Statement
	for _, cp := range c.Parts {
		if dp, ok := has[cp.Key]; !ok || (dp.Add != cp.Add && dp.Change == "") {
			out = append(out, stmt("Alter", id, cp.Drop))
		}
	}
	for _, dp := range d.Parts {
		switch cp, ok := had[dp.Key]; {
		case ok && cp.Add == dp.Add:
		case ok && dp.Change != "":
			out = append(out, stmt("Alter", id, dp.Change))
		default:
			out = append(out, stmt("Alter", id, dp.Add))
		}
	}
	return out
}

// lockedChange returns the key of a part of c that changes into d and
// cannot while tables use the object, "" when none.
func lockedChange(c, d *Object) string {
	has := parts(d)
	for _, cp := range c.Parts {
		if dp, ok := has[cp.Key]; ok && cp.Locked && dp.Add != cp.Add {
			return cp.Key
		}
	}
	return ""
}

func parts(o *Object) map[string]Part {
	m := make(map[string]Part, len(o.Parts))
	for _, p := range o.Parts {
		m[p.Key] = p
	}
	return m
}

// typeKinds are the kinds table columns, defaults, constraints and indexes
// may use: one of them dropped and created again would take those along.
var typeKinds = map[Kind]bool{Collation: true, Domain: true, Type: true,
	TextSearchDictionary: true, TextSearchConfiguration: true}

// UnplannableError is a change of an object the package cannot plan
// without losing what tables hold.
type UnplannableError struct {
	ID     ID
	Reason string
}

func (e *UnplannableError) Error() string {
	return fmt.Sprintf("%s: %s — the engine cannot plan this change; write it by hand (migrate new)", e.ID, e.Reason)
}

// Check returns an *UnplannableError for the first change from current to
// desired that Plan cannot make while tables use the object: a collation,
// domain, type or text search object that must be dropped and created
// again (its base type, subtype or template changes), or a composite
// type's attribute whose type changes. Nil when Plan can make them all.
func Check(current, desired Set, impact TableImpact) error {
	p := decide(current, desired, impact)
	for _, id := range current.IDs() {
		c, d := current[id], desired[id]
		if d == nil || !c.UsedByTables || !typeKinds[id.Kind] {
			continue
		}
		if p.drop[id] {
			return &UnplannableError{ID: id, Reason: "it must be dropped and created again, and table columns use it"}
		}
		if key := lockedChange(c, d); p.alter[id] && key != "" {
			return &UnplannableError{ID: id, Reason: "the type of its " + key + " changes, and table columns use it"}
		}
	}
	return nil
}
