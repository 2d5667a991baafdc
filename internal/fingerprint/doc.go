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
// argument types, operators with their operand types, operator classes and
// families with their access method. The kinds and their attributes (an
// attribute in parentheses is only there when it is not the default):
//
//	schema             exists, (owner), (privileges), (comment)
//	collation          provider, locale, deterministic, (owner), (comment)
//	extension          schema, version, (comment)
//	table              persistence, (partition key), (partition of), (inherits),
//	                   (row-level security), (storage options), (access method), (of type),
//	                   (replica identity), (server), (foreign options), (owner), (privileges),
//	                   (comment); a foreign table is a table with a server
//	column             type, (collation), (not null), (default), (generated), (identity),
//	                   (storage), (compression), (statistics), (options), (foreign options),
//	                   (privileges), (comment)
//	constraint         definition, (comment)
//	index              definition, (partition of), (clustered), (statistics), (comment);
//	                   an index that backs a constraint has no definition
//	view, materialized view
//	                   definition, (options), (owner), (privileges), (comment)
//	sequence           type, start, increment, minvalue, maxvalue, cache, (cycle), (owned by),
//	                   (persistence), (owner), (privileges), (comment)
//	enum               values, in their order, (owner), (privileges), (comment)
//	domain             type, (collation), (default), (not null), (owner), (privileges), (comment)
//	type               attributes (a composite type), definition (a base type), shell (a
//	                   shell type), (owner), (privileges), (comment)
//	range              subtype, options, (owner), (privileges), (comment)
//	function, procedure, aggregate
//	                   definition, (owner), (privileges), (comment)
//	trigger            definition, (status), (comment)
//	policy             command, type, roles, (using), (with check), (comment)
//	rule               definition, (status), (comment)
//	statistics         definition, (statistics), (owner), (comment)
//	language           handler, (inline), (validator), (trusted), (owner), (privileges), (comment)
//	cast               method, context, (comment)
//	access method      type, handler, (comment)
//	transform          from sql, to sql, (comment)
//	conversion         definition, (owner), (comment)
//	operator           definition, (owner), (comment)
//	operator family    exists, (operators), (functions), (owner), (comment)
//	operator class     type, (default), family, (storage), (owner), (comment)
//	text search parser, text search template
//	                   functions, (comment)
//	text search dictionary
//	                   template, (options), (owner), (comment)
//	text search configuration
//	                   parser, (mapping), (owner), (comment)
//	foreign data wrapper
//	                   handler, validator, (options), (owner), (privileges), (comment)
//	server             wrapper, type, version, (options), (owner), (privileges), (comment)
//	user mapping       exists, (options)
//	event trigger      event, function, (tags), (status), (owner), (comment)
//	publication        publish, (all tables), (via partition root), (owner), (comment)
//	publication table  member, (columns), (where); named publication.table
//	publication schema member; named publication.schema
//	subscription       publications, enabled, options, (owner), (comment); not its
//	                   connection string, which only superusers may read
//	default privileges privileges; named "<role> [in schema <schema>] on <objects>"
//	extension member, system object
//	                   privileges: the privileges of an extension's member or a built-in
//	                   object when they are not the ones it was created with (pg_init_privs)
//	security label     label; named as pg_describe_object names the object, and the provider
//
// Privileges are each grantee's privileges, sorted ("(owner) SELECT, UPDATE;
// PUBLIC SELECT; app_read SELECT with grant option"), "none" when all are
// revoked, and no fact when they are the object's default (acldefault for
// its owner), however they got there: GRANT then REVOKE reads as never
// granted. A role is its name, the object's owner in its privileges is
// (owner), and the database's owner (or pg_database_owner) is
// (database owner); an owner is a fact only when it is not the database's
// owner. Option values of a user mapping, and of a server option whose name
// suggests a secret (password, passfile, a key, a token), are never in a
// fact: an md5 of the object, option and value stands for each, so that a
// change shows and the fingerprint can be printed.
//
// Left out: OIDs, column order, the names of identity sequences (their
// options are facts of the column), objects that belong to an extension
// (the extension is the fact) but for their privileges, the system schemas
// (pg_catalog, information_schema, pg_toast, pg_temp_*), RevisionsSchema
// and the schemas given to ExcludeSchemas; large objects (data, as for
// pg_dump --schema-only); what is cluster-wide (roles, tablespaces,
// databases) but a subscription of the database. A user mapping's options are read from
// pg_user_mappings, which shows them only to the server's owner and to
// superusers.
//
// Read never says two databases have the same schema on grounds it cannot
// see: after the facts it lists every object of a catalog of pg_catalog
// that has an oid column and that the fingerprint does not read (a
// PostgreSQL release newer than the one the list was written for may add
// one): rows numbered from 16384 (FirstNormalObjectId), not members of an
// extension, not internal parts of another object (an array type, a row
// type), outside the schemas left out. When there is any, Read returns an
// *UnclassifiedError naming them, and callers report "could not check".
//
// Read pins the session settings the deparsers depend on (search_path,
// DateStyle, IntervalStyle, TimeZone, extra_float_digits,
// quote_all_identifiers), so the text does not depend on the reading
// session.
package fingerprint
