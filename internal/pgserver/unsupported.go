//go:build !linux && !darwin

package pgserver

import (
	"context"
	"fmt"
	"runtime"
)

// Start fails here: the throwaway server runs on Linux and macOS only.
func Start(context.Context, Options) (*Server, error) {
	return nil, fmt.Errorf("%w on %s; set DATABASE_URL", ErrUnsupported, runtime.GOOS)
}

// Stop does nothing: no server is ever started here.
func (s *Server) Stop() error { return nil }

// OwnedDirs lists nothing: no server is ever started here.
func OwnedDirs(int) []string { return nil }
