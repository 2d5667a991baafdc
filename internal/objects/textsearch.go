package objects

import (
	"context"
	"database/sql"
	"strings"
)

// tsDictionariesQuery lists text search dictionaries with their template
// and options, as PostgreSQL keeps them.
var tsDictionariesQuery = `
SELECT x.oid::int8, format('%I.%I', n.nspname, x.dictname), format('%I.%I', tn.nspname, t.tmplname),
       COALESCE(x.dictinitoption, '')
FROM pg_ts_dict x
JOIN pg_namespace n ON n.oid = x.dictnamespace
JOIN pg_ts_template t ON t.oid = x.dicttemplate
JOIN pg_namespace tn ON tn.oid = t.tmplnamespace
WHERE ` + userObjects("pg_ts_dict", "x.dictnamespace")

func (r *reader) tsDictionaries(ctx context.Context, q Querier) error {
	return each(ctx, q, tsDictionariesQuery, func(rows *sql.Rows) error {
		var (
			oid            int64
			template, opts string
		)
		o := &Object{ID: ID{Kind: TextSearchDictionary}}
		if err := rows.Scan(&oid, &o.Name, &template, &opts); err != nil {
			return err
		}
		o.Create = "CREATE TEXT SEARCH DICTIONARY " + o.Name + " (template = " + template
		if opts != "" {
			o.Create += ", " + opts
		}
		o.Create += ")"
		o.Head = template
		alter := "ALTER TEXT SEARCH DICTIONARY " + o.Name + " ("
		for _, opt := range options(opts) {
			name, _, _ := strings.Cut(opt, " = ")
			o.Parts = append(o.Parts, Part{Key: "option " + name, Add: alter + opt + ")", Drop: alter + name + ")", Change: alter + opt + ")"})
		}
		o.Drop = "DROP TEXT SEARCH DICTIONARY IF EXISTS " + o.Name
		r.add(key{classTSDict, oid}, o)
		return nil
	})
}

// tsConfigurationsQuery lists text search configurations with their parser
// and, for each token type mapped, its dictionaries in order.
var tsConfigurationsQuery = `
SELECT x.oid::int8, format('%I.%I', n.nspname, x.cfgname), format('%I.%I', pn.nspname, p.prsname),
       COALESCE((SELECT json_agg(json_build_array(m.alias, m.dicts) ORDER BY m.tokid)
                 FROM (SELECT tt.tokid, tt.alias, string_agg(cm.mapdict::regdictionary::text, ', ' ORDER BY cm.mapseqno) AS dicts
                       FROM pg_ts_config_map cm
                       JOIN ts_token_type(x.cfgparser) tt ON tt.tokid = cm.maptokentype
                       WHERE cm.mapcfg = x.oid
                       GROUP BY tt.tokid, tt.alias) m), '[]')
FROM pg_ts_config x
JOIN pg_namespace n ON n.oid = x.cfgnamespace
JOIN pg_ts_parser p ON p.oid = x.cfgparser
JOIN pg_namespace pn ON pn.oid = p.prsnamespace
WHERE ` + userObjects("pg_ts_config", "x.cfgnamespace")

func (r *reader) tsConfigurations(ctx context.Context, q Querier) error {
	return each(ctx, q, tsConfigurationsQuery, func(rows *sql.Rows) error {
		var (
			oid              int64
			parser, mappings string
		)
		o := &Object{ID: ID{Kind: TextSearchConfiguration}}
		if err := rows.Scan(&oid, &o.Name, &parser, &mappings); err != nil {
			return err
		}
		var maps [][2]string // token type, dictionaries
		if err := jsonRows(mappings, &maps); err != nil {
			return err
		}
		o.Create = "CREATE TEXT SEARCH CONFIGURATION " + o.Name + " (parser = " + parser + ")"
		o.Head = parser
		alter := "ALTER TEXT SEARCH CONFIGURATION " + o.Name + " "
		// Token types mapped to the same dictionaries share one statement.
		var tokens []string
		byDicts := map[string][]string{}
		for _, m := range maps {
			tok, dicts := m[0], m[1]
			if byDicts[dicts] == nil {
				tokens = append(tokens, dicts)
			}
			byDicts[dicts] = append(byDicts[dicts], tok)
			o.Parts = append(o.Parts, Part{Key: "mapping for " + tok, Add: alter + "ADD MAPPING FOR " + tok + " WITH " + dicts,
				Drop: alter + "DROP MAPPING FOR " + tok, Change: alter + "ALTER MAPPING FOR " + tok + " WITH " + dicts})
		}
		for _, dicts := range tokens {
			o.Then = append(o.Then, alter+"ADD MAPPING FOR "+strings.Join(byDicts[dicts], ", ")+" WITH "+dicts)
		}
		o.Drop = "DROP TEXT SEARCH CONFIGURATION IF EXISTS " + o.Name
		r.add(key{classTSConfig, oid}, o)
		return nil
	})
}

// options splits a dictionary's options, "name = value, …" with values
// quoted as literals where needed, at the commas outside quotes.
func options(s string) []string {
	var (
		out    []string
		quoted bool
		start  int
	)
	for i, r := range s {
		switch {
		case r == '\'':
			quoted = !quoted // a doubled quote toggles twice
		case r == ',' && !quoted:
			out = append(out, strings.TrimSpace(s[start:i]))
			start = i + 1
		}
	}
	if rest := strings.TrimSpace(s[start:]); rest != "" {
		out = append(out, rest)
	}
	return out
}
