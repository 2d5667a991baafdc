package migration

import (
	"context"
	"fmt"
	"time"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/postgres"
)

// Status describes a database against the migration directory.
type Status struct {
	Current string      `json:"current"`          // newest fully applied version, "" when none
	Pending []string    `json:"pending"`          // names of the files apply would run, in order
	Failed  *Revision   `json:"failed,omitempty"` // the revision of the last failed attempt, if any
	Applied []*Revision `json:"applied"`          // the revisions table, oldest first
	// Problem says why apply would refuse to run (stale atlas.sum, an
	// applied file changed, a file out of order), "" when it would not.
	// Pending is empty when there is a problem.
	Problem string `json:"problem,omitempty"`
}

// Revision is a row of the revisions table.
type Revision struct {
	Version       string        `json:"version"`
	Description   string        `json:"description"`
	State         string        `json:"state"` // applied, baseline, failed or "partial N/M"
	Applied       int           `json:"applied"`
	Total         int           `json:"total"`
	ExecutedAt    time.Time     `json:"executed_at"`
	ExecutionTime time.Duration `json:"execution_time_ns"`
	Error         string        `json:"error,omitempty"`
	ErrorStmt     string        `json:"error_stmt,omitempty"`
}

// File is the name of the file the revision was applied from.
func (r *Revision) File() string {
	if r.Description == "" {
		return r.Version + ".sql"
	}
	return r.Version + "_" + r.Description + ".sql"
}

func newRevision(r *migrate.Revision) *Revision {
	state := "applied"
	switch {
	case r.Type == migrate.RevisionTypeBaseline:
		state = "baseline"
	case r.Error != "":
		state = "failed"
	case r.Applied != r.Total:
		state = fmt.Sprintf("partial %d/%d", r.Applied, r.Total)
	}
	return &Revision{Version: r.Version, Description: r.Description, State: state, Applied: r.Applied, Total: r.Total,
		ExecutedAt: r.ExecutedAt, ExecutionTime: r.ExecutionTime, Error: r.Error, ErrorStmt: r.ErrorStmt}
}

// Status reads the revisions of the database at dbURL and compares them
// with the directory. Its pending files are the ones Apply would run. It
// touches nothing.
func (p *Project) Status(ctx context.Context, dbURL string) (*Status, error) {
	db := p.DB
	if db == nil {
		var err error
		if db, err = openDB(ctx, dbURL); err != nil {
			return nil, err
		}
		defer db.Close()
	}
	revs, err := NewRevisions(db).ReadRevisions(ctx)
	if err != nil {
		return nil, err
	}
	st := &Status{Current: currentVersion(revs), Pending: []string{}, Applied: []*Revision{}}
	for _, r := range revs {
		st.Applied = append(st.Applied, newRevision(r))
		if r.Error != "" {
			st.Failed = st.Applied[len(st.Applied)-1]
		}
	}
	if err := checkDir(p.Dir); err != nil {
		st.Problem = err.Error()
		return st, nil
	}
	drv, err := postgres.Open(db)
	if err != nil {
		return nil, fmt.Errorf("opening driver: %w", err)
	}
	pending, err := p.pending(ctx, drv, revs, ApplyOptions{})
	if err != nil {
		st.Problem = err.Error()
		return st, nil
	}
	for _, f := range pending {
		st.Pending = append(st.Pending, f.Name())
	}
	return st, nil
}
