package migration

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"ariga.io/atlas/sql/migrate"
)

// Status describes a database against the migration directory.
type Status struct {
	Current string              // newest fully applied version, "" when none
	Pending []migrate.File      // files not applied yet, in order
	Failed  *migrate.Revision   // the revision of the last failed attempt, if any
	Applied []*migrate.Revision // the revisions table, oldest first
	// Problem says why apply would refuse to run (stale atlas.sum, an
	// applied file changed), "" when it would not.
	Problem string
}

// Status reads the revisions of the database at dbURL and compares them
// with the directory. It touches nothing.
func (p *Project) Status(ctx context.Context, dbURL string) (*Status, error) {
	db, err := openDB(ctx, dbURL)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	revs, err := NewRevisions(db).ReadRevisions(ctx)
	if err != nil {
		return nil, err
	}
	files, err := p.Dir.Files()
	if err != nil {
		return nil, fmt.Errorf("reading migration files: %w", err)
	}
	st := &Status{Applied: revs, Current: currentVersion(revs)}
	done := make(map[string]bool, len(revs))
	for _, r := range revs {
		if isApplied(r) {
			done[r.Version] = true
		}
		if r.Error != "" {
			st.Failed = r
		}
	}
	for _, f := range files {
		if !done[f.Version()] && f.Version() > baseline(revs) {
			st.Pending = append(st.Pending, f)
		}
	}
	if err := checksumError(p.Dir); err != nil {
		st.Problem = err.Error()
	} else if err := checkApplied(p.Dir, revs); err != nil {
		st.Problem = err.Error()
	}
	return st, nil
}

// baseline is the version of a baseline revision, "" when there is none.
func baseline(revs []*migrate.Revision) string {
	if len(revs) > 0 && revs[0].Type == migrate.RevisionTypeBaseline {
		return revs[0].Version
	}
	return ""
}

// Print writes the status for people.
func (s *Status) Print(w io.Writer) {
	cur := s.Current
	if cur == "" {
		cur = "none (no migration applied)"
	}
	fmt.Fprintf(w, "current version: %s\n", cur)
	if len(s.Pending) == 0 {
		fmt.Fprintln(w, "pending: none, the database is at head")
	} else {
		fmt.Fprintf(w, "pending: %d file(s)\n", len(s.Pending))
		for _, f := range s.Pending {
			fmt.Fprintf(w, "  %s\n", f.Name())
		}
	}
	if s.Failed != nil {
		fmt.Fprintf(w, "last error: %s: %s\n  statement: %s\n", describe(s.Failed), s.Failed.Error, firstLine(s.Failed.ErrorStmt))
	}
	if s.Problem != "" {
		fmt.Fprintf(w, "problem: %s\n", s.Problem)
	}
	if len(s.Applied) == 0 {
		return
	}
	fmt.Fprintln(w, "history:")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  VERSION\tDESCRIPTION\tAPPLIED AT\tDURATION\tSTATE")
	for _, r := range s.Applied {
		state := "applied"
		switch {
		case r.Type == migrate.RevisionTypeBaseline:
			state = "baseline"
		case r.Error != "":
			state = "failed"
		case r.Applied != r.Total:
			state = fmt.Sprintf("partial %d/%d", r.Applied, r.Total)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", r.Version, r.Description,
			r.ExecutedAt.Local().Format(time.DateTime), r.ExecutionTime.Round(time.Microsecond*100), state)
	}
	tw.Flush()
}
