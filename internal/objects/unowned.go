package objects

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// unownedSerialsQuery lists the sequences a column's default draws from
// under the name Atlas takes for a serial column's ("<table>_<column>_seq")
// but which the column does not own, as pg_dump writes a sequence created
// on its own: Atlas creates the column as serial, with an integer sequence
// the column owns, so the sequence's own type and options are set after.
// With the column's type and the largest value of each type.
var unownedSerialsQuery = `
SELECT format('%I.%I', sn.nspname, sc.relname), sc.relname, format('%I.%I.%I', tn.nspname, t.relname, a.attname),
       tn.nspname || '.' || t.relname, a.attname::text, pg_get_expr(ad.adbin, ad.adrelid),
       format_type(s.seqtypid, NULL), format_type(a.atttypid, NULL),
       s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle,
       CASE s.seqtypid WHEN 'int2'::regtype THEN 32767 WHEN 'int4'::regtype THEN 2147483647 ELSE 9223372036854775807 END,
       CASE a.atttypid WHEN 'int2'::regtype THEN 32767 WHEN 'int4'::regtype THEN 2147483647 ELSE 9223372036854775807 END
FROM pg_sequence s
JOIN pg_class sc ON sc.oid = s.seqrelid
JOIN pg_namespace sn ON sn.oid = sc.relnamespace
JOIN pg_depend u ON u.refclassid = 'pg_class'::regclass AND u.refobjid = sc.oid AND u.classid = 'pg_attrdef'::regclass AND u.deptype = 'n'
JOIN pg_attrdef ad ON ad.oid = u.objid
JOIN pg_class t ON t.oid = ad.adrelid
JOIN pg_namespace tn ON tn.oid = t.relnamespace
JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ad.adnum
WHERE a.atttypid IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype)
  AND NOT EXISTS (SELECT FROM pg_depend o WHERE o.classid = 'pg_class'::regclass AND o.objid = sc.oid
                  AND o.refclassid = 'pg_class'::regclass AND o.refobjsubid > 0 AND o.deptype IN ('a', 'i'))
  AND ` + strings.ReplaceAll(userObjects("pg_class", "sc.relnamespace"), "x.oid", "sc.oid")

func (r *reader) unownedSerials(ctx context.Context, q Querier) error {
	return each(ctx, q, unownedSerialsQuery, func(rows *sql.Rows) error {
		var (
			seq, seqName, column, tableKey, columnKey, def, seqType, colType string
			start, incr, min, max, cache, typMax, colMax                     int64
			cycle                                                            bool
		)
		if err := rows.Scan(&seq, &seqName, &column, &tableKey, &columnKey, &def, &seqType, &colType,
			&start, &incr, &min, &max, &cache, &cycle, &typMax, &colMax); err != nil {
			return err
		}
		if !serial(seqName, def) {
			return nil // a sequence of its own: read with the sequences
		}
		// What Atlas's serial column gives: a sequence of the column's
		// type, owned by it, with the defaults.
		var set, reset []string
		option := func(differs bool, to, back string) {
			if differs {
				set, reset = append(set, to), append(reset, back)
			}
		}
		option(seqType != colType, "AS "+seqType, "AS "+colType)
		option(incr != 1, fmt.Sprintf("INCREMENT BY %d", incr), "INCREMENT BY 1")
		option(min != 1, fmt.Sprintf("MINVALUE %d", min), "MINVALUE 1")
		option(max != typMax, fmt.Sprintf("MAXVALUE %d", max), fmt.Sprintf("MAXVALUE %d", colMax))
		option(start != 1, fmt.Sprintf("START WITH %d", start), "START WITH 1")
		option(cache != 1, fmt.Sprintf("CACHE %d", cache), "CACHE 1")
		option(cycle, "CYCLE", "NO CYCLE")
		option(true, "OWNED BY NONE", "OWNED BY "+column)
		r.tableSequence(seq, tableKey, columnKey,
			"ALTER SEQUENCE "+seq+" "+strings.Join(set, " "), "ALTER SEQUENCE "+seq+" "+strings.Join(reset, " "))
		return nil
	})
}
