package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/versiona/versiona/blog"
	"github.com/versiona/versiona/db"
	"github.com/versiona/versiona/escola"
)

// Section headings, in the order they are printed.
const (
	headSeeded    = "Seeded rows"
	headFeed      = "Feed: the newest postagens"
	headPostagem  = "A postagem and its comentarios"
	headTop       = "Top commenters"
	headTurmas    = "Turmas under way: seats taken and free"
	headAluno     = "An aluno's courses"
	headCRUD      = "Walk-through: create, update, delete"
	headCascade   = "Deleting the usuario cascades"
	headOverfill  = "Over-filling a turma is refused"
	feedSize      = 8
	comentariosN  = 6
	topN          = 5
	turmasN       = 10
	dateTime      = "2006-01-02 15:04"
	dateOnly      = time.DateOnly
	maxTextoWidth = 70
)

// show prints every section on w, reading through the domain packages.
func show(ctx context.Context, pool *pgxpool.Pool, d *dataset, w io.Writer) error {
	b, e := blog.New(pool), escola.New(pool)

	c, err := countRows(ctx, pool)
	if err != nil {
		return err
	}
	heading(w, headSeeded)
	t := table(w, "table", "rows")
	for _, name := range tableNames() {
		t.row(name, c[name])
	}
	t.flush()

	feed, err := b.PostagemFeed(ctx, nil, feedSize)
	if err != nil {
		return fmt.Errorf("reading the feed: %w", err)
	}
	heading(w, headFeed)
	t = table(w, "id", "criado_em", "autor", "comentarios", "titulo")
	for _, p := range feed {
		t.row(p.ID, p.CriadoEm.UTC().Format(dateTime), p.Autor, p.Comentarios, p.Titulo)
	}
	t.flush()

	// The busiest postagem of the feed.
	busiest := feed[0]
	for _, p := range feed {
		if p.Comentarios > busiest.Comentarios {
			busiest = p
		}
	}
	if err := showPostagem(ctx, b, busiest, w); err != nil {
		return err
	}

	top, err := b.UsuarioListTopCommenters(ctx, topN)
	if err != nil {
		return fmt.Errorf("ranking commenters: %w", err)
	}
	heading(w, headTop)
	t = table(w, "#", "usuario_id", "nome", "comentarios")
	for i, u := range top {
		t.row(i+1, u.ID, u.Nome, u.Comentarios)
	}
	t.flush()

	// Turmas are in order of data_inicio: read from the first one not over,
	// skipping short ones that ended already.
	listed, err := e.TurmaListVagas(ctx, max(d.turmasAbertasDesde-1, 0), 3*turmasN)
	if err != nil {
		return fmt.Errorf("listing turmas: %w", err)
	}
	var turmas []db.TurmaListVagasRow
	for _, r := range listed {
		if !r.DataFim.Before(hoje) && len(turmas) < turmasN {
			turmas = append(turmas, r)
		}
	}
	heading(w, headTurmas)
	fmt.Fprintf(w, "turmas not over on %s, the seeded data's today\n\n", hoje.Format(dateOnly))
	t = table(w, "codigo", "curso", "instrutor", "inicio", "fim", "vagas", "ocupadas", "livres")
	for _, r := range turmas {
		t.row(r.Codigo, r.Curso, r.Instrutor, r.DataInicio.Format(dateOnly), r.DataFim.Format(dateOnly), r.Vagas, r.Ocupadas, r.Livres)
	}
	t.flush()

	aluno, err := e.AlunoGet(ctx, d.alunoDestaque)
	if err != nil {
		return fmt.Errorf("reading aluno %d: %w", d.alunoDestaque, err)
	}
	cursos, err := e.AlunoListCursos(ctx, aluno.ID)
	if err != nil {
		return fmt.Errorf("listing the courses of aluno %d: %w", aluno.ID, err)
	}
	heading(w, headAluno)
	fmt.Fprintf(w, "aluno %d: %s <%s>\n\n", aluno.ID, aluno.Nome, aluno.Email)
	t = table(w, "turma", "curso", "carga_horaria", "inicio", "fim", "status", "nota")
	for _, r := range cursos {
		nota := "-"
		if r.Nota != nil {
			nota = fmt.Sprintf("%.1f", *r.Nota)
		}
		t.row(r.Codigo, r.Curso, r.CargaHoraria, r.DataInicio.Format(dateOnly), r.DataFim.Format(dateOnly), r.Status, nota)
	}
	t.flush()

	return walkThrough(ctx, pool, b, e, busiest, top, w)
}

func showPostagem(ctx context.Context, b *blog.Service, p db.PostagemFeedRow, w io.Writer) error {
	post, err := b.PostagemGet(ctx, p.ID)
	if err != nil {
		return fmt.Errorf("reading postagem %d: %w", p.ID, err)
	}
	coms, err := b.ComentarioListByPostagem(ctx, p.ID, 0, comentariosN)
	if err != nil {
		return fmt.Errorf("listing the comentarios of postagem %d: %w", p.ID, err)
	}
	heading(w, headPostagem)
	fmt.Fprintf(w, "postagem %d by %s, %s, %d comentarios\n", post.ID, p.Autor, post.CriadoEm.UTC().Format(dateTime), p.Comentarios)
	fmt.Fprintf(w, "%q\n%s\n\n", post.Titulo, wrap(post.Conteudo, 78))
	t := table(w, "id", "criado_em", "autor", "texto")
	for _, c := range coms {
		t.row(c.ID, c.CriadoEm.UTC().Format(dateTime), c.Autor, clip(c.Texto, maxTextoWidth))
	}
	t.flush()
	if more := p.Comentarios - int64(len(coms)); more > 0 {
		fmt.Fprintf(w, "… and %d more\n", more)
	}
	return nil
}

// heading prints a section title, underlined.
func heading(w io.Writer, title string) {
	fmt.Fprintf(w, "\n%s\n%s\n", title, strings.Repeat("=", utf8.RuneCountInString(title)))
}

// wrap breaks s into lines of at most width characters, between words.
func wrap(s string, width int) string {
	var b strings.Builder
	n := 0
	for i, word := range strings.Fields(s) {
		l := utf8.RuneCountInString(word)
		switch {
		case i == 0:
		case n+1+l > width:
			b.WriteByte('\n')
			n = 0
		default:
			b.WriteByte(' ')
			n++
		}
		b.WriteString(word)
		n += l
	}
	return b.String()
}

// clip shortens s to at most n characters.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// tw is an aligned table being written.
type tw struct{ w *tabwriter.Writer }

func table(w io.Writer, columns ...string) *tw {
	t := &tw{w: tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)}
	cells := make([]any, len(columns))
	for i, c := range columns {
		cells[i] = c
	}
	t.row(cells...)
	return t
}

func (t *tw) row(cells ...any) {
	for i, c := range cells {
		if i > 0 {
			fmt.Fprint(t.w, "\t")
		}
		fmt.Fprint(t.w, c)
	}
	fmt.Fprint(t.w, "\n")
}

func (t *tw) flush() { _ = t.w.Flush() }
