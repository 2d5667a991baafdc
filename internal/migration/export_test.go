package migration

// Unexported names the tests of package migration_test use.
var WithTx = withTx

type CommitError = commitError

// SkipVerify turns off Diff's fingerprint verification, for the benchmark
// that measures it.
func SkipVerify(p *Project, skip bool) { p.skipVerify = skip }
