package migration_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/versiona/versiona/internal/dbtest"
	"github.com/versiona/versiona/internal/migration"
	"github.com/versiona/versiona/internal/testkit"
)

// partitionedBase is a schema of partitioned tables: by range with a
// default, a sub-partitioned partition and a partition's own index and
// comment; by hash; with a foreign key, a generated column, a check and
// an index with a comment on the parent.
const partitionedBase = `
CREATE TABLE estacoes (id bigint PRIMARY KEY, nome text NOT NULL);
CREATE TABLE medidas (
  id bigint GENERATED ALWAYS AS IDENTITY,
  estacao_id bigint NOT NULL REFERENCES estacoes (id),
  medido_em date NOT NULL,
  valor numeric NOT NULL DEFAULT 0 CHECK (valor >= 0),
  dobro numeric GENERATED ALWAYS AS (valor * 2) STORED,
  regiao text NOT NULL DEFAULT 'sul',
  PRIMARY KEY (id, medido_em, regiao)
) PARTITION BY RANGE (medido_em);
CREATE INDEX medidas_estacao_idx ON medidas (estacao_id);
COMMENT ON INDEX medidas_estacao_idx IS 'Por estação.';
CREATE TABLE medidas_2025 PARTITION OF medidas FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE INDEX medidas_2025_valor_idx ON medidas_2025 (valor);
COMMENT ON TABLE medidas_2025 IS 'Ano fechado.';
CREATE TABLE medidas_antigas PARTITION OF medidas DEFAULT;
CREATE TABLE sessoes (id uuid NOT NULL, dados jsonb) PARTITION BY HASH (id);
CREATE TABLE sessoes_0 PARTITION OF sessoes FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE sessoes_1 PARTITION OF sessoes FOR VALUES WITH (MODULUS 2, REMAINDER 1);
`

// partitionedEdit adds to partitionedBase a sub-partitioned partition, an
// index on the parent (built on every partition), a column and a bound
// change.
var partitionedEdit = strings.Replace(partitionedBase, "TO ('2026-01-01')", "TO ('2026-02-01')", 1) + `
CREATE TABLE medidas_2026 PARTITION OF medidas FOR VALUES FROM ('2026-02-01') TO ('2027-01-01') PARTITION BY LIST (regiao);
CREATE TABLE medidas_2026_sul PARTITION OF medidas_2026 FOR VALUES IN ('sul');
CREATE TABLE medidas_2026_outras PARTITION OF medidas_2026 DEFAULT;
CREATE INDEX medidas_regiao_idx ON medidas (regiao, medido_em);
ALTER TABLE medidas ADD COLUMN unidade text;
`

// TestDiff_partitionsPgDump checks partition plans against an oracle the
// engine does not use: pg_dump --schema-only of the database the plan
// builds must equal that of the schema file loaded directly, from an
// empty directory and, online and plain, from partitionedBase holding
// rows. Every index must end valid, every partition's index attached.
func TestDiff_partitionsPgDump(t *testing.T) {
	t.Parallel()
	testkit.ClientTool(t, "pg_dump") // skips the test when there is none
	t.Run("from empty", func(t *testing.T) {
		t.Parallel()
		p, _ := newProject(t)
		writeFile(t, p.Schema, partitionedBase)
		url := diffApplied(t, p, migration.DiffOptions{})
		sameDump(t, url, loadSchema(t, p))
	})
	for _, plain := range []bool{false, true} {
		name := "online"
		if plain {
			name = "plain"
		}
		t.Run("edit "+name, func(t *testing.T) {
			t.Parallel()
			p, _ := newProject(t)
			writeFile(t, p.Schema, partitionedBase)
			url := diffApplied(t, p, migration.DiffOptions{})
			testkit.Exec(t, testkit.Session(t, url, "rows"), `INSERT INTO estacoes VALUES (1, 'a');
INSERT INTO medidas (estacao_id, medido_em, valor) VALUES (1, '2025-03-01', 1), (1, '2024-01-01', 3), (1, '2030-01-01', 4)`)
			writeFile(t, p.Schema, partitionedEdit)
			if _, err := p.Diff(context.Background(), "edit", migration.DiffOptions{Plain: plain}); err != nil {
				t.Fatalf("diff: %v", err)
			}
			if _, err := p.Apply(context.Background(), url, migration.ApplyOptions{}); err != nil {
				t.Fatalf("apply: %v", err)
			}
			sameDump(t, url, loadSchema(t, p))
			allIndexesAttached(t, url)
			testkit.Exec(t, testkit.Session(t, url, "rows"), `INSERT INTO medidas (estacao_id, medido_em, valor, regiao) VALUES (1, '2026-01-15', 2, 'sul'), (1, '2026-03-01', 5, 'sul'), (1, '2026-03-01', 6, 'norte')`)
			got := testkit.Lines(t, testkit.OpenSQL(t, url), `SELECT tableoid::regclass::text || ' ' || valor FROM medidas ORDER BY valor`)
			want := []string{"medidas_2025 1", "medidas_2025 2", "medidas_antigas 3", "medidas_antigas 4", "medidas_2026_sul 5", "medidas_2026_outras 6"}
			if !slices.Equal(got, want) {
				t.Fatalf("rows after the plan = %v; want %v (kept, each in the partition of its bound)", got, want)
			}
		})
	}
}

// TestDiff_partitionDropped checks that removing a partition is reported
// as a loss of rows by diff and by lint.
func TestDiff_partitionDropped(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p, _ := newProject(t)
	writeFile(t, p.Schema, partitionedBase)
	if _, err := p.Diff(ctx, "base", migration.DiffOptions{}); err != nil {
		t.Fatal(err)
	}
	writeFile(t, p.Schema, strings.Replace(partitionedBase, "CREATE TABLE sessoes_1 PARTITION OF sessoes FOR VALUES WITH (MODULUS 2, REMAINDER 1);\n", "", 1))
	res, err := p.Diff(ctx, "drop", migration.DiffOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if want := `drops table partition "public.sessoes_1" and its rows`; !slices.Contains(res.Warnings, want) {
		t.Fatalf("warnings = %q; want %q", res.Warnings, want)
	}
	lint, err := p.Lint(ctx, migration.LintOptions{Latest: 1})
	if err != nil {
		t.Fatal(err)
	}
	var destructive []migration.Finding
	for _, f := range lint.Findings {
		if f.Analyzer == "destructive" {
			destructive = append(destructive, f)
		}
	}
	if len(destructive) != 1 || destructive[0].Code != "DS102" || !strings.Contains(destructive[0].Text, `"sessoes_1"`) || destructive[0].Acknowledged {
		t.Fatalf("lint findings = %v; want one unacknowledged DS102 naming sessoes_1", lint.Findings)
	}
}

// TestDiff_partitionAddedWhileWriting checks the lock of the online form
// of a new partition on a second session's open write to the parent: the
// online plan (CREATE TABLE … LIKE, ATTACH PARTITION) applies under a
// short lock_timeout without waiting for it; the plain plan (PARTITION
// OF, ACCESS EXCLUSIVE on the parent) times out.
func TestDiff_partitionAddedWhileWriting(t *testing.T) {
	t.Parallel()
	for _, plain := range []bool{false, true} {
		name := "online applies"
		if plain {
			name = "plain times out"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			p, _ := newProject(t)
			writeFile(t, p.Schema, partitionedBase)
			url := diffApplied(t, p, migration.DiffOptions{})
			testkit.Exec(t, testkit.Session(t, url, "rows"), `INSERT INTO estacoes VALUES (1, 'a')`)
			writeFile(t, p.Schema, partitionedBase+"CREATE TABLE medidas_2026 PARTITION OF medidas FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');\n")
			if _, err := p.Diff(ctx, "add", migration.DiffOptions{Plain: plain}); err != nil {
				t.Fatalf("diff: %v", err)
			}
			end, _ := openTx(t, url, "writer", `INSERT INTO medidas (estacao_id, medido_em) VALUES (1, '2025-05-01')`)
			defer end()
			p.LockTimeout, p.Retries = 300*time.Millisecond, -1
			_, err := p.Apply(ctx, url, migration.ApplyOptions{})
			var aerr *migration.ApplyError
			switch {
			case !plain && err != nil:
				t.Fatalf("online apply while a write is open: %v", err)
			case plain && (!errors.As(err, &aerr) || aerr.Cause != migration.CauseLockTimeout):
				t.Fatalf("plain apply while a write is open = %v; want a lock timeout", err)
			}
			if err := end(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestDiff_partitionKeyChanged checks that a partition dropped and
// created again, its partition key changed, is warned about.
func TestDiff_partitionKeyChanged(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const sub = "CREATE TABLE medidas_2026 PARTITION OF medidas FOR VALUES FROM ('2026-01-01') TO ('2027-01-01') PARTITION BY LIST (regiao);\n"
	p, _ := newProject(t)
	writeFile(t, p.Schema, partitionedBase+sub)
	if _, err := p.Diff(ctx, "base", migration.DiffOptions{}); err != nil {
		t.Fatal(err)
	}
	writeFile(t, p.Schema, partitionedBase+strings.Replace(sub, "LIST (regiao)", "HASH (regiao)", 1))
	res, err := p.Diff(ctx, "key", migration.DiffOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if want := `drops and creates again table partition "public.medidas_2026": its rows are lost`; !slices.Contains(res.Warnings, want) {
		t.Fatalf("warnings = %q; want %q", res.Warnings, want)
	}
}

// TestDiff_partitionOnlineLints checks the online plan of partition
// changes on existing tables with lint's lock rules: nothing is flagged
// that the plan does not acknowledge, where the plain plan of the same
// changes is.
func TestDiff_partitionOnlineLints(t *testing.T) {
	t.Parallel()
	edited := strings.Replace(partitionedBase, "TO ('2026-01-01')", "TO ('2026-02-01')", 1) +
		"CREATE INDEX medidas_regiao_idx ON medidas (regiao);\nCREATE INDEX medidas_2025_dobro_idx ON medidas_2025 (dobro);\n" +
		"CREATE TABLE estacoes_medias (estacao_id bigint NOT NULL, mes date NOT NULL) PARTITION BY RANGE (mes);\n"
	for _, c := range []struct {
		plain bool
		want  []string // lock codes flagged
	}{{false, nil}, {true, []string{"PG101", "PG101", "PG113"}}} {
		t.Run(fmt.Sprintf("plain %v", c.plain), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			p, _ := newProject(t)
			writeFile(t, p.Schema, partitionedBase)
			if _, err := p.Diff(ctx, "base", migration.DiffOptions{}); err != nil {
				t.Fatal(err)
			}
			writeFile(t, p.Schema, edited)
			res, err := p.Diff(ctx, "edit", migration.DiffOptions{Plain: c.plain})
			if err != nil {
				t.Fatal(err)
			}
			lint, err := p.Lint(ctx, migration.LintOptions{Latest: len(res.Files)})
			if err != nil {
				t.Fatal(err)
			}
			var codes []string
			for _, f := range lint.Findings {
				if f.Analyzer == migration.LocksAnalyzer && !f.Acknowledged {
					codes = append(codes, f.Code)
				}
			}
			slices.Sort(codes)
			if !slices.Equal(codes, c.want) {
				t.Fatalf("lock findings %v; want %v\n%v\nplan:\n%s", codes, c.want, lint.Findings, planText(res))
			}
		})
	}
}

// diffApplied plans the schema file of p and applies the directory on a
// new database, returning its URL.
func diffApplied(t *testing.T, p *migration.Project, opts migration.DiffOptions) string {
	t.Helper()
	ctx := context.Background()
	if _, err := p.Diff(ctx, "base", opts); err != nil {
		t.Fatalf("diff: %v", err)
	}
	url := dbtest.URL(t)
	if _, err := p.Apply(ctx, url, migration.ApplyOptions{}); err != nil {
		t.Fatalf("apply: %v", err)
	}
	return url
}

// allIndexesAttached fails unless every index of the database at url is
// valid and every index of a partition of a table with an index attached
// to it: the fingerprint reads indexes by name and definition only.
func allIndexesAttached(t *testing.T, url string) {
	t.Helper()
	db := testkit.OpenSQL(t, url)
	if bad := testkit.Lines(t, db, `SELECT indexrelid::regclass::text FROM pg_index WHERE NOT indisvalid`); len(bad) > 0 {
		t.Fatalf("invalid indexes: %v", bad)
	}
	unattached := testkit.Lines(t, db, `
SELECT pi.indexrelid::regclass::text || ' on ' || c.oid::regclass::text
FROM pg_class c
JOIN pg_inherits h ON h.inhrelid = c.oid
JOIN pg_index pi ON pi.indrelid = h.inhparent
WHERE c.relispartition AND NOT EXISTS (
  SELECT FROM pg_index ci JOIN pg_inherits ih ON ih.inhrelid = ci.indexrelid
  WHERE ci.indrelid = c.oid AND ih.inhparent = pi.indexrelid)`)
	if len(unattached) > 0 {
		t.Fatalf("parent indexes missing on a partition: %v", unattached)
	}
}

// sameDump fails unless pg_dump --schema-only prints the same schema for
// the databases at a and b, the revisions schema left out.
func sameDump(t *testing.T, a, b string) {
	t.Helper()
	da, db := testkit.SchemaDump(t, a, "--no-privileges"), testkit.SchemaDump(t, b, "--no-privileges")
	if da != db {
		t.Fatalf("pg_dump differs:\n%s", lineDiff(db, da))
	}
	if !strings.Contains(da, "PARTITION OF") && !strings.Contains(da, "ATTACH PARTITION") {
		t.Fatalf("pg_dump shows no partition:\n%s", da)
	}
}
