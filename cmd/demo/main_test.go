package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"maps"
	"net"
	"os"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/versiona/versiona/blog"
	"github.com/versiona/versiona/db"
	"github.com/versiona/versiona/internal/dbtest"
	"github.com/versiona/versiona/internal/exit"
	"github.com/versiona/versiona/internal/pgserver"
)

// The demo migrates its database itself: the template stays empty.
func TestMain(m *testing.M) { dbtest.Main(m, nil) }

// runDemo runs the demo in-process and returns its stdout and stderr.
func runDemo(ctx context.Context, t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	err = run(ctx, args, &out, &errb)
	return out.String(), errb.String(), err
}

func migratedPool(t *testing.T) (string, *pgxpool.Pool) {
	t.Helper()
	url := dbtest.URL(t)
	if err := dbtest.Migrated(context.Background(), url); err != nil {
		t.Fatal(err)
	}
	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return url, pool
}

func openPool(t *testing.T, url string) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// wantLine fails t unless out has a line matching the regular expression.
func wantLine(t *testing.T, out, pattern string) {
	t.Helper()
	if !regexp.MustCompile(`(?m)^` + pattern + `$`).MatchString(out) {
		t.Errorf("output has no line matching %q", pattern)
	}
}

func TestRun_Default(t *testing.T) {
	t.Parallel()
	url := dbtest.URL(t)
	out, stderr, err := runDemo(context.Background(), t, "-database-url", url)
	if err != nil {
		t.Fatalf("run: %v\nstderr:\n%s", err, stderr)
	}

	for _, h := range []string{headSeeded, headFeed, headPostagem, headTop, headTurmas, headAluno, headCRUD, headCascade, headOverfill} {
		if !strings.Contains(out, "\n"+h+"\n"+strings.Repeat("=", len([]rune(h)))+"\n") {
			t.Errorf("output lacks section %q", h)
		}
	}

	// The seeded counts, printed and stored: each table its volume at scale
	// 1, matriculas as many as generated, 13130 rows in all (seed 1).
	d := generate(1, 1)
	total := 0
	for _, tb := range demoTables {
		n := tb.perScale
		if n == 0 {
			n = len(d.matriculas)
		}
		total += n
		wantLine(t, out, fmt.Sprintf(`%s\s+%d`, tb.name, n))
	}
	if total != 13130 {
		t.Errorf("the tables hold %d rows in all, want 13130", total)
	}
	// After the walk-through: the usuario and everything of theirs is gone,
	// one turma and two matriculas were added.
	c, err := countRows(context.Background(), openPool(t, url))
	if err != nil {
		t.Fatal(err)
	}
	want := counts{"usuarios": 200, "postagens": 1_000, "comentario": 10_000, "cursos": 24, "instrutores": 12,
		"turmas": 61, "alunos": 600, "matriculas": int64(len(d.matriculas)) + 2}
	if !maps.Equal(c, want) {
		t.Errorf("rows after the run = %v, want %v", c, want)
	}

	// The cascade: one usuario, their postagem, and three comentarios.
	wantLine(t, out, `usuarios\s+201\s+200\s+-1`)
	wantLine(t, out, `postagens\s+1001\s+1000\s+-1`)
	wantLine(t, out, `comentario\s+10003\s+10000\s+-3`)
	wantLine(t, out, `get usuario 201: .*\(not found\)`)

	// The refusals.
	wantLine(t, out, `create usuario, same email in capitals\s+refused: .*\(conflict\)`)
	wantLine(t, out, `enrol aluno 3\s+refused: .*`+regexp.QuoteMeta(`turma is full (conflict)`))
	wantLine(t, out, `seats\s+2 taken, 0 free`)

	if !strings.Contains(stderr, "seeded 13") || !strings.Contains(stderr, "rows/s") {
		t.Errorf("stderr does not report the load rate:\n%s", stderr)
	}
}

// TestRun_SchemaUnchanged checks that loading without foreign keys and
// secondary indexes puts back exactly what the migrations created, comments
// included.
func TestRun_SchemaUnchanged(t *testing.T) {
	t.Parallel()
	const comments = `COMMENT ON INDEX comentario_usuario_id_idx IS 'by author';
		COMMENT ON CONSTRAINT comentario_postagem_id_fkey ON comentario IS 'the postagem'`
	_, fresh := migratedPool(t)
	if _, err := fresh.Exec(context.Background(), comments); err != nil {
		t.Fatal(err)
	}
	want := catalog(t, fresh)

	url, pool := migratedPool(t)
	if _, err := pool.Exec(context.Background(), comments); err != nil {
		t.Fatal(err)
	}
	if _, stderr, err := runDemo(context.Background(), t, "-database-url", url); err != nil {
		t.Fatalf("run: %v\nstderr:\n%s", err, stderr)
	}
	if got := catalog(t, pool); got != want {
		t.Errorf("constraints and indexes after the run:\n%s\nwant (as migrated):\n%s", got, want)
	}
}

// catalog lists the constraints and indexes of the public schema.
func catalog(t *testing.T, pool *pgxpool.Pool) string {
	t.Helper()
	rows, err := pool.Query(context.Background(), `
		SELECT concat_ws(' ', conrelid::regclass, conname, pg_get_constraintdef(oid), convalidated,
		                 obj_description(oid, 'pg_constraint'))
		FROM pg_constraint WHERE connamespace = 'public'::regnamespace
		UNION ALL
		SELECT concat_ws(' ', pg_get_indexdef(i.indexrelid), obj_description(i.indexrelid, 'pg_class'))
		FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
		WHERE c.relnamespace = 'public'::regnamespace
		ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		b.WriteString(s + "\n")
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestRun_SameSeedSameOutput(t *testing.T) {
	t.Parallel()
	outs := make([]string, 3)
	args := [][]string{{"-seed", "7"}, {"-seed", "7"}, {"-seed", "8"}}
	var wg sync.WaitGroup
	for i := range outs {
		url := dbtest.URL(t)
		wg.Go(func() {
			out, stderr, err := runDemo(context.Background(), t, append(args[i], "-database-url", url)...)
			if err != nil {
				t.Errorf("run %v: %v\nstderr:\n%s", args[i], err, stderr)
			}
			outs[i] = out
		})
	}
	wg.Wait()
	if outs[0] != outs[1] {
		t.Errorf("two runs with -seed 7 printed different output:\n%s\n----\n%s", outs[0], outs[1])
	}
	if outs[0] == outs[2] {
		t.Errorf("-seed 7 and -seed 8 printed the same output")
	}
}

func TestRun_Usage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-no-such-flag"}, "flag provided but not defined: -no-such-flag"},
		{[]string{"-scale", "0"}, "invalid value 0 for flag -scale: must be between 1 and 1000"},
		{[]string{"-scale", "1001"}, "invalid value 1001 for flag -scale: must be between 1 and 1000"},
		{[]string{"-scale", "10000"}, "invalid value 10000 for flag -scale"},
		{[]string{"-scale", "many"}, `invalid value "many" for flag -scale`},
		{[]string{"-seed", "-1"}, `invalid value "-1" for flag -seed`},
		{[]string{"extra"}, `unexpected argument "extra"`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			t.Parallel()
			out, stderr, err := runDemo(context.Background(), t, tc.args...)
			var uerr *exit.UsageError
			if !errors.As(err, &uerr) {
				t.Fatalf("error = %v, want a usage error", err)
			}
			var printed bytes.Buffer
			if code := exitCode(err, &printed); code != 2 {
				t.Errorf("exit code = %d, want 2", code)
			}
			all := stderr + printed.String()
			if strings.Count(all, "\n") != 1 || !strings.Contains(all, tc.want) || !strings.HasSuffix(all, "(see go run ./cmd/demo -h)\n") {
				t.Errorf("stderr = %q, want one line with %q and a pointer to -h", all, tc.want)
			}
			if out != "" {
				t.Errorf("stdout = %q, want nothing", out)
			}
		})
	}
	t.Run("-h", func(t *testing.T) {
		t.Parallel()
		out, stderr, err := runDemo(context.Background(), t, "-h")
		var printed bytes.Buffer
		if !errors.Is(err, flag.ErrHelp) || exitCode(err, &printed) != 0 {
			t.Errorf("error = %v, want flag.ErrHelp and exit code 0", err)
		}
		if stderr != "" || printed.Len() > 0 {
			t.Errorf("stderr = %q, want nothing: help goes to stdout", stderr+printed.String())
		}
		if !strings.HasPrefix(out, "Usage: go run ./cmd/demo") || !strings.Contains(out, "-scale is at most 1000") {
			t.Errorf("help on stdout lacks the usage and the -scale bound:\n%s", out)
		}
		for _, f := range []string{"-database-url", "-scale", "-seed", "-keep", "-reset"} {
			if !strings.Contains(out, f) {
				t.Errorf("help lacks %s", f)
			}
		}
	})
}

func TestCheckScale(t *testing.T) {
	t.Parallel()
	known := func(b uint64) func() (uint64, bool) { return func() (uint64, bool) { return b, true } }
	unknown := func() (uint64, bool) { return 0, false }
	for _, tc := range []struct {
		scale int
		avail func() (uint64, bool)
		want  string // "" for accepted
	}{
		{1, known(1 << 30), ""},
		{1000, unknown, ""},
		{1000, known(4 << 30), ""},
		{0, unknown, "must be between 1 and 1000"},
		{1001, known(1 << 40), "must be between 1 and 1000"},
		{500, known(512 << 20), "-scale 500 needs about 1000 MiB of memory and 512 MiB are available: use a scale of at most 256"},
	} {
		err := checkScale(tc.scale, tc.avail)
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("checkScale(%d) = %v, want %q", tc.scale, err, tc.want)
		}
	}
	if avail, ok := memAvailable(); runtime.GOOS == "linux" && (!ok || avail == 0) {
		t.Errorf("memAvailable on Linux = %d, %v; want the figure of /proc/meminfo", avail, ok)
	}
}

// TestMemPerScale keeps memPerScale honest: the generated rows, which the
// demo holds for the whole run, take at most half of it per unit of scale
// (the garbage collector lets the heap grow to twice the live data).
func TestMemPerScale(t *testing.T) {
	const scale = 20
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	d := generate(scale, 1)
	runtime.GC()
	runtime.ReadMemStats(&after)
	live := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	runtime.KeepAlive(d)
	if perUnit := live / scale; perUnit > memPerScale/2 {
		t.Errorf("the dataset holds %d KiB per unit of scale, more than half of memPerScale (%d KiB): measure again and raise it",
			perUnit>>10, memPerScale>>11)
	}
}

func TestRun_Unreachable(t *testing.T) {
	t.Parallel()
	// A server that accepts connections and never answers: only the connect
	// timeout can end the wait.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { silent.Close() })
	go func() {
		var held []net.Conn
		for {
			c, err := silent.Accept()
			if err != nil {
				for _, c := range held {
					c.Close()
				}
				return
			}
			held = append(held, c)
		}
	}()
	// A port nobody listens on.
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := closed.Addr().String()
	closed.Close()

	for name, addr := range map[string]string{"silent": silent.Addr().String(), "refused": closedAddr} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			_, _, err := runDemo(context.Background(), t, "-database-url", "postgres://postgres@"+addr+"/versiona?sslmode=disable")
			if elapsed := time.Since(start); elapsed > 10*time.Second {
				t.Errorf("run took %v, want at most 10s", elapsed)
			}
			if err == nil || !strings.Contains(err.Error(), "connecting to the database") {
				t.Fatalf("error = %v, want one about connecting to the database", err)
			}
			var stderr bytes.Buffer
			if code := exitCode(err, &stderr); code != 1 || !strings.HasPrefix(stderr.String(), "demo: connecting to the database") {
				t.Errorf("exit code %d, stderr %q; want 1 and the error", code, stderr.String())
			}
		})
	}
}

func TestRun_NotEmpty(t *testing.T) {
	t.Parallel()
	url, pool := migratedPool(t)
	ctx := context.Background()
	u, err := blog.New(pool).UsuarioCreate(ctx, db.UsuarioCreateParams{Nome: "Dona dos Dados", Email: "dona@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	before := catalog(t, pool)

	out, _, err := runDemo(ctx, t, "-database-url", url)
	var nerr *notEmptyError
	if !errors.As(err, &nerr) || !strings.Contains(err.Error(), "usuarios") || !strings.Contains(err.Error(), "-reset") {
		t.Fatalf("error = %v, want a refusal naming usuarios and -reset", err)
	}
	if code := exitCode(err, &bytes.Buffer{}); code != 1 {
		t.Errorf("exit code = %d, want 1", code)
	}
	if out != "" {
		t.Errorf("stdout = %q, want nothing", out)
	}
	c, err := countRows(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(c, counts{"usuarios": 1, "postagens": 0, "comentario": 0, "cursos": 0, "instrutores": 0,
		"turmas": 0, "alunos": 0, "matriculas": 0}) {
		t.Errorf("rows after the refusal = %+v, want only the one usuario", c)
	}
	got, err := blog.New(pool).UsuarioGet(ctx, u.ID)
	if err != nil || got != u {
		t.Errorf("usuario after the refusal = %+v, %v; want %+v", got, err, u)
	}
	if after := catalog(t, pool); after != before {
		t.Errorf("schema changed by a refused run")
	}

	// With -reset the rows are replaced by the seed.
	if _, stderr, err := runDemo(ctx, t, "-database-url", url, "-reset"); err != nil {
		t.Fatalf("run -reset: %v\nstderr:\n%s", err, stderr)
	}
	if _, err := blog.New(pool).UsuarioGet(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if c, err := countRows(ctx, pool); err != nil || c["usuarios"] != 200 {
		t.Errorf("usuarios after -reset = %d (%v), want 200", c["usuarios"], err)
	}
}

// TestRun_ReferencingTable covers a table added to the schema that
// references versiona's: it must be empty too, and -reset empties it.
func TestRun_ReferencingTable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url, pool := migratedPool(t)
	if _, err := pool.Exec(ctx, `CREATE TABLE curtidas (
		usuario_id bigint NOT NULL REFERENCES usuarios ON DELETE CASCADE,
		postagem_id bigint NOT NULL REFERENCES postagens ON DELETE CASCADE,
		PRIMARY KEY (usuario_id, postagem_id))`); err != nil {
		t.Fatal(err)
	}
	// Empty: the demo runs and leaves the table as it was.
	if _, stderr, err := runDemo(ctx, t, "-database-url", url); err != nil {
		t.Fatalf("run with an empty referencing table: %v\nstderr:\n%s", err, stderr)
	}
	if _, err := pool.Exec(ctx, `INSERT INTO curtidas VALUES (1, 1)`); err != nil {
		t.Fatal(err)
	}
	_, _, err := runDemo(ctx, t, "-database-url", url)
	var nerr *notEmptyError
	if !errors.As(err, &nerr) || !slices.Contains(nerr.tables, "curtidas") {
		t.Fatalf("error = %v, want a refusal naming curtidas", err)
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM curtidas`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("curtidas after the refusal: %d rows (%v), want 1", n, err)
	}
	if _, stderr, err := runDemo(ctx, t, "-database-url", url, "-reset"); err != nil {
		t.Fatalf("run -reset: %v\nstderr:\n%s", err, stderr)
	}
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM curtidas`).Scan(&n); err != nil || n != 0 {
		t.Errorf("curtidas after -reset: %d rows (%v), want 0", n, err)
	}
}

// cancelOn is a writer that cancels a context once what was written
// contains a marker.
type cancelOn struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	marker string
	cancel context.CancelFunc
}

func (w *cancelOn) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if strings.Contains(w.buf.String(), w.marker) {
		w.cancel()
	}
	return len(p), nil
}

func (w *cancelOn) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

func TestRun_InterruptedSeedWritesNothing(t *testing.T) {
	t.Parallel()
	url := dbtest.URL(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stderr := &cancelOn{marker: "  postagens", cancel: cancel}
	err := run(ctx, []string{"-database-url", url, "-scale", "5"}, &bytes.Buffer{}, stderr)
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "nothing was written") {
		t.Fatalf("error = %v, want an interrupted seed\nstderr:\n%s", err, stderr)
	}
	c, err := countRows(context.Background(), openPool(t, url))
	if err != nil {
		t.Fatal(err)
	}
	if len(c) != len(demoTables) || slices.ContainsFunc(slices.Collect(maps.Values(c)), func(n int64) bool { return n != 0 }) {
		t.Errorf("rows after the interrupted seed = %+v, want none", c)
	}
}

// ownServerDirs lists the temporary server directories this process owns.
func ownServerDirs(t *testing.T) map[string]bool {
	t.Helper()
	own := map[string]bool{}
	for _, d := range pgserver.OwnedDirs(os.Getpid()) {
		own[d] = true
	}
	return own
}

var serverLine = regexp.MustCompile(`PostgreSQL \S+ on (127\.0\.0\.1:\d+)`)

// TestRun_OwnServer runs the demo with no database given: it starts its own
// server and leaves neither the process nor its directory behind, after a
// normal run, an interrupted one, and -keep ended by Ctrl-C.
func TestRun_OwnServer(t *testing.T) {
	t.Setenv("DATABASE_URL", "")
	for _, tc := range []struct {
		name    string
		args    []string
		cancel  string // cancel the run when stderr shows this
		wantErr error
	}{
		{name: "run", args: nil},
		{name: "interrupted while seeding", args: []string{"-scale", "5"}, cancel: "  postagens", wantErr: context.Canceled},
		{name: "keep until Ctrl-C", args: []string{"-keep"}, cancel: "psql \"postgres://"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := ownServerDirs(t)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			marker := tc.cancel
			if marker == "" {
				marker = "\x00never"
			}
			stderr := &cancelOn{marker: marker, cancel: cancel}
			var out bytes.Buffer
			err := run(ctx, tc.args, &out, stderr)
			if tc.wantErr == nil && err != nil || tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Fatalf("run: %v, want %v\nstderr:\n%s", err, tc.wantErr, stderr)
			}
			m := serverLine.FindStringSubmatch(stderr.String())
			if m == nil {
				t.Fatalf("stderr does not name the server started:\n%s", stderr)
			}
			if tc.wantErr == nil && !strings.Contains(out.String(), headOverfill) {
				t.Errorf("output is incomplete:\n%s", out.String())
			}
			if c, err := net.DialTimeout("tcp", m[1], time.Second); err == nil {
				c.Close()
				t.Errorf("the server at %s still accepts connections after the run", m[1])
			}
			for d := range ownServerDirs(t) {
				if !before[d] {
					t.Errorf("the run left %s behind", d)
				}
			}
		})
	}
}

func TestGenerate_Deterministic(t *testing.T) {
	t.Parallel()
	a, b := generate(2, 42), generate(2, 42)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two datasets from the same seed differ")
	}
	var ca, cb []db.ComentarioCreateManyParams
	for batch := range a.comentarios(1000) {
		ca = append(ca, batch...)
	}
	for batch := range prefetch(b.comentarios(700)) {
		cb = append(cb, batch...)
	}
	if len(ca) != 20_000 || !reflect.DeepEqual(ca, cb) {
		t.Fatalf("comentarios: %d and %d rows, or different rows, from the same seed", len(ca), len(cb))
	}
}

// TestGenerate_Rules checks the rules the database does not enforce by
// itself: no turma has more matriculas than vagas, and times are plausible.
func TestGenerate_Rules(t *testing.T) {
	t.Parallel()
	d := generate(3, 9)
	perTurma := map[int64]int32{}
	pairs := map[[2]int64]bool{}
	for _, m := range d.matriculas {
		perTurma[m.TurmaID]++
		p := [2]int64{m.AlunoID, m.TurmaID}
		if pairs[p] {
			t.Fatalf("aluno %d enrolled twice in turma %d", p[0], p[1])
		}
		pairs[p] = true
		if m.MatriculadoEm.After(hoje) {
			t.Errorf("matricula at %v, after today", m.MatriculadoEm)
		}
	}
	for id, n := range perTurma {
		if v := d.turmas[id-1].Vagas; n > v {
			t.Errorf("turma %d has %d matriculas for %d vagas", id, n, v)
		}
	}
	for i, p := range d.postagens {
		if u := d.usuarios[p.UsuarioID-1]; !u.CriadoEm.Before(p.CriadoEm) {
			t.Errorf("postagem %d predates its author's account", i+1)
		}
	}
	for _, s := range textosComentario {
		if n := len([]rune(s)); n > 200 {
			t.Errorf("comentario of %d characters: %q", n, s)
		}
	}
}

func TestExitCode(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		err  error
		want int
	}{
		{nil, 0},
		{flag.ErrHelp, 0},
		{&exit.UsageError{Msg: "bad"}, 2},
		{errors.New("boom"), 1},
		{&notEmptyError{tables: []string{"usuarios"}}, 1},
	} {
		var stderr bytes.Buffer
		if got := exitCode(tc.err, &stderr); got != tc.want {
			t.Errorf("exitCode(%v) = %d, want %d", tc.err, got, tc.want)
		}
		if tc.want == 1 && !strings.HasPrefix(stderr.String(), "demo: ") {
			t.Errorf("exitCode(%v) printed %q, want the error", tc.err, stderr.String())
		}
	}
}

func TestWrapAndClip(t *testing.T) {
	t.Parallel()
	if got, want := wrap("ação é boa e não é má", 10), "ação é boa\ne não é má"; got != want {
		t.Errorf("wrap = %q, want %q", got, want)
	}
	if got, want := clip("migrações", 6), "migra…"; got != want {
		t.Errorf("clip = %q, want %q", got, want)
	}
	if got := clip("curto", 6); got != "curto" {
		t.Errorf("clip of a short text = %q, want it unchanged", got)
	}
}

// TestRun_SecretsHidden feeds connection strings with a password in every
// position to the demo's error paths: the password never shows.
func TestRun_SecretsHidden(t *testing.T) {
	const secret = "S3cretPW"
	t.Setenv("PGPASSWORD", "Env"+secret)
	for _, tc := range []struct{ url, want string }{
		{"postgres://postgres:" + secret + "@127.0.0.1:1/db?sslmode=disable", "connecting to the database at 127.0.0.1:1"},
		{"postgres://postgres@127.0.0.1:1/db?sslmode=disable&password=" + secret, "connecting to the database at 127.0.0.1:1"},
		{"postgres://postgres@127.0.0.1:1/db?sslmode=bogus&PASSWORD=" + secret, "parsing the database connection string"},
		{"host=127.0.0.1 port=1 user=postgres password=" + secret + " sslmode=disable", "connecting to the database at 127.0.0.1:1"},
		{"host=127.0.0.1 port=1 password = '" + secret + " x' sslmode=bogus", "parsing the database connection string"},
		{"mysql://root:" + secret + "@127.0.0.1/db", "only PostgreSQL connection strings are supported (postgres://…)"},
		{"sqlite:" + secret + ".db", "only PostgreSQL connection strings are supported (postgres://…)"},
	} {
		for _, viaEnv := range []bool{false, true} {
			args := []string{"-database-url", tc.url}
			if viaEnv {
				t.Setenv("DATABASE_URL", tc.url)
				args = nil
			}
			out, stderr, err := runDemo(context.Background(), t, args...)
			var printed bytes.Buffer
			code := exitCode(err, &printed)
			all := out + stderr + printed.String()
			if code != 1 || !strings.Contains(all, tc.want) {
				t.Errorf("%q (env %v): exit %d, output %q; want 1 and %q", tc.url, viaEnv, code, all, tc.want)
			}
			if strings.Contains(all, secret) {
				t.Errorf("%q (env %v): the output shows the password: %q", tc.url, viaEnv, all)
			}
		}
	}
}

// TestDemoTables checks the registry against the migrated catalog: every
// table of the public schema is seeded, each once, parents before children,
// with streams of their own.
func TestDemoTables(t *testing.T) {
	t.Parallel()
	_, pool := migratedPool(t)
	rows, err := pool.Query(context.Background(), `
		SELECT c.relname, coalesce(array_agg(DISTINCT p.relname) FILTER (WHERE p.relname IS NOT NULL AND p.oid <> c.oid), '{}')
		FROM pg_class c
		LEFT JOIN pg_constraint f ON f.conrelid = c.oid AND f.contype = 'f'
		LEFT JOIN pg_class p ON p.oid = f.confrelid
		WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'
		GROUP BY c.relname`)
	if err != nil {
		t.Fatal(err)
	}
	parents := map[string][]string{}
	for rows.Next() {
		var name string
		var ps []string
		if err := rows.Scan(&name, &ps); err != nil {
			t.Fatal(err)
		}
		parents[name] = ps
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	pos := map[string]int{}
	streams := map[uint64]string{}
	for i, tb := range demoTables {
		if _, dup := pos[tb.name]; dup {
			t.Errorf("%s is listed twice", tb.name)
		}
		pos[tb.name] = i
		if other, dup := streams[tb.stream]; dup || tb.stream == comentarioTextStream {
			t.Errorf("%s shares random stream %d with %s", tb.name, tb.stream, other)
		}
		streams[tb.stream] = tb.name
	}
	for name, ps := range parents {
		i, ok := pos[name]
		if !ok {
			t.Errorf("table %s of the schema is not in demoTables", name)
			continue
		}
		for _, p := range ps {
			if j, ok := pos[p]; !ok || j > i {
				t.Errorf("%s is loaded before its parent %s", name, p)
			}
		}
	}
	if len(parents) != len(demoTables) {
		t.Errorf("the schema has %d tables, demoTables %d", len(parents), len(demoTables))
	}
}
