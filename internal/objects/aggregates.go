package objects

import (
	"context"
	"database/sql"
)

// aggregatesQuery lists aggregates with their signature and the options
// CREATE AGGREGATE takes, those at their default left out. Function names
// are resolved by their argument types, so a name is enough.
var aggregatesQuery = `
SELECT x.oid::int8, format('%I.%I', n.nspname, x.proname), COALESCE(NULLIF(pg_get_function_identity_arguments(x.oid), ''), '*'),
       COALESCE(NULLIF(pg_get_function_arguments(x.oid), ''), '*'), concat_ws(', ',
         'sfunc = ' || a.aggtransfn::regproc::text,
         'stype = ' || format_type(a.aggtranstype, NULL),
         CASE WHEN a.aggtransspace <> 0 THEN 'sspace = ' || a.aggtransspace END,
         CASE WHEN a.aggfinalfn <> 0 THEN 'finalfunc = ' || a.aggfinalfn::regproc::text END,
         CASE WHEN a.aggfinalextra THEN 'finalfunc_extra' END,
         CASE WHEN a.aggfinalfn <> 0 THEN 'finalfunc_modify = ' ||
           CASE a.aggfinalmodify WHEN 'r' THEN 'read_only' WHEN 's' THEN 'shareable' ELSE 'read_write' END END,
         CASE WHEN a.aggcombinefn <> 0 THEN 'combinefunc = ' || a.aggcombinefn::regproc::text END,
         CASE WHEN a.aggserialfn <> 0 THEN 'serialfunc = ' || a.aggserialfn::regproc::text END,
         CASE WHEN a.aggdeserialfn <> 0 THEN 'deserialfunc = ' || a.aggdeserialfn::regproc::text END,
         CASE WHEN a.agginitval IS NOT NULL THEN 'initcond = ' || quote_literal(a.agginitval) END,
         CASE WHEN a.aggmtransfn <> 0 THEN 'msfunc = ' || a.aggmtransfn::regproc::text END,
         CASE WHEN a.aggminvtransfn <> 0 THEN 'minvfunc = ' || a.aggminvtransfn::regproc::text END,
         CASE WHEN a.aggmtranstype <> 0 THEN 'mstype = ' || format_type(a.aggmtranstype, NULL) END,
         CASE WHEN a.aggmtransspace <> 0 THEN 'msspace = ' || a.aggmtransspace END,
         CASE WHEN a.aggmfinalfn <> 0 THEN 'mfinalfunc = ' || a.aggmfinalfn::regproc::text END,
         CASE WHEN a.aggmfinalextra THEN 'mfinalfunc_extra' END,
         CASE WHEN a.aggmfinalfn <> 0 THEN 'mfinalfunc_modify = ' ||
           CASE a.aggmfinalmodify WHEN 'r' THEN 'read_only' WHEN 's' THEN 'shareable' ELSE 'read_write' END END,
         CASE WHEN a.aggminitval IS NOT NULL THEN 'minitcond = ' || quote_literal(a.aggminitval) END,
         CASE WHEN a.aggsortop <> 0 THEN (SELECT format('sortop = OPERATOR(%I.%s)', opn.nspname, op.oprname)
           FROM pg_operator op JOIN pg_namespace opn ON opn.oid = op.oprnamespace WHERE op.oid = a.aggsortop) END,
         CASE x.proparallel WHEN 's' THEN 'parallel = safe' WHEN 'r' THEN 'parallel = restricted' END,
         CASE WHEN a.aggkind = 'h' THEN 'hypothetical' END)
FROM pg_proc x
JOIN pg_namespace n ON n.oid = x.pronamespace
JOIN pg_aggregate a ON a.aggfnoid = x.oid
WHERE x.prokind = 'a' AND ` + userObjects("pg_proc", "x.pronamespace")

func (r *reader) aggregates(ctx context.Context, q Querier) error {
	return each(ctx, q, aggregatesQuery, func(rows *sql.Rows) error {
		var (
			oid                     int64
			name, ident, args, opts string
		)
		o := &Object{ID: ID{Kind: Aggregate}}
		if err := rows.Scan(&oid, &name, &ident, &args, &opts); err != nil {
			return err
		}
		o.Name = name + "(" + ident + ")"
		o.Create = "CREATE AGGREGATE " + name + "(" + args + ") (" + opts + ")"
		o.Drop = "DROP AGGREGATE IF EXISTS " + o.Name
		r.add(key{classProc, oid}, o)
		return nil
	})
}

// castsQuery lists the casts defined by users, named by their types.
var castsQuery = `
SELECT x.oid::int8, format('(%s AS %s)', format_type(x.castsource, NULL), format_type(x.casttarget, NULL)),
       CASE x.castmethod WHEN 'f' THEN 'WITH FUNCTION ' || x.castfunc::regprocedure::text
                         WHEN 'i' THEN 'WITH INOUT' ELSE 'WITHOUT FUNCTION' END
       || CASE x.castcontext WHEN 'a' THEN ' AS ASSIGNMENT' WHEN 'i' THEN ' AS IMPLICIT' ELSE '' END
FROM pg_cast x
WHERE x.oid >= 16384 AND ` + notInternal("pg_cast") + `
  AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_cast'::regclass AND e.objid = x.oid AND e.deptype = 'e')`

func (r *reader) casts(ctx context.Context, q Querier) error {
	return each(ctx, q, castsQuery, func(rows *sql.Rows) error {
		var (
			oid int64
			how string
		)
		o := &Object{ID: ID{Kind: Cast}}
		if err := rows.Scan(&oid, &o.Name, &how); err != nil {
			return err
		}
		o.Create = "CREATE CAST " + o.Name + " " + how
		o.Drop = "DROP CAST IF EXISTS " + o.Name
		r.add(key{classCast, oid}, o)
		return nil
	})
}
