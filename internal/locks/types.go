package locks

import (
	"slices"
	"strconv"
	"strings"
)

// sqlType is a column type reduced to what decides whether changing it
// rewrites the table: its canonical base name, its modifiers and whether it
// is an array.
type sqlType struct {
	base  string
	mods  []int
	array bool
}

// typeAliases maps PostgreSQL's spellings of built-in types to one name.
var typeAliases = map[string]string{
	"character varying": "varchar", "varchar": "varchar",
	"character": "bpchar", "char": "bpchar", "bpchar": "bpchar",
	"decimal": "numeric", "numeric": "numeric",
	"timestamp": "timestamp", "timestamp without time zone": "timestamp",
	"timestamptz": "timestamptz", "timestamp with time zone": "timestamptz",
	"time": "time", "time without time zone": "time",
	"timetz": "timetz", "time with time zone": "timetz",
	"bit varying": "varbit", "varbit": "varbit",
	"int": "int4", "integer": "int4", "int4": "int4",
	"smallint": "int2", "int2": "int2", "bigint": "int8", "int8": "int8",
	"real": "float4", "float4": "float4", "double precision": "float8", "float8": "float8",
	"boolean": "bool", "bool": "bool",
}

// parseType reads a type name such as `character varying(200)`,
// `numeric(10, 2)`, `timestamp(3) with time zone` or `text[]`.
func parseType(toks []token) sqlType {
	var words []string
	var t sqlType
	for i := 0; i < len(toks); i++ {
		tk := toks[i]
		switch {
		case tk.punct("("):
			inner, next, _ := group(toks[i:])
			for _, m := range inner {
				if n, err := strconv.Atoi(m.text); err == nil && m.kind == tokNumber {
					t.mods = append(t.mods, n)
				}
			}
			i += next - 1
		case tk.punct("["):
			t.array = true
		case tk.is("array"):
			t.array = true
		case tk.ident():
			words = append(words, tk.text)
		}
	}
	name := strings.Join(words, " ")
	name = strings.TrimPrefix(name, "pg_catalog ")
	if a, ok := typeAliases[name]; ok {
		name = a
	}
	if name == "bpchar" && len(t.mods) == 0 {
		t.mods = []int{1} // char means char(1)
	}
	t.base = name
	return t
}

// precisionTypes keep their values when their precision grows.
var precisionTypes = map[string]int{"timestamp": 6, "timestamptz": 6, "time": 6, "timetz": 6, "interval": 6}

// rewrites reports whether changing a column from type from to type to makes
// PostgreSQL rewrite the table (and rebuild its indexes). The changes that
// do not are the binary-compatible ones: to the same type, a longer
// varchar/varbit or an unconstrained one, varchar to text and text to
// unconstrained varchar, a numeric of the same scale and no less precision,
// a time type of no less precision, cidr to inet.
func rewrites(from, to sqlType) bool {
	if from.array || to.array {
		return from.array != to.array || from.base != to.base || !slices.Equal(from.mods, to.mods)
	}
	switch {
	case from.base == to.base && slices.Equal(from.mods, to.mods):
		return false
	case from.base == "varchar" && to.base == "text", from.base == "text" && to.base == "varchar" && len(to.mods) == 0:
		return false
	case from.base == "cidr" && to.base == "inet":
		return false
	case from.base != to.base:
		return true
	}
	switch from.base {
	case "varchar", "varbit":
		return len(to.mods) == 1 && (len(from.mods) == 0 || to.mods[0] < from.mods[0])
	case "numeric":
		if len(to.mods) == 0 {
			return false
		}
		return len(from.mods) == 0 || to.mods[0] < from.mods[0] || scale(to.mods) != scale(from.mods)
	}
	if full, ok := precisionTypes[from.base]; ok {
		return precision(to.mods, full) < precision(from.mods, full)
	}
	return true
}

func scale(mods []int) int {
	if len(mods) < 2 {
		return 0
	}
	return mods[1]
}

func precision(mods []int, full int) int {
	if len(mods) == 0 {
		return full
	}
	return mods[0]
}
