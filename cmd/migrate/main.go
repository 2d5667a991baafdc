// Command migrate is versiona's versioned-migration workflow on the Atlas
// engine: diff, apply, down, status, lint, validate, hash and new.
//
// Run "go run ./cmd/migrate -h" for the commands, and
// "go run ./cmd/migrate COMMAND -h" for each command's flags and exit codes.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// exitCode reports err on stderr and maps it to the process exit code:
// 0 success (or help), 2 usage error, 1 any other failure.
func exitCode(err error, stderr io.Writer) int {
	var uerr *usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &uerr):
		fmt.Fprintf(stderr, "migrate: %v\n", err)
		return 2
	default:
		fmt.Fprintf(stderr, "migrate: %v\n", err)
		return 1
	}
}
