package migration

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"math/big"
	"reflect"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
)

// goTypes are the Go types a query's generated method sends and scans.
type goTypes struct {
	// Params are the types of the arguments, in $n order; Scan those of
	// the result columns' targets, in column order: "string",
	// "pgtype.Text", "*int64"… nil when they cannot be read.
	Params, Scan []string
}

// scanTypes reads, from the Go files sqlc generated (name → text), the Go
// types each query's method sends and scans into, by method name.
func scanTypes(files map[string]string) map[string]goTypes {
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
	out := map[string]goTypes{}
	for _, f := range parsed {
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || fn.Body == nil {
				continue
			}
			vars := map[string]ast.Expr{}
			for _, p := range fn.Type.Params.List {
				for _, id := range p.Names {
					vars[id.Name] = p.Type
				}
			}
			var scan, call *ast.CallExpr
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.ValueSpec:
					if n.Type != nil {
						for _, id := range n.Names {
							vars[id.Name] = n.Type
						}
					}
				case *ast.CallExpr:
					sel, ok := n.Fun.(*ast.SelectorExpr)
					if !ok {
						break
					}
					switch sel.Sel.Name {
					case "Scan":
						if scan == nil {
							scan = n
						}
					case "Query", "QueryRow", "Exec", "QueryContext", "QueryRowContext", "ExecContext":
						if db, ok := sel.X.(*ast.SelectorExpr); ok && db.Sel.Name == "db" && call == nil && len(n.Args) >= 2 {
							call = n
						}
					}
				}
				return true
			})
			var t goTypes
			if scan != nil {
				t.Scan = exprTypes(scan.Args, true, vars, structs)
			}
			if call != nil {
				t.Params = exprTypes(call.Args[2:], false, vars, structs)
			}
			if t.Scan != nil || t.Params != nil {
				out[fn.Name.Name] = t
			}
		}
	}
	return out
}

// exprTypes returns the types of args (&x when addressed), nil when one
// cannot be read.
func exprTypes(args []ast.Expr, addressed bool, vars map[string]ast.Expr, structs map[string]map[string]ast.Expr) []string {
	got := []string{}
	for _, a := range args {
		if addressed {
			u, ok := a.(*ast.UnaryExpr)
			if !ok || u.Op != token.AND {
				return nil
			}
			a = u.X
		}
		t := targetType(a, vars, structs)
		if t == nil {
			return nil
		}
		got = append(got, types.ExprString(t))
	}
	return got
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

// goSample returns a value of Go type t, as sqlc writes it, to send, and a
// pointer to a new one to scan into; ok is false for a type it does not
// know.
func goSample(t string) (value, target any, ok bool) {
	at := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	var v any
	switch t {
	case "string":
		v = sampleText
	case "bool":
		v = true
	case "int":
		v = 1
	case "int16":
		v = int16(1)
	case "int32":
		v = int32(1)
	case "int64":
		v = int64(1)
	case "float32":
		v = float32(1)
	case "float64":
		v = float64(1)
	case "time.Time":
		v = at
	case "[]byte":
		v = []byte{0}
	case "pgtype.Text":
		v = pgtype.Text{String: sampleText, Valid: true}
	case "pgtype.Bool":
		v = pgtype.Bool{Bool: true, Valid: true}
	case "pgtype.Int2":
		v = pgtype.Int2{Int16: 1, Valid: true}
	case "pgtype.Int4":
		v = pgtype.Int4{Int32: 1, Valid: true}
	case "pgtype.Int8":
		v = pgtype.Int8{Int64: 1, Valid: true}
	case "pgtype.Float8":
		v = pgtype.Float8{Float64: 1, Valid: true}
	case "pgtype.Numeric":
		v = pgtype.Numeric{Int: big.NewInt(1), Valid: true}
	case "pgtype.Date":
		v = pgtype.Date{Time: at, Valid: true}
	case "pgtype.Timestamp":
		v = pgtype.Timestamp{Time: at, Valid: true}
	case "pgtype.Timestamptz":
		v = pgtype.Timestamptz{Time: at, Valid: true}
	default:
		if elem, ok := strings.CutPrefix(t, "*"); ok {
			if ev, _, ok := goSample(elem); ok {
				p := reflect.New(reflect.TypeOf(ev))
				p.Elem().Set(reflect.ValueOf(ev))
				return p.Interface(), reflect.New(p.Type()).Interface(), true
			}
		}
		return nil, nil, false
	}
	return v, reflect.New(reflect.TypeOf(v)).Interface(), true
}
