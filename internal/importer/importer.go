// Package importer reads the migration directory of another tool —
// golang-migrate, goose, dbmate or Flyway — into migrations in Atlas's
// format, losing nothing: every byte of every up part is kept, in the order
// the source tool applies them; down (undo) parts are kept aside, never as
// versions; the source's transaction mode is carried as "-- atlas:txmode
// none". What cannot be carried (a goose migration written in Go, a Flyway
// placeholder) is refused by name.
//
// Section markers (goose's "-- +goose Up", dbmate's "-- migrate:up") are
// parsed as markers: a line that is a marker comment and nothing else. A
// line that merely contains the word "down" or "Down" is SQL like any other.
package importer

import (
	"fmt"
	"io/fs"
	"math/big"
	"path"
	"regexp"
	"slices"
	"strings"
)

// Format is a migration tool whose directory Read understands.
type Format string

// The formats Read understands.
const (
	GolangMigrate Format = "golang-migrate"
	Goose         Format = "goose"
	Dbmate        Format = "dbmate"
	Flyway        Format = "flyway"
)

// Formats lists the formats, for messages and flags.
var Formats = []Format{GolangMigrate, Goose, Dbmate, Flyway}

// Migration is one migration of the source directory, as its tool applies it.
type Migration struct {
	// Version is the source's version as its file name writes it:
	// "000001", "20230102150405", "1.2.3"; "" for a Flyway repeatable.
	Version string
	// Name is the description from the file name ("create_users").
	Name string
	// Source is the file the up part comes from.
	Source string
	// Up is the up part's SQL, byte for byte as in the source.
	Up string
	// Down is the down (undo) part, "" when there is none; DownSource the
	// file it comes from.
	Down, DownSource string
	// NoTx is set when the source tool runs the up part outside a
	// transaction (goose NO TRANSACTION, dbmate transaction:false), or the
	// part holds a statement PostgreSQL refuses inside one.
	NoTx bool
	// Statements is the number of statements of the up part, as the
	// source tool splits them.
	Statements int

	key []*big.Int // numeric sort key of Version
}

// Aside is a file of the source that is kept but not imported as a
// version: a down or undo part, or a Flyway migration a baseline replaces.
type Aside struct {
	Source string // file name in the source
	Why    string // "down part of 000001", …
}

// History is a source directory read by Read.
type History struct {
	Format     Format
	Migrations []Migration // in the order the source tool applies them
	Aside      []Aside
}

// Error is a file of the source that cannot be imported without loss.
type Error struct {
	File string // the source file
	Line int    // 1-based; 0 when it concerns the whole file
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return e.File + ": " + e.Msg
}

// Read reads the migrations at the root of fsys written for format. Files
// the tool would not read (a README, a directory) are skipped; a file the
// tool would read but that cannot be carried whole is an *Error.
func Read(fsys fs.FS, format Format) (*History, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("reading source directory: %w", err)
	}
	var read func(fs.FS, []fs.DirEntry) (*History, error)
	switch format {
	case GolangMigrate:
		read = readGolangMigrate
	case Goose:
		read = readGoose
	case Dbmate:
		read = readDbmate
	case Flyway:
		read = readFlyway
	default:
		return nil, fmt.Errorf("unknown source format %q (known: %s)", format, formatList())
	}
	h, err := read(fsys, entries)
	if err != nil {
		return nil, err
	}
	h.Format = format
	if len(h.Migrations) == 0 {
		return nil, fmt.Errorf("no %s migrations found", format)
	}
	return h, nil
}

func formatList() string {
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = string(f)
	}
	return strings.Join(names, ", ")
}

// sortMigrations orders ms by version, numerically (1, 2, 10), and refuses
// two migrations of the same version.
func sortMigrations(ms []Migration) error {
	slices.SortStableFunc(ms, func(a, b Migration) int { return compareKeys(a.key, b.key) })
	for i := 1; i < len(ms); i++ {
		if ms[i].key != nil && compareKeys(ms[i-1].key, ms[i].key) == 0 {
			return &Error{File: ms[i].Source, Msg: fmt.Sprintf("version %s is also the version of %s", ms[i].Version, ms[i-1].Source)}
		}
	}
	return nil
}

// numericKey parses a version of digit groups separated by . or _ into
// numbers; nil when it is not one.
func numericKey(v string) []*big.Int {
	parts := strings.FieldsFunc(v, func(r rune) bool { return r == '.' || r == '_' })
	if len(parts) == 0 {
		return nil
	}
	key := make([]*big.Int, len(parts))
	for i, p := range parts {
		n, ok := new(big.Int).SetString(p, 10)
		if !ok || n.Sign() < 0 || strings.ContainsAny(p, "+-") {
			return nil
		}
		key[i] = n
	}
	return key
}

// compareKeys compares version keys part by part; a missing part counts as
// zero (Flyway: 1 = 1.0). A nil key sorts last.
func compareKeys(a, b []*big.Int) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	zero := new(big.Int)
	for i := range max(len(a), len(b)) {
		x, y := zero, zero
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if c := x.Cmp(y); c != 0 {
			return c
		}
	}
	return 0
}

var versioned = regexp.MustCompile(`^([0-9]+)_(.*)\.sql$`)

// readFile reads a source file as text.
func readFile(fsys fs.FS, name string) (string, error) {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return "", fmt.Errorf("reading %s: %w", name, err)
	}
	return string(b), nil
}

// sqlFiles returns the names of the regular .sql files among entries and
// refuses other files the tool would read (ext lists them, e.g. ".go").
func sqlFiles(entries []fs.DirEntry, refuse map[string]string) ([]string, error) {
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		ext := path.Ext(e.Name())
		if msg, ok := refuse[ext]; ok {
			return nil, &Error{File: e.Name(), Msg: msg}
		}
		if ext == ".sql" {
			names = append(names, e.Name())
		}
	}
	return names, nil
}
