// Command migrate is versiona's versioned-migration workflow on the Atlas
// engine: diff, apply, down, drift, status, lint, validate, hash and new.
//
// Run "go run ./cmd/migrate -h" for the commands, and
// "go run ./cmd/migrate COMMAND -h" for each command's flags and exit codes.
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/versiona/versiona/internal/exit"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// exitCode reports err on stderr and maps it to the process exit code:
// 0 success (or help), 2 usage error, 3 a check that could not be made,
// 1 any other failure (a check's difference among them).
func exitCode(err error, stderr io.Writer) int { return exit.Code("migrate", "", err, stderr) }
