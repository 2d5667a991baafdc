package main

import (
	"context"
	"errors"
	"os"
	"time"
)

// errOrphaned cancels the run when the process that started the demo is
// gone.
var errOrphaned = errors.New("the parent process ended")

// watchParent returns a context cancelled with errOrphaned once the
// parent of this process changes, checked every interval: the parent died,
// even by SIGKILL (`go run` killed, say), and the process was re-parented.
// The demo then stops its server and removes its directory as on Ctrl-C
// instead of running on, or waiting for a Ctrl-C nobody can send. stop
// ends the watch.
func watchParent(ctx context.Context, interval time.Duration) (_ context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	parent := os.Getppid()
	go func() {
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if os.Getppid() != parent {
					cancel(errOrphaned)
					return
				}
			}
		}
	}()
	return ctx, func() { cancel(nil) }
}
