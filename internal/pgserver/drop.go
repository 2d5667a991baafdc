package pgserver

import (
	"context"
	"fmt"
	"strings"
)

// DropDatabase drops database name, and any connection still open to it,
// on whatever server exec runs statements on (one statement per call, on
// another database of that server). Works on any server, not only one
// started here.
//
// It first waits, at most a second, for the backends of connections
// the caller has just closed. A backend exits a moment after its client
// hangs up. DROP DATABASE ... WITH (FORCE) terminates any backend it still
// finds, then sleeps 100 ms before it checks again. Without the wait, most
// drops that follow a Close would pay that sleep.
func DropDatabase(ctx context.Context, exec func(ctx context.Context, sql string) error, name string) error {
	// pg_stat_activity is read once per transaction unless its snapshot
	// is cleared: the loop clears it on each turn.
	wait := fmt.Sprintf(`DO $$
DECLARE
  deadline timestamptz := clock_timestamp() + interval '1 second';
BEGIN
  LOOP
    PERFORM pg_stat_clear_snapshot();
    EXIT WHEN clock_timestamp() > deadline
      OR NOT EXISTS (SELECT FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid());
    PERFORM pg_sleep(0.001);
  END LOOP;
END $$`, quoteLiteral(name))
	if err := exec(ctx, wait); err != nil {
		return fmt.Errorf("waiting for the connections to %s to close: %w", name, err)
	}
	if err := exec(ctx, "DROP DATABASE IF EXISTS "+quoteIdent(name)+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("dropping database %s: %w", name, err)
	}
	return nil
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// quoteLiteral quotes s for standard_conforming_strings on (the default
// since PostgreSQL 9.1); the E” form is not needed for a name.
func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
