package migration_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/versiona/versiona/internal/migration"
)

// lockBase is the first file of every lock-lint case: the tables that exist
// before the files being checked.
const lockBase = `CREATE TABLE t (id int PRIMARY KEY, a int, n int, v varchar(10));
CREATE TABLE p (id int PRIMARY KEY);
CREATE INDEX t_a_idx ON t (a);
`

const noTx = "-- atlas:txmode none\n\n"

// lintLast writes lockBase and files to a new directory and lints the last
// file, returning the findings of the locks analyzer.
func lintLast(t *testing.T, files ...string) (found []migration.Finding, unacknowledged int) {
	t.Helper()
	p, path := newProject(t)
	for i, content := range append([]string{lockBase}, files...) {
		writeFile(t, filepath.Join(path, fmt.Sprintf("2025010100000%d_f%d.sql", i, i)), content)
	}
	if err := migration.Rehash(p.Dir); err != nil {
		t.Fatal(err)
	}
	res, err := p.Lint(context.Background(), migration.LintOptions{Latest: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Findings {
		if f.Analyzer == migration.LocksAnalyzer {
			found = append(found, f)
			if !f.Acknowledged {
				unacknowledged++
			}
		}
	}
	return found, unacknowledged
}

func TestProject_Lint_locks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code, lock string
		unsafe     []string // files after lockBase; the last one is checked
		line       int      // line of the finding in the last unsafe file
		safe       []string // the safe form, checked the same way
		created    string   // the unsafe statement on a table created in the same file
	}{
		{code: "PG101", lock: "SHARE",
			unsafe: []string{"CREATE INDEX t_n_idx ON t (n);\n"}, line: 1,
			safe:    []string{noTx + "CREATE INDEX CONCURRENTLY t_n_idx ON t (n);\n"},
			created: "CREATE TABLE u (n int);\nCREATE INDEX u_n_idx ON u (n);\n"},
		{code: "PG102", lock: "ACCESS EXCLUSIVE",
			unsafe: []string{"DROP INDEX t_a_idx;\n"}, line: 1,
			safe:    []string{noTx + "DROP INDEX CONCURRENTLY t_a_idx;\n"},
			created: "CREATE TABLE u (n int);\nCREATE INDEX u_n_idx ON u (n);\nDROP INDEX u_n_idx;\n"},
		{code: "PG103", lock: "ACCESS EXCLUSIVE",
			unsafe: []string{"REINDEX INDEX t_a_idx;\n"}, line: 1,
			safe:    []string{noTx + "REINDEX INDEX CONCURRENTLY t_a_idx;\n"},
			created: "CREATE TABLE u (n int);\nCREATE INDEX u_n_idx ON u (n);\nREINDEX INDEX u_n_idx;\n"},
		{code: "PG105", lock: "SHARE ROW EXCLUSIVE",
			unsafe: []string{"ALTER TABLE t\n  ADD CONSTRAINT t_n_fk FOREIGN KEY (n) REFERENCES p (id);\n"}, line: 2,
			safe:    []string{"ALTER TABLE t ADD CONSTRAINT t_n_fk FOREIGN KEY (n) REFERENCES p (id) NOT VALID;\n"},
			created: "CREATE TABLE u (n int);\nALTER TABLE u ADD CONSTRAINT u_n_fk FOREIGN KEY (n) REFERENCES p (id);\n"},
		{code: "PG106", lock: "ACCESS EXCLUSIVE",
			unsafe: []string{"ALTER TABLE t ADD CONSTRAINT t_n_check CHECK (n > 0);\n"}, line: 1,
			safe:    []string{"ALTER TABLE t ADD CONSTRAINT t_n_check CHECK (n > 0) NOT VALID;\n"},
			created: "CREATE TABLE u (n int);\nALTER TABLE u ADD CONSTRAINT u_n_check CHECK (n > 0);\n"},
		{code: "PG107", lock: "ACCESS EXCLUSIVE",
			unsafe: []string{"ALTER TABLE t ADD CONSTRAINT t_n_check CHECK (n > 0) NOT VALID;\nALTER TABLE t VALIDATE CONSTRAINT t_n_check;\n"}, line: 2,
			safe: []string{"ALTER TABLE t ADD CONSTRAINT t_n_check CHECK (n > 0) NOT VALID;\n",
				"ALTER TABLE t VALIDATE CONSTRAINT t_n_check;\n"},
			created: "CREATE TABLE u (n int);\nALTER TABLE u ADD CONSTRAINT u_n_check CHECK (n > 0) NOT VALID;\nALTER TABLE u VALIDATE CONSTRAINT u_n_check;\n"},
		{code: "PG108", lock: "ACCESS EXCLUSIVE",
			unsafe: []string{"ALTER TABLE t ALTER COLUMN n SET NOT NULL;\n"}, line: 1,
			safe: []string{"ALTER TABLE t ADD CONSTRAINT t_n_not_null CHECK (n IS NOT NULL) NOT VALID;\n",
				"ALTER TABLE t VALIDATE CONSTRAINT t_n_not_null;\n",
				"ALTER TABLE t ALTER COLUMN n SET NOT NULL;\nALTER TABLE t DROP CONSTRAINT t_n_not_null;\n"},
			created: "CREATE TABLE u (n int);\nALTER TABLE u ALTER COLUMN n SET NOT NULL;\n"},
		{code: "PG109", lock: "ACCESS EXCLUSIVE",
			unsafe: []string{"ALTER TABLE t ADD COLUMN r float8 DEFAULT random();\n"}, line: 1,
			safe:    []string{"ALTER TABLE t ADD COLUMN c timestamptz DEFAULT now();\n"},
			created: "CREATE TABLE u (n int);\nALTER TABLE u ADD COLUMN r float8 DEFAULT random();\n"},
		{code: "PG110", lock: "ACCESS EXCLUSIVE",
			unsafe: []string{"ALTER TABLE t ALTER COLUMN n TYPE bigint;\n"}, line: 1,
			safe:    []string{"ALTER TABLE t ALTER COLUMN v TYPE varchar(20);\n"},
			created: "CREATE TABLE u (n int);\nALTER TABLE u ALTER COLUMN n TYPE bigint;\n"},
		{code: "PG111", lock: "ACCESS EXCLUSIVE",
			unsafe: []string{"ALTER TABLE t ADD CONSTRAINT t_n_key UNIQUE (n);\n"}, line: 1,
			safe: []string{noTx + "CREATE UNIQUE INDEX CONCURRENTLY t_n_key ON t (n);\n",
				"ALTER TABLE t ADD CONSTRAINT t_n_key UNIQUE USING INDEX t_n_key;\n"},
			created: "CREATE TABLE u (n int);\nALTER TABLE u ADD CONSTRAINT u_n_key UNIQUE (n);\n"},
	}
	for _, tc := range tests {
		t.Run(tc.code+" unsafe form on an existing table", func(t *testing.T) {
			t.Parallel()
			found, unack := lintLast(t, tc.unsafe...)
			if len(found) != 1 || unack != 1 {
				t.Fatalf("findings = %v; want one %s", found, tc.code)
			}
			f := found[0]
			if f.Code != tc.code || f.Lock != tc.lock || f.Line != tc.line || f.Fix == "" || f.Blocks == "" {
				t.Fatalf("finding = %+v; want %s taking %s at line %d", f, tc.code, tc.lock, tc.line)
			}
			if !strings.Contains(f.Text, "takes "+tc.lock+", blocking "+f.Blocks) || !strings.Contains(f.Text, "instead: "+f.Fix) {
				t.Fatalf("finding text %q lacks the lock, what it blocks and the fix", f.Text)
			}
		})
		t.Run(tc.code+" safe form", func(t *testing.T) {
			t.Parallel()
			if found, _ := lintLast(t, tc.safe...); len(found) != 0 {
				t.Fatalf("findings = %v; want none", found)
			}
		})
		t.Run(tc.code+" on a table created in the same file", func(t *testing.T) {
			t.Parallel()
			if found, _ := lintLast(t, tc.created); len(found) != 0 {
				t.Fatalf("findings = %v; want none", found)
			}
		})
	}

	// CONCURRENTLY cannot run in a transaction at all: PG104 fires whatever
	// the table.
	t.Run("PG104 CONCURRENTLY in a transactional file", func(t *testing.T) {
		t.Parallel()
		for _, file := range []string{
			"CREATE INDEX CONCURRENTLY t_n_idx ON t (n);\n",
			"CREATE TABLE u (n int);\nCREATE INDEX CONCURRENTLY u_n_idx ON u (n);\n",
		} {
			found, _ := lintLast(t, file)
			if len(found) != 1 || found[0].Code != "PG104" || found[0].Lock != "" || !strings.Contains(found[0].Text, "txmode none") {
				t.Fatalf("%q: findings = %v; want PG104", file, found)
			}
		}
		if found, _ := lintLast(t, noTx+"CREATE INDEX CONCURRENTLY t_n_idx ON t (n);\n"); len(found) != 0 {
			t.Fatalf("txmode none file: findings = %v; want none", found)
		}
	})
}

func TestProject_Lint_locksAcknowledged(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, file string
		ack        bool
	}{
		{"by code", "-- atlas:nolint PG101\nCREATE INDEX t_n_idx ON t (n);\n", true},
		{"by analyzer name", "-- atlas:nolint locks\nCREATE INDEX t_n_idx ON t (n);\n", true},
		{"at the top of the file", "-- atlas:nolint PG101\n\nCREATE TABLE u (n int);\nCREATE INDEX t_n_idx ON t (n);\n", true},
		{"another code does not", "-- atlas:nolint PG102\nCREATE INDEX t_n_idx ON t (n);\n", false},
		{"on another statement does not", "-- atlas:nolint PG101\nCREATE TABLE u (n int);\nCREATE INDEX t_n_idx ON t (n);\n", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			found, unack := lintLast(t, tc.file)
			if len(found) != 1 || found[0].Code != "PG101" || found[0].Acknowledged != tc.ack || (unack == 0) != tc.ack {
				t.Fatalf("findings = %+v; want one PG101, acknowledged %v", found, tc.ack)
			}
		})
	}
}

// TestProject_Lint_scoped holds lint's scoped inspection (only the tables a
// statement names, nothing for tables the file creates) to the reference
// that inspects the whole schema around every statement: on a file mixing
// both kinds of statement, both find the same findings, and the ones each
// statement deserves.
func TestProject_Lint_scoped(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	base := `CREATE TABLE antiga (id bigint PRIMARY KEY, nome text, email text, pai_id bigint);
CREATE TABLE outra (id bigint PRIMARY KEY);
CREATE TABLE "Mista" (id int);
CREATE TYPE cor AS ENUM ('azul');
`
	file := `CREATE TABLE nova (id bigint PRIMARY KEY, nome text NOT NULL);
CREATE INDEX nova_nome_idx ON nova (nome);
COMMENT ON TABLE nova IS 'nova';
ALTER TABLE nova ADD COLUMN extra text NOT NULL;
ALTER TABLE antiga DROP COLUMN email;
INSERT INTO nova VALUES (1, 'a', 'b');
ALTER TABLE antiga ADD COLUMN obrigatoria text NOT NULL;
CREATE UNIQUE INDEX antiga_nome_key ON antiga (nome);
ALTER TABLE antiga RENAME COLUMN pai_id TO pai;
DROP TABLE outra;
ALTER TABLE "Mista" DROP COLUMN id;
ALTER TABLE nova DROP COLUMN extra;
DROP TYPE cor;
CREATE TABLE outra (id bigint PRIMARY KEY);
DROP TABLE nova;
`
	findings := func(t *testing.T, all bool) []string {
		p, path := newProject(t)
		migration.LintInspectAll(p, all)
		writeFile(t, filepath.Join(path, "20260101000000_base.sql"), base)
		writeFile(t, filepath.Join(path, "20260102000000_next.sql"), file)
		if err := migration.Rehash(p.Dir); err != nil {
			t.Fatal(err)
		}
		res, err := p.Lint(ctx, migration.LintOptions{Latest: 1})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, f := range res.Findings {
			out = append(out, fmt.Sprintf("%d %s", f.Line, f.Code))
		}
		return out
	}
	scoped, all := findings(t, false), findings(t, true)
	if !slices.Equal(scoped, all) {
		t.Fatalf("scoped inspection found\n%v\nthe whole-schema reference found\n%v", scoped, all)
	}
	for _, want := range []string{"5 DS103", "7 MF103", "8 MF101", "9 BC102", "10 DS102", "11 DS103"} {
		if !slices.Contains(scoped, want) {
			t.Errorf("no %q among %v", want, scoped)
		}
	}
	for _, f := range scoped {
		if strings.HasPrefix(f, "4 ") || strings.HasPrefix(f, "12 ") || strings.HasPrefix(f, "15 ") {
			t.Errorf("a finding on the table the file created: %s", f)
		}
	}
}
