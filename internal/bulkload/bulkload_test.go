package bulkload_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/versiona/versiona/db"
	"github.com/versiona/versiona/internal/bulkload"
	"github.com/versiona/versiona/internal/dbtest"
	"github.com/versiona/versiona/internal/pgtx"
)

func TestMain(m *testing.M) { dbtest.Main(m, dbtest.Migrated) }

var criadoEm = time.Date(2025, time.March, 2, 0, 0, 0, 0, time.UTC)

// blogRows are rows for the blog's tables, parents before children: row i
// of each table gets id i+1 in a freshly migrated database.
type blogRows struct {
	usuarios    []db.UsuarioCreateManyParams
	postagens   []db.PostagemCreateManyParams
	comentarios []db.ComentarioCreateManyParams
}

// newBlogRows returns n valid rows for each of the blog's tables.
func newBlogRows(n int) *blogRows {
	r := &blogRows{}
	for i := range n {
		r.usuarios = append(r.usuarios, db.UsuarioCreateManyParams{
			Nome: fmt.Sprintf("Leitora %d", i+1), Email: fmt.Sprintf("leitora%d@exemplo.com.br", i+1), CriadoEm: criadoEm,
		})
		r.postagens = append(r.postagens, db.PostagemCreateManyParams{
			UsuarioID: int64(1 + i%n), Titulo: fmt.Sprintf("Parte %d", i+1), Conteudo: "Migrações com SQL.",
			CriadoEm: criadoEm, AtualizadoEm: criadoEm,
		})
		r.comentarios = append(r.comentarios, db.ComentarioCreateManyParams{
			UsuarioID: int64(1 + i), PostagemID: int64(n - i), Texto: "Bom!", CriadoEm: criadoEm,
		})
	}
	return r
}

func (r *blogRows) clone() *blogRows {
	return &blogRows{slices.Clone(r.usuarios), slices.Clone(r.postagens), slices.Clone(r.comentarios)}
}

// copyBatches returns a load that copies rows with copyFrom, size rows per
// COPY.
func copyBatches[T any](ctx context.Context, rows []T, size int, copyFrom func(context.Context, []T) (int64, error)) func() error {
	return func() error {
		for batch := range slices.Chunk(rows, size) {
			if _, err := copyFrom(ctx, batch); err != nil {
				return err
			}
		}
		return nil
	}
}

// loadBlog loads r in one transaction as the demo does: each table through
// bulkload.Load with everything deferred, two rows per COPY.
func loadBlog(ctx context.Context, pool *pgxpool.Pool, r *blogRows) error {
	return pgtx.WithTx(ctx, pool, func(tx pgx.Tx) error {
		q := db.New(tx)
		for _, s := range []struct {
			table string
			copy  func() error
		}{
			{"usuarios", copyBatches(ctx, r.usuarios, 2, q.UsuarioCreateMany)},
			{"postagens", copyBatches(ctx, r.postagens, 2, q.PostagemCreateMany)},
			{"comentario", copyBatches(ctx, r.comentarios, 2, q.ComentarioCreateMany)},
		} {
			if err := bulkload.Load(ctx, tx, s.table, bulkload.Options{}, s.copy); err != nil {
				return err
			}
		}
		return nil
	})
}

// schemaOf returns every constraint and index on the tables of the public
// schema, one line each: its definition as the catalog prints it, whether
// it is validated (constraints) or valid and ready (indexes), and its
// comment.
func schemaOf(t *testing.T, pool *pgxpool.Pool) []string {
	t.Helper()
	rows, err := pool.Query(context.Background(), `
		SELECT format('constraint %s on %s: %s; validated %s; comment %L',
		              c.conname, c.conrelid::regclass, pg_get_constraintdef(c.oid), c.convalidated,
		              obj_description(c.oid, 'pg_constraint'))
		FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid
		WHERE r.relnamespace = 'public'::regnamespace
		UNION ALL
		SELECT format('index %s: %s; valid %s; ready %s; comment %L',
		              i.indexrelid::regclass, pg_get_indexdef(i.indexrelid), i.indisvalid, i.indisready,
		              obj_description(i.indexrelid, 'pg_class'))
		FROM pg_index i JOIN pg_class r ON r.oid = i.indrelid
		WHERE r.relnamespace = 'public'::regnamespace
		ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return lines
}

// wantSchema fails t unless the schema is exactly want.
func wantSchema(t *testing.T, pool *pgxpool.Pool, want []string) {
	t.Helper()
	if got := schemaOf(t, pool); !slices.Equal(got, want) {
		t.Fatalf("constraints and indexes after the load:\n%s\nwant, as before it:\n%s",
			strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// wantRows fails t unless each of the blog's tables holds n rows with ids
// 1..n.
func wantRows(t *testing.T, pool *pgxpool.Pool, n int) {
	t.Helper()
	for _, table := range []string{"usuarios", "postagens", "comentario"} {
		var count, maxID int64
		err := pool.QueryRow(context.Background(), "SELECT count(*), coalesce(max(id), 0) FROM "+table).Scan(&count, &maxID)
		if err != nil {
			t.Fatal(err)
		}
		if count != int64(n) || maxID != int64(n) {
			t.Fatalf("%s: %d rows with ids up to %d, want %d", table, count, maxID, n)
		}
	}
}

// commentOn comments on a foreign key of comentario and on one of its
// indexes, as a migration might.
func commentOn(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	_, err := pool.Exec(context.Background(), `DO $$
		DECLARE fk text := (SELECT conname FROM pg_constraint
			WHERE conrelid = 'comentario'::regclass AND contype = 'f' ORDER BY conname LIMIT 1);
		BEGIN
			EXECUTE format('COMMENT ON CONSTRAINT %I ON comentario IS %L', fk, 'o''comentário pertence a uma postagem');
			COMMENT ON INDEX comentario_postagem_id_idx IS 'comments page';
		END $$`)
	if err != nil {
		t.Fatal(err)
	}
}

// TestLoad_ChecksEveryConstraint checks that a row breaking a constraint
// that Load defers, or one it keeps, fails the whole load and leaves
// nothing behind, with every constraint and index as migrated.
func TestLoad_ChecksEveryConstraint(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		spoil func(r *blogRows)
		code  string
	}{
		{"orphan comentario", func(r *blogRows) { r.comentarios[len(r.comentarios)-1].PostagemID = int64(len(r.postagens) + 1) }, "23503"},
		{"orphan postagem", func(r *blogRows) { r.postagens[0].UsuarioID = 0 }, "23503"},
		{"duplicate email", func(r *blogRows) { r.usuarios[1].Email = strings.ToUpper(r.usuarios[0].Email) }, "23505"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newBlogRows(5)

			// The rows as generated load, and load whole.
			pool := dbtest.New(t)
			migrated := schemaOf(t, pool)
			if err := loadBlog(ctx, pool, r); err != nil {
				t.Fatal(err)
			}
			wantRows(t, pool, 5)
			wantSchema(t, pool, migrated)

			pool = dbtest.New(t)
			spoilt := r.clone()
			tc.spoil(spoilt)
			err := loadBlog(ctx, pool, spoilt)
			var pgErr *pgconn.PgError
			if !errors.As(err, &pgErr) || pgErr.Code != tc.code {
				t.Fatalf("load error = %v, want SQLSTATE %s", err, tc.code)
			}
			// Nothing remains, and every index and foreign key is back.
			wantRows(t, pool, 0)
			wantSchema(t, pool, migrated)
		})
	}
}

// TestLoad_KeepsComments checks that the indexes and foreign keys Load
// drops come back with their comments.
func TestLoad_KeepsComments(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	commentOn(t, pool)
	before := schemaOf(t, pool)
	if err := loadBlog(context.Background(), pool, newBlogRows(5)); err != nil {
		t.Fatal(err)
	}
	wantRows(t, pool, 5)
	wantSchema(t, pool, before)
}

// TestLoad_ReturnsLoadError checks that Load returns the load's own error
// unchanged, and that the rollback then leaves the table as migrated.
func TestLoad_ReturnsLoadError(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	before := schemaOf(t, pool)
	errLoad := errors.New("source closed")
	err := pgtx.WithTx(ctx, pool, func(tx pgx.Tx) error {
		return bulkload.Load(ctx, tx, "comentario", bulkload.Options{}, func() error { return errLoad })
	})
	if !errors.Is(err, errLoad) {
		t.Fatalf("error = %v, want %v", err, errLoad)
	}
	wantSchema(t, pool, before)
}

// TestStatements_Options checks what Statements returns for each option,
// and that running its statements restores comentario exactly.
func TestStatements_Options(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// comentario has two foreign keys and two non-unique indexes;
	// commentOn comments on one of each.
	for _, tc := range []struct {
		name                     string
		opts                     bulkload.Options
		drops, creates, comments int
	}{
		{"everything deferred", bulkload.Options{}, 4, 4, 2},
		{"indexes kept", bulkload.Options{KeepIndexes: true}, 2, 2, 1},
		{"foreign keys kept", bulkload.Options{KeepForeignKeys: true}, 2, 2, 1},
		{"everything kept", bulkload.Options{KeepIndexes: true, KeepForeignKeys: true}, 0, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			pool := dbtest.New(t)
			commentOn(t, pool)
			migrated := schemaOf(t, pool)
			before, after, err := bulkload.Statements(ctx, pool, "comentario", tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			comments := 0
			for _, s := range after {
				if strings.HasPrefix(s, "COMMENT ON ") {
					comments++
				}
			}
			if len(before) != tc.drops || len(after)-comments != tc.creates || comments != tc.comments {
				t.Fatalf("before:\n%s\nafter:\n%s\nwant %d drops, %d creates and %d comments",
					strings.Join(before, "\n"), strings.Join(after, "\n"), tc.drops, tc.creates, tc.comments)
			}
			err = pgtx.WithTx(ctx, pool, func(tx pgx.Tx) error {
				for _, s := range slices.Concat(before, after) {
					if _, err := tx.Exec(ctx, s); err != nil {
						return fmt.Errorf("%s: %w", s, err)
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			wantSchema(t, pool, migrated)
		})
	}
}
