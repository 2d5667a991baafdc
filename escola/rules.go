package escola

import "github.com/versiona/versiona/internal/check"

// The rules of the catalogue's text fields, each defined once: validation,
// error text and the constraint mapping derive from them, and a test
// compares them with the CHECK constraints and column types of the migrated
// catalog.
var (
	alunoNome      = check.Text{Entity: aluno, Field: "nome", Table: "alunos", Min: 1, Max: 100}
	alunoEmail     = check.Text{Entity: aluno, Field: "email", Table: "alunos", Min: 3, Max: 254}
	alunoTelefone  = check.Text{Entity: aluno, Field: "telefone", Table: "alunos", Min: 1, Max: 30}
	instrutorNome  = check.Text{Entity: instrutor, Field: "nome", Table: "instrutores", Min: 1, Max: 100}
	instrutorEmail = check.Text{Entity: instrutor, Field: "email", Table: "instrutores", Min: 3, Max: 254}
	instrutorBio   = check.Text{Entity: instrutor, Field: "bio", Table: "instrutores", Max: 2000}
	cursoTitulo    = check.Text{Entity: curso, Field: "titulo", Table: "cursos", Min: 1, Max: 200}
	cursoDescricao = check.Text{Entity: curso, Field: "descricao", Table: "cursos"}
	turmaCodigo    = check.Text{Entity: turma, Field: "codigo", Table: "turmas", Min: 1, Max: 30}
)

// The rules of the catalogue's numeric fields, compared with the catalog
// like the text rules.
var (
	cursoCargaHoraria = check.Range{Entity: curso, Field: "carga_horaria", Table: "cursos", Min: 1}
	turmaVagas        = check.Range{Entity: turma, Field: "vagas", Table: "turmas", Min: 1}
	matriculaNota     = check.Range{Entity: matricula, Field: "nota", Table: "matriculas", Min: 0, Max: 10, HasMax: true}
)

// rangeRules lists the numeric rules, for the catalog comparison.
func rangeRules() []check.Range {
	return []check.Range{cursoCargaHoraria, turmaVagas, matriculaNota}
}

// textRules lists the rules above, for the catalog comparison.
func textRules() []check.Text {
	return []check.Text{alunoNome, alunoEmail, alunoTelefone, instrutorNome, instrutorEmail,
		instrutorBio, cursoTitulo, cursoDescricao, turmaCodigo}
}
