package main

import (
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/versiona/versiona/db"
)

// hoje is the day the seeded data describes as today. Every seeded timestamp
// is derived from it and the seed, never from the clock, so that the same
// seed always prints the same output.
var hoje = time.Date(2026, time.March, 2, 0, 0, 0, 0, time.UTC)

// dataset is everything the seed writes except the comentarios, which are
// generated batch by batch (see comentarios) because of their number. Row i
// of a table gets id i+1: tables are loaded in order into empty tables whose
// identities were restarted.
type dataset struct {
	seed uint64

	usuarios    []db.UsuarioCreateManyParams
	postagens   []db.PostagemCreateManyParams
	cursos      []db.CursoCreateManyParams
	instrutores []db.InstrutorCreateManyParams
	turmas      []db.TurmaCreateManyParams
	alunos      []db.AlunoCreateManyParams
	matriculas  []db.MatriculaCreateManyParams

	// comentariosTotal is the number of comentarios.
	comentariosTotal int
	// comentariosPorPostagem[i] is the number of comentarios on postagem i+1.
	comentariosPorPostagem []int32
	// siglas[i] abbreviates the subject of curso i+1, for turma codes.
	siglas []string
	// turmasAbertasDesde is the id of the first turma not yet over on
	// hoje; turmas are in order of data_inicio.
	turmasAbertasDesde int64
	// alunoDestaque is the id of the aluno with the most matriculas.
	alunoDestaque int64
}

// rng returns the random stream of one table, so that each table's rows
// depend only on the seed, not on the order tables are generated in.
func rng(seed, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, 0x76657273696f6e61^stream))
}

// generate builds the dataset of scale from seed, table by table.
func generate(scale int, seed uint64) *dataset {
	d := &dataset{seed: seed}
	for _, t := range demoTables {
		t.generate(d, rng(seed, t.stream), t.perScale*scale)
	}
	return d
}

// rows is the number of rows the dataset writes.
func (d *dataset) rows() int {
	n := 0
	for _, t := range demoTables {
		n += t.rows(d)
	}
	return n
}

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

// nome returns a full Brazilian name: a first name and one or two surnames.
func nome(r *rand.Rand) (first, last, full string) {
	first, last = pick(r, primeirosNomes), pick(r, sobrenomes)
	full = first + " " + last
	if r.IntN(3) == 0 {
		middle := pick(r, sobrenomes)
		if middle != last {
			full = first + " " + middle + " " + last
		}
	}
	return first, last, full
}

// email returns an address unique for n (the row number) in any letter case.
func email(r *rand.Rand, first, last string, n int) string {
	return fmt.Sprintf("%s.%s%d@%s", slug(first), slug(last), n, pick(r, dominiosEmail))
}

var semAcento = strings.NewReplacer(
	"á", "a", "à", "a", "â", "a", "ã", "a", "é", "e", "ê", "e", "í", "i",
	"ó", "o", "ô", "o", "õ", "o", "ú", "u", "ç", "c", "Á", "a", "É", "e", "Í", "i", "Ó", "o", "Ú", "u",
)

func slug(s string) string { return strings.ToLower(semAcento.Replace(s)) }

// between returns a time in [from, to), to the second.
func between(r *rand.Rand, from, to time.Time) time.Time {
	span := to.Sub(from) / time.Second
	if span <= 0 {
		return from
	}
	return from.Add(time.Duration(r.Int64N(int64(span))) * time.Second)
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// Blog --------------------------------------------------------------------

var (
	usuariosDesde  = day(2023, time.January, 1)
	usuariosAte    = day(2024, time.July, 1)
	postagensDesde = day(2024, time.January, 1)
)

func (d *dataset) genUsuarios(r *rand.Rand, n int) {
	d.usuarios = make([]db.UsuarioCreateManyParams, n)
	step := usuariosAte.Sub(usuariosDesde) / time.Duration(n)
	for i := range d.usuarios {
		first, last, full := nome(r)
		// Accounts are created in id order, spread over the period.
		at := between(r, usuariosDesde.Add(time.Duration(i)*step), usuariosDesde.Add(time.Duration(i+1)*step))
		d.usuarios[i] = db.UsuarioCreateManyParams{Nome: full, Email: email(r, first, last, i+1), CriadoEm: at}
	}
}

// userPicker draws usuarios with a long tail — a few write most — among
// those whose account existed at a given time.
type userPicker struct {
	r     *rand.Rand
	zipf  *rand.Zipf
	order []int // a usuario index for each rank
	users []db.UsuarioCreateManyParams
}

func newUserPicker(r *rand.Rand, users []db.UsuarioCreateManyParams) *userPicker {
	return &userPicker{
		r:     r,
		zipf:  rand.NewZipf(r, 1.1, 4, uint64(len(users)-1)),
		order: r.Perm(len(users)),
		users: users,
	}
}

// at returns the index of a usuario created before t.
func (p *userPicker) at(t time.Time) int {
	for range 32 {
		i := p.order[p.zipf.Uint64()]
		if p.users[i].CriadoEm.Before(t) {
			return i
		}
	}
	// Accounts are in time order: any of the first k existed at t.
	k, _ := slices.BinarySearchFunc(p.users, t, func(u db.UsuarioCreateManyParams, t time.Time) int {
		return u.CriadoEm.Compare(t)
	})
	return p.r.IntN(max(k, 1))
}

func (d *dataset) genPostagens(r *rand.Rand, n int) {
	authors := newUserPicker(r, d.usuarios)
	d.postagens = make([]db.PostagemCreateManyParams, n)
	step := hoje.Sub(postagensDesde) / time.Duration(n)
	for i := range d.postagens {
		at := between(r, postagensDesde.Add(time.Duration(i)*step), postagensDesde.Add(time.Duration(i+1)*step))
		titulo := fmt.Sprintf(pick(r, padroesTitulo), pick(r, temas))
		first, size := utf8.DecodeRuneInString(titulo)
		titulo = string(unicode.ToUpper(first)) + titulo[size:]
		var b strings.Builder
		for j, k := range r.Perm(len(frasesConteudo))[:2+r.IntN(3)] {
			if j > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(frasesConteudo[k])
		}
		updated := at
		if r.IntN(8) == 0 {
			updated = at.Add(time.Duration(1+r.IntN(72)) * time.Hour)
		}
		d.postagens[i] = db.PostagemCreateManyParams{
			UsuarioID:    int64(authors.at(at) + 1),
			Titulo:       titulo,
			Conteudo:     b.String(),
			CriadoEm:     at,
			AtualizadoEm: updated,
		}
	}
}

// genComentarioCounts spreads the comentarios over the postagens with a long
// tail: most postagens get a few, some get many.
func (d *dataset) genComentarioCounts(r *rand.Rand, n int) {
	d.comentariosTotal = n
	cum := make([]float64, len(d.postagens))
	total := 0.0
	for i := range cum {
		w := r.ExpFloat64()
		total += w * w
		cum[i] = total
	}
	d.comentariosPorPostagem = make([]int32, len(d.postagens))
	for range n {
		i, _ := slices.BinarySearch(cum, r.Float64()*total)
		d.comentariosPorPostagem[min(i, len(cum)-1)]++
	}
}

// comentarioTextStream is the random stream of the comentarios' rows, apart
// from the stream of their counts per postagem (the table's own).
const comentarioTextStream = 3 + 100

// textosComentario are all the comentario texts the seed uses: every
// opening, remark and closing combined.
var textosComentario = func() []string {
	var out []string
	for _, a := range aberturasComentario {
		for _, o := range observacoesComentario {
			for _, f := range fechamentosComentario {
				out = append(out, strings.TrimSpace(a+" "+o+" "+f))
			}
		}
	}
	return out
}()

// comentarios yields the comentarios in batches of at most size rows,
// postagem by postagem, each postagem's in time order. Every batch is a new
// slice.
func (d *dataset) comentarios(size int) iter.Seq[[]db.ComentarioCreateManyParams] {
	return func(yield func([]db.ComentarioCreateManyParams) bool) {
		r := rng(d.seed, comentarioTextStream)
		writers := newUserPicker(r, d.usuarios)
		batch := make([]db.ComentarioCreateManyParams, 0, size)
		var times []time.Time
		for i, p := range d.postagens {
			n := int(d.comentariosPorPostagem[i])
			// Comments arrive within 30 days of the postagem, not after today.
			until := p.CriadoEm.Add(30 * 24 * time.Hour)
			if until.After(hoje) {
				until = hoje
			}
			times = times[:0]
			for range n {
				times = append(times, between(r, p.CriadoEm.Add(time.Minute), until))
			}
			slices.SortFunc(times, time.Time.Compare)
			for _, at := range times {
				batch = append(batch, db.ComentarioCreateManyParams{
					UsuarioID:  int64(writers.at(at) + 1),
					PostagemID: int64(i + 1),
					Texto:      pick(r, textosComentario),
					CriadoEm:   at,
				})
				if len(batch) == size {
					if !yield(batch) {
						return
					}
					batch = make([]db.ComentarioCreateManyParams, 0, size)
				}
			}
		}
		if len(batch) > 0 {
			yield(batch)
		}
	}
}

// Course catalogue --------------------------------------------------------

var cargasHorarias = []int32{16, 20, 24, 32, 40, 60, 80}

func (d *dataset) genCursos(r *rand.Rand, n int) {
	combos := len(assuntosCurso) * len(formasCurso)
	d.cursos = make([]db.CursoCreateManyParams, n)
	d.siglas = make([]string, n)
	var order []int
	for i := range d.cursos {
		if i%combos == 0 {
			order = r.Perm(combos)
		}
		c := order[i%combos]
		titulo := fmt.Sprintf(formasCurso[c/len(assuntosCurso)], assuntosCurso[c%len(assuntosCurso)])
		if edicao := i / combos; edicao > 0 {
			titulo = fmt.Sprintf("%s (%dª edição)", titulo, edicao+1)
		}
		d.siglas[i] = siglas[c%len(assuntosCurso)]
		d.cursos[i] = db.CursoCreateManyParams{
			Titulo:       titulo,
			Descricao:    pick(r, descricoesCurso),
			CargaHoraria: pick(r, cargasHorarias),
			CriadoEm:     between(r, day(2024, time.June, 1), day(2025, time.June, 1)),
		}
	}
}

func (d *dataset) genInstrutores(r *rand.Rand, n int) {
	d.instrutores = make([]db.InstrutorCreateManyParams, n)
	for i := range d.instrutores {
		first, last, full := nome(r)
		var bio *string
		if b := pick(r, biosInstrutor); b != "" {
			bio = &b
		}
		d.instrutores[i] = db.InstrutorCreateManyParams{
			Nome:     full,
			Email:    email(r, first, last, i+1),
			Bio:      bio,
			CriadoEm: between(r, day(2024, time.January, 1), day(2025, time.January, 1)),
		}
	}
}

var vagasPossiveis = []int32{15, 20, 25, 30, 40}

func (d *dataset) genTurmas(r *rand.Rand, n int) {
	d.turmas = make([]db.TurmaCreateManyParams, n)
	from, to := day(2025, time.August, 4), day(2026, time.August, 31)
	step := to.Sub(from) / time.Duration(len(d.turmas))
	for i := range d.turmas {
		c := r.IntN(len(d.cursos))
		// Turmas start on a Monday, in id order, and meet 4 hours a week.
		start := between(r, from.Add(time.Duration(i)*step), from.Add(time.Duration(i+1)*step))
		start = start.Truncate(24*time.Hour).AddDate(0, 0, (8-int(start.Weekday()))%7)
		weeks := (int(d.cursos[c].CargaHoraria) + 3) / 4
		end := start.AddDate(0, 0, 7*(weeks-1)+4)
		semestre := 1
		if start.Month() > time.June {
			semestre = 2
		}
		d.turmas[i] = db.TurmaCreateManyParams{
			CursoID:     int64(c + 1),
			InstrutorID: int64(r.IntN(len(d.instrutores)) + 1),
			Codigo:      fmt.Sprintf("%s-%d.%d-%04d", d.siglas[c], start.Year(), semestre, i+1),
			DataInicio:  start,
			DataFim:     end,
			Vagas:       pick(r, vagasPossiveis),
			CriadoEm:    start.AddDate(0, 0, -60-r.IntN(30)),
		}
		if d.turmasAbertasDesde == 0 && !end.Before(hoje) {
			d.turmasAbertasDesde = int64(i + 1)
		}
	}
}

func (d *dataset) genAlunos(r *rand.Rand, n int) {
	d.alunos = make([]db.AlunoCreateManyParams, n)
	for i := range d.alunos {
		first, last, full := nome(r)
		var tel *string
		if r.IntN(5) != 0 {
			t := fmt.Sprintf("(%s) 9%04d-%04d", pick(r, ddds), r.IntN(10000), r.IntN(10000))
			tel = &t
		}
		var nasc *time.Time
		if r.IntN(10) != 0 {
			n := between(r, day(1970, time.January, 1), day(2007, time.December, 31)).Truncate(24 * time.Hour)
			nasc = &n
		}
		d.alunos[i] = db.AlunoCreateManyParams{
			Nome:           full,
			Email:          email(r, first, last, i+1),
			Telefone:       tel,
			DataNascimento: nasc,
			CriadoEm:       between(r, day(2024, time.January, 1), day(2025, time.July, 1)),
		}
	}
}

// genMatriculas fills each turma to between half and all of its vagas with
// distinct alunos. Turmas that have ended hold concluida (with a nota) and
// cancelada matriculas; the others mostly ativa ones. No turma holds more
// matriculas than vagas, so none is over-full.
func (d *dataset) genMatriculas(r *rand.Rand, _ int) {
	porAluno := make([]int32, len(d.alunos))
	var chosen []int
	for t, turma := range d.turmas {
		n := min(int(turma.Vagas), int(float64(turma.Vagas)*(0.5+0.6*r.Float64())))
		chosen = chosen[:0]
		for len(chosen) < n {
			a := r.IntN(len(d.alunos))
			if !slices.Contains(chosen, a) {
				chosen = append(chosen, a)
			}
		}
		slices.Sort(chosen)
		for _, a := range chosen {
			m := db.MatriculaCreateManyParams{
				AlunoID:       int64(a + 1),
				TurmaID:       int64(t + 1),
				Status:        db.MatriculaStatusAtiva,
				MatriculadoEm: between(r, turma.DataInicio.AddDate(0, 0, -45), turma.DataInicio),
			}
			if m.MatriculadoEm.After(hoje) {
				m.MatriculadoEm = between(r, hoje.AddDate(0, 0, -30), hoje)
			}
			switch {
			case turma.DataFim.Before(hoje) && r.IntN(7) != 0:
				m.Status = db.MatriculaStatusConcluida
				nota := math.Round((5+5*r.Float64())*10) / 10
				m.Nota = &nota
			case turma.DataFim.Before(hoje) || r.IntN(12) == 0:
				m.Status = db.MatriculaStatusCancelada
			}
			d.matriculas = append(d.matriculas, m)
			porAluno[a]++
		}
	}
	best := 0
	for a, n := range porAluno {
		if n > porAluno[best] {
			best = a
		}
	}
	d.alunoDestaque = int64(best + 1)
}
