package migration

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"ariga.io/atlas/sql/migrate"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/versiona/versiona/internal/dburl"
)

// CompatOptions selects what Compat compares.
type CompatOptions struct {
	// Base is the git revision of the release still running (a tag, a
	// commit); the working tree is the new one.
	Base string
	// Queries is the directory of sqlc's generated Go, relative to the
	// repository's root: "db" when empty.
	Queries string
}

// CompatResult is what Compat found.
type CompatResult struct {
	Base string `json:"base"`
	// Old and New count the queries of each release prepared.
	Old      int           `json:"old_queries"`
	New      int           `json:"new_queries"`
	Problems []CompatBreak `json:"problems"`
}

// OK reports whether no query breaks.
func (r *CompatResult) OK() bool { return len(r.Problems) == 0 }

// CompatBreak is one query that fails across the deploy.
type CompatBreak struct {
	Query string `json:"query"` // sqlc's name, e.g. PostagemGet
	Side  string `json:"side"`  // "old query on the new schema" or "new query on the old schema"
	// Source is the queries file and line of the query: queries/postagens.sql:12.
	Source string `json:"source"`
	// Problem says it in one sentence, with the SQLSTATE when PostgreSQL
	// refused the query.
	Problem string `json:"problem"`
	Code    string `json:"code,omitempty"`
	// File is the migration file after which the old query breaks; "" for
	// a new query on the old schema.
	File string `json:"file,omitempty"`
	Fix  string `json:"fix"`
}

// query is one query sqlc generated.
type query struct {
	name, sql, source string // source: queries/<file>.sql:line
}

// Compat checks a rolling deploy: while it runs, the release at
// opts.Base serves queries against the migrated schema, and the new one may
// serve against the old. It builds the old release's schema from that
// revision's migration directory (read with git) on a scratch database,
// prepares the new release's queries there, then applies the new files
// one by one and prepares the old release's queries after each: a query
// PostgreSQL refuses (a dropped or renamed column, 42703; an ambiguous one,
// 42702) or whose result columns change type breaks, named with the file
// that breaks it. The queries are the SQL sqlc generated (db/*.sql.go),
// the old ones read with git, not generated again. It changes nothing.
func (p *Project) Compat(ctx context.Context, opts CompatOptions) (*CompatResult, error) {
	local, ok := p.Dir.(*migrate.LocalDir)
	if !ok {
		return nil, errors.New("compat reads a migration directory on disk, in a git repository")
	}
	root, err := gitOut(local.Path(), "rev-parse", "--show-toplevel")
	if err != nil {
		return nil, err
	}
	root = strings.TrimSpace(root)
	if _, err := gitOut(root, "rev-parse", "--verify", "--quiet", opts.Base+"^{commit}"); err != nil {
		return nil, fmt.Errorf("%s is not a commit of the repository at %s", opts.Base, root)
	}
	if opts.Queries == "" {
		opts.Queries = "db"
	}
	absDir, err := filepath.Abs(local.Path())
	if err != nil {
		return nil, err
	}
	relDir, err := filepath.Rel(root, absDir)
	if err != nil {
		return nil, err
	}
	oldFiles, err := filesAt(root, opts.Base, filepath.ToSlash(relDir))
	if err != nil {
		return nil, fmt.Errorf("reading the migration directory %s at %s: %w", filepath.ToSlash(relDir), opts.Base, err)
	}
	newFiles, err := dirFiles(p.Dir)
	if err != nil {
		return nil, err
	}
	pending, err := pendingAfter(oldFiles, newFiles)
	if err != nil {
		return nil, err
	}
	oldQueries, err := queriesAt(root, opts.Base, opts.Queries)
	if err != nil {
		return nil, err
	}
	newQueries, err := queriesAt(root, "", opts.Queries)
	if err != nil {
		return nil, err
	}
	res := &CompatResult{Base: opts.Base, Problems: []CompatBreak{}, Old: len(oldQueries), New: len(newQueries)}
	err = p.withScratchDB(ctx, func(d *scratchDB) error {
		if err := d.replay(ctx, oldFiles); err != nil {
			return fmt.Errorf("building the schema of %s: %w", opts.Base, err)
		}
		url, err := dburl.WithDatabase(d.srv.base, d.name)
		if err != nil {
			return err
		}
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			return fmt.Errorf("connecting to the scratch database: %w", err)
		}
		defer conn.Close(context.WithoutCancel(ctx))
		for _, q := range newQueries {
			if _, err := prepare(ctx, conn, q); err != nil {
				res.Problems = append(res.Problems, breakOf(q, "new query on the old schema", "", err))
			}
		}
		before := map[string][]uint32{}
		for _, q := range oldQueries {
			if types, err := prepare(ctx, conn, q); err == nil {
				before[q.name] = types
			}
		}
		for _, f := range pending {
			if err := d.replay(ctx, []migrate.File{f}); err != nil {
				return err
			}
			for _, q := range oldQueries {
				was, ok := before[q.name]
				if !ok {
					continue // already broken, or broken before
				}
				types, err := prepare(ctx, conn, q)
				switch {
				case err != nil:
					res.Problems = append(res.Problems, breakOf(q, "old query on the new schema", f.Name(), err))
					delete(before, q.name)
				case !sameTypes(was, types):
					res.Problems = append(res.Problems, CompatBreak{Query: q.name, Side: "old query on the new schema", Source: q.source, File: f.Name(),
						Problem: "a result column changes type, which the old release's Go code scans into the old type",
						Fix:     "add a column of the new type beside the old one, backfill it, and drop the old one once the old release is gone"})
					delete(before, q.name)
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.SliceStable(res.Problems, func(i, j int) bool {
		a, b := res.Problems[i], res.Problems[j]
		return a.Query < b.Query || (a.Query == b.Query && a.Side < b.Side)
	})
	return res, nil
}

// prepare prepares q on conn, unnamed, and returns its result columns'
// type oids.
func prepare(ctx context.Context, conn *pgx.Conn, q query) ([]uint32, error) {
	sd, err := conn.PgConn().Prepare(ctx, "", q.sql, nil)
	if err != nil {
		return nil, err
	}
	types := make([]uint32, len(sd.Fields))
	for i, f := range sd.Fields {
		types[i] = f.DataTypeOID
	}
	return types, nil
}

func sameTypes(a, b []uint32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// breakOf describes a query PostgreSQL refused.
func breakOf(q query, side, file string, err error) CompatBreak {
	b := CompatBreak{Query: q.name, Side: side, Source: q.source, File: file, Problem: err.Error()}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		b.Code, b.Problem = pe.Code, pe.Message+" (SQLSTATE "+pe.Code+")"
	}
	switch {
	case side != "old query on the new schema":
		b.Fix = "expand first: release the schema change (a nullable column, a new table) before the code that uses it"
	case b.Code == "42702":
		b.Fix = "qualify the column with its table in the query, in a release before the migration"
	default:
		b.Fix = "contract last: keep the old column (or table) until no release reads it; add the new one beside it and backfill"
	}
	return b
}

// pendingAfter returns the files of newFiles after those of oldFiles, which
// must be their beginning, unchanged.
func pendingAfter(oldFiles, newFiles []migrate.File) ([]migrate.File, error) {
	if len(oldFiles) > len(newFiles) {
		return nil, fmt.Errorf("the base revision has %d migration files, the working tree %d: compare with an older base", len(oldFiles), len(newFiles))
	}
	for i, f := range oldFiles {
		if newFiles[i].Name() != f.Name() || !bytes.Equal(newFiles[i].Bytes(), f.Bytes()) {
			return nil, fmt.Errorf("%s differs between the base revision and the working tree: applied files never change", f.Name())
		}
	}
	return newFiles[len(oldFiles):], nil
}

// filesAt returns the migration files of dir (relative to the repository
// root, slash-separated) at revision rev.
func filesAt(root, rev, dir string) ([]migrate.File, error) {
	names, err := gitOut(root, "ls-tree", "--name-only", rev+":"+dir)
	if err != nil {
		return nil, err
	}
	var files []migrate.File
	for _, name := range strings.Fields(names) {
		if path.Ext(name) != ".sql" {
			continue
		}
		text, err := gitOut(root, "show", rev+":"+path.Join(dir, name))
		if err != nil {
			return nil, err
		}
		files = append(files, migrate.NewLocalFile(name, []byte(text)))
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Name() < files[j].Name() })
	return files, nil
}

// generatedQuery matches one query constant sqlc writes.
var generatedQuery = regexp.MustCompile("(?s)const \\w+ = `-- name: (\\w+) :\\w+\\n(.*?)`")

// generatedSource matches the header line naming a generated file's queries file.
var generatedSource = regexp.MustCompile(`(?m)^// source: (\S+)$`)

// queriesAt reads the queries sqlc generated into dir at revision rev ("":
// the working tree), with the queries file and line each comes from.
func queriesAt(root, rev, dir string) ([]query, error) {
	read := func(name string) (string, error) {
		if rev == "" {
			b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(name)))
			return string(b), err
		}
		return gitOut(root, "show", rev+":"+name)
	}
	var names []string
	if rev == "" {
		matches, err := filepath.Glob(filepath.Join(root, dir, "*.sql.go"))
		if err != nil {
			return nil, err
		}
		for _, m := range matches {
			names = append(names, path.Join(dir, filepath.Base(m)))
		}
	} else {
		out, err := gitOut(root, "ls-tree", "--name-only", rev+":"+dir)
		if err != nil {
			return nil, err
		}
		for _, n := range strings.Fields(out) {
			if strings.HasSuffix(n, ".sql.go") {
				names = append(names, path.Join(dir, n))
			}
		}
	}
	var out []query
	for _, name := range names {
		text, err := read(name)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", name, err)
		}
		var source, sourceText string
		if m := generatedSource.FindStringSubmatch(text); m != nil {
			source = "queries/" + m[1]
			sourceText, _ = read(source)
		}
		for _, m := range generatedQuery.FindAllStringSubmatch(text, -1) {
			q := query{name: m[1], sql: m[2], source: source}
			if i := strings.Index(sourceText, "-- name: "+m[1]+" "); i >= 0 {
				q.source = fmt.Sprintf("%s:%d", source, strings.Count(sourceText[:i], "\n")+1)
			}
			out = append(out, q)
		}
	}
	return out, nil
}

// gitOut runs git in dir and returns its output.
func gitOut(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return string(out), nil
}
