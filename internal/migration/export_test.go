package migration

import (
	"time"

	"github.com/versiona/versiona/internal/locks"
)

// Unexported names the tests of package migration_test use.
var WithTx = withTx

var RefusesNull = refusesNull

var ScanTypes = scanTypes

type CommitError = commitError

// SetLockTuning shortens the advisory lock's timings: pauses between tries
// from 1 ms to pollMax, the holder reported every reportEvery, and onPoll
// called after each failed try with their count.
func SetLockTuning(p *Project, pollMax, reportEvery time.Duration, onPoll func(polls int)) {
	p.lockTuning = locks.Lock{PollMin: time.Millisecond, PollMax: pollMax, ReportEvery: reportEvery, OnPoll: onPoll}
}

// SkipVerify turns off Diff's fingerprint verification, for the benchmark
// that measures it.
func SkipVerify(p *Project, skip bool) { p.skipVerify = skip }

// LintInspectAll makes Lint inspect the whole schema around every
// statement, the reference its scoped inspection is held to.
func LintInspectAll(p *Project, all bool) { p.lintInspectAll = all }
