package objects

import (
	"slices"
	"testing"
)

func TestIdentifiers(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, body string
		want       []string
	}{
		{"plain and qualified", "SELECT id FROM public.z_top WHERE zz_b(id)", []string{"select", "id", "from", "public", "z_top", "where", "zz_b"}},
		{"folded and quoted", `SELECT "Id" FROM Z_Top, "z""q"`, []string{"select", "Id", "from", "z_top", `z"q`}},
		{"string skipped", "SELECT 'zz_b(x)' FROM z_top", []string{"select", "from", "z_top"}},
		{"escape string skipped", `SELECT E'it\'s zz_b' FROM z_top`, []string{"select", "from", "z_top"}},
		{"dollar string skipped", "SELECT $q$ zz_b $q$ FROM z_top", []string{"select", "from", "z_top"}},
		{"comments skipped", "SELECT /* zz_b /* nested */ x */ 1 -- zz_b\nFROM z_top", []string{"select", "from", "z_top"}},
		{"parameters and numbers", "SELECT $1, 2e3, x$y FROM z_top", []string{"select", "x$y", "from", "z_top"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if got := identifiers(c.body); !slices.Equal(got, c.want) {
				t.Fatalf("identifiers(%q) = %q; want %q", c.body, got, c.want)
			}
		})
	}
}
