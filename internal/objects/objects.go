package objects

import (
	"sort"
	"strings"
)

// Kind is the kind of a planned object.
type Kind string

// The kinds of objects Read returns and Plan plans.
const (
	Extension        Kind = "extension"
	Sequence         Kind = "sequence"
	Function         Kind = "function"
	Procedure        Kind = "procedure"
	View             Kind = "view"
	MaterializedView Kind = "materialized view"
	Index            Kind = "index" // on a materialized view, or a partition's own
	Trigger          Kind = "trigger"

	Collation               Kind = "collation"
	Domain                  Kind = "domain"
	Type                    Kind = "type" // a composite or range type
	TextSearchDictionary    Kind = "text search dictionary"
	TextSearchConfiguration Kind = "text search configuration"
	Aggregate               Kind = "aggregate"
	Cast                    Kind = "cast"
	EventTrigger            Kind = "event trigger"
	Publication             Kind = "publication"
)

// rank orders kinds that do not depend on each other: the order in which
// objects are created when nothing else decides.
var rank = map[Kind]int{
	Extension: 0, Sequence: 1, Function: 2, Procedure: 2,
	View: 3, MaterializedView: 3, Index: 4, Trigger: 5,
	Partition: 3, PartitionConstraint: 4,
	Collation: 1, Domain: 1, Type: 1, TextSearchDictionary: 1, TextSearchConfiguration: 1,
	Aggregate: 3, Cast: 3, EventTrigger: 6, Publication: 6,
	Policy:      6,
	Constraint:  6,
	RowSecurity: 7, ColumnOptions: 7, ReplicaIdentity: 7, Clustering: 7, Unlogged: 7, SequenceOptions: 7,
	Grant: 8, Revoke: 8,
}

// ID identifies an object across databases.
type ID struct {
	Kind Kind
	// Name is the object's SQL name, schema-qualified and quoted as
	// needed: public.feed, public.slug(text), "touch" ON public.post.
	Name string
}

// String names the object for messages: view "public.feed".
func (id ID) String() string { return string(id.Kind) + " " + `"` + id.Name + `"` }

// Object is one planned object of a database.
type Object struct {
	ID
	// Create creates the object, without its comments.
	Create string
	// Drop drops it.
	Drop string
	// Comments holds the literal of each comment on the object (or, for
	// views, on its columns), by COMMENT ON target: "VIEW public.feed".
	Comments map[string]string
	// Deps are the objects of the set this one depends on.
	Deps []ID
	// BodyRefs are the objects of the set a LANGUAGE sql body names, which
	// must exist when it is created; the catalog records no dependency on
	// them, so dropping one leaves this object be.
	BodyRefs []ID
	// Tables are the tables it depends on ("schema.table", unquoted);
	// Columns the columns ("schema.table.column").
	Tables, Columns []string
	// Indexes are the table indexes it names ("schema.index", unquoted).
	Indexes []string

	// Signature of a function or procedure: its result and named
	// arguments. When it changes, CREATE OR REPLACE cannot apply the
	// change; the function is dropped and created.
	Signature string
	// UsedByTables is set on a function a table default, constraint or
	// index calls: it must exist before the table changes.
	UsedByTables bool
	// Alter alters an existing sequence to this one's options.
	Alter string
	// OwnedBy is the column owning a sequence (quoted, schema-qualified),
	// "" when none.
	OwnedBy string
	// Version and Schema of an extension.
	Version, Schema string
	// Partition describes a table partition; nil for other kinds.
	Partition *PartitionOf

	// Head is what an object altered in place cannot change without being
	// dropped and created: a domain's base type, a text search
	// configuration's parser. "" for the kinds never altered in place.
	Head string
	// Then are the statements that complete Create: a domain's NOT VALID
	// constraints, a text search configuration's mappings.
	Then []string
	// Parts are what ALTER changes one by one in an object whose Head
	// stays.
	Parts []Part
	// Con describes a constraint.
	Con *ConstraintState
	// acl is a grant's or revoke's privileges.
	acl *privilege
}

// Set is the planned objects of one database, by ID.
type Set map[ID]*Object

// IDs returns the set's IDs sorted by kind and name.
func (s Set) IDs() []ID {
	ids := make([]ID, 0, len(s))
	for id := range s {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return less(ids[i], ids[j]) })
	return ids
}

func less(a, b ID) bool {
	if rank[a.Kind] != rank[b.Kind] {
		return rank[a.Kind] < rank[b.Kind]
	}
	if a.Kind != b.Kind {
		return a.Kind < b.Kind
	}
	return a.Name < b.Name
}

// TableImpact tells Plan which tables and columns the table changes drop
// or alter in a way that breaks the objects over them (a type change). The
// objects depending on them are dropped before the table changes and, when
// the desired schema still has them, created again after.
type TableImpact struct {
	Tables  map[string]bool // "schema.table", unquoted
	Columns map[string]bool // "schema.table.column", unquoted
	Indexes map[string]bool // "schema.index", unquoted: dropped or rebuilt
}

// hits reports whether o depends on a table or column in the impact.
func (t TableImpact) hits(o *Object) bool {
	for _, tb := range o.Tables {
		if t.Tables[tb] {
			return true
		}
	}
	for _, c := range o.Columns {
		if t.Columns[c] {
			return true
		}
	}
	for _, i := range o.Indexes {
		if t.Indexes[i] {
			return true
		}
	}
	return false
}

// Statement is one planned statement, without its final semicolon, and a
// one-line comment saying what it does.
type Statement struct {
	SQL     string
	Comment string
	// Later marks a statement that may run after the others, outside
	// their transaction (VALIDATE CONSTRAINT: it scans the table).
	Later bool
}

func stmt(verb string, id ID, sql string) Statement {
	verb = settingVerb(id.Kind, verb)
	return Statement{SQL: strings.TrimRight(strings.TrimSpace(sql), ";"), Comment: verb + " " + id.String()}
}
