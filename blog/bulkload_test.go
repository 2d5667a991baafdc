package blog_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/versiona/versiona/db"
	"github.com/versiona/versiona/internal/bulkload"
	"github.com/versiona/versiona/internal/dbtest"
	"github.com/versiona/versiona/internal/pgtx"
)

// This file holds what the bulk-load and page benchmarks share: a
// deterministic blog of a given scale, the ways of loading it that the
// benchmarks compare, and the checks that a load left every constraint in
// force.

// blogData is a blog at scale s with the demo's volumes per unit of scale:
// 200 usuarios, 1,000 postagens and 10,000 comentarios. Row i of each table
// gets id i+1 when loaded into an empty, freshly migrated database.
type blogData struct {
	scale       int
	usuarios    []db.UsuarioCreateManyParams
	postagens   []db.PostagemCreateManyParams
	comentarios []db.ComentarioCreateManyParams
	// popular is the id of the postagem that gets one comentario in a
	// hundred, so that its comment pages go deeper as the data grows.
	popular int64
}

var (
	benchNomes      = []string{"Ana", "Bruno", "Camila", "Diego", "Elisa", "Fábio", "Gabriela", "Heitor", "Iara", "João", "Larissa", "Márcio", "Natália", "Otávio", "Paula", "Renato"}
	benchSobrenomes = []string{"Almeida", "Barbosa", "Cardoso", "Duarte", "Esteves", "Ferreira", "Gonçalves", "Lima", "Moreira", "Nogueira", "Oliveira", "Pereira", "Ribeiro", "Souza"}
	benchTemas      = []string{"migrações versionadas", "chaves estrangeiras", "índices parciais", "paginação por cursor", "transações", "COPY em massa", "consultas tipadas", "normalização"}
	benchTextos     = []string{
		"Ótima explicação, obrigado!",
		"Não entendi a parte do índice composto; pode detalhar?",
		"Usei isso no trabalho e funcionou de primeira.",
		"E se a tabela já tiver milhões de linhas?",
		"Faltou falar de rollback, mas o resto está excelente.",
		"Concordo. A migração reversível economiza muito tempo.",
		"Qual versão do PostgreSQL você usou nos testes?",
		"Salvei para ler com calma depois.",
	}
	benchInicio = time.Date(2025, time.March, 2, 0, 0, 0, 0, time.UTC)
)

// newBlogData generates the blog of scale. Postagens are spread over a year
// in id order; comentarios are in random postagem order (as they arrive in
// a live blog), skewed towards some postagens, with one in a hundred on the
// popular postagem.
func newBlogData(scale int) *blogData {
	r := rand.New(rand.NewPCG(uint64(scale), 0x626c6f67))
	nu, np, nc := 200*scale, 1_000*scale, 10_000*scale
	d := &blogData{scale: scale, popular: int64(np/2 + 1)}

	d.usuarios = make([]db.UsuarioCreateManyParams, nu)
	for i := range d.usuarios {
		d.usuarios[i] = db.UsuarioCreateManyParams{
			Nome:     benchNomes[i%len(benchNomes)] + " " + benchSobrenomes[(i/len(benchNomes))%len(benchSobrenomes)],
			Email:    "leitor" + strconv.Itoa(i+1) + "@exemplo.com.br",
			CriadoEm: benchInicio.Add(-time.Duration(nu-i) * time.Minute),
		}
	}

	step := 365 * 24 * time.Hour / time.Duration(np)
	d.postagens = make([]db.PostagemCreateManyParams, np)
	for i := range d.postagens {
		at := benchInicio.Add(time.Duration(i)*step + time.Duration(r.Int64N(int64(step))))
		tema := benchTemas[r.IntN(len(benchTemas))]
		d.postagens[i] = db.PostagemCreateManyParams{
			UsuarioID:    1 + r.Int64N(int64(nu)),
			Titulo:       fmt.Sprintf("Notas sobre %s, parte %d", tema, i+1),
			Conteudo:     strings.Repeat("Um passo de cada vez: "+tema+". ", 4),
			CriadoEm:     at,
			AtualizadoEm: at,
		}
	}

	// Comment counts follow squared exponential weights: most postagens get
	// a few, some get many.
	cum := make([]float64, np)
	total := 0.0
	for i := range cum {
		w := r.ExpFloat64()
		total += w * w
		cum[i] = total
	}
	d.comentarios = make([]db.ComentarioCreateManyParams, nc)
	for k := range d.comentarios {
		p := int(d.popular - 1)
		if k%100 != 0 {
			p, _ = slices.BinarySearch(cum, r.Float64()*total)
			p = min(p, np-1)
		}
		d.comentarios[k] = db.ComentarioCreateManyParams{
			UsuarioID:  1 + r.Int64N(int64(nu)),
			PostagemID: int64(p + 1),
			Texto:      benchTextos[r.IntN(len(benchTextos))],
			CriadoEm:   d.postagens[p].CriadoEm.Add(time.Duration(r.Int64N(int64(30 * 24 * time.Hour)))),
		}
	}
	return d
}

func (d *blogData) rows() int { return len(d.usuarios) + len(d.postagens) + len(d.comentarios) }

// blogTable is one table of the load, parents before children.
type blogTable struct {
	name    string
	columns string // the columns COPY fills, in CSV order
	rows    int
	// copy loads rows [lo, hi) with COPY through the generated code.
	copy func(ctx context.Context, q *db.Queries, lo, hi int) (int64, error)
	// record returns row i as CSV fields.
	record func(i int) []string
}

func (d *blogData) tables() []blogTable {
	ts := func(t time.Time) string { return t.Format(time.RFC3339Nano) }
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	return []blogTable{{
		name: "usuarios", columns: "nome, email, criado_em", rows: len(d.usuarios),
		copy: func(ctx context.Context, q *db.Queries, lo, hi int) (int64, error) {
			return q.UsuarioCreateMany(ctx, d.usuarios[lo:hi])
		},
		record: func(i int) []string { u := d.usuarios[i]; return []string{u.Nome, u.Email, ts(u.CriadoEm)} },
	}, {
		name: "postagens", columns: "usuario_id, titulo, conteudo, criado_em, atualizado_em", rows: len(d.postagens),
		copy: func(ctx context.Context, q *db.Queries, lo, hi int) (int64, error) {
			return q.PostagemCreateMany(ctx, d.postagens[lo:hi])
		},
		record: func(i int) []string {
			p := d.postagens[i]
			return []string{id(p.UsuarioID), p.Titulo, p.Conteudo, ts(p.CriadoEm), ts(p.AtualizadoEm)}
		},
	}, {
		name: "comentario", columns: "usuario_id, postagem_id, texto, criado_em", rows: len(d.comentarios),
		copy: func(ctx context.Context, q *db.Queries, lo, hi int) (int64, error) {
			return q.ComentarioCreateMany(ctx, d.comentarios[lo:hi])
		},
		record: func(i int) []string {
			c := d.comentarios[i]
			return []string{id(c.UsuarioID), id(c.PostagemID), c.Texto, ts(c.CriadoEm)}
		},
	}}
}

// writeCSV writes each table of d to dir/<table>.csv and returns the paths
// by table name.
func (d *blogData) writeCSV(dir string) (map[string]string, error) {
	paths := map[string]string{}
	for _, t := range d.tables() {
		path := filepath.Join(dir, t.name+".csv")
		f, err := os.Create(path)
		if err != nil {
			return nil, err
		}
		w := csv.NewWriter(f)
		for i := range t.rows {
			if err := w.Write(t.record(i)); err != nil {
				f.Close()
				return nil, err
			}
		}
		w.Flush()
		if err := w.Error(); err != nil {
			f.Close()
			return nil, err
		}
		if err := f.Close(); err != nil {
			return nil, err
		}
		paths[t.name] = path
	}
	return paths, nil
}

// loadPlan is a way of bulk-loading the blog. Every plan ends with every
// constraint of the schema in force and checked against every row.
type loadPlan struct {
	// deferIndexes and deferForeignKeys load each table through
	// bulkload.Load, which drops its non-unique indexes, its foreign keys or
	// both before its COPY and restores them after it, in the same
	// transaction; re-adding a foreign key checks every row in one join.
	deferIndexes, deferForeignKeys bool
	// batch is the number of rows per COPY statement; 0: one per table.
	batch int
	// txPerBatch commits after every COPY statement instead of once at
	// the end (only without deferred indexes or keys: a dropped constraint
	// must never be visible).
	txPerBatch bool
}

// loadSetup is run at the start of the load's transaction.
const loadSetup = "SET LOCAL maintenance_work_mem = '256MB'"

// options returns what plan defers, for bulkload, and whether it defers
// anything.
func (plan loadPlan) options() (bulkload.Options, bool) {
	return bulkload.Options{KeepIndexes: !plan.deferIndexes, KeepForeignKeys: !plan.deferForeignKeys},
		plan.deferIndexes || plan.deferForeignKeys
}

// load bulk-loads d into the empty database behind conn as plan says.
func load(ctx context.Context, conn *pgx.Conn, d *blogData, plan loadPlan) error {
	if plan.txPerBatch && (plan.deferIndexes || plan.deferForeignKeys) {
		return fmt.Errorf("a plan that defers constraints must load in one transaction")
	}
	copyTable := func(tx pgx.Tx, t blogTable) error {
		size := plan.batch
		if size <= 0 {
			size = max(t.rows, 1)
		}
		for lo := 0; lo < t.rows; lo += size {
			hi := min(lo+size, t.rows)
			copyBatch := func(tx pgx.Tx) error {
				n, err := t.copy(ctx, db.New(tx), lo, hi)
				if err != nil {
					return fmt.Errorf("copying into %s: %w", t.name, err)
				}
				if n != int64(hi-lo) {
					return fmt.Errorf("copying into %s: %d rows copied, want %d", t.name, n, hi-lo)
				}
				return nil
			}
			var err error
			if plan.txPerBatch {
				err = pgtx.WithTx(ctx, conn, copyBatch)
			} else {
				err = copyBatch(tx)
			}
			if err != nil {
				return err
			}
		}
		return nil
	}
	if plan.txPerBatch {
		for _, t := range d.tables() {
			if err := copyTable(nil, t); err != nil {
				return err
			}
		}
		return nil
	}
	return pgtx.WithTx(ctx, conn, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, loadSetup); err != nil {
			return err
		}
		opts, deferring := plan.options()
		for _, t := range d.tables() {
			var err error
			if deferring {
				err = bulkload.Load(ctx, tx, t.name, opts, func() error { return copyTable(tx, t) })
			} else {
				err = copyTable(tx, t)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// psqlScript returns a psql script that loads the CSV files at paths as
// plan says (batch sizes aside: psql sends one COPY per table), for
// `psql --single-transaction`. The statements plan defers are read from
// the catalog of the database behind conn.
func psqlScript(ctx context.Context, conn *pgx.Conn, d *blogData, plan loadPlan, paths map[string]string) (string, error) {
	var s strings.Builder
	s.WriteString(loadSetup + ";\n")
	opts, _ := plan.options()
	for _, t := range d.tables() {
		before, after, err := bulkload.Statements(ctx, conn, t.name, opts)
		if err != nil {
			return "", err
		}
		for _, stmt := range before {
			s.WriteString(stmt + ";\n")
		}
		fmt.Fprintf(&s, "\\copy %s (%s) FROM '%s' WITH (FORMAT csv)\n", t.name, t.columns, paths[t.name])
		for _, stmt := range after {
			s.WriteString(stmt + ";\n")
		}
	}
	return s.String(), nil
}

// schemaState is what a load must leave as it found it: the validated
// foreign keys and valid indexes of the blog's tables, and the comments on
// them.
type schemaState struct {
	ForeignKeys, Indexes, Comments int
}

func readSchemaState(ctx context.Context, conn *pgx.Conn) (schemaState, error) {
	var s schemaState
	err := conn.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND convalidated
			AND conrelid IN ('usuarios'::regclass, 'postagens'::regclass, 'comentario'::regclass)),
		(SELECT count(*) FROM pg_index WHERE indisvalid AND indisready
			AND indrelid IN ('usuarios'::regclass, 'postagens'::regclass, 'comentario'::regclass)),
		(SELECT count(*) FROM pg_description d WHERE
			(d.classoid = 'pg_constraint'::regclass AND d.objoid IN (SELECT oid FROM pg_constraint
				WHERE conrelid IN ('usuarios'::regclass, 'postagens'::regclass, 'comentario'::regclass)))
			OR (d.classoid = 'pg_class'::regclass AND d.objoid IN (SELECT indexrelid FROM pg_index
				WHERE indrelid IN ('usuarios'::regclass, 'postagens'::regclass, 'comentario'::regclass))))`).
		Scan(&s.ForeignKeys, &s.Indexes, &s.Comments)
	return s, err
}

// checkLoaded fails tb unless the database at url holds exactly d, with ids
// 1..n in each table, and the schema state want.
func checkLoaded(tb testing.TB, url string, d *blogData, want schemaState) {
	tb.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		tb.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, t := range d.tables() {
		var n, maxID int64
		err := conn.QueryRow(ctx, "SELECT count(*), coalesce(max(id), 0) FROM "+pgx.Identifier{t.name}.Sanitize()).Scan(&n, &maxID)
		if err != nil {
			tb.Fatal(err)
		}
		if n != int64(t.rows) || maxID != int64(t.rows) {
			tb.Fatalf("%s: %d rows with ids up to %d, want %d", t.name, n, maxID, t.rows)
		}
	}
	got, err := readSchemaState(ctx, conn)
	if err != nil {
		tb.Fatal(err)
	}
	if got != want {
		tb.Fatalf("after the load: %+v, want %+v as before it", got, want)
	}
}

// freshDatabase returns the URL of a new migrated database and its schema
// state.
func freshDatabase(tb testing.TB) (string, schemaState) {
	tb.Helper()
	ctx := context.Background()
	url := dbtest.URL(tb)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		tb.Fatal(err)
	}
	defer conn.Close(ctx)
	s, err := readSchemaState(ctx, conn)
	if err != nil {
		tb.Fatal(err)
	}
	if s.ForeignKeys == 0 || s.Indexes == 0 {
		tb.Fatalf("schema state %+v: the migrations define foreign keys and indexes", s)
	}
	return url, s
}
