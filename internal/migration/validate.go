package migration

import (
	"context"
	"fmt"
)

// Validate checks that atlas.sum matches the directory and that every file
// replays cleanly, in order, on an empty scratch database. It returns a
// *StatementError naming the file and statement that fails.
func (p *Project) Validate(ctx context.Context) error {
	if err := checksumError(p.Dir); err != nil {
		return err
	}
	files, err := p.Dir.Files()
	if err != nil {
		return fmt.Errorf("reading migration files: %w", err)
	}
	srv, err := p.scratchServer(ctx)
	if err != nil {
		return err
	}
	defer srv.Close()
	scratch, err := srv.create(ctx)
	if err != nil {
		return err
	}
	defer scratch.Close()
	if err := scratch.replay(ctx, files); err != nil {
		return fmt.Errorf("replaying migration directory: %w", err)
	}
	return nil
}
