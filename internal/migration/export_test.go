package migration

// Unexported names the tests of package migration_test use.
var WithTx = withTx

type CommitError = commitError
