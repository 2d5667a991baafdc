package objects

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// Table and column settings Atlas's engine neither reads nor writes. Each
// is an object whose Create sets it and whose Drop resets it to
// PostgreSQL's default; one that is not set is not in the Set. They are
// reset before the table changes and set after them.
const (
	RowSecurity     Kind = "row level security" // of a table: ENABLE, FORCE
	ColumnOptions   Kind = "column options"     // SET STATISTICS, STORAGE, COMPRESSION
	ReplicaIdentity Kind = "replica identity"   // FULL, NOTHING, USING INDEX
	Clustering      Kind = "cluster"            // CLUSTER ON an index
	Unlogged        Kind = "unlogged"           // a table or sequence
)

func (r *reader) settings(ctx context.Context, q Querier) error {
	for _, fn := range []func(context.Context, Querier) error{r.rowSecurity, r.columnOptions, r.replicaIdentity, r.clustering, r.unlogged, r.sequenceOptions, r.unownedSerials} {
		if err := fn(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// setting adds an object of a settings kind on table (unquoted
// "schema.table"), keyed apart from the catalog's objects.
func (r *reader) setting(kind Kind, name, table, create, drop string) *Object {
	o := &Object{ID: ID{Kind: kind, Name: name}, Create: create, Drop: drop, Comments: map[string]string{}}
	if table != "" {
		o.Tables = []string{table}
	}
	r.set[o.ID] = o
	return o
}

var rowSecurityQuery = `
SELECT format('%I.%I', n.nspname, x.relname), n.nspname || '.' || x.relname, x.relrowsecurity, x.relforcerowsecurity
FROM pg_class x JOIN pg_namespace n ON n.oid = x.relnamespace
WHERE x.relkind IN ('r', 'p') AND (x.relrowsecurity OR x.relforcerowsecurity)
  AND ` + userObjects("pg_class", "x.relnamespace")

func (r *reader) rowSecurity(ctx context.Context, q Querier) error {
	return each(ctx, q, rowSecurityQuery, func(rows *sql.Rows) error {
		var (
			name, table    string
			enable, forced bool
		)
		if err := rows.Scan(&name, &table, &enable, &forced); err != nil {
			return err
		}
		var set []string
		if enable {
			set = append(set, "ENABLE ROW LEVEL SECURITY")
		}
		if forced {
			set = append(set, "FORCE ROW LEVEL SECURITY")
		}
		r.setting(RowSecurity, name, table,
			"ALTER TABLE "+name+" "+strings.Join(set, ", "),
			"ALTER TABLE "+name+" DISABLE ROW LEVEL SECURITY, NO FORCE ROW LEVEL SECURITY")
		return nil
	})
}

// columnOptionsQuery lists the table columns whose statistics target,
// storage or compression is not the default (for storage: their type's).
var columnOptionsQuery = `
SELECT format('%I.%I', n.nspname, x.relname), quote_ident(a.attname), n.nspname || '.' || x.relname, a.attname,
       a.attstattarget, a.attstorage::text, t.typstorage::text, a.attcompression::text
FROM pg_attribute a
JOIN pg_class x ON x.oid = a.attrelid
JOIN pg_namespace n ON n.oid = x.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
WHERE x.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
  AND (a.attstattarget >= 0 OR a.attstorage <> t.typstorage OR a.attcompression <> '')
  AND ` + userObjects("pg_class", "x.relnamespace")

var (
	storages     = map[string]string{"p": "PLAIN", "e": "EXTERNAL", "m": "MAIN", "x": "EXTENDED"}
	compressions = map[string]string{"p": "pglz", "l": "lz4"}
)

func (r *reader) columnOptions(ctx context.Context, q Querier) error {
	return each(ctx, q, columnOptionsQuery, func(rows *sql.Rows) error {
		var (
			table, column, tableKey, columnKey string
			stats                              int
			storage, typStorage, compression   string
		)
		if err := rows.Scan(&table, &column, &tableKey, &columnKey, &stats, &storage, &typStorage, &compression); err != nil {
			return err
		}
		alter := "ALTER COLUMN " + column + " "
		var set, reset []string
		if stats >= 0 {
			set = append(set, fmt.Sprintf("%sSET STATISTICS %d", alter, stats))
			reset = append(reset, alter+"SET STATISTICS -1")
		}
		if storage != typStorage {
			set = append(set, alter+"SET STORAGE "+storages[storage])
			reset = append(reset, alter+"SET STORAGE "+storages[typStorage])
		}
		if compression != "" {
			set = append(set, alter+"SET COMPRESSION "+compressions[compression])
			reset = append(reset, alter+"SET COMPRESSION DEFAULT")
		}
		o := r.setting(ColumnOptions, table+"."+column, tableKey,
			"ALTER TABLE "+table+" "+strings.Join(set, ", "),
			"ALTER TABLE "+table+" "+strings.Join(reset, ", "))
		o.Columns = []string{tableKey + "." + columnKey}
		return nil
	})
}

// replicaIdentityQuery lists the tables whose replica identity is not the
// default (the primary key), with the index of USING INDEX.
var replicaIdentityQuery = `
SELECT format('%I.%I', n.nspname, x.relname), n.nspname || '.' || x.relname, x.relreplident::text,
       COALESCE(quote_ident(i.relname), ''), COALESCE(n.nspname || '.' || i.relname, '')
FROM pg_class x
JOIN pg_namespace n ON n.oid = x.relnamespace
LEFT JOIN pg_index ix ON ix.indrelid = x.oid AND ix.indisreplident
LEFT JOIN pg_class i ON i.oid = ix.indexrelid
WHERE x.relkind IN ('r', 'p') AND x.relreplident <> 'd'
  AND ` + userObjects("pg_class", "x.relnamespace")

func (r *reader) replicaIdentity(ctx context.Context, q Querier) error {
	return each(ctx, q, replicaIdentityQuery, func(rows *sql.Rows) error {
		var name, table, ident, index, indexKey string
		if err := rows.Scan(&name, &table, &ident, &index, &indexKey); err != nil {
			return err
		}
		what := "NOTHING" // also USING INDEX of an index since dropped
		switch {
		case ident == "f":
			what = "FULL"
		case ident == "i" && index != "":
			what = "USING INDEX " + index
		}
		o := r.setting(ReplicaIdentity, name, table, "ALTER TABLE "+name+" REPLICA IDENTITY "+what,
			"ALTER TABLE "+name+" REPLICA IDENTITY DEFAULT")
		if indexKey != "" {
			o.Indexes = []string{indexKey}
		}
		return nil
	})
}

// clusteringQuery lists the tables and materialized views marked to be
// clustered on an index.
var clusteringQuery = `
SELECT i.oid::int8, format('%I.%I', n.nspname, x.relname), x.relkind = 'm', n.nspname || '.' || x.relname,
       quote_ident(i.relname), n.nspname || '.' || i.relname
FROM pg_index ix
JOIN pg_class i ON i.oid = ix.indexrelid
JOIN pg_class x ON x.oid = ix.indrelid
JOIN pg_namespace n ON n.oid = x.relnamespace
WHERE ix.indisclustered AND x.relkind IN ('r', 'm')
  AND ` + userObjects("pg_class", "x.relnamespace")

func (r *reader) clustering(ctx context.Context, q Querier) error {
	return each(ctx, q, clusteringQuery, func(rows *sql.Rows) error {
		var (
			index                            int64
			name, table, indexName, indexKey string
			mat                              bool
		)
		if err := rows.Scan(&index, &name, &mat, &table, &indexName, &indexKey); err != nil {
			return err
		}
		verb := "ALTER TABLE "
		if mat {
			verb, table = "ALTER MATERIALIZED VIEW ", ""
		}
		o := r.setting(Clustering, name, table, verb+name+" CLUSTER ON "+indexName, verb+name+" SET WITHOUT CLUSTER")
		if idx := r.byKey[key{classClass, index}]; idx != nil {
			o.Deps = []ID{idx.ID}
		} else {
			o.Indexes = []string{indexKey}
		}
		return nil
	})
}

// unloggedQuery lists the unlogged tables, and the unlogged sequences not
// owned by an unlogged table (those follow their table).
var unloggedQuery = `
SELECT format('%I.%I', n.nspname, x.relname), x.relkind = 'S', n.nspname || '.' || x.relname
FROM pg_class x JOIN pg_namespace n ON n.oid = x.relnamespace
WHERE x.relpersistence = 'u' AND x.relkind IN ('r', 'S')
  AND NOT (x.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d JOIN pg_class t ON t.oid = d.refobjid
    WHERE d.classid = 'pg_class'::regclass AND d.objid = x.oid AND d.refclassid = 'pg_class'::regclass
      AND d.deptype IN ('a', 'i') AND t.relpersistence = 'u'))
  AND ` + userObjects("pg_class", "x.relnamespace")

func (r *reader) unlogged(ctx context.Context, q Querier) error {
	return each(ctx, q, unloggedQuery, func(rows *sql.Rows) error {
		var (
			name, table string
			seq         bool
		)
		if err := rows.Scan(&name, &seq, &table); err != nil {
			return err
		}
		if !seq {
			r.setting(Unlogged, name, table, "ALTER TABLE "+name+" SET UNLOGGED", "ALTER TABLE "+name+" SET LOGGED")
			return nil
		}
		o := r.setting(Unlogged, name, "", "ALTER SEQUENCE "+name+" SET UNLOGGED", "ALTER SEQUENCE "+name+" SET LOGGED")
		if r.set[ID{Sequence, name}] != nil {
			o.Deps = []ID{{Sequence, name}}
		}
		return nil
	})
}

// OnIndexes returns the statements setting again the settings of desired
// that name one of indexes (a replica identity, a clustering): for a plan
// that rebuilds those indexes after its other statements, which leaves
// the rebuilt index unmarked.
func OnIndexes(desired Set, indexes map[string]bool) []Statement {
	var out []Statement
	for _, id := range desired.IDs() {
		o := desired[id]
		if id.Kind != ReplicaIdentity && id.Kind != Clustering {
			continue
		}
		if (TableImpact{Indexes: indexes}).hits(o) {
			out = append(out, stmt("Set again", id, o.Create))
		}
	}
	return out
}

// settingKinds are the kinds of settings.
var settingKinds = map[Kind]bool{RowSecurity: true, ColumnOptions: true, ReplicaIdentity: true, Clustering: true,
	Unlogged: true, SequenceOptions: true}

// settingVerb says what a setting's or a privilege's Create and Drop do:
// Set and Reset, Grant and Revoke.
func settingVerb(k Kind, verb string) string {
	words := map[string]string{}
	switch {
	case settingKinds[k]:
		words = map[string]string{"Create": "Set", "Drop": "Reset"}
	case k == Grant:
		words = map[string]string{"Create": "Grant", "Drop": "Revoke"}
	case k == Revoke:
		words = map[string]string{"Create": "Revoke", "Drop": "Grant back"}
	}
	if w, ok := words[verb]; ok {
		return w
	}
	return verb
}
