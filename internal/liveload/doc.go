// Package liveload measures what a migration does to a database that is
// serving traffic: inserts keep flowing from several connections while a
// migration changes the table they write to, and the latency of each insert
// is recorded. It holds only tests and benchmarks; see liveload_test.go.
//
//	go test -run '^$' -bench LiveMigration -benchtime 1x ./internal/liveload
package liveload
