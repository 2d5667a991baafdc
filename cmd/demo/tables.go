package main

import (
	"context"
	"math/rand/v2"

	"github.com/versiona/versiona/db"
)

// demoTable is one table the demo seeds. Everything per table — load
// order, volumes, random streams, counts and load steps — derives from
// demoTables; adding a table is one entry plus its generator.
type demoTable struct {
	name string
	// perScale is the row count at -scale 1, multiplied by the scale; 0 when
	// the count follows from other tables (matriculas from turmas' vagas).
	perScale int
	// stream selects the table's random stream: each table's rows depend
	// only on the seed. Never reuse or renumber one, or the data changes.
	stream uint64
	// generate fills the dataset's rows of the table: n rows (perScale
	// times the scale) drawn from r. It may read tables listed before.
	generate func(d *dataset, r *rand.Rand, n int)
	// rows is the number of rows the table gets.
	rows func(d *dataset) int
	// load copies the table's rows with q, reporting them to p.
	load func(ctx context.Context, q *db.Queries, d *dataset, p *progress) error
}

// demoTables are versiona's tables, parents before children: the order they
// are generated, loaded, counted and printed in.
var demoTables = []demoTable{
	slice("usuarios", 200, 1, (*dataset).genUsuarios, func(d *dataset) []db.UsuarioCreateManyParams { return d.usuarios }, (*db.Queries).UsuarioCreateMany),
	slice("postagens", 1_000, 2, (*dataset).genPostagens, func(d *dataset) []db.PostagemCreateManyParams { return d.postagens }, (*db.Queries).PostagemCreateMany),
	{
		name: "comentario", perScale: 10_000, stream: 3,
		generate: (*dataset).genComentarioCounts,
		rows:     func(d *dataset) int { return d.comentariosTotal },
		load: func(ctx context.Context, q *db.Queries, d *dataset, p *progress) error {
			return copyAll(ctx, p, "comentario", prefetch(d.comentarios(batchSize)), q.ComentarioCreateMany)
		},
	},
	slice("cursos", 24, 4, (*dataset).genCursos, func(d *dataset) []db.CursoCreateManyParams { return d.cursos }, (*db.Queries).CursoCreateMany),
	slice("instrutores", 12, 5, (*dataset).genInstrutores, func(d *dataset) []db.InstrutorCreateManyParams { return d.instrutores }, (*db.Queries).InstrutorCreateMany),
	slice("turmas", 60, 6, (*dataset).genTurmas, func(d *dataset) []db.TurmaCreateManyParams { return d.turmas }, (*db.Queries).TurmaCreateMany),
	slice("alunos", 600, 7, (*dataset).genAlunos, func(d *dataset) []db.AlunoCreateManyParams { return d.alunos }, (*db.Queries).AlunoCreateMany),
	slice("matriculas", 0, 8, (*dataset).genMatriculas, func(d *dataset) []db.MatriculaCreateManyParams { return d.matriculas }, (*db.Queries).MatriculaCreateMany),
}

// slice is the entry of a table whose rows the dataset holds in memory.
func slice[T any](name string, perScale int, stream uint64, generate func(*dataset, *rand.Rand, int),
	rows func(*dataset) []T, copyFrom func(*db.Queries, context.Context, []T) (int64, error)) demoTable {
	return demoTable{
		name: name, perScale: perScale, stream: stream, generate: generate,
		rows: func(d *dataset) int { return len(rows(d)) },
		load: func(ctx context.Context, q *db.Queries, d *dataset, p *progress) error {
			return copyAll(ctx, p, name, chunks(rows(d)), func(ctx context.Context, batch []T) (int64, error) {
				return copyFrom(q, ctx, batch)
			})
		},
	}
}

// tableNames are the names of demoTables, in order.
func tableNames() []string {
	names := make([]string, len(demoTables))
	for i, t := range demoTables {
		names[i] = t.name
	}
	return names
}
