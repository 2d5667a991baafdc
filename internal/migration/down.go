package migration

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/schema"
)

// DownOptions selects how far Down reverts.
type DownOptions struct {
	N      int    // revert the N newest applied files; 0 means 1
	To     string // revert to this version (kept applied); "0" reverts all
	DryRun bool   // print the SQL and touch nothing
	Force  bool   // revert even when the live schema drifted from the directory
}

// DownResult tells what Down did (or would do, on a dry run).
type DownResult struct {
	From, To string   // versions before and after; "" means none applied
	Reverted []string // revisions removed, newest first
	SQL      []string // statements of the revert
	Drift    []string // differences between the live schema and the directory
}

// ErrDrift is returned by Down when the live schema is not the one the
// directory builds at the current version, unless DownOptions.Force is set.
var ErrDrift = errors.New("the live schema differs from the migration directory at the current version")

// Down reverts the database at dbURL to an earlier version without
// hand-written down files: it replays the directory up to the target on a
// scratch database, plans the change from the live schema to that state
// (the revisions schema left alone), prints it, and applies it in one
// transaction together with deleting the reverted revisions, under the
// advisory lock LockName.
func (p *Project) Down(ctx context.Context, dbURL string, opts DownOptions) (*DownResult, error) {
	if opts.N < 0 {
		return nil, fmt.Errorf("invalid count %d", opts.N)
	}
	sess, err := p.connect(ctx, dbURL)
	if err != nil {
		return nil, err
	}
	defer sess.Close()
	conn, drv := sess.conn, sess.drv
	if !opts.DryRun {
		unlock, err := sess.lock(ctx, p.lockTimeout())
		if err != nil {
			return nil, err
		}
		defer unlock()
	}
	revs, err := NewRevisions(conn).ReadRevisions(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkApplied(p.Dir, revs); err != nil {
		return nil, err
	}
	res := &DownResult{From: currentVersion(revs)}
	if res.From == "" {
		return nil, errors.New("nothing to revert: no migration is applied")
	}
	if res.To, err = downTarget(revs, opts); err != nil {
		return nil, err
	}
	for i := len(revs) - 1; i >= 0; i-- {
		if revs[i].Version > res.To {
			res.Reverted = append(res.Reverted, revs[i].Version)
		}
	}
	files, err := p.Dir.Files()
	if err != nil {
		return nil, fmt.Errorf("reading migration files: %w", err)
	}
	upTo := func(v string) []migrate.File {
		var fs []migrate.File
		for _, f := range files {
			if f.Version() <= v {
				fs = append(fs, f)
			}
		}
		return fs
	}

	// One scratch database: replay to the target, inspect, then on to the
	// current version, inspect again.
	srv, err := p.scratchServer(ctx)
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	scratch, err := srv.create(ctx)
	if err != nil {
		return nil, err
	}
	defer scratch.Close()
	target := upTo(res.To)
	if err := scratch.replay(ctx, target); err != nil {
		return nil, fmt.Errorf("replaying migration directory: %w", err)
	}
	desired, err := inspect(ctx, scratch.drv)
	if err != nil {
		return nil, err
	}
	if err := scratch.replay(ctx, upTo(res.From)[len(target):]); err != nil {
		return nil, fmt.Errorf("replaying migration directory: %w", err)
	}
	expected, err := inspect(ctx, scratch.drv)
	if err != nil {
		return nil, err
	}
	live, err := inspect(ctx, drv)
	if err != nil {
		return nil, err
	}

	w := p.out()
	drift, err := realmDiff(drv, expected, live)
	if err != nil {
		return nil, err
	}
	drift = withoutSchemaAttrs(drift)
	if len(drift) > 0 {
		res.Drift = planSQL(ctx, drv, drift)
		fmt.Fprintf(w, "the live schema differs from the directory at version %s; the directory's state would need:\n", res.From)
		for _, s := range res.Drift {
			fmt.Fprintf(w, "  %s\n", firstLine(s))
		}
		if !opts.Force {
			return res, fmt.Errorf("%w (version %s): revert by hand, or pass --force", ErrDrift, res.From)
		}
	}

	changes, err := realmDiff(drv, live, desired)
	if err != nil {
		return nil, err
	}
	changes = withoutSchemaAttrs(changes)
	var plan *migrate.Plan
	if len(changes) > 0 {
		if plan, err = drv.PlanChanges(ctx, "down", changes, func(o *migrate.PlanOptions) { o.Indent = "  " }); err != nil {
			return nil, fmt.Errorf("planning revert: %w", err)
		}
	}
	toName := res.To
	if toName == "" {
		toName = "none (empty schema)"
	}
	fmt.Fprintf(w, "reverting %s -> %s (%d revision(s): %s)\n", res.From, toName, len(res.Reverted), strings.Join(res.Reverted, ", "))
	for _, warn := range destructive(changes) {
		fmt.Fprintf(w, "warning: %s\n", warn)
	}
	if plan != nil {
		for _, c := range plan.Changes {
			if c.Comment != "" {
				fmt.Fprintf(w, "-- %s\n", c.Comment)
			}
			fmt.Fprintf(w, "%s;\n", c.Cmd)
			res.SQL = append(res.SQL, c.Cmd)
		}
	}
	if opts.DryRun {
		return res, nil
	}

	err = withTx(ctx, conn, func(tx *sql.Tx) error {
		if plan != nil {
			for _, c := range plan.Changes {
				if _, err := tx.ExecContext(ctx, c.Cmd, c.Args...); err != nil {
					return fmt.Errorf("%w\n  statement: %s", err, firstLine(c.Cmd))
				}
			}
		}
		store := NewRevisions(tx)
		for _, v := range res.Reverted {
			if err := store.DeleteRevision(ctx, v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reverting: %w", err)
	}
	fmt.Fprintf(w, "reverted to %s\n", toName)
	return res, nil
}

// downTarget returns the version Down reverts to, "" for none.
func downTarget(revs []*migrate.Revision, opts DownOptions) (string, error) {
	var applied []string
	for _, r := range revs {
		if isApplied(r) {
			applied = append(applied, r.Version)
		}
	}
	if opts.To != "" {
		if opts.To == "0" {
			return "", nil
		}
		for i, v := range applied {
			if v == opts.To {
				if i == len(applied)-1 {
					return "", fmt.Errorf("version %s is the current version: nothing to revert", opts.To)
				}
				return v, nil
			}
		}
		return "", fmt.Errorf("version %s is not applied", opts.To)
	}
	n := max(opts.N, 1)
	if n > len(applied) {
		return "", fmt.Errorf("cannot revert %d migration(s): %d applied (use --to 0 to revert all)", n, len(applied))
	}
	if n == len(applied) {
		return "", nil
	}
	return applied[len(applied)-1-n], nil
}

// planSQL renders changes as statements for display.
func planSQL(ctx context.Context, drv migrate.Driver, changes []schema.Change) []string {
	plan, err := drv.PlanChanges(ctx, "drift", changes)
	if err != nil {
		return describeChanges(changes)
	}
	out := make([]string, len(plan.Changes))
	for i, c := range plan.Changes {
		out[i] = c.Cmd
	}
	return out
}

// withoutSchemaAttrs drops changes to the attributes of a schema itself
// (its comment, say): a scratch database and a live one may be created from
// different templates, and migrations do not own those.
func withoutSchemaAttrs(changes []schema.Change) []schema.Change {
	kept := changes[:0]
	for _, c := range changes {
		if _, ok := c.(*schema.ModifySchema); !ok {
			kept = append(kept, c)
		}
	}
	return kept
}
