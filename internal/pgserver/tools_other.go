//go:build !linux && !darwin

package pgserver

import (
	"context"
	"fmt"
	"runtime"
)

// Tool fails here: no server binaries are looked for on this system.
func Tool(context.Context, Options, string) (string, error) {
	return "", fmt.Errorf("%w on %s", ErrUnsupported, runtime.GOOS)
}
