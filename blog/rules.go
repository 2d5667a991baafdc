package blog

import "github.com/versiona/versiona/internal/check"

// The rules of the blog's text fields, each defined once: validation, error
// text and the constraint mapping derive from them, and a test compares
// them with the CHECK constraints and column types of the migrated catalog.
var (
	usuarioNome      = check.Text{Entity: usuario, Field: "nome", Table: "usuarios", Min: 1, Max: 100}
	usuarioEmail     = check.Text{Entity: usuario, Field: "email", Table: "usuarios", Min: 3, Max: 254}
	postagemTitulo   = check.Text{Entity: postagem, Field: "titulo", Table: "postagens", Min: 1, Max: 200}
	postagemConteudo = check.Text{Entity: postagem, Field: "conteudo", Table: "postagens"}
	comentarioTexto  = check.Text{Entity: comentario, Field: "texto", Table: "comentario", Min: 1, Max: 200}
)

// textRules lists the rules above, for the catalog comparison.
func textRules() []check.Text {
	return []check.Text{usuarioNome, usuarioEmail, postagemTitulo, postagemConteudo, comentarioTexto}
}
