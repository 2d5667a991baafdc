package importer_test

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"ariga.io/atlas/sql/migrate"

	"github.com/versiona/versiona/internal/importer"
)

func dir(files map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for name, text := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(text)}
	}
	return fsys
}

// statements splits the imported files with Atlas's own splitter, the way
// apply reads them, and returns every statement in order.
func statements(t *testing.T, files []importer.File) []string {
	t.Helper()
	var out []string
	for _, f := range files {
		stmts, err := migrate.FileStmts(nil, migrate.NewLocalFile(f.Name, f.Content))
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		out = append(out, stmts...)
	}
	return out
}

func names(files []importer.File) []string {
	var out []string
	for _, f := range files {
		out = append(out, f.Name)
	}
	return out
}

func TestRead_GolangMigrate(t *testing.T) {
	h, err := importer.Read(dir(map[string]string{
		"1_init.up.sql":       "CREATE TABLE breakdown (id int);\nCREATE TABLE servers (id int, shutdown_at timestamptz);\n",
		"1_init.down.sql":     "DROP TABLE servers;\nDROP TABLE breakdown;\n",
		"2_more.up.sql":       "ALTER TABLE breakdown ADD COLUMN down text;\n",
		"10_index.up.sql":     "CREATE INDEX CONCURRENTLY breakdown_down_idx ON breakdown (down);\n",
		"10_index.down.sql":   "DROP INDEX breakdown_down_idx;\n",
		"README.md":           "not a migration",
		"2_more.down.sql":     "ALTER TABLE breakdown DROP COLUMN down;\n",
		"sub/1_x.up.sql":      "SELECT 1;",
		"3_empty_name.up.sql": "-- nothing\n",
	}), importer.GolangMigrate)
	if err != nil {
		t.Fatal(err)
	}
	files := h.Files()
	want := []string{"00000000000001_init.sql", "00000000000002_more.sql", "00000000000003_empty_name.sql", "00000000000010_index.sql"}
	if got := names(files); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("files = %v; want %v (numeric order, padded)", got, want)
	}
	if len(h.Aside) != 3 {
		t.Errorf("aside = %+v; want the 3 down files", h.Aside)
	}
	stmts := statements(t, files)
	wantStmts := []string{
		"CREATE TABLE breakdown (id int);", "CREATE TABLE servers (id int, shutdown_at timestamptz);",
		"ALTER TABLE breakdown ADD COLUMN down text;",
		"CREATE INDEX CONCURRENTLY breakdown_down_idx ON breakdown (down);",
	}
	if strings.Join(stmts, "\n") != strings.Join(wantStmts, "\n") {
		t.Fatalf("statements:\n%s\nwant:\n%s", strings.Join(stmts, "\n"), strings.Join(wantStmts, "\n"))
	}
	if !strings.HasPrefix(string(files[3].Content), "-- atlas:txmode none\n\n") {
		t.Errorf("the CONCURRENTLY file is not txmode none:\n%s", files[3].Content)
	}
	if strings.Contains(string(files[0].Content), "txmode") {
		t.Errorf("a plain file got a txmode directive")
	}
}

func TestRead_Goose(t *testing.T) {
	h, err := importer.Read(dir(map[string]string{
		"00001_init.sql": `-- a comment about the Downtime table
-- +goose Up
-- +goose StatementBegin
CREATE TABLE breakdown (id int, shutdown_at timestamptz);
-- +goose StatementEnd
CREATE TABLE "Down" (id int); -- Down in a table name
INSERT INTO breakdown VALUES (1, NULL); -- +goose Down is only a marker alone on its line

-- +goose Down
DROP TABLE "Down";
DROP TABLE breakdown;
`,
		"00002_fn.sql": `-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION shutdown() RETURNS int LANGUAGE plpgsql AS $$
BEGIN
  RETURN 1; -- down
END
$$;
-- +goose StatementEnd
`,
		"00003_idx.sql": `-- +goose NO TRANSACTION
-- +goose Up
CREATE INDEX CONCURRENTLY breakdown_idx ON breakdown (id);
`,
	}), importer.Goose)
	if err != nil {
		t.Fatal(err)
	}
	files := h.Files()
	stmts := statements(t, files)
	joined := strings.Join(stmts, "\n")
	for _, want := range []string{"CREATE TABLE breakdown (id int, shutdown_at timestamptz);", `CREATE TABLE "Down" (id int);`,
		"INSERT INTO breakdown VALUES (1, NULL);", "RETURN 1; -- down", "CREATE INDEX CONCURRENTLY breakdown_idx"} {
		if !strings.Contains(joined, want) {
			t.Errorf("lost %q; statements:\n%s", want, joined)
		}
	}
	if strings.Contains(joined, "DROP TABLE") {
		t.Errorf("a down statement was imported:\n%s", joined)
	}
	if len(stmts) != 5 {
		t.Errorf("%d statements; want 5 (3 + 1 + 1):\n%s", len(stmts), joined)
	}
	sum := 0
	for _, m := range h.Migrations {
		sum += m.Statements
	}
	if sum != len(stmts) {
		t.Errorf("goose counts %d statements, Atlas splits %d", sum, len(stmts))
	}
	if !strings.HasPrefix(string(files[2].Content), "-- atlas:txmode none\n\n") {
		t.Errorf("NO TRANSACTION not carried:\n%s", files[2].Content)
	}
	if h.Migrations[0].Down == "" || !strings.Contains(h.Migrations[0].Down, `DROP TABLE "Down"`) {
		t.Errorf("down section = %q", h.Migrations[0].Down)
	}
}

func TestRead_Dbmate(t *testing.T) {
	h, err := importer.Read(dir(map[string]string{
		"20230101000000_init.sql": `-- migrate:up
CREATE TABLE breakdown (id int, shutdown_at timestamptz, countdown int);
COMMENT ON TABLE breakdown IS 'see -- migrate:down below';

-- migrate:down
DROP TABLE breakdown;
`,
		"20230102000000_idx.sql": `-- migrate:up transaction:false
CREATE INDEX CONCURRENTLY breakdown_countdown ON breakdown (countdown);
-- migrate:down
DROP INDEX breakdown_countdown;
`,
	}), importer.Dbmate)
	if err != nil {
		t.Fatal(err)
	}
	files := h.Files()
	stmts := statements(t, files)
	if len(stmts) != 3 || !strings.Contains(stmts[1], "'see -- migrate:down below'") {
		t.Fatalf("statements = %q", stmts)
	}
	if !strings.HasPrefix(string(files[1].Content), "-- atlas:txmode none") {
		t.Errorf("transaction:false not carried")
	}
}

func TestRead_Flyway(t *testing.T) {
	h, err := importer.Read(dir(map[string]string{
		"V1__init.sql":          "CREATE TABLE a (id int);",
		"V1.1__add.sql":         "ALTER TABLE a ADD COLUMN b int;",
		"V1.10__later.sql":      "ALTER TABLE a ADD COLUMN c int;",
		"V2__two.sql":           "ALTER TABLE a ADD COLUMN d int;",
		"U2__two.sql":           "ALTER TABLE a DROP COLUMN d;",
		"R__view.sql":           "CREATE OR REPLACE VIEW v AS SELECT id FROM a;",
		"R__another_view.sql":   "CREATE OR REPLACE VIEW w AS SELECT id FROM a;",
		"V1_2__underscored.sql": "ALTER TABLE a ADD COLUMN e int;",
	}), importer.Flyway)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"00000000000100_init.sql", "00000000000101_add.sql", "00000000000102_underscored.sql", "00000000000110_later.sql", "00000000000200_two.sql",
		"00000000000201_another_view.sql", "00000000000202_view.sql"}
	if got := names(h.Files()); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("files = %v; want %v", got, want)
	}

	// A baseline replaces the versions up to it.
	h, err = importer.Read(dir(map[string]string{
		"V1__init.sql": "CREATE TABLE a (id int);", "V2__b.sql": "ALTER TABLE a ADD COLUMN b int;",
		"B2__base.sql": "CREATE TABLE a (id int, b int);", "V3__c.sql": "ALTER TABLE a ADD COLUMN c int;",
	}), importer.Flyway)
	if err != nil {
		t.Fatal(err)
	}
	if got := names(h.Files()); strings.Join(got, " ") != "00000000000002_base.sql 00000000000003_c.sql" || len(h.Aside) != 2 {
		t.Fatalf("files = %v, aside %+v; want the baseline then V3, V1 and V2 aside", got, h.Aside)
	}
}

func TestRead_refused(t *testing.T) {
	for _, c := range []struct {
		name   string
		format importer.Format
		files  map[string]string
		want   string
	}{
		{"goose Go migration", importer.Goose, map[string]string{"00001_a.sql": "-- +goose Up\nSELECT 1;\n", "00002_b.go": "package m"}, "00002_b.go: a goose migration written in Go"},
		{"goose without Up", importer.Goose, map[string]string{"00001_a.sql": "SELECT 1;\n"}, "00001_a.sql:1: SQL before the first -- +goose Up"},
		{"goose envsub", importer.Goose, map[string]string{"00001_a.sql": "-- +goose ENVSUB ON\n-- +goose Up\nSELECT '${X}';\n"}, "00001_a.sql:1: goose ENVSUB"},
		{"dbmate without up", importer.Dbmate, map[string]string{"00000000000001_a.sql": "CREATE TABLE a (id int);"}, "1_a.sql:1: SQL before the -- migrate:up"},
		{"golang-migrate duplicate version", importer.GolangMigrate, map[string]string{"1_a.up.sql": "SELECT 1;", "01_b.up.sql": "SELECT 2;"}, "version"},
		{"golang-migrate orphan down", importer.GolangMigrate, map[string]string{"1_a.up.sql": "SELECT 1;", "2_b.down.sql": "SELECT 2;"}, "2_b.down.sql: a down file without the up file"},
		{"flyway placeholder", importer.Flyway, map[string]string{"V1__a.sql": "CREATE TABLE a (id int);\nCREATE SCHEMA ${schema};"}, "V1__a.sql:2: a Flyway placeholder"},
		{"flyway callback", importer.Flyway, map[string]string{"V1__a.sql": "SELECT 1;", "afterMigrate.sql": "SELECT 2;"}, "afterMigrate.sql: not a Flyway migration name"},
		{"empty", importer.Goose, map[string]string{"README": "x"}, "no goose migrations found"},
		{"unknown format", "liquibase", map[string]string{}, `unknown source format "liquibase"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := importer.Read(dir(c.files), c.format)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v; want %q", err, c.want)
			}
			var ierr *importer.Error
			if strings.Contains(c.want, ".sql") && !errors.As(err, &ierr) {
				t.Errorf("err is %T; want *importer.Error", err)
			}
		})
	}
}
