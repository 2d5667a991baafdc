package locks_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/versiona/versiona/internal/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m, nil) }

// readMigration returns the text of a file of db/migrations.
func readMigration(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "db", "migrations", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
