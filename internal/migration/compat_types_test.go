package migration_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/versiona/versiona/db"
	"github.com/versiona/versiona/internal/dbtest"
	"github.com/versiona/versiona/internal/migration"
)

// TestScanTypes reads this project's generated code and checks the Go type
// of each scan target against the compiler's: the fields of the type each
// query method returns, read by reflection.
func TestScanTypes(t *testing.T) {
	files := map[string]string{}
	matches, err := filepath.Glob("../../db/*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range matches {
		b, err := os.ReadFile(m)
		if err != nil {
			t.Fatal(err)
		}
		files[m] = string(b)
	}
	got := migration.ScanTypes(files)
	q := reflect.TypeOf(&db.Queries{})
	compared := 0
	for i := 0; i < q.NumMethod(); i++ {
		m := q.Method(i)
		types, ok := got[m.Name]
		if !ok {
			continue
		}
		out := m.Type.Out(0)
		if out.Kind() == reflect.Slice {
			out = out.Elem()
		}
		var want []string
		if out.Kind() == reflect.Struct && out != reflect.TypeOf(time.Time{}) && !strings.HasPrefix(out.String(), "pgtype.") {
			for j := 0; j < out.NumField(); j++ {
				want = append(want, strings.TrimPrefix(out.Field(j).Type.String(), "db."))
			}
		} else {
			want = []string{out.String()}
		}
		if strings.Join(types, " ") != strings.Join(want, " ") {
			t.Errorf("%s scans into %v; the compiler says %v", m.Name, types, want)
		}
		compared++
	}
	if compared < 30 {
		t.Fatalf("compared %d query methods of db.Queries; want the project's 30 and more", compared)
	}
}

// TestRefusesNull holds refusesNull to pgx: scanning a NULL into each
// type fails exactly when refusesNull says so.
func TestRefusesNull(t *testing.T) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, c := range []struct {
		sqlType string
		target  any
	}{
		{"text", new(string)}, {"bigint", new(int64)}, {"integer", new(int32)}, {"smallint", new(int16)}, {"boolean", new(bool)},
		{"double precision", new(float64)}, {"real", new(float32)}, {"timestamptz", new(time.Time)}, {"date", new(time.Time)},
		{"text", new(pgtype.Text)}, {"bigint", new(pgtype.Int8)}, {"timestamptz", new(pgtype.Timestamptz)}, {"numeric", new(pgtype.Numeric)},
		{"text", new(*string)}, {"bytea", new([]byte)}, {"text[]", new([]string)}, {"text", new(sql.NullString)}, {"jsonb", new(any)},
	} {
		goType := reflect.TypeOf(c.target).Elem().String()
		err := conn.QueryRow(ctx, "SELECT NULL::"+c.sqlType).Scan(c.target)
		if refused := err != nil; refused != migration.RefusesNull(goType) {
			t.Errorf("NULL::%s into %s: pgx says %v, refusesNull %v", c.sqlType, goType, err, migration.RefusesNull(goType))
		}
	}
}
