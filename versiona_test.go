package versiona_test

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/versiona/versiona"
)

func TestError(t *testing.T) {
	cause := errors.New("duplicate key")
	err := fmt.Errorf("creating usuario: %w", &versiona.Error{
		Kind: versiona.ErrConflict, Entity: "usuario", Field: "email", Rule: "already in use", Err: cause,
	})

	t.Run("matches its kind only", func(t *testing.T) {
		if !errors.Is(err, versiona.ErrConflict) {
			t.Fatal("does not match ErrConflict")
		}
		if errors.Is(err, versiona.ErrNotFound) || errors.Is(err, versiona.ErrInvalid) {
			t.Fatal("matches another kind")
		}
	})
	t.Run("unwraps to its cause", func(t *testing.T) {
		if !errors.Is(err, cause) {
			t.Fatal("does not match its cause")
		}
	})
	t.Run("message names entity, field and rule", func(t *testing.T) {
		want := "creating usuario: usuario email: already in use (conflict)"
		if err.Error() != want {
			t.Fatalf("got %q, want %q", err.Error(), want)
		}
	})
}

func TestSchema_Embedded(t *testing.T) {
	for _, table := range []string{"usuarios", "postagens", "comentario", "alunos", "instrutores", "cursos", "turmas", "matriculas"} {
		if !strings.Contains(versiona.Schema, "CREATE TABLE "+table+" (") {
			t.Errorf("Schema has no table %s", table)
		}
		if !strings.Contains(versiona.Schema, "COMMENT ON TABLE "+table+" IS") {
			t.Errorf("Schema has no comment on table %s", table)
		}
	}
}

// TestNoPgtypeInExportedAPI checks that no exported identifier of the
// module, generated code included, mentions a pgtype type: the sqlc
// overrides map every column to a standard Go type.
func TestNoPgtypeInExportedAPI(t *testing.T) {
	fset := token.NewFileSet()
	var checked int
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		// testdata holds other projects' files, not part of the module's build.
		if d.IsDir() && (path == "tools" || d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".") && path != ".") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		checked++
		pgtype := importName(f, "github.com/jackc/pgx/v5/pgtype")
		if pgtype == "" {
			return nil
		}
		for _, decl := range f.Decls {
			for name, node := range exported(decl) {
				if mentions(node, pgtype) {
					t.Errorf("%s: exported %s mentions pgtype", fset.Position(node.Pos()), name)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 10 {
		t.Fatalf("checked only %d files", checked)
	}
}

// importName returns the name under which f imports path, or "".
func importName(f *ast.File, path string) string {
	for _, imp := range f.Imports {
		if strings.Trim(imp.Path.Value, `"`) == path {
			if imp.Name != nil {
				return imp.Name.Name
			}
			return path[strings.LastIndex(path, "/")+1:]
		}
	}
	return ""
}

// exported returns the parts of decl that form exported API: signatures of
// exported functions and methods, exported type definitions, and the types
// and values of exported variables and constants.
func exported(decl ast.Decl) map[string]ast.Node {
	out := map[string]ast.Node{}
	switch d := decl.(type) {
	case *ast.FuncDecl:
		if d.Name.IsExported() {
			out[d.Name.Name] = d.Type
		}
	case *ast.GenDecl:
		for _, spec := range d.Specs {
			switch s := spec.(type) {
			case *ast.TypeSpec:
				if s.Name.IsExported() {
					out[s.Name.Name] = s.Type
				}
			case *ast.ValueSpec:
				for i, n := range s.Names {
					if !n.IsExported() {
						continue
					}
					if s.Type != nil {
						out[n.Name] = s.Type
					} else if i < len(s.Values) {
						out[n.Name] = s.Values[i]
					}
				}
			}
		}
	}
	return out
}

// mentions reports whether node refers to pkg.Something.
func mentions(node ast.Node, pkg string) bool {
	found := false
	ast.Inspect(node, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok && id.Name == pkg {
				found = true
			}
		}
		return !found
	})
	return found
}
