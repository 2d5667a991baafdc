package objects

import (
	"context"
	"database/sql"
)

// PartitionConstraint is a constraint a partition holds of its own, not
// inherited from its parent: a foreign key of one partition, say (pg_dump
// writes them as ALTER TABLE ONLY partition ADD CONSTRAINT).
const PartitionConstraint Kind = "partition constraint"

// partitionConstraintsQuery lists the partitions' own CHECK, FOREIGN KEY,
// PRIMARY KEY and UNIQUE constraints, with the partition's oid and, for a
// foreign key, the table it references ("schema.table", unquoted).
var partitionConstraintsQuery = `
SELECT x.oid::int8, c.oid::int8, format('%I ON %I.%I', x.conname, n.nspname, c.relname), format('%I.%I', n.nspname, c.relname),
       quote_ident(x.conname), pg_get_constraintdef(x.oid),
       COALESCE((SELECT rn.nspname || '.' || r.relname FROM pg_class r JOIN pg_namespace rn ON rn.oid = r.relnamespace
                 WHERE r.oid = x.confrelid), '')
FROM pg_constraint x
JOIN pg_class c ON c.oid = x.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relispartition AND x.conislocal AND x.contype IN ('c', 'f', 'p', 'u')
  AND ` + userObjects("pg_constraint", "c.relnamespace")

func (r *reader) partitionConstraints(ctx context.Context, q Querier) error {
	return each(ctx, q, partitionConstraintsQuery, func(rows *sql.Rows) error {
		var (
			oid, table                 int64
			partition, name, def, refs string
		)
		o := &Object{ID: ID{Kind: PartitionConstraint}}
		if err := rows.Scan(&oid, &table, &o.Name, &partition, &name, &def, &refs); err != nil {
			return err
		}
		if p := r.byKey[key{classClass, table}]; p != nil {
			o.Deps = []ID{p.ID}
		}
		if refs != "" { // dropped before a change to the table it references
			o.Tables = []string{refs}
		}
		o.Create = "ALTER TABLE " + partition + " ADD CONSTRAINT " + name + " " + def
		o.Drop = "ALTER TABLE " + partition + " DROP CONSTRAINT IF EXISTS " + name
		r.add(key{classConstraint, oid}, o)
		return nil
	})
}
