package testkit

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/versiona/versiona/internal/pgserver"
)

// ClientTool returns the path of a PostgreSQL client program (pg_dump,
// psql…) installed with the server binaries, skipping the test when there
// is none (a server downloaded by embedded-postgres comes without them).
func ClientTool(t testing.TB, name string) string {
	t.Helper()
	p, err := pgserver.Tool(context.Background(), pgserver.Options{}, name)
	if err != nil {
		t.Skipf("no %s to check against: %v", name, err)
	}
	return p
}

// Run runs a client program with args, failing the test with its output
// when it fails. Connection strings go in args as URLs; the output never
// contains the password, which only the URL carries.
func Run(t testing.TB, program string, args ...string) string {
	t.Helper()
	cmd := exec.Command(program, args...)
	cmd.Env = append(os.Environ(), "PGOPTIONS=", "PGCONNECT_TIMEOUT=10")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\n%s", program, err, stderr.String())
	}
	return stdout.String()
}

// SchemaDump returns pg_dump --schema-only of the database at url,
// normalised for comparison: without comments, blank lines, the session
// settings of its header and psql's \restrict lines, so two databases with
// the same schema give the same text.
func SchemaDump(t testing.TB, url string, extra ...string) string {
	t.Helper()
	args := append([]string{"--schema-only", "--no-owner", "--exclude-schema=atlas_schema_revisions"}, extra...)
	out := Run(t, ClientTool(t, "pg_dump"), append(args, "--dbname="+url)...)
	var kept []string
	for _, l := range strings.Split(out, "\n") {
		switch {
		case l == "", strings.HasPrefix(l, "--"), strings.HasPrefix(l, `\restrict`), strings.HasPrefix(l, `\unrestrict`),
			strings.HasPrefix(l, "SET "), strings.HasPrefix(l, "SELECT pg_catalog.set_config('search_path'"):
			continue
		}
		kept = append(kept, l)
	}
	return strings.Join(kept, "\n")
}
