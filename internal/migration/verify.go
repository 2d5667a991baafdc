package migration

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"

	"ariga.io/atlas/sql/migrate"

	"github.com/versiona/versiona/internal/fingerprint"
)

// Difference is one fact on which two schemas disagree, as the schema
// fingerprint reads them (package fingerprint).
type Difference struct {
	// Object is the kind and qualified name: "column public.comentario.texto".
	Object string `json:"object"`
	// Attribute is the attribute that differs ("type", "collation", …), ""
	// when the object exists on one side only.
	Attribute string `json:"attribute,omitempty"`
	// Text says the difference in plain words, naming both sides:
	// `column public.comentario.texto: collation "C" in schema.sql, default in the migrations`.
	Text string `json:"text"`
}

// Labels of the sides of a comparison, as differences name them.
const (
	labelMigrations = "the migrations"
	labelLive       = "the live database"
	labelReverted   = "the reverted database"
)

// differences compares fingerprints left and right, calling their sides by
// the given labels; empty, not nil, when they are equal.
func differences(left, right fingerprint.Fingerprint, leftLabel, rightLabel string) []Difference {
	out := []Difference{}
	for _, d := range fingerprint.Diff(left, right) {
		out = append(out, Difference{Object: d.Object(), Attribute: d.Attribute, Text: d.Describe(leftLabel, rightLabel)})
	}
	return out
}

// VerifyError is a schema the engine produced that is not, fact by fact,
// the one it had to reach: a diff whose migrations do not build schema.sql,
// or a revert that does not give the directory's state at its target.
// Nothing was written (Diff) or the transaction was rolled back (Down).
type VerifyError struct {
	// Problem says what was checked and failed.
	Problem string
	// Differences are the facts that differ, each naming both sides.
	Differences []Difference
	// Remedy says what to do about it.
	Remedy string
}

// Error names every difference; a single one reads as one line.
func (e *VerifyError) Error() string {
	if len(e.Differences) == 1 {
		return e.Differences[0].Text + " — " + e.Remedy
	}
	texts := make([]string, len(e.Differences))
	for i, d := range e.Differences {
		texts[i] = d.Text
	}
	return e.Problem + " — " + e.Remedy + ":\n  " + strings.Join(texts, "\n  ")
}

// remedyDiff is what to do with a fact Diff cannot plan.
const remedyDiff = "the engine cannot plan this change; write it by hand (migrate new)"

// inSync is Diff's in-sync decision, made before Atlas inspects anything:
// the directory is in sync when its fingerprint is the schema file's.
// Otherwise mismatch names the differences, for Diff to return when Atlas
// plans nothing. With skipVerify the decision is Atlas's alone: never in
// sync here, and no mismatch.
func (p *Project) inSync(ctx context.Context, st *diffStates) (inSync bool, mismatch, err error) {
	if p.skipVerify {
		return false, nil, nil
	}
	err = p.verifyStates(ctx, st, filepath.Base(p.Schema)+" and the migrations differ in facts the engine does not plan")
	var verr *VerifyError
	switch {
	case err == nil:
		return true, nil, nil
	case errors.As(err, &verr):
		return false, err, nil
	default:
		return false, nil, err
	}
}

// verifyPlan replays the planned files on the current state, which must
// then have exactly the fingerprint of the desired one: anything left over
// would be silently lost.
func (p *Project) verifyPlan(ctx context.Context, st *diffStates, files ...migrate.File) error {
	if err := st.cur.replay(ctx, files); err != nil {
		return fmt.Errorf("checking planned migration: %w", err)
	}
	if err := p.verifyStates(ctx, st, "the planned migration does not reach the schema file"); err != nil {
		return err
	}
	return p.verifyObjects(ctx, st)
}

// verifyStates compares the fingerprints of both scratch databases of st.
func (p *Project) verifyStates(ctx context.Context, st *diffStates, problem string) error {
	if p.skipVerify {
		return nil
	}
	var (
		wg             sync.WaitGroup
		current        fingerprint.Fingerprint
		curErr, desErr error
	)
	wg.Go(func() { current, curErr = fingerprint.Read(ctx, st.cur.db) })
	if st.desFP == nil { // the schema file's side never changes: read once
		wg.Go(func() {
			var fp fingerprint.Fingerprint
			if fp, desErr = fingerprint.Read(ctx, st.des.db); desErr == nil {
				st.desFP = &fp
			}
		})
	}
	wg.Wait()
	if err := errors.Join(curErr, desErr); err != nil {
		return fmt.Errorf("reading schema fingerprints: %w", err)
	}
	desired := *st.desFP
	diffs := differences(desired, current, filepath.Base(p.Schema), labelMigrations)
	if len(diffs) == 0 {
		return nil
	}
	return &VerifyError{Problem: problem, Differences: diffs, Remedy: remedyDiff}
}
