package migration

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"ariga.io/atlas/sql/migrate"

	"github.com/versiona/versiona/internal/fingerprint"
	"github.com/versiona/versiona/internal/importer"
)

// ImportDownDir is the subdirectory of the migration directory where Import
// keeps the down (undo) parts of the source: Atlas and versiona read only
// the directory's own *.sql files, so they are kept, never run.
const ImportDownDir = "down"

// ImportResult is what Import wrote.
type ImportResult struct {
	Format importer.Format `json:"format"`
	// Files are the migration files written, in order, each with the
	// source file it comes from and its statement count.
	Files []ImportedFile `json:"files"`
	// Aside are the source files kept under ImportDownDir (down and undo
	// parts) or left out by the source's own rules (migrations a Flyway
	// baseline replaces), each saying why.
	Aside []importer.Aside `json:"aside"`
}

// ImportedFile is one file Import wrote.
type ImportedFile struct {
	Name       string `json:"name"`
	Source     string `json:"source"`
	Statements int    `json:"statements"`
	NoTx       bool   `json:"no_transaction"`
}

// Import converts the migration directory src of another tool into p's
// directory, which must hold no migration file and no atlas.sum, and
// writes atlas.sum. Before writing anything it replays the source, each up
// part as its tool runs it (one multi-statement query in a transaction, or
// statement by statement outside one), and the converted files as apply
// runs them, on two scratch databases: their schema fingerprints must be
// equal, or it returns a *VerifyError naming the facts that differ.
//
// It returns an *importer.Error naming the source file (and line) that
// cannot be imported without loss, and a *StatementError when a migration
// fails on the scratch database.
func (p *Project) Import(ctx context.Context, src fs.FS, format importer.Format) (*ImportResult, error) {
	local, ok := p.Dir.(*migrate.LocalDir)
	if !ok {
		return nil, errors.New("import writes to a directory on disk")
	}
	files, err := p.Dir.Files()
	if err != nil {
		return nil, fmt.Errorf("reading migration directory: %w", err)
	}
	if _, serr := fs.Stat(local, migrate.HashFileName); len(files) > 0 || serr == nil {
		return nil, fmt.Errorf("%s already holds migrations: import into an empty directory (--dir)", local.Path())
	}
	h, err := importer.Read(src, format)
	if err != nil {
		return nil, err
	}
	converted := h.Files()
	if err := p.verifyImport(ctx, h, converted); err != nil {
		return nil, err
	}
	res := &ImportResult{Format: format, Files: []ImportedFile{}, Aside: h.Aside}
	if res.Aside == nil {
		res.Aside = []importer.Aside{}
	}
	for i, m := range h.Migrations {
		res.Files = append(res.Files, ImportedFile{Name: converted[i].Name, Source: m.Source, Statements: m.Statements, NoTx: m.NoTx})
	}
	if err := writeImport(local.Path(), p.Dir, h, converted); err != nil {
		return nil, err
	}
	return res, nil
}

// writeImport writes the converted files, the down parts and atlas.sum
// into dir; when any write fails it removes what it wrote, and only that,
// leaving the directory as it was.
func writeImport(path string, dir migrate.Dir, h *importer.History, converted []importer.File) (err error) {
	_, statErr := os.Lstat(filepath.Join(path, ImportDownDir))
	downExisted := statErr == nil
	defer func() {
		if err != nil {
			for _, f := range converted {
				os.Remove(filepath.Join(path, f.Name))
			}
			os.Remove(filepath.Join(path, migrate.HashFileName))
			if downExisted {
				return // it is the user's, and writing the down parts into it failed first
			}
			for _, m := range h.Migrations {
				if m.Down != "" {
					os.Remove(filepath.Join(path, ImportDownDir, m.DownSource))
				}
			}
			os.Remove(filepath.Join(path, ImportDownDir))
		}
	}()
	for _, f := range converted {
		if err := dir.WriteFile(f.Name, f.Content); err != nil {
			return fmt.Errorf("writing %s: %w", f.Name, err)
		}
	}
	if err := writeAside(path, h); err != nil {
		return err
	}
	return Rehash(dir)
}

// writeAside copies the down parts into ImportDownDir, each under its
// source file's name.
func writeAside(dir string, h *importer.History) error {
	var downs []importer.Migration
	for _, m := range h.Migrations {
		if m.Down != "" {
			downs = append(downs, m)
		}
	}
	if len(downs) == 0 {
		return nil
	}
	aside := filepath.Join(dir, ImportDownDir)
	if err := os.MkdirAll(aside, 0o755); err != nil {
		return fmt.Errorf("keeping down parts: %w", err)
	}
	for _, m := range downs {
		if err := os.WriteFile(filepath.Join(aside, m.DownSource), []byte(m.Down), 0o644); err != nil {
			return fmt.Errorf("keeping down part of %s: %w", m.Source, err)
		}
	}
	return nil
}

// verifyImport replays the source history and the converted files on two
// scratch databases and compares their fingerprints.
func (p *Project) verifyImport(ctx context.Context, h *importer.History, converted []importer.File) error {
	return p.withScratch(ctx, func(srv *scratchServer) error {
		return srv.with(ctx, func(source *scratchDB) error {
			return srv.with(ctx, func(target *scratchDB) error {
				for _, m := range h.Migrations {
					if err := runSource(ctx, source, m); err != nil {
						return fmt.Errorf("replaying the source in its own order: %w", err)
					}
				}
				files := make([]migrate.File, len(converted))
				for i, f := range converted {
					files[i] = migrate.NewLocalFile(f.Name, f.Content)
				}
				if err := target.replay(ctx, files); err != nil {
					return fmt.Errorf("replaying the imported files: %w", err)
				}
				want, err := fingerprint.Read(ctx, source.db)
				if err != nil {
					return err
				}
				got, err := fingerprint.Read(ctx, target.db)
				if err != nil {
					return err
				}
				if diffs := differences(want, got, "the source history", "the imported files"); len(diffs) > 0 {
					return &VerifyError{Problem: "the imported files do not build what the source history builds", Differences: diffs,
						Remedy: "nothing was written; report the source file"}
				}
				return nil
			})
		})
	})
}

// runSource runs one up part as its tool does: in a transaction as one
// multi-statement query, or, outside a transaction, statement by statement
// on one session.
func runSource(ctx context.Context, d *scratchDB, m importer.Migration) error {
	conn, err := d.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if !m.NoTx {
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, m.Up); err != nil {
			tx.Rollback()
			return fmt.Errorf("%s: %w", m.Source, err)
		}
		return tx.Commit()
	}
	stmts, err := migrate.Stmts(m.Up)
	if err != nil {
		return fmt.Errorf("%s: %w", m.Source, err)
	}
	for _, s := range stmts {
		if _, err := conn.ExecContext(ctx, s.Text); err != nil {
			return &StatementError{File: m.Source, Line: lineAt([]byte(m.Up), s.Pos), Stmt: s.Text, Err: err}
		}
	}
	return nil
}
