package migration

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/schema"

	"github.com/versiona/versiona/internal/fingerprint"
	"github.com/versiona/versiona/internal/objects"
)

// DownOptions selects how far Down reverts.
type DownOptions struct {
	N      int    // revert the N newest applied files; 0 means 1
	To     string // revert to this version (kept applied); "0" reverts all
	DryRun bool   // plan and touch nothing
	Force  bool   // revert even when the live schema drifted from the directory
}

// DownResult tells what Down did (or would do, on a dry run).
type DownResult struct {
	From     string   `json:"from"`     // version before; "" means none applied
	To       string   `json:"to"`       // version after; "" means none applied
	Reverted []string `json:"reverted"` // revisions removed, newest first
	SQL      []string `json:"sql"`      // statements of the revert
	Warnings []string `json:"warnings"` // destructive changes in the revert
	// Drift names each fact on which the live schema differs from what the
	// directory builds at version From, live database first; empty when
	// they agree.
	Drift []Difference `json:"drift"`
}

// ErrDrift is returned by Down when the live schema is not the one the
// directory builds at the current version, unless DownOptions.Force is set.
var ErrDrift = errors.New("the live schema differs from the migration directory at the current version")

// Down reverts the database at dbURL to an earlier version without
// hand-written down files: it replays the directory up to the target on a
// scratch database, plans the change from the live schema to that state
// (the revisions schema left alone), and applies it in one transaction
// together with deleting the reverted revisions, under the advisory lock
// LockName (waited for at most p.LockWait). The transaction runs under
// p.LockTimeout and is retried, as Apply retries a file, when it hits it;
// when every attempt did, the error wraps a *LockTimeoutError. On drift
// (the schema fingerprints differ) it returns the result, with Drift
// filled, and an error wrapping ErrDrift. Before committing it reads the
// fingerprint, and the objects package objects plans, again in the
// transaction: when they are not the directory's at the target version, it
// rolls back and returns a *VerifyError naming each difference.
func (p *Project) Down(ctx context.Context, dbURL string, opts DownOptions) (*DownResult, error) {
	if opts.N < 0 {
		return nil, fmt.Errorf("invalid count %d", opts.N)
	}
	sess, err := p.connect(ctx, dbURL)
	if err != nil {
		return nil, err
	}
	defer sess.Close()
	if !opts.DryRun {
		unlock, err := p.lock(ctx, sess)
		if err != nil {
			return nil, err
		}
		defer unlock()
	}
	res, err := p.downRange(ctx, sess, opts)
	if err != nil {
		return nil, err
	}
	plan, target, err := p.planDown(ctx, sess, res, opts.Force)
	if err != nil {
		if errors.Is(err, ErrDrift) {
			return res, err
		}
		return nil, err
	}
	if opts.DryRun {
		return res, nil
	}
	verify := func(tx *sql.Tx) error { return verifyDown(ctx, tx, target, res.To) }
	if err := p.revert(ctx, sess, plan, res.Reverted, verify); err != nil {
		return nil, err
	}
	return res, nil
}

// downRange reads the revisions and says which versions Down goes from and
// to, and which it reverts.
func (p *Project) downRange(ctx context.Context, sess *session, opts DownOptions) (*DownResult, error) {
	revs, err := NewRevisions(sess.conn).ReadRevisions(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkApplied(p.Dir, revs); err != nil {
		return nil, err
	}
	res := &DownResult{From: currentVersion(revs), SQL: []string{}, Warnings: []string{}, Drift: []Difference{}}
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
	return res, nil
}

// revertTarget is the directory's state at the version Down reverts to, as
// the revert is verified: its fingerprint, and the objects package objects
// plans (the fingerprint does not read every kind of them).
type revertTarget struct {
	fp   fingerprint.Fingerprint
	objs objects.Set
}

// planDown checks the live schema for drift and plans the change from it
// to the directory's state at res.To, filling res. It returns the plan, nil
// when nothing changes, and the state at res.To.
func (p *Project) planDown(ctx context.Context, sess *session, res *DownResult, force bool) (*migrate.Plan, revertTarget, error) {
	files, err := dirFiles(p.Dir)
	if err != nil {
		return nil, revertTarget{}, err
	}
	var st *versionStates
	err = p.withScratchDB(ctx, func(d *scratchDB) error {
		st, err = readVersionStates(ctx, d, files, res.To, res.From)
		return err
	})
	if err != nil {
		return nil, revertTarget{}, err
	}
	if err := checkDrift(ctx, sess.conn, st.atFrom, res, force); err != nil {
		return nil, revertTarget{}, err
	}
	live, err := sessionState(ctx, sess)
	if err != nil {
		return nil, revertTarget{}, err
	}
	leaveConstraints(live.realm, st.desired, live.objs, st.desiredObjs)
	changes, err := realmDiff(sess.drv, live.realm, st.desired)
	if err != nil {
		return nil, revertTarget{}, err
	}
	changes = withoutSchemaAttrs(changes)
	res.Warnings = append(res.Warnings, destructive(changes)...)
	res.Warnings = append(res.Warnings, droppedObjects(live.objs, st.desiredObjs, changes)...)
	plan, later, err := planWithObjects(ctx, sess.drv, "down", changes, live.objs, st.desiredObjs, nil, func(o *migrate.PlanOptions) { o.Indent = "  " })
	target := revertTarget{fp: st.atTo, objs: st.desiredObjs}
	if err != nil || plan == nil {
		return nil, target, err
	}
	plan.Changes = append(plan.Changes, later...)
	for _, c := range plan.Changes {
		res.SQL = append(res.SQL, c.Cmd)
	}
	return plan, target, nil
}

// versionStates are the directory's states Down compares the live
// database with.
type versionStates struct {
	desired      *schema.Realm           // at the target version, for planning
	desiredObjs  objects.Set             // and the objects beside its tables
	atTo, atFrom fingerprint.Fingerprint // at the target and at the current version
}

// readVersionStates replays files on d up to version to, reads its schema,
// then on to version from, and reads its fingerprint again.
func readVersionStates(ctx context.Context, d *scratchDB, files []migrate.File, to, from string) (*versionStates, error) {
	st := &versionStates{}
	target := filesUpTo(files, to)
	if err := d.replay(ctx, target); err != nil {
		return nil, fmt.Errorf("replaying migration directory: %w", err)
	}
	var err error
	if st.desired, err = inspect(ctx, d.drv); err != nil {
		return nil, err
	}
	if st.desiredObjs, err = readObjects(ctx, d.db); err != nil {
		return nil, err
	}
	if st.atTo, err = fingerprint.Read(ctx, d.db); err != nil {
		return nil, err
	}
	if err := d.replay(ctx, filesUpTo(files, from)[len(target):]); err != nil {
		return nil, fmt.Errorf("replaying migration directory: %w", err)
	}
	if st.atFrom, err = fingerprint.Read(ctx, d.db); err != nil {
		return nil, err
	}
	return st, nil
}

// filesUpTo returns the files of version v and older; none for "".
func filesUpTo(files []migrate.File, v string) []migrate.File {
	var fs []migrate.File
	for _, f := range files {
		if f.Version() <= v {
			fs = append(fs, f)
		}
	}
	return fs
}

// checkDrift compares the live schema's fingerprint with expected, the
// directory's at res.From, filling res.Drift; without force, drift is an
// ErrDrift.
func checkDrift(ctx context.Context, q fingerprint.Querier, expected fingerprint.Fingerprint, res *DownResult, force bool) error {
	live, err := fingerprint.Read(ctx, q)
	if err != nil {
		return err
	}
	res.Drift = differences(live, expected, labelLive, labelMigrations)
	if len(res.Drift) == 0 || force {
		return nil
	}
	return fmt.Errorf("%w (version %s): revert by hand, or pass --force", ErrDrift, res.From)
}

// verifyDown reads the fingerprint in the revert's transaction: it must be
// the directory's at version to, target.
func verifyDown(ctx context.Context, tx *sql.Tx, target revertTarget, to string) error {
	got, err := fingerprint.Read(ctx, tx)
	if err != nil {
		return fmt.Errorf("verifying revert: %w", err)
	}
	objs, err := objects.Read(ctx, tx)
	if err != nil {
		return fmt.Errorf("verifying revert: %w", err)
	}
	diffs := differences(got, target.fp, labelReverted, labelMigrations)
	for _, id := range objects.Differ(objs, target.objs) {
		diffs = append(diffs, Difference{Object: id.String(), Text: id.String() + ": differs in " + labelReverted + " from " + labelMigrations})
	}
	if len(diffs) == 0 {
		return nil
	}
	if to == "" {
		to = "none"
	}
	return &VerifyError{
		Problem:     fmt.Sprintf("the reverted schema is not the migrations' at version %s", to),
		Differences: diffs,
		Remedy:      "rolled back, nothing was reverted: the engine cannot undo this change; revert it by hand",
	}
}

// revert runs plan and deletes the reverted revisions in one transaction,
// under p's timeouts and retried after a lock timeout, committed only when
// verify, run after the plan, returns nil.
func (p *Project) revert(ctx context.Context, sess *session, plan *migrate.Plan, reverted []string, verify func(*sql.Tx) error) error {
	err := p.withRetries(ctx, sess, "", func(int) error {
		return withTx(ctx, sess.conn, func(tx *sql.Tx) error {
			if err := p.setTimeouts(ctx, tx, true); err != nil {
				return err
			}
			return revertIn(ctx, tx, plan, reverted, verify)
		})
	})
	if err != nil {
		return fmt.Errorf("reverting: %w", err)
	}
	return nil
}

// revertIn runs plan, checks the result with verify, and deletes the
// reverted revisions on tx.
func revertIn(ctx context.Context, tx *sql.Tx, plan *migrate.Plan, reverted []string, verify func(*sql.Tx) error) error {
	if plan != nil {
		for _, c := range plan.Changes {
			if _, err := tx.ExecContext(ctx, c.Cmd, c.Args...); err != nil {
				return fmt.Errorf("%w\n  statement: %s", err, firstLine(c.Cmd))
			}
		}
	}
	if err := verify(tx); err != nil {
		return err
	}
	store := NewRevisions(tx)
	for _, v := range reverted {
		if err := store.DeleteRevision(ctx, v); err != nil {
			return err
		}
	}
	return nil
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
