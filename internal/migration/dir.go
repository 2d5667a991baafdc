package migration

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"regexp"
	"strings"
	"time"

	"ariga.io/atlas/sql/migrate"
)

// OpenDir returns the migration directory at path. With create set, a
// missing directory is created; otherwise it is an error.
func OpenDir(path string, create bool) (*migrate.LocalDir, error) {
	if create {
		if err := os.MkdirAll(path, 0o755); err != nil {
			return nil, fmt.Errorf("creating migration directory: %w", err)
		}
	}
	dir, err := migrate.NewLocalDir(path)
	if err != nil {
		return nil, fmt.Errorf("opening migration directory: %w", err)
	}
	return dir, nil
}

// DirFS copies the migration files (*.sql) and atlas.sum found at the root
// of fsys into an in-memory directory, for migrations embedded in a binary.
func DirFS(fsys fs.FS) (migrate.Dir, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("reading migration files: %w", err)
	}
	dir := &migrate.MemDir{}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || (path.Ext(name) != ".sql" && name != migrate.HashFileName) {
			continue
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("reading migration files: %w", err)
		}
		if err := dir.WriteFile(name, b); err != nil {
			return nil, fmt.Errorf("copying %s: %w", name, err)
		}
	}
	return dir, nil
}

// Rehash rewrites atlas.sum from the files in dir, after a file was written
// or edited by hand. It refuses a .sql file not named "<version>_<name>.sql".
func Rehash(dir migrate.Dir) error {
	if _, err := dirFiles(dir); err != nil {
		return err
	}
	sum, err := dir.Checksum()
	if err != nil {
		return fmt.Errorf("hashing migration directory: %w", err)
	}
	if err := migrate.WriteSumFile(dir, sum); err != nil {
		return fmt.Errorf("writing %s: %w", migrate.HashFileName, err)
	}
	return nil
}

// NewFile adds an empty migration file named after the next version and
// name, for statements written by hand (a data migration), re-hashes the
// directory and returns the file name.
func NewFile(dir migrate.Dir, name string) (string, error) {
	if err := CheckName(name); err != nil {
		return "", err
	}
	version, err := nextVersion(dir, time.Now())
	if err != nil {
		return "", err
	}
	file := version + "_" + name + ".sql"
	body := "-- Hand-written migration: add statements below. After editing, run `migrate hash`.\n"
	if err := dir.WriteFile(file, []byte(body)); err != nil {
		return "", fmt.Errorf("writing %s: %w", file, err)
	}
	if err := Rehash(dir); err != nil {
		return "", err
	}
	return file, nil
}

var validName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_]*$`)

// CheckName accepts migration names that make safe, portable file names.
func CheckName(name string) error {
	if !validName.MatchString(name) {
		return fmt.Errorf("invalid migration name %q: use letters, digits and underscores", name)
	}
	return nil
}

// versionLayout is the format of Atlas file versions (UTC).
const versionLayout = "20060102150405"

// nextVersion returns the UTC timestamp version for now, moved past the
// newest file in dir so two files made within a second stay ordered.
func nextVersion(dir migrate.Dir, now time.Time) (string, error) {
	files, err := dirFiles(dir)
	if err != nil {
		return "", err
	}
	t := now.UTC().Truncate(time.Second)
	if len(files) > 0 {
		last, err := time.Parse(versionLayout, files[len(files)-1].Version())
		if err == nil && !t.After(last) {
			t = last.Add(time.Second)
		}
	}
	return t.Format(versionLayout), nil
}

// fileByVersion finds the file with the given version.
func fileByVersion(files []migrate.File, version string) (migrate.File, bool) {
	for _, f := range files {
		if f.Version() == version {
			return f, true
		}
	}
	return nil, false
}

// checksumError describes an atlas.sum that does not match the directory,
// naming the file that differs.
func checksumError(dir migrate.Dir) error {
	err := migrate.Validate(dir)
	var ce *migrate.ChecksumError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ce):
		return fmt.Errorf("%s does not match the directory: %s was %s since it was hashed (run `migrate hash` if that was intended)",
			migrate.HashFileName, ce.File, ce.Reason)
	case errors.Is(err, migrate.ErrChecksumNotFound):
		return fmt.Errorf("%s is missing (run `migrate hash`)", migrate.HashFileName)
	default:
		return fmt.Errorf("validating %s: %w", migrate.HashFileName, err)
	}
}

// describe returns the file name a revision was applied from.
func describe(rev *migrate.Revision) string {
	if rev.Description == "" {
		return rev.Version + ".sql"
	}
	return rev.Version + "_" + rev.Description + ".sql"
}

// firstLine shortens a statement to its first line for messages.
func firstLine(stmt string) string {
	stmt = strings.TrimSpace(stmt)
	if i := strings.IndexByte(stmt, '\n'); i >= 0 {
		return stmt[:i] + " …"
	}
	return stmt
}

// validFileName is the form of a migration file name: a numeric version,
// an underscore, a name.
var validFileName = regexp.MustCompile(`^[0-9]+_[^/\\]+\.sql$`)

// dirFiles returns the migration files of dir, refusing any .sql file not
// named "<version>_<name>.sql": a stray file (notes.sql) would otherwise
// become a migration.
func dirFiles(dir migrate.Dir) ([]migrate.File, error) {
	files, err := dir.Files()
	if err != nil {
		return nil, fmt.Errorf("reading migration files: %w", err)
	}
	var bad, updown []string
	for _, f := range files {
		switch {
		case strings.HasSuffix(f.Name(), ".up.sql") || strings.HasSuffix(f.Name(), ".down.sql"):
			updown = append(updown, f.Name())
		case !validFileName.MatchString(f.Name()):
			bad = append(bad, f.Name())
		}
	}
	if len(updown) > 0 {
		return nil, fmt.Errorf("%s: up and down files of golang-migrate, not migration files (a down file would run as a version of its own); "+
			"convert the directory with `migrate import --from golang-migrate SRC --dir NEW`", strings.Join(updown, ", "))
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("%s: not a migration file name; name migration files <version>_<name>.sql with a numeric version, and move other files out of the directory",
			strings.Join(bad, ", "))
	}
	return files, nil
}

// checkDir refuses a directory holding a badly named file, a file with a
// psql meta-command (refuseMetaCommands), or whose atlas.sum does not match
// its files.
func checkDir(dir migrate.Dir) error {
	files, err := dirFiles(dir)
	if err != nil {
		return err
	}
	if err := refuseMetaCommands(files); err != nil {
		return err
	}
	return checksumError(dir)
}
