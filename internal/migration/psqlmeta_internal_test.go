package migration

import (
	"errors"
	"strings"
	"testing"

	"ariga.io/atlas/sql/migrate"
)

func TestSchemaMeta(t *testing.T) {
	t.Parallel()
	// Each accepted file keeps its statements byte for byte and its line
	// numbers; only meta-command lines become blanks.
	accepted := []struct{ name, sql string }{
		{"pg_dump's restrict pair", "\\restrict abc123\n\nSET x = 1;\n\\unrestrict abc123\n"},
		{"connect to one database", "\\connect shop\nCREATE TABLE t (id int);\n\\c shop\n\\connect -reuse-previous=on \"dbname='shop'\"\n\\c -\n"},
		{"after a comment between statements", "SELECT 1; -- note\n/* a\n block */\n\\restrict k\nSELECT 2;\n"},
	}
	// blanked is sql with each line starting with a backslash made blanks.
	blanked := func(sql string) string {
		lines := strings.Split(sql, "\n")
		for i, l := range lines {
			if strings.HasPrefix(l, "\\") {
				lines[i] = strings.Repeat(" ", len(l))
			}
		}
		return strings.Join(lines, "\n")
	}
	for _, tc := range accepted {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f, err := schemaMeta(migrate.NewLocalFile("schema.sql", []byte(tc.sql)))
			if err != nil {
				t.Fatal(err)
			}
			if got, want := string(f.Bytes()), blanked(tc.sql); got != want {
				t.Fatalf("file became\n%q; want\n%q", got, want)
			}
		})
	}

	// Backslashes that are not meta-commands: the file is unchanged.
	traps := []struct{ name, sql string }{
		{"in a string", "INSERT INTO t VALUES ('a\n\\set x 1\n');\n"},
		{"in an escape string", "INSERT INTO t VALUES (E'it\\'s\n\\set x 1\n');\n"},
		{"in a quoted identifier", "CREATE TABLE \"a\n\\set\" (id int);\n"},
		{"in a dollar-quoted body", "CREATE FUNCTION f() RETURNS text LANGUAGE sql AS $body$\n\\set x 1\nSELECT ';'\n$body$;\n"},
		{"in an empty-tag dollar body", "DO $$\n\\set x\nBEGIN END $$;\n"},
		{"in a line comment", "-- \\set x 1\nSELECT 1;\n"},
		{"in a block comment", "/* outer /* nested */\n\\set x 1\n*/ SELECT 1;\n"},
		{"inside a statement", "SELECT 1\n\\set x 1\n;\n"},
		{"after a semicolon in a string", "SELECT ';'\n\\set x\n;\n"},
	}
	for _, tc := range traps {
		t.Run("backslash "+tc.name, func(t *testing.T) {
			t.Parallel()
			if cmds := metaCommands(tc.sql); len(cmds) != 0 {
				t.Fatalf("meta-commands %+v; want none", cmds)
			}
			f, err := schemaMeta(migrate.NewLocalFile("schema.sql", []byte(tc.sql)))
			if err != nil || string(f.Bytes()) != tc.sql {
				t.Fatalf("schemaMeta = %q, %v; want the file unchanged", f.Bytes(), err)
			}
		})
	}

	refused := []struct{ name, sql, want string }{
		{"another meta-command", "SET x = 1;\n\n\\set ON_ERROR_STOP on\n", `schema.sql:3: psql meta-command \set is not supported`},
		{"include", "\\i other.sql\n", `schema.sql:1: psql meta-command \i is not supported`},
		{"connect to another database", "\\connect shop\nSELECT 1;\n\\connect other\n",
			`schema.sql:3: psql meta-command \connect to database "other" after "shop" is not supported: a schema file describes one database`},
		{"connect as another user", "\\c shop alice\n", `schema.sql:1: psql meta-command \c with a user, host or port is not supported`},
		{"after a dollar body", "DO $x$ BEGIN END $x$;\n\\gexec\n", `schema.sql:2: psql meta-command \gexec is not supported`},
	}
	for _, tc := range refused {
		t.Run("refused "+tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := schemaMeta(migrate.NewLocalFile("schema.sql", []byte(tc.sql)))
			var me *MetaCommandError
			if !errors.As(err, &me) || err.Error() != tc.want || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %v; want %q", err, tc.want)
			}
		})
	}
}
