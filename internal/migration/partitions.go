package migration

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"
	"github.com/jackc/pgx/v5"

	"github.com/versiona/versiona/internal/objects"
)

// isPartitioned reports whether t is a partitioned table.
func isPartitioned(t *schema.Table) bool {
	for _, a := range t.Attrs {
		if _, ok := a.(*postgres.Partition); ok {
			return true
		}
	}
	return false
}

// partitionedTable rewrites a change to an existing partitioned table t,
// where PostgreSQL 15 refuses most online forms: an index cannot be built
// or dropped CONCURRENTLY on it, a foreign key cannot be added NOT VALID,
// nor a constraint USING INDEX. A new plain index is built per partition
// (partitionedIndex); those other changes keep their plain form, which
// blocks writes to the table while it runs. CHECK
// constraints and NOT NULL keep the online form, which works on a
// partitioned table. It reports whether it handled c.
func (o *onliner) partitionedTable(t *schema.Table, c schema.Change, kept []schema.Change) ([]schema.Change, bool, error) {
	switch c := c.(type) {
	case *schema.AddIndex:
		if conType(c.I) == "" {
			built, err := o.partitionedIndex(t, c)
			if err != nil || built {
				return kept, true, err
			}
		}
		return append(kept, c), true, nil
	case *schema.DropIndex, *schema.ModifyIndex, *schema.AddPrimaryKey, *schema.AddForeignKey, *schema.ModifyForeignKey:
		return append(kept, c), true, nil
	}
	return kept, false, nil
}

// partitionedIndex builds the index of c on the partitioned table t
// without blocking writes: the index is created on the parent alone (ON
// ONLY, invalid until every partition has its index), each partition's
// index is built CONCURRENTLY under the name PostgreSQL gives it when the
// index is created on the parent (read from the desired schema), the same
// way down a sub-partitioned partition, and attached to its parent's
// index, which becomes valid with the last one. All go to the online file,
// after the transactional one has created the new partitions. It reports
// false, planning nothing, when the desired schema does not name the
// index of a partition: the plain form is kept.
func (o *onliner) partitionedIndex(t *schema.Table, c *schema.AddIndex) (bool, error) {
	var builds, attaches []*migrate.Change
	ok, err := o.indexTree(&builds, &attaches, t, c.I, c.Extra, o.parts.Partitions(tableKey(t)))
	if ok && err == nil {
		o.builds = append(o.builds, builds...)
		o.attaches = append(o.attaches, attaches...)
	}
	return ok, err
}

// indexTree plans idx ON ONLY the partitioned table t, then on each of
// its partitions parts, and the attachment of their indexes to idx,
// deepest first.
func (o *onliner) indexTree(builds, attaches *[]*migrate.Change, t *schema.Table, idx *schema.Index, extra []schema.Clause, parts []*objects.Object) (bool, error) {
	var only []*migrate.Change
	if err := o.plan(&only, t, &schema.AddIndex{I: idx, Extra: extra}); err != nil {
		return false, err
	}
	on := " ON " + qualified(t) + " "
	if !strings.Contains(only[0].Cmd, on) {
		return false, fmt.Errorf("index %s: no %q in %s", idx.Name, on, only[0].Cmd)
	}
	only[0].Cmd = strings.Replace(only[0].Cmd, on, " ON ONLY "+qualified(t)+" ", 1)
	only[0].Comment = fmt.Sprintf("create index %q on partitioned table %q alone (invalid until its partitions' indexes are attached)", idx.Name, t.Name)
	*builds = append(*builds, only...)
	parent := pgx.Identifier{t.Schema.Name, idx.Name}.Sanitize()
	for _, p := range parts {
		name := p.Partition.Indexes[idx.Name]
		if name == "" {
			return false, nil
		}
		child := &schema.Table{Name: p.Partition.Table, Schema: &schema.Schema{Name: p.Partition.Schema}, Columns: t.Columns}
		cidx := *idx
		cidx.Name, cidx.Table, cidx.Attrs = name, child, withoutComment(idx.Attrs)
		if p.Partition.Partitioned() {
			if ok, err := o.indexTree(builds, attaches, child, &cidx, nil, o.parts.Children(p.Name)); !ok || err != nil {
				return ok, err
			}
		} else if err := o.plan(builds, child, &schema.AddIndex{I: &cidx, Extra: concurrently(nil)}); err != nil {
			return false, err
		}
		*attaches = append(*attaches, &migrate.Change{
			Cmd:     fmt.Sprintf("ALTER INDEX %s ATTACH PARTITION %s", parent, pgx.Identifier{p.Partition.Schema, name}.Sanitize()),
			Comment: fmt.Sprintf("attach index %q of partition %s to %q", name, p.Name, idx.Name),
		})
	}
	return true, nil
}

// withoutComment returns attrs without a comment: a partition's index does
// not take the comment of the parent's.
func withoutComment(attrs []schema.Attr) []schema.Attr {
	var out []schema.Attr
	for _, a := range attrs {
		if _, ok := a.(*schema.Comment); !ok {
			out = append(out, a)
		}
	}
	return out
}

// partitionsNow lists the partitions of the database at q, unquoted
// "schema.table", for lint: Atlas's inspection leaves them out, so its
// analyzers would not see one dropped with its rows.
const partitionsNow = `
SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relispartition AND c.relkind IN ('r', 'p') AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'`

// partitionTables returns the partitions of the database at q as tables.
func partitionTables(ctx context.Context, q execQuerier) (map[string]*schema.Table, error) {
	rows, err := q.QueryContext(ctx, partitionsNow)
	if err != nil {
		return nil, fmt.Errorf("listing partitions: %w", err)
	}
	defer rows.Close()
	out := map[string]*schema.Table{}
	for rows.Next() {
		var s, t string
		if err := rows.Scan(&s, &t); err != nil {
			return nil, fmt.Errorf("listing partitions: %w", err)
		}
		out[s+"."+t] = &schema.Table{Name: t, Schema: &schema.Schema{Name: s}}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing partitions: %w", err)
	}
	return out, nil
}

// partitionChanges returns the partitions a statement created and
// dropped, from the partitions before and after it, as table changes for
// the analyzers: a partition dropped with its rows is a dropped table.
func partitionChanges(before, after map[string]*schema.Table) []schema.Change {
	var changes []schema.Change
	for _, k := range slices.Sorted(maps.Keys(before)) {
		if after[k] == nil {
			changes = append(changes, &schema.DropTable{T: before[k]})
		}
	}
	for _, k := range slices.Sorted(maps.Keys(after)) {
		if before[k] == nil {
			changes = append(changes, &schema.AddTable{T: after[k]})
		}
	}
	return changes
}
