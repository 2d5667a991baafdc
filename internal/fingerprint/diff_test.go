package fingerprint_test

import (
	"context"
	"slices"
	"testing"

	"github.com/versiona/versiona/internal/fingerprint"
)

// TestDiff_Describe compares a database with a copy edited in four ways
// and reads the differences in plain words, in both directions.
func TestDiff_Describe(t *testing.T) {
	t.Parallel()
	plain := open(t, baseSchema)
	edited := open(t, baseSchema+`
		ALTER TABLE app.filho ALTER COLUMN texto TYPE text COLLATE "C";
		CREATE INDEX filho_pai_id_idx ON app.filho (pai_id);
		CREATE TABLE app.novo (id int PRIMARY KEY, nome text NOT NULL);
		ALTER TABLE app.pai DROP CONSTRAINT pai_nome_tamanho;
		ALTER TABLE app.pai ALTER COLUMN cor SET DEFAULT 'verde';`)
	schemaFile, migrations := read(t, edited), read(t, plain)

	if d := fingerprint.Diff(migrations, migrations); d != nil {
		t.Errorf("Diff of a fingerprint with itself = %v, want nil", d)
	}
	check := func(t *testing.T, diffs []fingerprint.Difference, left, right string, want []string) {
		t.Helper()
		var got []string
		for _, d := range diffs {
			got = append(got, d.Describe(left, right))
		}
		if !slices.Equal(got, want) {
			t.Errorf("differences:\n%q\nwant:\n%q", got, want)
		}
	}
	t.Run("schema.sql against the migrations", func(t *testing.T) {
		check(t, fingerprint.Diff(schemaFile, migrations), "schema.sql", "the migrations", []string{
			`column app.filho.texto: collation "C" in schema.sql, default in the migrations`,
			`column app.pai.cor: default 'verde'::app.cor in schema.sql, default 'azul'::app.cor in the migrations`,
			`constraint app.pai.pai_nome_tamanho: only in the migrations`,
			`index app.filho_pai_id_idx: only in schema.sql`,
			`table app.novo: only in schema.sql`,
		})
	})
	t.Run("live database against the migrations", func(t *testing.T) {
		check(t, fingerprint.Diff(migrations, schemaFile), "the live database", "the migrations", []string{
			`column app.filho.texto: default in the live database, collation "C" in the migrations`,
			`column app.pai.cor: default 'azul'::app.cor in the live database, default 'verde'::app.cor in the migrations`,
			`constraint app.pai.pai_nome_tamanho: only in the live database`,
			`index app.filho_pai_id_idx: only in the migrations`,
			`table app.novo: only in the migrations`,
		})
	})
	t.Run("facts of an object on one side", func(t *testing.T) {
		for _, d := range fingerprint.Diff(schemaFile, migrations) {
			if d.Object() != "table app.novo" {
				continue
			}
			if d.Attribute != "" || len(d.Right) != 0 || !slices.Contains(d.Left, fingerprint.Fact{
				Kind: "table", Name: "app.novo", Attribute: "persistence", Value: "permanent"}) {
				t.Errorf("difference for the new table = %+v", d)
			}
		}
	})
}

// TestDiff_Attributes checks the wording of attributes a side lacks and of
// children whose parent is on one side only, without a database.
func TestDiff_Attributes(t *testing.T) {
	t.Parallel()
	fp := func(facts ...fingerprint.Fact) fingerprint.Fingerprint { return fingerprint.Fingerprint{Facts: facts} }
	col := func(attr, value string) fingerprint.Fact {
		return fingerprint.Fact{Kind: "column", Name: "public.t.c", Attribute: attr, Value: value}
	}
	typ := col("type", "text")
	for _, c := range []struct {
		name string
		a, b fingerprint.Fingerprint
		want []string
	}{
		{"not null", fp(typ, col("not null", "")), fp(typ), []string{"column public.t.c: not null in A, nullable in B"}},
		{"identity", fp(typ), fp(typ, col("identity", "always, start 1")), []string{"column public.t.c: not identity in A, identity always, start 1 in B"}},
		{"comment", fp(typ, col("comment", "'x'")), fp(typ), []string{"column public.t.c: comment 'x' in A, no comment in B"}},
		{"children of a table on one side", fp(
			fingerprint.Fact{Kind: "table", Name: "public.t", Attribute: "persistence", Value: "permanent"},
			typ,
			fingerprint.Fact{Kind: "constraint", Name: "public.t.t_pkey", Attribute: "definition", Value: "PRIMARY KEY (c)"},
			fingerprint.Fact{Kind: "index", Name: "public.t_c_idx", Attribute: "definition", Value: "CREATE INDEX ..."},
		), fp(), []string{"index public.t_c_idx: only in A", "table public.t: only in A"}},
		{"column of a table on both sides", fp(
			fingerprint.Fact{Kind: "table", Name: "public.t", Attribute: "persistence", Value: "permanent"}, typ,
		), fp(
			fingerprint.Fact{Kind: "table", Name: "public.t", Attribute: "persistence", Value: "permanent"},
		), []string{"column public.t.c: only in A"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for _, d := range fingerprint.Diff(c.a, c.b) {
				got = append(got, d.Describe("A", "B"))
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

// TestDiff_AfterAlter runs Diff on real reads: one attribute changed is one
// difference naming it.
func TestDiff_AfterAlter(t *testing.T) {
	t.Parallel()
	db := open(t, baseSchema)
	before := read(t, db)
	if _, err := db.ExecContext(context.Background(), `ALTER SEQUENCE app.contador INCREMENT 5`); err != nil {
		t.Fatal(err)
	}
	diffs := fingerprint.Diff(before, read(t, db))
	if len(diffs) != 1 {
		t.Fatalf("%d differences, want 1: %v", len(diffs), diffs)
	}
	if got, want := diffs[0].Describe("before", "after"), "sequence app.contador: increment 1 in before, increment 5 in after"; got != want {
		t.Errorf("Describe = %q, want %q", got, want)
	}
}
