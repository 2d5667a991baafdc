// Package objects plans the schema objects Atlas's open-source engine does
// not: extensions, sequences, functions and procedures, views, materialized
// views and their indexes, and triggers; collations, domains, composite and
// range types, text search dictionaries and configurations, aggregates,
// casts, event triggers and publications; table partitions and their own
// constraints; row-level security policies, and the CHECK and FOREIGN KEY
// constraints Atlas cannot model (NOT VALID, DEFERRABLE, commented); with
// their comments. Also the table and column settings Atlas ignores
// (row-level security, column statistics, storage and compression, replica
// identity, CLUSTER ON, UNLOGGED, identity and serial sequence options),
// each an object whose Create sets it and whose Drop resets it to
// PostgreSQL's default; and privileges, as the difference between each ACL
// and its owner's default (acldefault), with default privileges
// (pg_default_acl).
//
// Read takes them from a database's catalog, each with the CREATE statement
// PostgreSQL's own deparsers give (pg_get_viewdef, pg_get_functiondef,
// pg_get_triggerdef, pg_get_indexdef) and its dependencies from pg_depend.
// Plan compares two such sets and returns the statements that lead from one
// to the other, split around the table changes another planner makes:
//
//   - before the tables: drops of removed and changed views, materialized
//     views, indexes and triggers, and of every object depending on a table
//     or column the table changes drop or alter (TableImpact), dependents
//     first; then new extensions, sequences, collations, domains,
//     composite and range types and text search objects (tables use them),
//     created or altered in place (ALTER DOMAIN, ALTER TYPE … ATTRIBUTE,
//     ALTER TEXT SEARCH CONFIGURATION … MAPPING), and the functions tables
//     or those types use in defaults, constraints or indexes; removed and
//     changed publications are dropped here too;
//   - after the tables: sequence ownership, the other functions,
//     aggregates, casts, views, materialized views, their indexes and
//     triggers, event triggers and publications in dependency order,
//     comments, and last the drops of the other removed objects (IF
//     EXISTS: a dropped schema or column may have taken them along).
//
// Check refuses what cannot change while table columns use it: a type,
// collation or text search object that must be dropped and created again,
// or a composite type's attribute whose type changes.
//
// Table partitions are planned here too (Atlas plans the partitioned
// tables, not their partitions): CREATE TABLE … PARTITION OF with the bound
// pg_get_expr prints, and the partition's own PARTITION BY; their own
// indexes and comments. They are created after the tables and dropped
// before them (a dropped parent takes its partitions along). A changed
// bound detaches the partition and attaches it again, rows kept; a changed
// parent or partition key drops and creates it (Emptied names those). On
// the tables that exist before the plan, PlanOnline creates the new
// partitions as a table LIKE the parent, then ATTACH PARTITION, which lets
// the parent's readers and writers through; changes a range or list bound
// through a CHECK of the new bound validated beforehand, so that ATTACH
// scans nothing; and builds a partition's own new index CONCURRENTLY. The
// statements to run outside the transaction come apart (later).
//
// Function bodies are not tracked by PostgreSQL (except SQL-standard
// BEGIN ATOMIC bodies), so functions come before the views and triggers
// that may call them. Definitions are read with an empty search_path, so
// every name in them is schema-qualified and they replay the same anywhere.
//
// A removed or changed policy, constraint, setting or privilege is dropped
// or reset before the table changes, and a new or changed one created or
// set after them, when its table exists; so is one over a table, column or
// index the table changes drop, retype or rebuild. A policy whose command
// and type stay is changed by ALTER POLICY, a grantee's privileges by
// revoking and granting only the difference.
//
// What this package does not plan (rules, base types, operators, window
// functions, foreign tables, owners…) its caller must refuse.
package objects
