package objects_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"ariga.io/atlas/sql/schema"

	"github.com/versiona/versiona/internal/objects"
)

// TestRead_Leaves checks what Read lists and leaves out: extension members,
// identity and serial sequences, the revisions schema, internal triggers;
// it lists the table's foreign key, which Plan leaves to Atlas.
func TestRead_Leaves(t *testing.T) {
	t.Parallel()
	db := build(t, base+`
		CREATE EXTENSION pg_trgm;
		CREATE TABLE s (id serial PRIMARY KEY, j bigint GENERATED ALWAYS AS IDENTITY,
		                post_id int REFERENCES post (id));
		CREATE SEQUENCE free;
		CREATE SCHEMA atlas_schema_revisions;
		CREATE VIEW atlas_schema_revisions.v AS SELECT 1 AS one;
		CREATE VIEW "Top" AS SELECT id FROM post;
		CREATE FUNCTION f(a int, b text) RETURNS int LANGUAGE sql AS 'SELECT a';`)
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SET search_path = public, pg_temp"); err != nil {
		t.Fatal(err)
	}
	set, err := objects.Read(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, id := range set.IDs() {
		got = append(got, id.String())
	}
	want := []string{`extension "pg_trgm"`, `sequence "public.free"`, `function "public.f(integer, text)"`, `view "public."Top""`,
		`constraint "s_post_id_fkey ON public.s"`, // a plain constraint: Plan leaves it to the table planner
		`grant "SCHEMA public TO PUBLIC"`}         // the public schema's usage, beyond its owner's default
	if !slices.Equal(got, want) {
		t.Errorf("Read listed\n%q\nwant\n%q", got, want)
	}
	var path string
	if err := conn.QueryRowContext(ctx, "SHOW search_path").Scan(&path); err != nil {
		t.Fatal(err)
	}
	if path != "public, pg_temp" {
		t.Errorf("search_path after Read = %q, want it restored", path)
	}
}

func TestImpactOf(t *testing.T) {
	t.Parallel()
	s := schema.New("app")
	post := schema.NewTable("post").SetSchema(s)
	old := schema.NewTable("old").SetSchema(s)
	col := func(name string) *schema.Column { return schema.NewColumn(name) }
	changes := []schema.Change{
		&schema.DropTable{T: old},
		&schema.ModifyTable{T: post, Changes: []schema.Change{
			&schema.DropColumn{C: col("gone")},
			&schema.ModifyColumn{From: col("score"), To: col("score"), Change: schema.ChangeType},
			&schema.ModifyColumn{From: col("title"), To: col("title"), Change: schema.ChangeNull | schema.ChangeDefault},
			&schema.ModifyColumn{From: col("body"), To: col("body"), Change: schema.ChangeCollate},
			&schema.AddColumn{C: col("new")},
		}},
	}
	got := objects.ImpactOf(changes)
	if want := map[string]bool{"app.old": true}; fmt.Sprint(got.Tables) != fmt.Sprint(want) {
		t.Errorf("tables = %v, want %v", got.Tables, want)
	}
	want := map[string]bool{"app.post.gone": true, "app.post.score": true, "app.post.body": true}
	if fmt.Sprint(got.Columns) != fmt.Sprint(want) {
		t.Errorf("columns = %v, want %v", got.Columns, want)
	}
}
