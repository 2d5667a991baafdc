package migration

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/versiona/versiona/internal/fingerprint"
)

// DriftResult is what Drift found.
type DriftResult struct {
	// Version is the live database's current version; "" when no migration
	// is applied (or there is no revisions table), and the database was
	// compared with the empty schema.
	Version string `json:"version"`
	// Differences name each fact on which the live database differs from
	// what the directory builds at Version, live database first; empty
	// when they agree.
	Differences []Difference `json:"differences"`
}

// InSync reports whether the live database has the directory's schema.
func (r *DriftResult) InSync() bool { return len(r.Differences) == 0 }

// MarshalJSON adds "in_sync" to the fields.
func (r *DriftResult) MarshalJSON() ([]byte, error) {
	type plain DriftResult
	return json.Marshal(struct {
		InSync bool `json:"in_sync"`
		*plain
	}{r.InSync(), (*plain)(r)})
}

// Drift compares the schema of the live database at dbURL with the one the
// directory builds at that database's current version: it replays the
// files up to that version on a scratch database and compares the schema
// fingerprints of both (package fingerprint). It changes nothing and takes
// no lock. Drift is not an error: the result says it.
//
// It returns an error when the directory or atlas.sum is invalid, an
// applied file changed or is missing, a file does not replay, or a
// database cannot be read.
func (p *Project) Drift(ctx context.Context, dbURL string) (*DriftResult, error) {
	sess, err := p.connect(ctx, dbURL)
	if err != nil {
		return nil, err
	}
	defer sess.Close()
	revs, err := NewRevisions(sess.conn).ReadRevisions(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkApplied(p.Dir, revs); err != nil {
		return nil, err
	}
	res := &DriftResult{Version: currentVersion(revs)}
	want, err := p.fingerprintAt(ctx, res.Version)
	if err != nil {
		return nil, err
	}
	live, err := fingerprint.Read(ctx, sess.conn)
	if err != nil {
		return nil, err
	}
	res.Differences = differences(live, want, labelLive, labelMigrations)
	return res, nil
}

// fingerprintAt returns the fingerprint of the schema the directory builds
// at version v ("": the empty schema), replayed on a scratch database.
func (p *Project) fingerprintAt(ctx context.Context, v string) (fingerprint.Fingerprint, error) {
	files, err := dirFiles(p.Dir)
	if err != nil {
		return fingerprint.Fingerprint{}, err
	}
	var fp fingerprint.Fingerprint
	err = p.withScratchDB(ctx, func(d *scratchDB) error {
		if err := d.replay(ctx, filesUpTo(files, v)); err != nil {
			return fmt.Errorf("replaying migration directory: %w", err)
		}
		fp, err = fingerprint.Read(ctx, d.db)
		return err
	})
	return fp, err
}
