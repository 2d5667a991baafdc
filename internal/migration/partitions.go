package migration

import (
	"context"
	"fmt"
	"strings"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"
	"github.com/jackc/pgx/v5"
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
// (partitionedIndex); those other changes keep their plain form. CHECK
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
// index is created on the parent (read from the desired schema), and
// attached to the parent's, which becomes valid with the last one. All go
// to the online file, after the transactional one has created the new
// partitions. It reports false, planning nothing, when a partition is
// itself partitioned (it cannot be built CONCURRENTLY either) or the
// desired schema does not name its index: the plain form is kept.
func (o *onliner) partitionedIndex(t *schema.Table, c *schema.AddIndex) (bool, error) {
	parts := o.parts.Partitions(tableKey(t))
	names := make([]string, len(parts))
	for i, p := range parts {
		names[i] = p.Partition.Indexes[c.I.Name]
		if p.Partition.Partitioned() || names[i] == "" {
			return false, nil
		}
	}
	var builds []*migrate.Change
	if err := o.plan(&builds, t, &schema.AddIndex{I: c.I, Extra: c.Extra}); err != nil {
		return false, err
	}
	on := " ON " + qualified(t) + " "
	if !strings.Contains(builds[0].Cmd, on) {
		return false, fmt.Errorf("index %s: no %q in %s", c.I.Name, on, builds[0].Cmd)
	}
	builds[0].Cmd = strings.Replace(builds[0].Cmd, on, " ON ONLY "+qualified(t)+" ", 1)
	builds[0].Comment = fmt.Sprintf("create index %q on the partitioned table alone (invalid until its partitions' indexes are attached)", c.I.Name)
	o.builds = append(o.builds, builds...)
	parent := pgx.Identifier{t.Schema.Name, c.I.Name}.Sanitize()
	for i, p := range parts {
		child := &schema.Table{Name: p.Partition.Table, Schema: &schema.Schema{Name: p.Partition.Schema}, Columns: t.Columns}
		idx := *c.I
		idx.Name, idx.Table, idx.Attrs = names[i], child, withoutComment(c.I.Attrs)
		if err := o.plan(&o.builds, child, &schema.AddIndex{I: &idx, Extra: concurrently(nil)}); err != nil {
			return false, err
		}
		o.attaches = append(o.attaches, &migrate.Change{
			Cmd:     fmt.Sprintf("ALTER INDEX %s ATTACH PARTITION %s", parent, pgx.Identifier{p.Partition.Schema, names[i]}.Sanitize()),
			Comment: fmt.Sprintf("attach index %q of partition %s to %q", names[i], p.Name, c.I.Name),
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

// partitionExtrasQuery lists what a partition holds of its own that the
// engine does not plan: constraints it does not inherit from its parent.
// (Its own indexes, triggers and comments are planned by package objects;
// what is inherited comes with the parent.)
const partitionExtrasQuery = `
SELECT format('constraint %I of partition %I.%I', co.conname, n.nspname, c.relname)
FROM pg_constraint co
JOIN pg_class c ON c.oid = co.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relispartition AND co.conislocal AND co.contype IN ('c', 'f', 'p', 'u')
  AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
ORDER BY 1`

// partitionExtras returns, as "kind name", what the partitions of the
// database at q hold of their own that the engine cannot carry.
func partitionExtras(ctx context.Context, q execQuerier) ([]string, error) {
	rows, err := q.QueryContext(ctx, partitionExtrasQuery)
	if err != nil {
		return nil, fmt.Errorf("listing partitions' own constraints: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("listing partitions' own constraints: %w", err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing partitions' own constraints: %w", err)
	}
	return out, nil
}
