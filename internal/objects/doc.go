// Package objects plans the schema objects Atlas's open-source engine does
// not: extensions, sequences, functions and procedures, views, materialized
// views and their indexes, triggers, row-level security policies, and the
// CHECK and FOREIGN KEY constraints Atlas cannot model (NOT VALID,
// DEFERRABLE, commented), with their comments; the table and column
// settings Atlas ignores (row-level security, column statistics, storage
// and compression, replica identity, CLUSTER ON, UNLOGGED, identity and
// serial sequence options), each an object whose Create sets it and whose
// Drop resets it to PostgreSQL's default; and privileges, as the
// difference between each ACL and its owner's default (acldefault), with
// default privileges (pg_default_acl).
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
//     first; then new extensions, sequences, and the functions tables use in
//     defaults, constraints or indexes;
//   - after the tables: sequence ownership, the other functions, views,
//     materialized views, their indexes and triggers in dependency order,
//     comments, and last the drops of removed functions, sequences and
//     extensions (IF EXISTS: a dropped schema or column may have taken
//     them along).
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
// What this package does not plan (rules, domains, aggregates, base and
// range types, foreign tables, owners…) its caller must refuse.
package objects
