package migration

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"strings"
)

// scanTypes reads, from the Go files sqlc generated (name → text), the Go
// type each query's result columns are scanned into, in column order:
// "string", "pgtype.Text", "*int64"… A query whose method holds no Scan
// (an :exec) or whose targets cannot be read is left out.
func scanTypes(files map[string]string) map[string][]string {
	fset := token.NewFileSet()
	var parsed []*ast.File
	for name, text := range files {
		f, err := parser.ParseFile(fset, name, text, 0)
		if err == nil {
			parsed = append(parsed, f)
		}
	}
	// The package's struct types, by name: field name → type.
	structs := map[string]map[string]ast.Expr{}
	for _, f := range parsed {
		ast.Inspect(f, func(n ast.Node) bool {
			ts, ok := n.(*ast.TypeSpec)
			if !ok {
				return true
			}
			if st, ok := ts.Type.(*ast.StructType); ok {
				fields := map[string]ast.Expr{}
				for _, fl := range st.Fields.List {
					for _, id := range fl.Names {
						fields[id.Name] = fl.Type
					}
					if len(fl.Names) == 0 { // embedded
						fields[types.ExprString(fl.Type)] = fl.Type
					}
				}
				structs[ts.Name.Name] = fields
			}
			return false
		})
	}
	out := map[string][]string{}
	for _, f := range parsed {
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || fn.Body == nil {
				continue
			}
			vars := map[string]ast.Expr{}
			var scan *ast.CallExpr
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.ValueSpec:
					if n.Type != nil {
						for _, id := range n.Names {
							vars[id.Name] = n.Type
						}
					}
				case *ast.CallExpr:
					if sel, ok := n.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Scan" && scan == nil {
						scan = n
					}
				}
				return true
			})
			if scan == nil {
				continue
			}
			var got []string
			for _, a := range scan.Args {
				u, ok := a.(*ast.UnaryExpr)
				if !ok || u.Op != token.AND {
					got = nil
					break
				}
				t := targetType(u.X, vars, structs)
				if t == nil {
					got = nil
					break
				}
				got = append(got, types.ExprString(t))
			}
			if got != nil {
				out[fn.Name.Name] = got
			}
		}
	}
	return out
}

// targetType resolves the type of a scan target: a variable (i) or a
// field of one (i.Titulo, i.Usuario.ID with sqlc.embed).
func targetType(x ast.Expr, vars map[string]ast.Expr, structs map[string]map[string]ast.Expr) ast.Expr {
	switch x := x.(type) {
	case *ast.Ident:
		return vars[x.Name]
	case *ast.SelectorExpr:
		t := targetType(x.X, vars, structs)
		id, ok := t.(*ast.Ident)
		if !ok {
			return nil
		}
		return structs[id.Name][x.Sel.Name]
	}
	return nil
}

// refusesNull reports whether pgx fails to scan a NULL into Go type t, as
// sqlc writes it: the built-in scalars, time.Time, uuid.UUID and a named
// type of the package that is not a Null… wrapper. Pointers, slices,
// pgtype's and database/sql's wrappers take a NULL; other types are
// assumed to.
func refusesNull(t string) bool {
	switch t {
	case "string", "bool", "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64",
		"float32", "float64", "time.Time", "uuid.UUID", "netip.Addr", "netip.Prefix", "decimal.Decimal":
		return true
	}
	if strings.ContainsAny(t, "*[]{}(). ") {
		return false
	}
	// A type of the generated package: sqlc names the nullable enum
	// wrappers Null<Enum>.
	return !strings.HasPrefix(t, "Null") && t != "any" && t != "interface{}"
}
