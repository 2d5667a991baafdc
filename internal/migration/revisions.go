package migration

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/schema"
	"github.com/jackc/pgerrcode"
	"github.com/jackc/pgx/v5/pgconn"
)

// The revisions table lives where the Atlas CLI keeps it for a database URL
// that names no schema, with the same columns, types and defaults, so either
// tool reads what the other wrote.
const (
	RevisionsSchema = "atlas_schema_revisions"
	RevisionsTable  = "atlas_schema_revisions"
)

// cloudIdentifier is a bookkeeping row the Atlas CLI may store in the table;
// it is not a migration and is never read as one.
const cloudIdentifier = ".atlas_cloud_identifier"

// revisionsIdent is the quoted, schema-qualified name of the table.
const revisionsIdent = `"` + RevisionsSchema + `"."` + RevisionsTable + `"`

const revisionsDDL = `CREATE SCHEMA IF NOT EXISTS "` + RevisionsSchema + `";
CREATE TABLE IF NOT EXISTS ` + revisionsIdent + ` (
  "version" character varying NOT NULL,
  "description" character varying NOT NULL,
  "type" bigint NOT NULL DEFAULT 2,
  "applied" bigint NOT NULL DEFAULT 0,
  "total" bigint NOT NULL DEFAULT 0,
  "executed_at" timestamptz NOT NULL,
  "execution_time" bigint NOT NULL,
  "error" text NULL,
  "error_stmt" text NULL,
  "hash" character varying NOT NULL,
  "partial_hashes" jsonb NULL,
  "operator_version" character varying NOT NULL,
  PRIMARY KEY ("version")
)`

const revisionColumns = `version, description, type, applied, total, executed_at,
execution_time, error, error_stmt, hash, partial_hashes, operator_version`

// Revisions stores migration revisions in the table RevisionsTable of
// schema RevisionsSchema. It implements
// migrate.RevisionReadWriter on any connection, transaction or pool.
type Revisions struct {
	q schema.ExecQuerier
	// last is the most recent revision written, so a caller that rolls a
	// failed file back can record what happened.
	last *migrate.Revision
}

var _ migrate.RevisionReadWriter = (*Revisions)(nil)

// NewRevisions returns a store that reads and writes through q.
func NewRevisions(q schema.ExecQuerier) *Revisions { return &Revisions{q: q} }

// Init creates the revisions schema and table when they do not exist.
func (r *Revisions) Init(ctx context.Context) error {
	if _, err := r.q.ExecContext(ctx, revisionsDDL); err != nil {
		return fmt.Errorf("creating revisions table: %w", err)
	}
	return nil
}

// Ident implements migrate.RevisionReadWriter.
func (r *Revisions) Ident() *migrate.TableIdent {
	return &migrate.TableIdent{Name: RevisionsTable, Schema: RevisionsSchema}
}

// ReadRevisions implements migrate.RevisionReadWriter. It returns the
// revisions ordered by version, and none when the table does not exist.
func (r *Revisions) ReadRevisions(ctx context.Context) ([]*migrate.Revision, error) {
	revs, _, err := r.read(ctx)
	return revs, err
}

// read returns the revisions and whether the table exists.
func (r *Revisions) read(ctx context.Context) ([]*migrate.Revision, bool, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT `+revisionColumns+`
FROM `+revisionsIdent+`
WHERE version <> $1 ORDER BY version`, cloudIdentifier)
	if err != nil {
		if missingTable(err) {
			return nil, false, nil
		}
		return nil, false, fmt.Errorf("reading revisions: %w", err)
	}
	defer rows.Close()
	var revs []*migrate.Revision
	for rows.Next() {
		rev, err := scanRevision(rows)
		if err != nil {
			return nil, false, err
		}
		revs = append(revs, rev)
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("reading revisions: %w", err)
	}
	return revs, true, nil
}

// ReadRevision implements migrate.RevisionReadWriter. It returns
// migrate.ErrRevisionNotExist when no row has the version.
func (r *Revisions) ReadRevision(ctx context.Context, version string) (*migrate.Revision, error) {
	if version == cloudIdentifier {
		return nil, migrate.ErrRevisionNotExist
	}
	rows, err := r.q.QueryContext(ctx, `SELECT `+revisionColumns+`
FROM `+revisionsIdent+` WHERE version = $1`, version)
	if err != nil {
		if missingTable(err) {
			return nil, migrate.ErrRevisionNotExist
		}
		return nil, fmt.Errorf("reading revision %s: %w", version, err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("reading revision %s: %w", version, err)
		}
		return nil, migrate.ErrRevisionNotExist
	}
	return scanRevision(rows)
}

// WriteRevision implements migrate.RevisionReadWriter: it inserts the
// revision or updates the row with its version. As in the Atlas CLI, the
// description and the start time of an existing row are kept.
func (r *Revisions) WriteRevision(ctx context.Context, rev *migrate.Revision) error {
	if rev.Version == cloudIdentifier {
		return errors.New("writing the revisions table identifier row is not allowed")
	}
	var partial sql.NullString
	if len(rev.PartialHashes) > 0 {
		b, err := json.Marshal(rev.PartialHashes)
		if err != nil {
			return fmt.Errorf("encoding partial hashes of %s: %w", rev.Version, err)
		}
		partial = sql.NullString{String: string(b), Valid: true}
	}
	_, err := r.q.ExecContext(ctx, `INSERT INTO `+revisionsIdent+`
(`+revisionColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12)
ON CONFLICT (version) DO UPDATE SET
type = EXCLUDED.type, applied = EXCLUDED.applied, total = EXCLUDED.total,
execution_time = EXCLUDED.execution_time, error = EXCLUDED.error,
error_stmt = EXCLUDED.error_stmt, hash = EXCLUDED.hash,
partial_hashes = EXCLUDED.partial_hashes, operator_version = EXCLUDED.operator_version`,
		rev.Version, rev.Description, int64(rev.Type), rev.Applied, rev.Total, rev.ExecutedAt,
		int64(rev.ExecutionTime), nullString(rev.Error), nullString(rev.ErrorStmt), rev.Hash,
		partial, rev.OperatorVersion)
	if err != nil {
		return fmt.Errorf("writing revision %s: %w", rev.Version, err)
	}
	r.last = rev
	return nil
}

// DeleteRevision implements migrate.RevisionReadWriter.
func (r *Revisions) DeleteRevision(ctx context.Context, version string) error {
	if version == cloudIdentifier {
		return errors.New("deleting the revisions table identifier row is not allowed")
	}
	if _, err := r.q.ExecContext(ctx, `DELETE FROM `+revisionsIdent+`
WHERE version = $1`, version); err != nil {
		return fmt.Errorf("deleting revision %s: %w", version, err)
	}
	return nil
}

// isApplied reports whether rev counts as applied: a baseline, or a file
// that ran whole without error.
func isApplied(rev *migrate.Revision) bool {
	return rev.Type == migrate.RevisionTypeBaseline || (rev.Applied == rev.Total && rev.Error == "")
}

func scanRevision(rows *sql.Rows) (*migrate.Revision, error) {
	var (
		rev            migrate.Revision
		typ, execTime  int64
		errText, errSt sql.NullString
		partial        []byte
	)
	if err := rows.Scan(&rev.Version, &rev.Description, &typ, &rev.Applied, &rev.Total,
		&rev.ExecutedAt, &execTime, &errText, &errSt, &rev.Hash, &partial, &rev.OperatorVersion); err != nil {
		return nil, fmt.Errorf("scanning revision: %w", err)
	}
	rev.Type = migrate.RevisionType(typ)
	rev.ExecutionTime = time.Duration(execTime)
	rev.Error, rev.ErrorStmt = errText.String, errSt.String
	if len(partial) > 0 {
		if err := json.Unmarshal(partial, &rev.PartialHashes); err != nil {
			return nil, fmt.Errorf("decoding partial hashes of %s: %w", rev.Version, err)
		}
	}
	return &rev, nil
}

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// missingTable reports whether err says the revisions table or its schema
// does not exist yet.
func missingTable(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == pgerrcode.UndefinedTable || pgErr.Code == pgerrcode.InvalidSchemaName)
}

// setExecutionTime records the time the file of version took.
func (r *Revisions) setExecutionTime(ctx context.Context, version string, took time.Duration) error {
	if _, err := r.q.ExecContext(ctx, `UPDATE `+revisionsIdent+`
SET execution_time = $1 WHERE version = $2`, int64(took), version); err != nil {
		return fmt.Errorf("recording execution time of %s: %w", version, err)
	}
	return nil
}
