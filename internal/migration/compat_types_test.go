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
	compared, sent := 0, 0
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
		if types.Scan != nil {
			if strings.Join(types.Scan, " ") != strings.Join(want, " ") {
				t.Errorf("%s scans into %v; the compiler says %v", m.Name, types.Scan, want)
			}
			compared++
		}
		// The parameters: the method's own (after ctx), or the fields of
		// its one Params struct.
		var params []string
		for j := 2; j < m.Type.NumIn(); j++ {
			in := m.Type.In(j)
			if in.Kind() == reflect.Struct && strings.HasSuffix(in.Name(), "Params") {
				for k := 0; k < in.NumField(); k++ {
					params = append(params, strings.TrimPrefix(in.Field(k).Type.String(), "db."))
				}
			} else {
				params = append(params, strings.TrimPrefix(in.String(), "db."))
			}
		}
		if types.Params != nil && strings.Join(types.Params, " ") != strings.Join(params, " ") {
			t.Errorf("%s sends %v; the compiler says %v", m.Name, types.Params, params)
		}
		if types.Params != nil {
			sent++
		}
	}
	if compared < 30 || sent < 40 {
		t.Fatalf("compared the scans of %d and the parameters of %d query methods of db.Queries; want the project's 30 and 40 and more", compared, sent)
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
