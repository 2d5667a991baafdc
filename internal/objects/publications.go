package objects

import (
	"context"
	"database/sql"
	"strings"
)

// eventTriggersQuery lists event triggers with their event, tags, function
// and whether they fire.
var eventTriggersQuery = `
SELECT x.oid::int8, quote_ident(x.evtname), x.evtevent,
       COALESCE((SELECT string_agg(quote_literal(t), ', ' ORDER BY t) FROM unnest(x.evttags) t), ''),
       x.evtfoid::regproc::text, x.evtenabled
FROM pg_event_trigger x
WHERE NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_event_trigger'::regclass AND e.objid = x.oid AND e.deptype = 'e')`

func (r *reader) eventTriggers(ctx context.Context, q Querier) error {
	return each(ctx, q, eventTriggersQuery, func(rows *sql.Rows) error {
		var (
			oid                      int64
			event, tags, fn, enabled string
		)
		o := &Object{ID: ID{Kind: EventTrigger}}
		if err := rows.Scan(&oid, &o.Name, &event, &tags, &fn, &enabled); err != nil {
			return err
		}
		o.Create = "CREATE EVENT TRIGGER " + o.Name + " ON " + event
		if tags != "" {
			o.Create += " WHEN TAG IN (" + tags + ")"
		}
		o.Create += " EXECUTE FUNCTION " + fn + "()"
		o.Head = o.Create
		alter := "ALTER EVENT TRIGGER " + o.Name + " "
		if state := map[string]string{"D": "DISABLE", "R": "ENABLE REPLICA", "A": "ENABLE ALWAYS"}[enabled]; state != "" {
			o.Then = []string{alter + state}
			o.Parts = []Part{{Key: "state", Add: alter + state, Drop: alter + "ENABLE", Change: alter + state}}
		}
		o.Drop = "DROP EVENT TRIGGER IF EXISTS " + o.Name
		r.add(key{classEventTrig, oid}, o)
		return nil
	})
}

// publicationsQuery lists publications with what they publish: all tables,
// or tables (with their column lists and row filters) and schemas; and
// their options.
var publicationsQuery = `
SELECT x.oid::int8, quote_ident(x.pubname), x.puballtables,
       COALESCE((SELECT string_agg(format('%I.%I', tn.nspname, t.relname)
                   || COALESCE(' (' || (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)
                                        FROM pg_attribute a WHERE a.attrelid = t.oid AND a.attnum = ANY (pr.prattrs)) || ')', '')
                   || COALESCE(' WHERE (' || pg_get_expr(pr.prqual, pr.prrelid) || ')', ''), ', ' ORDER BY tn.nspname, t.relname)
                 FROM pg_publication_rel pr JOIN pg_class t ON t.oid = pr.prrelid JOIN pg_namespace tn ON tn.oid = t.relnamespace
                 WHERE pr.prpubid = x.oid), ''),
       COALESCE((SELECT string_agg(quote_ident(sn.nspname), ', ' ORDER BY sn.nspname)
                 FROM pg_publication_namespace ps JOIN pg_namespace sn ON sn.oid = ps.pnnspid
                 WHERE ps.pnpubid = x.oid), ''),
       concat_ws(', ', CASE WHEN x.pubinsert THEN 'insert' END, CASE WHEN x.pubupdate THEN 'update' END,
                 CASE WHEN x.pubdelete THEN 'delete' END, CASE WHEN x.pubtruncate THEN 'truncate' END),
       x.pubviaroot
FROM pg_publication x`

func (r *reader) publications(ctx context.Context, q Querier) error {
	return each(ctx, q, publicationsQuery, func(rows *sql.Rows) error {
		var (
			oid                     int64
			all, viaRoot            bool
			tables, schemas, events string
		)
		o := &Object{ID: ID{Kind: Publication}}
		if err := rows.Scan(&oid, &o.Name, &all, &tables, &schemas, &events, &viaRoot); err != nil {
			return err
		}
		var what []string
		if all {
			what = append(what, "ALL TABLES")
		}
		if tables != "" {
			what = append(what, "TABLE "+tables)
		}
		if schemas != "" {
			what = append(what, "TABLES IN SCHEMA "+schemas)
		}
		o.Create = "CREATE PUBLICATION " + o.Name
		if len(what) > 0 {
			o.Create += " FOR " + strings.Join(what, ", ")
		}
		o.Create += " WITH (publish = " + quote(events)
		if viaRoot {
			o.Create += ", publish_via_partition_root = true"
		}
		o.Create += ")"
		o.Drop = "DROP PUBLICATION IF EXISTS " + o.Name
		r.add(key{classPublication, oid}, o)
		return nil
	})
}
