package erd_test

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/versiona/versiona/internal/dbtest"
	"github.com/versiona/versiona/internal/erd"
)

var update = flag.Bool("update", false, "rewrite docs/schema.md from the migrated schema")

func TestMain(m *testing.M) { dbtest.Main(m, dbtest.Migrated) }

const (
	docPath  = "../../docs/schema.md"
	docTitle = "Database schema"
	docFrom  = "The schema at the head of `db/migrations` — the state `schema.sql` describes — " +
		"read from the PostgreSQL catalog of a database migrated to it."
)

// TestSchemaDoc fails when docs/schema.md differs from the diagram of the
// migrated schema; -update rewrites the file.
func TestSchemaDoc(t *testing.T) {
	t.Parallel()
	s, err := erd.Read(context.Background(), dbtest.New(t), "public")
	if err != nil {
		t.Fatal(err)
	}
	got := s.Markdown(docTitle, docFrom)
	if *update {
		if err := os.WriteFile(docPath, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatalf("%v: run go test ./internal/erd -update", err)
	}
	if string(want) != got {
		t.Errorf("%s is stale: run go test ./internal/erd -update\n%s", filepath.Clean(docPath), firstDifference(string(want), got))
	}
}

func firstDifference(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range max(len(w), len(g)) {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return "line " + strconv.Itoa(i+1) + ":\n  file:      " + wl + "\n  generated: " + gl
		}
	}
	return ""
}

// TestRead_Cases reads a schema made for the cases the blog and catalogue do
// not have: an optional and a one-to-one foreign key, a composite key, a
// type Mermaid cannot spell.
func TestRead_Cases(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	_, err := pool.Exec(ctx, `
		CREATE SCHEMA erd_case;
		SET search_path = erd_case;
		CREATE TYPE cor AS ENUM ('azul', 'verde');
		CREATE TABLE pais (id int PRIMARY KEY, nome text NOT NULL UNIQUE, codigo text);
		CREATE UNIQUE INDEX pais_codigo ON pais (upper(codigo));
		COMMENT ON TABLE pais IS 'Países | nações';
		CREATE TABLE filho (
			id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
			pais_id int REFERENCES pais ON DELETE SET NULL,
			unico_id int NOT NULL UNIQUE REFERENCES pais ON DELETE CASCADE,
			nota numeric(4,2) DEFAULT 0,
			tom cor NOT NULL,
			visto timestamp with time zone NOT NULL,
			texto character varying(20) NOT NULL
		);
		CREATE TABLE par (a int, b int, c cor DEFAULT 'verde', PRIMARY KEY (a, b), UNIQUE (b, c));`)
	if err != nil {
		t.Fatal(err)
	}
	s, err := erd.Read(ctx, pool, "erd_case")
	if err != nil {
		t.Fatal(err)
	}
	got := s.Mermaid()
	for _, want := range []string{
		`    pais |o--o{ filho : "pais_id, on delete set null"`,
		`    pais ||--o| filho : "unico_id, on delete cascade"`,
		`        bigint id PK "identity"`,
		`        integer pais_id FK "nullable"`,
		`        integer unico_id FK, UK`,
		`        numeric nota "numeric(4,2); nullable; default 0"`,
		`        cor tom "azul | verde"`,
		`        timestamptz visto`,
		`        varchar(20) texto`,
		`        text nome UK`,
		`        text codigo UK "unique upper(codigo); nullable"`,
		`        integer a PK`,
		`        integer b PK "unique (b, c)"`,
		`        cor c "unique (b, c); nullable; default 'verde'; azul | verde"`,
	} {
		if !strings.Contains(got, want+"\n") {
			t.Errorf("diagram lacks line %q", want)
		}
	}
	md := s.Markdown("T", "from a test")
	if !strings.Contains(md, "| `pais` | 3 | Países \\| nações |") {
		t.Errorf("markdown lacks the escaped table comment:\n%s", md)
	}
}
