//go:build linux || darwin

package pgserver

import (
	"context"
	"fmt"
	"os"
)

// Tool returns the path of the PostgreSQL program name (pg_dump, psql)
// beside the server binaries Start would run with opts, so that its
// version is the server's. It fails when no binaries are found or name is
// not among them.
func Tool(ctx context.Context, opts Options, name string) (string, error) {
	b, err := cachedBinaries(ctx, opts)
	if err != nil {
		return "", err
	}
	path := b.path(name)
	if _, err := os.Stat(path); err != nil {
		return "", fmt.Errorf("no %s beside the server binaries in %s", name, b.dir)
	}
	return path, nil
}
