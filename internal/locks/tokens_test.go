package locks

import (
	"strings"
	"testing"
)

func TestTokenize(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, src, want string // want: tokens joined by |, quoted identifiers in «»
	}{
		{"words are lowercased, quoted names kept", `ALTER TABLE "Public"."Use""rs" add`, `alter|table|«Public»|.|«Use"rs»|add`},
		{"line and nested block comments", "a -- b\n/* c /* d */ e */ f", `a|f`},
		{"strings with quotes", `x 'it''s' E'a\'b' y`, `x|'it''s'|E'a\'b'|y`},
		{"dollar quotes with a tag", `DEFAULT $f$ random() $$ $f$ , $1`, `default|$f$ random() $$ $f$|,|$1`},
		{"operators and casts", `a::text>=b`, `a|::|text|>=|b`},
		{"numbers", `numeric(10, 2) 1.5e-3`, `numeric|(|10|,|2|)|1.5e-3`},
		{"unterminated quote ends the text", `'abc`, `'abc`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for _, tk := range tokenize(c.src) {
				s := tk.text
				if tk.kind == tokQuoted {
					s = "«" + s + "»"
				}
				if tk.kind != tokQuoted && tk.kind != tokWord && c.src[tk.pos:tk.pos+len(s)] != s {
					t.Errorf("token %q at %d does not match the source", s, tk.pos)
				}
				got = append(got, s)
			}
			if strings.Join(got, "|") != c.want {
				t.Fatalf("got %s, want %s", strings.Join(got, "|"), c.want)
			}
		})
	}
}

func TestRewrites(t *testing.T) {
	t.Parallel()
	cases := []struct {
		from, to string
		rewrite  bool
	}{
		{"character varying(200)", "varchar(300)", false},
		{"character varying(200)", "varchar(100)", true},
		{"character varying(200)", "character varying", false},
		{"character varying", "varchar(10)", true},
		{"character varying(200)", "text", false},
		{"text", "varchar", false},
		{"text", "varchar(10)", true},
		{"numeric(10,2)", "numeric(12, 2)", false},
		{"numeric(10,2)", "decimal(12,3)", true},
		{"numeric", "numeric(10,2)", true},
		{"timestamp(3) without time zone", "timestamp", false},
		{"timestamp with time zone", "timestamp(3) with time zone", true},
		{"timestamp without time zone", "timestamptz", true},
		{"integer", "int4", false},
		{"integer", "bigint", true},
		{"character(5)", "character(10)", true},
		{"text[]", "text[]", false},
		{"character varying(10)[]", "character varying(20)[]", true},
		{"cidr", "inet", false},
	}
	for _, c := range cases {
		if got := rewrites(parseType(tokenize(c.from)), parseType(tokenize(c.to))); got != c.rewrite {
			t.Errorf("%s → %s: rewrites = %v, want %v", c.from, c.to, got, c.rewrite)
		}
	}
}
