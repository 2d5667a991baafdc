package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/versiona/versiona"
	"github.com/versiona/versiona/blog"
	"github.com/versiona/versiona/db"
	"github.com/versiona/versiona/escola"
)

// walkThrough creates a usuario, a postagem and comentarios, updates them,
// deletes the usuario showing what the cascade removed, and shows the
// domain refusing a duplicate email and an over-full turma. Every step goes
// through the domain packages; an outcome other than the expected one is an
// error.
func walkThrough(ctx context.Context, pool *pgxpool.Pool, b *blog.Service, e *escola.Service,
	other db.PostagemFeedRow, top []db.UsuarioListTopCommentersRow, w io.Writer) error {
	heading(w, headCRUD)
	t := table(w, "step", "result")

	u, err := b.UsuarioCreate(ctx, db.UsuarioCreateParams{Nome: "Joana Prado", Email: "joana.prado@example.com"})
	if err != nil {
		return fmt.Errorf("creating usuario: %w", err)
	}
	t.row("create usuario", fmt.Sprintf("id %d, %s <%s>", u.ID, u.Nome, u.Email))

	_, err = b.UsuarioCreate(ctx, db.UsuarioCreateParams{Nome: "Joana P.", Email: "JOANA.PRADO@EXAMPLE.COM"})
	if !errors.Is(err, versiona.ErrConflict) {
		return fmt.Errorf("creating a usuario with a taken email: got %v, want a conflict", err)
	}
	t.row("create usuario, same email in capitals", "refused: "+err.Error())

	p, err := b.PostagemCreate(ctx, db.PostagemCreateParams{
		UsuarioID: u.ID,
		Titulo:    "Meu primeiro schema versionado",
		Conteudo:  "Editei o schema.sql, gerei a migração com migrate diff, revisei e apliquei.",
	})
	if err != nil {
		return fmt.Errorf("creating postagem: %w", err)
	}
	t.row("create postagem", fmt.Sprintf("id %d, %q by usuario %d", p.ID, p.Titulo, u.ID))

	mine, err := b.ComentarioCreate(ctx, db.ComentarioCreateParams{
		UsuarioID: u.ID, PostagemID: other.ID, Texto: "Segui o passo a passo e funcionou de primeira!",
	})
	if err != nil {
		return fmt.Errorf("creating comentario: %w", err)
	}
	t.row("create comentario", fmt.Sprintf("id %d by usuario %d on postagem %d", mine.ID, u.ID, other.ID))
	for i, r := range top[:2] {
		texto := []string{"Bem-vinda ao blog!", "Ótimo primeiro post."}[i]
		c, err := b.ComentarioCreate(ctx, db.ComentarioCreateParams{UsuarioID: r.ID, PostagemID: p.ID, Texto: texto})
		if err != nil {
			return fmt.Errorf("creating comentario: %w", err)
		}
		t.row("create comentario", fmt.Sprintf("id %d by usuario %d on postagem %d", c.ID, r.ID, p.ID))
	}

	u2, err := b.UsuarioUpdate(ctx, db.UsuarioUpdateParams{ID: u.ID, Nome: "Joana Prado Lima", Email: u.Email})
	if err != nil {
		return fmt.Errorf("updating usuario: %w", err)
	}
	t.row("update usuario", fmt.Sprintf("nome %q -> %q", u.Nome, u2.Nome))
	p2, err := b.PostagemUpdate(ctx, db.PostagemUpdateParams{ID: p.ID, Titulo: "Meu primeiro schema versionado (revisado)", Conteudo: p.Conteudo})
	if err != nil {
		return fmt.Errorf("updating postagem: %w", err)
	}
	t.row("update postagem", fmt.Sprintf("titulo %q -> %q", p.Titulo, p2.Titulo))
	m2, err := b.ComentarioUpdate(ctx, db.ComentarioUpdateParams{ID: mine.ID, Texto: "Segui o passo a passo e funcionou de primeira. Obrigada!"})
	if err != nil {
		return fmt.Errorf("updating comentario: %w", err)
	}
	t.row("update comentario", fmt.Sprintf("texto %q -> %q", mine.Texto, m2.Texto))
	got, err := b.UsuarioGet(ctx, u.ID)
	if err != nil {
		return fmt.Errorf("reading usuario: %w", err)
	}
	t.row("get usuario", fmt.Sprintf("id %d, %s <%s>", got.ID, got.Nome, got.Email))
	t.flush()

	// The cascade: deleting the usuario deletes their postagem, their
	// comentario on someone else's postagem, and the comentarios on theirs.
	before, err := countRows(ctx, pool)
	if err != nil {
		return err
	}
	if err := b.UsuarioDelete(ctx, u.ID); err != nil {
		return fmt.Errorf("deleting usuario: %w", err)
	}
	after, err := countRows(ctx, pool)
	if err != nil {
		return err
	}
	heading(w, headCascade)
	fmt.Fprintf(w, "delete usuario %d\n\n", u.ID)
	t = table(w, "table", "before", "after", "change")
	for _, name := range []string{"usuarios", "postagens", "comentario"} {
		t.row(name, before[name], after[name], after[name]-before[name])
	}
	t.flush()
	_, err = b.UsuarioGet(ctx, u.ID)
	if !errors.Is(err, versiona.ErrNotFound) {
		return fmt.Errorf("reading a deleted usuario: got %v, want not found", err)
	}
	fmt.Fprintf(w, "\nget usuario %d: %v\n", u.ID, err)

	return overfill(ctx, e, w)
}

// overfill creates a turma of two vagas, fills it and shows the third
// matricula refused.
func overfill(ctx context.Context, e *escola.Service, w io.Writer) error {
	heading(w, headOverfill)
	inicio := time.Date(2026, time.April, 6, 0, 0, 0, 0, time.UTC)
	turma, err := e.TurmaCreate(ctx, db.TurmaCreateParams{
		CursoID: 1, InstrutorID: 1, Codigo: "DEMO-2026.1-EXTRA",
		DataInicio: inicio, DataFim: inicio.AddDate(0, 0, 25), Vagas: 2,
	})
	if err != nil {
		return fmt.Errorf("creating turma: %w", err)
	}
	t := table(w, "step", "result")
	t.row("create turma", fmt.Sprintf("id %d, %s, %d vagas", turma.ID, turma.Codigo, turma.Vagas))
	for aluno := int64(1); aluno <= 3; aluno++ {
		m, err := e.MatriculaCreate(ctx, db.MatriculaCreateParams{AlunoID: aluno, TurmaID: turma.ID})
		step := fmt.Sprintf("enrol aluno %d", aluno)
		if aluno <= int64(turma.Vagas) {
			if err != nil {
				return fmt.Errorf("enrolling aluno %d: %w", aluno, err)
			}
			t.row(step, fmt.Sprintf("matricula %d, %s", m.ID, m.Status))
			continue
		}
		var de *versiona.Error
		if !errors.Is(err, versiona.ErrConflict) || !errors.As(err, &de) || de.Rule != escola.RuleTurmaFull {
			return fmt.Errorf("enrolling in a full turma: got %v, want a conflict %q", err, escola.RuleTurmaFull)
		}
		t.row(step, "refused: "+err.Error())
	}
	vagas, err := e.TurmaListVagas(ctx, turma.ID-1, 1)
	if err != nil {
		return fmt.Errorf("reading turma %d: %w", turma.ID, err)
	}
	if len(vagas) == 1 {
		t.row("seats", fmt.Sprintf("%d taken, %d free", vagas[0].Ocupadas, vagas[0].Livres))
	}
	t.flush()
	return nil
}
