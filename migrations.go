package versiona

import (
	"embed"
	"io/fs"
)

//go:embed db/migrations/*.sql db/migrations/atlas.sum
var migrationFiles embed.FS

// Migrations is the versioned migration directory db/migrations, in Atlas's
// format (the files and atlas.sum at its root), embedded so that programs
// can bring a database to head without the files beside them.
var Migrations fs.FS = mustSub(migrationFiles, "db/migrations")

func mustSub(fsys fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(err) // dir is a constant embedded above
	}
	return sub
}
