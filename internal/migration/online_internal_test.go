package migration

import (
	"context"
	"slices"
	"strings"
	"testing"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"
)

// The rewriting plans without a server: these cases build Atlas changes by
// hand and read the statements postgres.DefaultPlan writes for them.

func TestOnlineChanges(t *testing.T) {
	t.Parallel()
	newTable := func() *schema.Table {
		pub := schema.New("public")
		t := schema.NewTable("pedidos").AddColumns(
			schema.NewIntColumn("id", "bigint"),
			schema.NewNullStringColumn("codigo", "text"),
			schema.NewStringColumn("nota", "text"),
			schema.NewIntColumn("cliente_id", "bigint"),
		)
		pub.AddTables(t)
		return t
	}

	t.Run("type and NOT NULL change: the type stays, NOT NULL goes online", func(t *testing.T) {
		t.Parallel()
		tbl := newTable()
		from := tbl.Columns[1]
		to := schema.NewColumn("codigo").SetType(&schema.StringType{T: "varchar", Size: 20})
		to.Type.Null = false
		main, online := rewrite(t, tbl, &schema.ModifyColumn{From: from, To: to, Change: schema.ChangeType | schema.ChangeNull})
		wantStmts(t, "main", main, []string{
			`ALTER TABLE "public"."pedidos" ALTER COLUMN "codigo" TYPE character varying(20), ADD CONSTRAINT "pedidos_codigo_not_null" CHECK ("codigo" IS NOT NULL) NOT VALID`,
		})
		wantStmts(t, "online", online, []string{
			`ALTER TABLE "public"."pedidos" VALIDATE CONSTRAINT "pedidos_codigo_not_null"`,
			`ALTER TABLE "public"."pedidos" ALTER COLUMN "codigo" SET NOT NULL`,
			`ALTER TABLE "public"."pedidos" DROP CONSTRAINT "pedidos_codigo_not_null"`,
		})
	})

	t.Run("an index on a dropped column goes with it", func(t *testing.T) {
		t.Parallel()
		tbl := newTable()
		idx := schema.NewIndex("pedidos_nota_idx").AddColumns(tbl.Columns[2])
		main, online := rewrite(t, tbl, &schema.DropColumn{C: tbl.Columns[2]}, &schema.DropIndex{I: idx})
		wantStmts(t, "main", main, []string{`ALTER TABLE "public"."pedidos" DROP COLUMN "nota"`})
		wantStmts(t, "online", online, nil)
	})

	t.Run("a changed index is dropped and built again concurrently", func(t *testing.T) {
		t.Parallel()
		tbl := newTable()
		from := schema.NewIndex("pedidos_codigo_idx").AddColumns(tbl.Columns[1])
		to := schema.NewIndex("pedidos_codigo_idx").AddColumns(tbl.Columns[1], tbl.Columns[0])
		main, online := rewrite(t, tbl, &schema.ModifyIndex{From: from, To: to, Change: schema.ChangeParts})
		wantStmts(t, "main", main, nil)
		wantStmts(t, "online", online, []string{
			`DROP INDEX CONCURRENTLY "public"."pedidos_codigo_idx"`,
			`CREATE INDEX CONCURRENTLY "pedidos_codigo_idx" ON "public"."pedidos" ("codigo", "id")`,
		})
	})

	t.Run("a replaced index is dropped after its replacement is built", func(t *testing.T) {
		t.Parallel()
		tbl := newTable()
		old := schema.NewIndex("pedidos_codigo_idx").AddColumns(tbl.Columns[1])
		repl := schema.NewIndex("pedidos_codigo_id_idx").AddColumns(tbl.Columns[1], tbl.Columns[0])
		main, online := rewrite(t, tbl, &schema.DropIndex{I: old}, &schema.AddIndex{I: repl})
		wantStmts(t, "main", main, nil)
		wantStmts(t, "online", online, []string{
			`CREATE INDEX CONCURRENTLY "pedidos_codigo_id_idx" ON "public"."pedidos" ("codigo", "id")`,
			`DROP INDEX CONCURRENTLY "public"."pedidos_codigo_idx"`,
		})
	})

	t.Run("a changed foreign key is dropped, added NOT VALID, validated", func(t *testing.T) {
		t.Parallel()
		tbl := newTable()
		ref := schema.NewTable("clientes").AddColumns(schema.NewIntColumn("id", "bigint"))
		tbl.Schema.AddTables(ref)
		fk := func(action schema.ReferenceOption) *schema.ForeignKey {
			return schema.NewForeignKey("pedidos_cliente_id_fkey").SetTable(tbl).
				AddColumns(tbl.Columns[3]).SetRefTable(ref).AddRefColumns(ref.Columns[0]).SetOnDelete(action)
		}
		main, online := rewrite(t, tbl, &schema.ModifyForeignKey{From: fk(schema.NoAction), To: fk(schema.Cascade), Change: schema.ChangeDeleteAction})
		wantStmts(t, "main", main, []string{
			`ALTER TABLE "public"."pedidos" DROP CONSTRAINT "pedidos_cliente_id_fkey", ADD CONSTRAINT "pedidos_cliente_id_fkey" FOREIGN KEY ("cliente_id") REFERENCES "public"."clientes" ("id") ON DELETE CASCADE NOT VALID`,
		})
		wantStmts(t, "online", online, []string{`ALTER TABLE "public"."pedidos" VALIDATE CONSTRAINT "pedidos_cliente_id_fkey"`})
	})

	t.Run("a table that did not exist keeps the plain form", func(t *testing.T) {
		t.Parallel()
		tbl := newTable()
		idx := schema.NewIndex("pedidos_codigo_idx").AddColumns(tbl.Columns[1])
		changes := []schema.Change{&schema.ModifyTable{T: tbl, Changes: []schema.Change{&schema.AddIndex{I: idx}}}}
		main, online, err := onlineChanges(context.Background(), postgres.DefaultPlan, changes, tableSet{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		wantStmts(t, "main", plannedIn(t, main), []string{`CREATE INDEX "pedidos_codigo_idx" ON "public"."pedidos" ("codigo")`})
		wantStmts(t, "online", online, nil)
	})
}

// rewrite runs onlineChanges on changes to tbl, an existing table, and
// returns the statements planned for the main file and the online ones.
func rewrite(t *testing.T, tbl *schema.Table, changes ...schema.Change) (main, online []*migrate.Change) {
	t.Helper()
	all := []schema.Change{&schema.ModifyTable{T: tbl, Changes: changes}}
	kept, online, err := onlineChanges(context.Background(), postgres.DefaultPlan, all, tableSet{tableKey(tbl): true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return plannedIn(t, kept), online
}

func plannedIn(t *testing.T, changes []schema.Change) []*migrate.Change {
	t.Helper()
	p, err := postgres.DefaultPlan.PlanChanges(context.Background(), "t", changes)
	if err != nil {
		t.Fatal(err)
	}
	return p.Changes
}

func wantStmts(t *testing.T, what string, got []*migrate.Change, want []string) {
	t.Helper()
	var cmds []string
	for _, c := range got {
		cmds = append(cmds, c.Cmd)
	}
	if !slices.Equal(cmds, want) {
		t.Errorf("%s:\n  %s\nwant:\n  %s", what, strings.Join(cmds, "\n  "), strings.Join(want, "\n  "))
	}
}
