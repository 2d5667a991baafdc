// Package fingerprint describes a PostgreSQL database's schema as a sorted
// list of facts, one per line, read from pg_catalog with PostgreSQL's own
// deparsers (format_type, pg_get_expr, pg_get_constraintdef,
// pg_get_indexdef, pg_get_viewdef, pg_get_functiondef, pg_get_triggerdef,
// pg_get_partkeydef, pg_get_ruledef, pg_get_statisticsobjdef). Two
// databases have the same schema when their fingerprints are equal; Diff
// names each fact that differs, and Difference.Describe says it in plain
// words. The package depends on database/sql only.
//
// A fact reads "<kind> <name>: <attribute> <value>":
//
//	column public.comentario.texto: type character varying(200)
//	column public.usuarios.id: identity always, start 1, increment 1, minvalue 1, maxvalue 9223372036854775807, cache 1
//	constraint public.turmas.turmas_vagas_positivas: definition CHECK ((vagas > 0))
//
// Names are schema-qualified and quoted as PostgreSQL quotes identifiers;
// columns, constraints, triggers, policies and rules are named after their
// table (domain constraints after their domain), functions with their
// argument types. The kinds and their attributes (an attribute in
// parentheses is only there when it is not the default):
//
//	schema             exists, (comment)
//	collation          provider, locale, deterministic, (comment)
//	extension          schema, version, (comment)
//	table              persistence, (partition key), (partition of), (inherits),
//	                   (row-level security), (storage options), (access method), (comment)
//	column             type, (collation), (not null), (default), (generated), (identity), (comment)
//	constraint         definition, (comment)
//	index              definition, (partition of), (comment); an index that backs a constraint
//	                   has no definition
//	view, materialized view
//	                   definition, (options), (comment)
//	sequence           type, start, increment, minvalue, maxvalue, cache, (cycle), (owned by), (comment)
//	enum               values, in their order
//	domain             type, (collation), (default), (not null), (comment)
//	type               attributes (a composite type), (comment)
//	range              subtype, (comment)
//	function, procedure, aggregate
//	                   definition, (comment)
//	trigger            definition, (status), (comment)
//	policy             command, type, roles, (using), (with check), (comment)
//	rule, statistics   definition, (comment)
//
// Left out: ownership, privileges, OIDs, column order, the names of
// identity sequences (their options are facts of the column), objects that
// belong to an extension (the extension is the fact), the system schemas
// (pg_catalog, information_schema, pg_toast, pg_temp_*), RevisionsSchema
// and the schemas given to ExcludeSchemas. Not read yet: operators, casts,
// text search objects, event triggers, publications, foreign servers,
// column storage and statistics targets. Read pins the session settings
// the deparsers depend on (search_path, DateStyle, IntervalStyle, TimeZone,
// extra_float_digits, quote_all_identifiers), so the text does not depend
// on the reading session.
package fingerprint
