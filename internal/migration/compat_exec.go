package migration

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// runner executes queries the way a release runs them: as named prepared
// statements on one connection of its own (pgx caches its statements so),
// each inside a transaction that is rolled back, with sample values for
// the parameters.
type runner struct {
	conn *pgx.Conn
	// samples holds a parameter's sample text by type oid; nil is NULL.
	samples map[uint32]*string
	// seed inserts one row of sample values into each table, built for
	// the schema as it is now (see reseed).
	seed []seedRow
	// blocks caches the DO block that seeds every table but one (the key).
	blocks map[string]string
	// open is set while exec's transaction, seeded for openTarget, is.
	open       bool
	openTarget string
}

// sampleText is the sample of a text-like value: long enough for the
// usual length checks, short enough for varchar(20), and an address for
// e-mail checks.
const sampleText = "sample@example.com"

// sample returns the sample value's text of type oid, nil for NULL when
// no sample fits. The same values go to the old schema and the new one.
func (r *runner) sample(ctx context.Context, oid uint32) (*string, error) {
	if v, ok := r.samples[oid]; ok {
		return v, nil
	}
	var typtype, category, name, label string
	var base uint32
	err := r.conn.QueryRow(ctx, `SELECT t.typtype::text, t.typcategory::text, t.typname::text, t.typbasetype,
	coalesce((SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder LIMIT 1), '')
FROM pg_type t WHERE t.oid = $1`, oid).Scan(&typtype, &category, &name, &base, &label)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("reading type %d: %w", oid, err)
	}
	text := func(s string) *string { return &s }
	var v *string
	switch {
	case err != nil:
	case typtype == "d":
		if v, err = r.sample(ctx, base); err != nil {
			return nil, err
		}
	case typtype == "e":
		v = text(label)
	case category == "A":
		v = text("{}")
	case category == "N":
		v = text("1")
	case category == "S":
		v = text(sampleText)
	case category == "B":
		v = text("true")
	case name == "date":
		v = text("2026-01-01")
	case name == "time" || name == "timetz":
		v = text("12:00:00")
	case category == "D":
		v = text("2026-01-01 12:00:00")
	case category == "T":
		v = text("1 day")
	case category == "I":
		v = text("127.0.0.1")
	case category == "R":
		v = text("empty")
	case name == "uuid":
		v = text("00000000-0000-4000-8000-000000000001")
	case name == "json" || name == "jsonb":
		v = text("{}")
	case name == "bytea":
		v = text(`\x00`)
	}
	if r.samples == nil {
		r.samples = map[uint32]*string{}
	}
	r.samples[oid] = v
	return v, nil
}

// values returns the sample values of parameters of the given types.
func (r *runner) values(ctx context.Context, oids []uint32) ([][]byte, error) {
	out := make([][]byte, len(oids))
	for i, oid := range oids {
		v, err := r.sample(ctx, oid)
		if err != nil {
			return nil, err
		}
		if v != nil {
			out[i] = []byte(*v)
		}
	}
	return out, nil
}

// seedRow is the INSERT of a table's sample row.
type seedRow struct{ table, sql string }

// reseed builds the statements that insert one row of samples into each
// table of the schema as it is now, so that an UPDATE or a DELETE whose
// key is a sample finds a row.
func (r *runner) reseed(ctx context.Context) error {
	if err := r.close(ctx); err != nil {
		return err
	}
	rows, err := r.conn.Query(ctx, `SELECT c.oid::regclass::text, a.attname::text, a.atttypid, format_type(a.atttypid, a.atttypmod)
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast', 'atlas_schema_revisions')
  AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY 1, a.attnum`)
	if err != nil {
		return fmt.Errorf("reading the tables to seed: %w", err)
	}
	type column struct {
		table, name, typ string
		oid              uint32
	}
	var cols []column
	for rows.Next() {
		var c column
		if err := rows.Scan(&c.table, &c.name, &c.oid, &c.typ); err != nil {
			return err
		}
		cols = append(cols, c)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	r.seed, r.blocks = nil, map[string]string{}
	for i := 0; i < len(cols); {
		table := cols[i].table
		var names, vals []string
		for ; i < len(cols) && cols[i].table == table; i++ {
			v, err := r.sample(ctx, cols[i].oid)
			if err != nil {
				return err
			}
			lit := "NULL"
			if v != nil {
				lit = quoteLiteral(*v) + "::" + cols[i].typ
			}
			names = append(names, pgx.Identifier{cols[i].name}.Sanitize())
			vals = append(vals, lit)
		}
		r.seed = append(r.seed, seedRow{table, fmt.Sprintf("INSERT INTO %s (%s) OVERRIDING SYSTEM VALUE VALUES (%s)", table, strings.Join(names, ", "), strings.Join(vals, ", "))})
	}
	return nil
}

func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// target returns the table an INSERT or COPY writes to, "" for other
// statements.
func (r *runner) target(ctx context.Context, q query) (string, error) {
	target := ""
	if q.copyTable != nil {
		target = pgx.Identifier(q.copyTable).Sanitize()
	} else if m := insertInto.FindStringSubmatch(q.sql); m != nil {
		target = m[1]
	}
	if target == "" {
		return "", nil
	}
	err := r.conn.QueryRow(ctx, "SELECT coalesce(to_regclass($1)::text, '')", target).Scan(&target)
	return target, err
}

// exec runs statement name (prepared on r.conn) or q's COPY with values,
// undone afterwards, and returns PostgreSQL's error, nil when it ran. It
// runs after a sample row is seeded into each table but target, the one an
// INSERT or COPY writes to, so that foreign keys find their row and an
// UPDATE or a DELETE by a sample key finds its own. Statements of the same
// target share the transaction that seeds, each inside a savepoint; close
// ends it, before a migration file is applied.
func (r *runner) exec(ctx context.Context, q query, target, name string, values [][]byte) (*pgconn.PgError, error) {
	pc := r.conn.PgConn()
	if !r.open || r.openTarget != target {
		if err := r.close(ctx); err != nil {
			return nil, err
		}
		if err := pc.Exec(ctx, "BEGIN; "+r.block(target)+"; SAVEPOINT compat_query").Close(); err != nil {
			pc.Exec(context.WithoutCancel(ctx), "ROLLBACK").Close()
			return nil, fmt.Errorf("seeding the sample rows: %w", err)
		}
		r.open, r.openTarget = true, target
	}
	var run error
	if q.copyTable != nil {
		line := make([]string, len(values))
		for i, v := range values {
			line[i] = `\N`
			if v != nil {
				line[i] = strings.NewReplacer(`\`, `\\`, "\t", `\t`, "\n", `\n`).Replace(string(v))
			}
		}
		cols := make([]string, len(q.copyCols))
		for i, c := range q.copyCols {
			cols[i] = pgx.Identifier{c}.Sanitize()
		}
		_, run = pc.CopyFrom(ctx, strings.NewReader(strings.Join(line, "\t")+"\n"),
			fmt.Sprintf("COPY %s (%s) FROM STDIN", pgx.Identifier(q.copyTable).Sanitize(), strings.Join(cols, ", ")))
	} else {
		_, run = pc.ExecPrepared(ctx, name, values, nil, nil).Close()
	}
	if pe := pgError(run); pe == nil && run != nil {
		return nil, run
	}
	if err := pc.Exec(ctx, "ROLLBACK TO SAVEPOINT compat_query").Close(); err != nil {
		return nil, err
	}
	return pgError(run), nil
}

// close rolls back the transaction exec left open, if any.
func (r *runner) close(ctx context.Context) error {
	if !r.open {
		return nil
	}
	r.open = false
	return r.conn.PgConn().Exec(ctx, "ROLLBACK").Close()
}

// block returns the DO block that inserts the sample row of every table
// but target, each in a block of its own so that a row that does not fit
// is left out; foreign keys and triggers are off meanwhile when the role
// may turn them off.
func (r *runner) block(target string) string {
	if b, ok := r.blocks[target]; ok {
		return b
	}
	var b strings.Builder
	b.WriteString("DO $compat$ BEGIN\n")
	b.WriteString("BEGIN SET LOCAL session_replication_role = replica; EXCEPTION WHEN OTHERS THEN NULL; END;\n")
	for _, s := range r.seed {
		if s.table != target {
			b.WriteString("BEGIN " + s.sql + "; EXCEPTION WHEN OTHERS THEN NULL; END;\n")
		}
	}
	b.WriteString("BEGIN SET LOCAL session_replication_role = origin; EXCEPTION WHEN OTHERS THEN NULL; END;\n")
	b.WriteString("END $compat$")
	r.blocks[target] = b.String()
	return r.blocks[target]
}

// copyTypes returns the types of the columns q copies into, as the schema
// has them now.
func (r *runner) copyTypes(ctx context.Context, q query) ([]uint32, error) {
	oids := make([]uint32, len(q.copyCols))
	for i, c := range q.copyCols {
		err := r.conn.QueryRow(ctx, `SELECT atttypid FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = $2 AND NOT attisdropped`,
			pgx.Identifier(q.copyTable).Sanitize(), c).Scan(&oids[i])
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return nil, err
		}
	}
	return oids, nil
}

// insertInto matches the table an INSERT writes to, after sqlc's name
// comment.
var insertInto = regexp.MustCompile(`(?is)^(?:\s*--[^\n]*\n)*\s*INSERT\s+INTO\s+((?:"[^"]+"|[\w$]+)(?:\.(?:"[^"]+"|[\w$]+))?)`)

// ignoredOutcome reports whether a statement failing with code after the
// migration, when it did not before, says nothing about the deploy: a
// foreign key or a unique key the sample values do not meet, which real
// values would.
func ignoredOutcome(code string) bool {
	return code == "" || code == "23503" || code == "23505"
}
