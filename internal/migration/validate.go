package migration

import (
	"context"
	"errors"
	"fmt"
	"io/fs"

	"ariga.io/atlas/sql/migrate"
)

// ValidateResult is what Validate checked.
type ValidateResult struct {
	Files []string `json:"files"` // the files replayed, in order
}

// Validate checks that atlas.sum exists and matches the directory, that
// every file is named "<version>_<name>.sql", that no file holds a psql
// meta-command, and that every file replays cleanly, in order, on an empty
// scratch database, each run as apply runs it (one transaction unless
// "-- atlas:txmode none"). It returns a
// *StatementError naming the file and statement that fails.
func (p *Project) Validate(ctx context.Context) (*ValidateResult, error) {
	sum, err := p.Dir.Open(migrate.HashFileName)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%s is missing (run `migrate hash`)", migrate.HashFileName)
	case err != nil:
		return nil, fmt.Errorf("opening %s: %w", migrate.HashFileName, err)
	}
	sum.Close()
	if err := checkDir(p.Dir); err != nil {
		return nil, err
	}
	files, err := dirFiles(p.Dir)
	if err != nil {
		return nil, err
	}
	err = p.withScratchDB(ctx, func(d *scratchDB) error {
		if err := d.replay(ctx, files); err != nil {
			return fmt.Errorf("replaying migration directory: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	res := &ValidateResult{Files: make([]string, len(files))}
	for i, f := range files {
		res.Files[i] = f.Name()
	}
	return res, nil
}
