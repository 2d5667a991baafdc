// Command migrate is versiona's versioned-migration workflow on the Atlas
// engine: diff, apply, down, drift, status, lint, validate, hash and new.
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
// 0 success (or help), 2 usage error, 3 a check that could not be made,
// 1 any other failure (a check's difference among them).
func exitCode(err error, stderr io.Writer) int {
	var (
		uerr *usageError
		cerr *checkError
	)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &uerr):
		fmt.Fprintf(stderr, "migrate: %v\n", err)
		return 2
	case errors.As(err, &cerr):
		fmt.Fprintf(stderr, "migrate: %v\n", err)
		return 3
	default:
		fmt.Fprintf(stderr, "migrate: %v\n", err)
		return 1
	}
}
