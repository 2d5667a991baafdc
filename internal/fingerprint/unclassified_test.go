package fingerprint_test

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/versiona/versiona/internal/fingerprint"
	"github.com/versiona/versiona/internal/testkit"
)

// TestRead_Unclassified takes one catalog the fingerprint reads for one
// it does not, and requires Read to refuse, naming that catalog's objects
// and only those a schema's author created.
func TestRead_Unclassified(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, setup, catalog string
		exclude              []string
		want, notWant        []string
	}{
		{name: "event trigger", catalog: "pg_event_trigger", want: []string{"event trigger ao_criar"}},
		{name: "types, not their arrays nor row types", catalog: "pg_type",
			want:    []string{"type app.base", "type app.casca", "type app.cor", "type app.ponto", "type app.positivo"},
			notWant: []string{"type app.cor[]", "type app.pai", "type app._cor"}},
		{name: "relations, not toast tables nor the indexes and sequences of constraints and identities", catalog: "pg_class",
			want:    []string{"table app.filho", "table app.medida", "index app.filho_texto_idx", "sequence app.contador", "view app.pai_nomes"},
			notWant: []string{"sequence app.pai_id_seq", "index app.filho_pkey", "index app.pai_nome_unico", "pg_toast"}},
		{name: "operators, not those of an extension", catalog: "pg_operator",
			setup: `CREATE EXTENSION IF NOT EXISTS citext SCHEMA app`, want: []string{"operator app.===(integer,integer)"}},
		{name: "nothing in an excluded schema", catalog: "pg_type", exclude: []string{"app"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			db := open(t, baseSchema+c.setup)
			_, err := fingerprint.Read(context.Background(), db, fingerprint.ExcludeSchemas(c.exclude...), fingerprint.ForgetCatalog(c.catalog))
			var uerr *fingerprint.UnclassifiedError
			if len(c.want) == 0 {
				if err != nil {
					t.Fatalf("Read: %v, want no error", err)
				}
				return
			}
			if !errors.As(err, &uerr) {
				t.Fatalf("Read: %v, want an *UnclassifiedError", err)
			}
			for _, w := range c.want {
				if !slices.Contains(uerr.Objects, w) {
					t.Errorf("%q not reported; reported: %q", w, uerr.Objects)
				}
				if !strings.Contains(err.Error(), w) {
					t.Errorf("the message does not name %q: %v", w, err)
				}
			}
			for _, o := range uerr.Objects {
				for _, nw := range c.notWant {
					if strings.Contains(o, nw) {
						t.Errorf("%q reported", o)
					}
				}
			}
			if !strings.Contains(err.Error(), "cannot check") {
				t.Errorf("the message does not say the fingerprint cannot check them: %v", err)
			}
			if c.catalog == "pg_operator" && !slices.Equal(uerr.Objects, c.want) {
				var members int
				if err := db.QueryRow(`SELECT count(*) FROM pg_depend WHERE classid = 'pg_operator'::regclass AND deptype = 'e'`).Scan(&members); err != nil {
					t.Fatal(err)
				}
				t.Errorf("reported %q, want only %q (the extension has %d operators)", uerr.Objects, c.want, members)
			}
		})
	}
}

// TestReadCatalogs_MatchQuery compares the list of catalogs the
// fingerprint reads with the catalogs its query names, and with the
// catalogs of pg_catalog with an oid column on the server.
func TestReadCatalogs_MatchQuery(t *testing.T) {
	t.Parallel()
	db := open(t, "")
	onServer := testkit.Lines(t, db, `SELECT c.relname FROM pg_class c
		WHERE c.relnamespace = 'pg_catalog'::regnamespace AND c.relkind = 'r' AND NOT c.relisshared
		  AND EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'oid' AND a.attnum > 0)
		ORDER BY 1`)
	var named []string
	for _, c := range onServer {
		// A view over the catalog counts: pg_user_mappings for pg_user_mapping.
		if regexp.MustCompile(`\b` + c + `s?\b`).MatchString(fingerprint.FactsQuery) {
			named = append(named, c)
		}
	}
	want := slices.DeleteFunc(slices.Clone(fingerprint.ReadCatalogs), func(c string) bool { return c == "pg_largeobject_metadata" })
	slices.Sort(want)
	if !slices.Equal(named, want) {
		t.Errorf("catalogs the query names: %q\nreadCatalogs, less pg_largeobject_metadata: %q", named, want)
	}
	for _, c := range fingerprint.ReadCatalogs {
		if !slices.Contains(onServer, c) {
			t.Errorf("readCatalogs lists %s, which is not a catalog with an oid column on this server", c)
		}
	}
}
