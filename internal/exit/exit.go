// Package exit is the one convention versiona's programs share for ending:
// which errors are mistakes in the command line, which are checks that
// could not be made, how each is reported on stderr, and its exit code.
package exit

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// The exit codes of cmd/demo and cmd/migrate.
const (
	OK        = 0 // success, or help asked for
	Failure   = 1 // any other error; for a check, a difference found
	Usage     = 2 // a mistake in the command line (*UsageError)
	Unchecked = 3 // a check that could not be made (*CheckError)
)

// UsageError is a mistake in the command line.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// Usagef returns a *UsageError with the formatted message.
func Usagef(format string, args ...any) error {
	return &UsageError{Msg: fmt.Sprintf(format, args...)}
}

// CheckError is a check (migrate diff --check, migrate drift) that could not
// be made, as opposed to one that found a difference.
type CheckError struct{ Err error }

func (e *CheckError) Error() string { return e.Err.Error() }
func (e *CheckError) Unwrap() error { return e.Err }

// Code reports err on stderr as "prog: message" and returns the exit code
// for it. A usage error's line ends with usageHint when that is not empty,
// e.g. "(see go run ./cmd/demo -h)". Nothing is printed for nil or
// flag.ErrHelp.
func Code(prog, usageHint string, err error, stderr io.Writer) int {
	var (
		uerr *UsageError
		cerr *CheckError
	)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return OK
	case errors.As(err, &uerr):
		if usageHint != "" {
			fmt.Fprintf(stderr, "%s: %v %s\n", prog, err, usageHint)
		} else {
			fmt.Fprintf(stderr, "%s: %v\n", prog, err)
		}
		return Usage
	case errors.As(err, &cerr):
		fmt.Fprintf(stderr, "%s: %v\n", prog, err)
		return Unchecked
	default:
		fmt.Fprintf(stderr, "%s: %v\n", prog, err)
		return Failure
	}
}
