// Command demo shows versiona at work: it finds or starts a PostgreSQL
// server, applies the embedded migrations, seeds deterministic Portuguese
// data with COPY, and prints the blog's and the course catalogue's queries
// as tables, ending with a create-update-delete walk-through.
//
// Run "go run ./cmd/demo -h" for the flags. The tables go to stdout and are
// the same for the same seed; progress, timings and the server's address go
// to stderr.
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/versiona/versiona/internal/exit"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	ctx, unwatch := watchParent(ctx, time.Second)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	unwatch()
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// exitCode reports err on stderr and maps it to the process exit code:
// 0 success (or help), 2 usage error (one line, pointing to -h), 1 any
// other failure.
func exitCode(err error, stderr io.Writer) int {
	return exit.Code("demo", "(see go run ./cmd/demo -h)", err, stderr)
}
