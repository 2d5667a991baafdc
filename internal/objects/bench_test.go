package objects_test

import (
	"context"
	"database/sql"
	"os"
	"testing"

	"github.com/versiona/versiona/internal/dbtest"
	"github.com/versiona/versiona/internal/objects"
)

// BenchmarkRead reads the objects of this project's schema plus a view, a
// function and a trigger: what Diff pays twice when in sync.
func BenchmarkRead(b *testing.B) {
	ctx := context.Background()
	script, err := os.ReadFile("../../schema.sql")
	if err != nil {
		b.Fatal(err)
	}
	db, err := sql.Open("pgx", dbtest.URL(b))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(string(script) + base + touch + `CREATE VIEW top AS SELECT id FROM post;
		CREATE TRIGGER post_touch BEFORE UPDATE ON post FOR EACH ROW EXECUTE FUNCTION touch();`); err != nil {
		b.Fatal(err)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	b.ResetTimer()
	for range b.N {
		if _, err := objects.Read(ctx, conn); err != nil {
			b.Fatal(err)
		}
	}
}
