package migration_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/versiona/versiona/internal/dbtest"
	"github.com/versiona/versiona/internal/migration"
	"github.com/versiona/versiona/internal/testkit"
)

// txConn returns one connection to a fresh database.
func txConn(t *testing.T) *sql.Conn {
	t.Helper()
	conn, err := testkit.OpenSQL(t, dbtest.URL(t)).Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// tableExists reports whether table name exists, asking on conn: the
// connection must still be usable after WithTx returns.
func tableExists(t *testing.T, conn *sql.Conn, name string) bool {
	t.Helper()
	var exists bool
	if err := conn.QueryRowContext(context.Background(), `SELECT to_regclass($1) IS NOT NULL`, name).Scan(&exists); err != nil {
		t.Fatalf("connection unusable after WithTx: %v", err)
	}
	return exists
}

func TestWithTx(t *testing.T) {
	t.Parallel()
	errBoom := errors.New("boom")

	t.Run("commits when fn returns nil", func(t *testing.T) {
		t.Parallel()
		conn := txConn(t)
		err := migration.WithTx(context.Background(), conn, func(tx *sql.Tx) error {
			_, err := tx.Exec(`CREATE TABLE um (id int)`)
			return err
		})
		if err != nil || !tableExists(t, conn, "um") {
			t.Fatalf("err = %v, table exists %v; want committed", err, tableExists(t, conn, "um"))
		}
	})

	t.Run("rolls back when fn fails", func(t *testing.T) {
		t.Parallel()
		conn := txConn(t)
		err := migration.WithTx(context.Background(), conn, func(tx *sql.Tx) error {
			if _, err := tx.Exec(`CREATE TABLE um (id int)`); err != nil {
				return err
			}
			return errBoom
		})
		if !errors.Is(err, errBoom) || tableExists(t, conn, "um") {
			t.Fatalf("err = %v; want errBoom and nothing left", err)
		}
	})

	t.Run("refused commit is a CommitError", func(t *testing.T) {
		t.Parallel()
		conn := txConn(t)
		err := migration.WithTx(context.Background(), conn, func(tx *sql.Tx) error {
			for _, stmt := range []string{
				`CREATE TABLE um (id int PRIMARY KEY)`,
				`CREATE TABLE dois (um_id int REFERENCES um (id) DEFERRABLE INITIALLY DEFERRED)`,
				`INSERT INTO dois VALUES (1)`,
			} {
				if _, err := tx.Exec(stmt); err != nil {
					return err
				}
			}
			return nil
		})
		var ce *migration.CommitError
		if !errors.As(err, &ce) || tableExists(t, conn, "dois") {
			t.Fatalf("err = %v (%T); want a CommitError and nothing left", err, err)
		}
	})

	t.Run("cancelled context rolls back and keeps the connection", func(t *testing.T) {
		t.Parallel()
		conn := txConn(t)
		ctx, cancel := context.WithCancel(context.Background())
		err := migration.WithTx(ctx, conn, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `CREATE TABLE um (id int)`); err != nil {
				return err
			}
			cancel()
			_, err := tx.ExecContext(ctx, `CREATE TABLE dois (id int)`)
			return err
		})
		if !errors.Is(err, context.Canceled) || tableExists(t, conn, "um") {
			t.Fatalf("err = %v; want context.Canceled and nothing left", err)
		}
	})

	t.Run("context cancelled after fn is not committed", func(t *testing.T) {
		t.Parallel()
		conn := txConn(t)
		ctx, cancel := context.WithCancel(context.Background())
		err := migration.WithTx(ctx, conn, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `CREATE TABLE um (id int)`)
			cancel()
			return err
		})
		if !errors.Is(err, context.Canceled) || tableExists(t, conn, "um") {
			t.Fatalf("err = %v; want context.Canceled and nothing left", err)
		}
	})

	t.Run("panic rolls back and is passed on", func(t *testing.T) {
		t.Parallel()
		conn := txConn(t)
		func() {
			defer func() {
				if p := recover(); p != errBoom {
					t.Errorf("recovered %v; want errBoom", p)
				}
			}()
			migration.WithTx(context.Background(), conn, func(tx *sql.Tx) error {
				if _, err := tx.Exec(`CREATE TABLE um (id int)`); err != nil {
					return err
				}
				panic(errBoom)
			})
		}()
		if tableExists(t, conn, "um") {
			t.Fatal("table um survived the panic")
		}
	})
}
