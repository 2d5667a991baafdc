package objects

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// SequenceOptions are the options of an identity or serial column's
// sequence that Atlas's engine does not carry: for an identity, MINVALUE,
// MAXVALUE, CACHE and CYCLE (Atlas plans START and INCREMENT); for a
// serial column, whose sequence Atlas creates with the defaults, every
// option that is not a default. Its Create sets them, its Drop resets
// them; the sequence's position is left where it is.
const SequenceOptions Kind = "sequence options"

// tableSequencesQuery lists the sequences of identity columns and those
// owned by a column, with the column's default and the sequence's type's
// largest value.
var tableSequencesQuery = `
SELECT format('%I.%I', sn.nspname, sc.relname), sc.relname, d.deptype = 'i',
       format('%I.%I', tn.nspname, t.relname), quote_ident(a.attname), tn.nspname || '.' || t.relname, a.attname::text,
       COALESCE(pg_get_expr(ad.adbin, ad.adrelid), ''),
       s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle,
       CASE s.seqtypid WHEN 'int2'::regtype THEN 32767 WHEN 'int4'::regtype THEN 2147483647 ELSE 9223372036854775807 END
FROM pg_sequence s
JOIN pg_class sc ON sc.oid = s.seqrelid
JOIN pg_namespace sn ON sn.oid = sc.relnamespace
JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = sc.oid AND d.refclassid = 'pg_class'::regclass
  AND d.refobjsubid > 0 AND d.deptype IN ('a', 'i')
JOIN pg_class t ON t.oid = d.refobjid
JOIN pg_namespace tn ON tn.oid = t.relnamespace
JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
LEFT JOIN pg_attrdef ad ON ad.adrelid = t.oid AND ad.adnum = a.attnum
WHERE ` + strings.ReplaceAll(userObjects("pg_class", "sc.relnamespace"), "x.oid", "sc.oid")

func (r *reader) sequenceOptions(ctx context.Context, q Querier) error {
	return each(ctx, q, tableSequencesQuery, func(rows *sql.Rows) error {
		var (
			seq, seqName, table, column, tableKey, columnKey, def string
			identity, cycle                                       bool
			start, incr, min, max, cache, typMax                  int64
		)
		if err := rows.Scan(&seq, &seqName, &identity, &table, &column, &tableKey, &columnKey, &def,
			&start, &incr, &min, &max, &cache, &cycle, &typMax); err != nil {
			return err
		}
		var set, reset []string
		option := func(differs bool, to, back string) {
			if differs {
				set, reset = append(set, to), append(reset, back)
			}
		}
		if identity {
			defMin, defMax := int64(1), typMax
			if incr < 0 {
				defMin, defMax = -typMax-1, -1
			}
			option(min != defMin, fmt.Sprintf("SET MINVALUE %d", min), "SET NO MINVALUE")
			option(max != defMax, fmt.Sprintf("SET MAXVALUE %d", max), "SET NO MAXVALUE")
			option(cache != 1, fmt.Sprintf("SET CACHE %d", cache), "SET CACHE 1")
			option(cycle, "SET CYCLE", "SET NO CYCLE")
			if len(set) > 0 {
				alter := "ALTER TABLE " + table + " ALTER COLUMN " + column + " "
				r.tableSequence(table+"."+column, tableKey, columnKey,
					alter+strings.Join(set, " "), alter+strings.Join(reset, " "))
			}
			return nil
		}
		if !serial(seqName, def) {
			return nil // a sequence of its own: read with the sequences
		}
		option(incr != 1, fmt.Sprintf("INCREMENT BY %d", incr), "INCREMENT BY 1")
		option(min != 1, fmt.Sprintf("MINVALUE %d", min), "MINVALUE 1")
		option(max != typMax, fmt.Sprintf("MAXVALUE %d", max), fmt.Sprintf("MAXVALUE %d", typMax))
		option(start != 1, fmt.Sprintf("START WITH %d", start), "START WITH 1")
		option(cache != 1, fmt.Sprintf("CACHE %d", cache), "CACHE 1")
		option(cycle, "CYCLE", "NO CYCLE")
		if len(set) > 0 {
			r.tableSequence(seq, tableKey, columnKey,
				"ALTER SEQUENCE "+seq+" "+strings.Join(set, " "), "ALTER SEQUENCE "+seq+" "+strings.Join(reset, " "))
		}
		return nil
	})
}

// tableSequence adds the SequenceOptions object name of the sequence of
// column (unquoted) of table (unquoted "schema.table").
func (r *reader) tableSequence(name, table, column, create, drop string) {
	o := r.setting(SequenceOptions, name, table, create, drop)
	o.Columns = []string{table + "." + column}
}
