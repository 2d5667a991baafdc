package testkit_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/versiona/versiona/internal/check"
	"github.com/versiona/versiona/internal/dbtest"
	"github.com/versiona/versiona/internal/testkit"
)

func TestMain(m *testing.M) { dbtest.Main(m, nil) }

// recorder is a testing.TB that keeps the failures instead of failing.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

// TestCheckTextRules changes a limit on one side at a time and expects the
// comparison to name the column.
func TestCheckTextRules(t *testing.T) {
	const ddl = `CREATE TABLE pessoas (
		id bigint PRIMARY KEY,
		nome text NOT NULL CONSTRAINT pessoas_nome_tamanho CHECK (char_length(nome) BETWEEN 1 AND 100),
		apelido varchar(30),
		bio text CHECK (char_length(bio) <= 2000),
		nota text)`
	nome := check.Text{Entity: "pessoa", Field: "nome", Table: "pessoas", Min: 1, Max: 100}
	apelido := check.Text{Entity: "pessoa", Field: "apelido", Table: "pessoas", Max: 30}
	bio := check.Text{Entity: "pessoa", Field: "bio", Table: "pessoas", Max: 2000}
	wider := nome
	wider.Max = 120
	for _, tc := range []struct {
		name  string
		alter string
		rules []check.Text
		want  string // "" for agreement
	}{
		{"agree", "", []check.Text{nome, apelido, bio}, ""},
		{"Go limit changed", "", []check.Text{wider, apelido, bio}, "pessoa nome: Go rule allows 1 to 120 characters, the database 1 to 100"},
		{"database limit changed", `ALTER TABLE pessoas DROP CONSTRAINT pessoas_nome_tamanho,
			ADD CONSTRAINT pessoas_nome_tamanho CHECK (char_length(nome) BETWEEN 1 AND 80)`,
			[]check.Text{nome, apelido, bio}, "the database 1 to 80"},
		{"varchar length changed", "ALTER TABLE pessoas ALTER apelido TYPE varchar(40)",
			[]check.Text{nome, apelido, bio}, "pessoa apelido: Go rule allows 0 to 30 characters, the database 0 to 40"},
		{"database limit without a Go rule", "", []check.Text{nome, apelido}, "the database bounds pessoas.bio to 0 to 2000"},
		{"Go minimum the database lacks", "", []check.Text{nome, apelido, bio,
			{Entity: "pessoa", Field: "nota", Table: "pessoas", Min: 1}}, "pessoa nota: Go rule allows 1 to unbounded"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pool := dbtest.New(t)
			ctx := context.Background()
			if _, err := pool.Exec(ctx, ddl); err != nil {
				t.Fatal(err)
			}
			if tc.alter != "" {
				if _, err := pool.Exec(ctx, tc.alter); err != nil {
					t.Fatal(err)
				}
			}
			rec := &recorder{TB: t}
			testkit.CheckTextRules(rec, pool, tc.rules)
			got := strings.Join(rec.errs, "\n")
			if tc.want == "" && got != "" || !strings.Contains(got, tc.want) {
				t.Fatalf("failures:\n%s\nwant one containing %q", got, tc.want)
			}
		})
	}
}
