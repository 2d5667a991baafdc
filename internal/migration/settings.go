package migration

import (
	"context"
	"path/filepath"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/schema"

	"github.com/versiona/versiona/internal/objects"
)

// onlineSettings returns the statements that end the online file when it
// rebuilds indexes a desired replica identity or clustering names: the
// rebuilt index is not marked until they run. changes are Atlas's, main
// those left in the transactional file.
func onlineSettings(changes, main []schema.Change, des objects.Set) []*migrate.Change {
	rebuilt := objects.ImpactOf(changes).Indexes
	for idx := range objects.ImpactOf(main).Indexes {
		delete(rebuilt, idx)
	}
	return planned(objects.OnIndexes(des, rebuilt))
}

// verifyObjects checks, after the planned files were replayed on the
// current state, that package objects has nothing left to plan: the
// settings and privileges a fingerprint may not read count too.
func (p *Project) verifyObjects(ctx context.Context, st *diffStates) error {
	if p.skipVerify {
		return nil
	}
	got, err := readObjects(ctx, st.cur.db)
	if err != nil {
		return err
	}
	before, after := objects.Plan(got, st.desObjs, objects.TableImpact{})
	if len(before)+len(after) == 0 {
		return nil
	}
	var diffs []Difference
	for _, s := range append(before, after...) {
		diffs = append(diffs, Difference{Object: s.Comment, Text: s.Comment + ": still differs from " + filepath.Base(p.Schema) + " after the planned migration"})
	}
	return &VerifyError{Problem: "the planned migration does not reach the schema file", Differences: diffs, Remedy: remedyDiff}
}
