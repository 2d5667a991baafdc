package exit_test

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"testing"

	"github.com/versiona/versiona/internal/exit"
)

func TestCode(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		err        error
		hint       string
		code       int
		wantStderr string
	}{
		{"nil", nil, "", exit.OK, ""},
		{"help", flag.ErrHelp, "", exit.OK, ""},
		{"usage", exit.Usagef("bad %s", "flag"), "", exit.Usage, "prog: bad flag\n"},
		{"usage with hint", exit.Usagef("bad"), "(see prog -h)", exit.Usage, "prog: bad (see prog -h)\n"},
		{"wrapped usage", fmt.Errorf("parsing: %w", exit.Usagef("bad")), "", exit.Usage, "prog: parsing: bad\n"},
		{"check not made", &exit.CheckError{Err: errors.New("unreachable")}, "(hint)", exit.Unchecked, "prog: unreachable\n"},
		{"failure", errors.New("boom"), "(hint)", exit.Failure, "prog: boom\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var stderr bytes.Buffer
			if got := exit.Code("prog", tc.hint, tc.err, &stderr); got != tc.code {
				t.Errorf("Code = %d, want %d", got, tc.code)
			}
			if stderr.String() != tc.wantStderr {
				t.Errorf("stderr = %q, want %q", stderr.String(), tc.wantStderr)
			}
		})
	}
}
