package fingerprint

import (
	"slices"
	"strings"
)

// Difference is one way two fingerprints disagree: an object only one side
// has, or one attribute of an object both have, with a different value or
// present on one side only.
type Difference struct {
	Kind, Name string
	// Attribute is "" when the object is on one side only.
	Attribute string
	// Left and Right are the side's facts: for an attribute, its fact or
	// nothing when the side lacks it; for an object on one side only, all
	// its facts on that side and nothing on the other.
	Left, Right []Fact
}

// Object is the difference's kind and name: "index public.x_idx".
func (d Difference) Object() string { return d.Kind + " " + d.Name }

// Describe says the difference in plain words, calling the two sides by
// the given labels:
//
//	column public.comentario.texto: collation "C" in schema.sql, default in the migrations
//	index public.x_idx: only in the live database
func (d Difference) Describe(left, right string) string {
	if d.Attribute == "" {
		side := left
		if len(d.Left) == 0 {
			side = right
		}
		return d.Object() + ": only in " + side
	}
	return d.Object() + ": " + sidePhrase(d.Attribute, d.Left) + " in " + left +
		", " + sidePhrase(d.Attribute, d.Right) + " in " + right
}

// String describes the difference with the sides called left and right.
func (d Difference) String() string { return d.Describe("left", "right") }

// absent words an attribute that a side does not have.
var absent = map[string]string{
	"collation":          "default",
	"not null":           "nullable",
	"generated":          "not generated",
	"identity":           "not identity",
	"row-level security": "row-level security disabled",
	"status":             "enabled",
	"access method":      "access method heap",
	"partition of":       "not a partition",
	"partition key":      "not partitioned",
	"inherits":           "inherits nothing",
	"owned by":           "owned by no column",
	"cycle":              "no cycle",
	"privileges":         "default privileges",
	"owner":              "owned by the database owner",
	"persistence":        "permanent",
	"storage":            "the type's storage",
	"compression":        "default compression",
	"statistics":         "default statistics target",
	"replica identity":   "replica identity default",
	"clustered":          "not clustered",
}

func sidePhrase(attribute string, facts []Fact) string {
	if len(facts) > 0 {
		return facts[0].phrase()
	}
	if w, ok := absent[attribute]; ok {
		return w
	}
	return "no " + attribute
}

// Diff returns the differences between fingerprints a (left) and b
// (right), sorted by object and attribute; nil when they are equal. An
// object on one side only is one difference; its columns, constraints,
// triggers, policies and rules are not listed apart.
func Diff(a, b Fingerprint) []Difference {
	left, right := byObject(a.Facts), byObject(b.Facts)
	var diffs []Difference
	for _, obj := range unionKeys(left, right) {
		l, r := left[obj], right[obj]
		switch {
		case len(r) == 0:
			if !hasParent(l[0], left, right) {
				diffs = append(diffs, Difference{Kind: l[0].Kind, Name: l[0].Name, Left: l})
			}
		case len(l) == 0:
			if !hasParent(r[0], right, left) {
				diffs = append(diffs, Difference{Kind: r[0].Kind, Name: r[0].Name, Right: r})
			}
		default:
			diffs = append(diffs, attributeDiffs(l, r)...)
		}
	}
	return diffs
}

// attributeDiffs compares the facts of one object on both sides.
func attributeDiffs(l, r []Fact) []Difference {
	la, ra := byAttribute(l), byAttribute(r)
	var diffs []Difference
	for _, attr := range unionKeys(la, ra) {
		lf, lok := la[attr]
		rf, rok := ra[attr]
		if lok && rok && lf.Value == rf.Value {
			continue
		}
		d := Difference{Kind: l[0].Kind, Name: l[0].Name, Attribute: attr}
		if lok {
			d.Left = []Fact{lf}
		}
		if rok {
			d.Right = []Fact{rf}
		}
		diffs = append(diffs, d)
	}
	return diffs
}

// childKinds are the kinds of objects named after the table or type they
// belong to: "<table>.<name>".
var childKinds = map[string]bool{"column": true, "constraint": true, "trigger": true, "policy": true, "rule": true}

// parentKinds are the kinds a child's name may start with.
var parentKinds = []string{"table", "view", "materialized view", "type", "domain"}

// hasParent reports whether f is a child of an object that only its side,
// this, has and other lacks.
func hasParent(f Fact, this, other map[string][]Fact) bool {
	if !childKinds[f.Kind] {
		return false
	}
	for i := range len(f.Name) {
		if f.Name[i] != '.' {
			continue
		}
		for _, k := range parentKinds {
			obj := k + " " + f.Name[:i]
			if len(this[obj]) > 0 && len(other[obj]) == 0 {
				return true
			}
		}
	}
	return false
}

func byObject(facts []Fact) map[string][]Fact {
	m := make(map[string][]Fact)
	for _, f := range facts {
		m[f.Object()] = append(m[f.Object()], f)
	}
	return m
}

func byAttribute(facts []Fact) map[string]Fact {
	m := make(map[string]Fact, len(facts))
	for _, f := range facts {
		m[f.Attribute] = f
	}
	return m
}

// unionKeys returns the keys of a and b, sorted.
func unionKeys[V any](a, b map[string]V) []string {
	keys := make([]string, 0, len(a)+len(b))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, strings.Compare)
	return keys
}
