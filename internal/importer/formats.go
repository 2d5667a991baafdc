package importer

import (
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strings"

	"ariga.io/atlas/sql/migrate"
)

// golang-migrate: "<version>_<title>.up.sql" and "<version>_<title>.down.sql";
// each file runs as one multi-statement query.
var golangMigrateName = regexp.MustCompile(`^([0-9]+)_(.*)\.(up|down)\.sql$`)

func readGolangMigrate(fsys fs.FS, entries []fs.DirEntry) (*History, error) {
	names, err := sqlFiles(entries, nil)
	if err != nil {
		return nil, err
	}
	h := &History{}
	byVersion := map[string]int{}
	downs := map[string][2]string{} // version → file, content
	for _, name := range names {
		m := golangMigrateName.FindStringSubmatch(name)
		if m == nil {
			return nil, &Error{File: name, Msg: "not a golang-migrate file name (<version>_<title>.up.sql or .down.sql)"}
		}
		text, err := readFile(fsys, name)
		if err != nil {
			return nil, err
		}
		if m[3] == "down" {
			if _, dup := downs[m[1]]; dup {
				return nil, &Error{File: name, Msg: "a second down file of version " + m[1]}
			}
			downs[m[1]] = [2]string{name, text}
			continue
		}
		if i, dup := byVersion[m[1]]; dup {
			return nil, &Error{File: name, Msg: "version " + m[1] + " is also the version of " + h.Migrations[i].Source}
		}
		mig, err := newMigration(name, m[1], m[2], text, false)
		if err != nil {
			return nil, err
		}
		byVersion[m[1]] = len(h.Migrations)
		h.Migrations = append(h.Migrations, mig)
	}
	for v, d := range downs {
		i, ok := byVersion[v]
		if !ok {
			return nil, &Error{File: d[0], Msg: "a down file without the up file of its version"}
		}
		h.Migrations[i].Down, h.Migrations[i].DownSource = d[1], d[0]
		h.Aside = append(h.Aside, Aside{Source: d[0], Why: "down part of " + h.Migrations[i].Source})
	}
	return h, sortMigrations(h.Migrations)
}

// sections splits one file of a tool whose files hold an up and a down
// section into the two (marker lines left out), saying whether the up
// section runs outside a transaction.
type sections func(name, text string) (up, down string, noTx bool, err error)

// readSectioned reads the "<version>_<name>.sql" files of goose or dbmate,
// each split by split; refuse lists other files the tool would read.
func readSectioned(fsys fs.FS, entries []fs.DirEntry, tool string, refuse map[string]string, split sections) (*History, error) {
	names, err := sqlFiles(entries, refuse)
	if err != nil {
		return nil, err
	}
	h := &History{}
	for _, name := range names {
		m := versioned.FindStringSubmatch(name)
		if m == nil {
			return nil, &Error{File: name, Msg: "not a " + tool + " file name (<version>_<name>.sql)"}
		}
		text, err := readFile(fsys, name)
		if err != nil {
			return nil, err
		}
		up, down, noTx, err := split(name, text)
		if err != nil {
			return nil, err
		}
		mig, err := newMigration(name, m[1], m[2], up, noTx)
		if err != nil {
			return nil, err
		}
		if down != "" {
			mig.Down, mig.DownSource = down, name
			h.Aside = append(h.Aside, Aside{Source: name, Why: "down section of " + name})
		}
		h.Migrations = append(h.Migrations, mig)
	}
	return h, sortMigrations(h.Migrations)
}

// goose: "<version>_<name>.sql" with "-- +goose Up" / "-- +goose Down"
// sections, "-- +goose StatementBegin" / "StatementEnd" around statements
// holding semicolons, and "-- +goose NO TRANSACTION".
func readGoose(fsys fs.FS, entries []fs.DirEntry) (*History, error) {
	return readSectioned(fsys, entries, "goose", map[string]string{
		".go": "a goose migration written in Go cannot be imported: rewrite it as SQL (or as a data migration in Go outside the directory)",
	}, func(name, text string) (string, string, bool, error) {
		up, down, noTx, stmts, err := gooseSections(name, text)
		if err != nil {
			return "", "", false, err
		}
		// Apply splits statements with Atlas's scanner: it must see the
		// statements goose sees.
		if split, err := migrate.Stmts(up); err == nil && len(split) != stmts {
			return "", "", false, &Error{File: name, Msg: fmt.Sprintf("goose splits the up section into %d statement(s), apply would split it into %d: "+
				"put each statement holding a semicolon of its own inside a dollar-quoted body", stmts, len(split))}
		}
		return up, down, noTx, nil
	})
}

// gooseMarker reads a goose annotation line: "-- +goose Up" and the like,
// the comment holding nothing else. It returns the annotation in upper case.
func gooseMarker(line string) (string, bool) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(line), "--")
	if !ok {
		return "", false
	}
	rest, ok = strings.CutPrefix(strings.TrimSpace(rest), "+goose ")
	if !ok {
		return "", false
	}
	return strings.ToUpper(strings.Join(strings.Fields(rest), " ")), true
}

// gooseSections splits a goose file into its up and down sections, the
// marker lines left out, and counts the up section's statements as goose
// does: a StatementBegin/End block is one, elsewhere a line ending in ";"
// ends one. Text before the first section that is not a comment or blank
// is refused: goose would not run it.
func gooseSections(name, text string) (up, down string, noTx bool, stmts int, err error) {
	lines := strings.SplitAfter(text, "\n")
	section := ""
	var upB, downB strings.Builder
	inBlock, pending := false, false
	for i, line := range lines {
		marker, ok := gooseMarker(line)
		if ok {
			switch marker {
			case "UP":
				section = "up"
			case "DOWN":
				section = "down"
			case "NO TRANSACTION":
				noTx = true
			case "STATEMENTBEGIN":
				inBlock = true
			case "STATEMENTEND":
				if section == "up" && inBlock {
					stmts++
					pending = false
				}
				inBlock = false
			case "ENVSUB ON", "ENVSUB OFF":
				return "", "", false, 0, &Error{File: name, Line: i + 1, Msg: "goose ENVSUB substitutes environment variables: the imported file would not hold what goose runs"}
			default:
				return "", "", false, 0, &Error{File: name, Line: i + 1, Msg: fmt.Sprintf("unknown goose annotation %q", strings.TrimSpace(line))}
			}
			continue
		}
		switch section {
		case "up":
			upB.WriteString(line)
			if !inBlock {
				trimmed := strings.TrimSpace(line)
				if trimmed != "" && !strings.HasPrefix(trimmed, "--") {
					pending = true
				}
				if endsStatement(line) {
					stmts++
					pending = false
				}
			}
		case "down":
			downB.WriteString(line)
		default:
			if t := strings.TrimSpace(line); t != "" && !strings.HasPrefix(t, "--") {
				return "", "", false, 0, &Error{File: name, Line: i + 1, Msg: "SQL before the first -- +goose Up annotation, which goose does not run"}
			}
		}
	}
	if section == "" {
		return "", "", false, 0, &Error{File: name, Msg: "no -- +goose Up annotation"}
	}
	if pending {
		stmts++
	}
	return upB.String(), downB.String(), noTx, stmts, nil
}

// endsStatement reports whether a line ends a goose statement: its last
// word before any "--" comment ends in a semicolon.
func endsStatement(line string) bool {
	last := ""
	for _, w := range strings.Fields(line) {
		if strings.HasPrefix(w, "--") {
			break
		}
		last = w
	}
	return strings.HasSuffix(last, ";")
}

// dbmate: "<version>_<name>.sql" with "-- migrate:up" and "-- migrate:down"
// sections; "-- migrate:up transaction:false" runs outside a transaction.
var dbmateMarker = regexp.MustCompile(`^--\s*migrate:(up|down)(.*)$`)

func readDbmate(fsys fs.FS, entries []fs.DirEntry) (*History, error) {
	return readSectioned(fsys, entries, "dbmate", nil, dbmateSections)
}

func dbmateSections(name, text string) (up, down string, noTx bool, err error) {
	var upB, downB strings.Builder
	section, seenUp := "", false
	for i, line := range strings.SplitAfter(text, "\n") {
		if m := dbmateMarker.FindStringSubmatch(strings.TrimRight(line, "\r\n")); m != nil {
			section = m[1]
			if section == "up" {
				if seenUp {
					return "", "", false, &Error{File: name, Line: i + 1, Msg: "a second -- migrate:up section"}
				}
				seenUp = true
				for _, opt := range strings.Fields(m[2]) {
					switch strings.ToLower(opt) {
					case "transaction:false":
						noTx = true
					case "transaction:true":
					default:
						return "", "", false, &Error{File: name, Line: i + 1, Msg: fmt.Sprintf("unknown dbmate option %q", opt)}
					}
				}
			}
			continue
		}
		switch section {
		case "up":
			upB.WriteString(line)
		case "down":
			downB.WriteString(line)
		default:
			if t := strings.TrimSpace(line); t != "" && !strings.HasPrefix(t, "--") {
				return "", "", false, &Error{File: name, Line: i + 1, Msg: "SQL before the -- migrate:up section, which dbmate does not run"}
			}
		}
	}
	if !seenUp {
		return "", "", false, &Error{File: name, Msg: "no -- migrate:up section"}
	}
	return upB.String(), downB.String(), noTx, nil
}

// Flyway: "V<version>__<description>.sql" (version parts separated by . or
// _), "U<version>__…" undo, "R__…" repeatable (applied after the versioned
// ones, in order of description), "B<version>__…" baseline (a new database
// starts there, the versions up to it are skipped).
var flywayName = regexp.MustCompile(`^([VURB])([0-9][0-9._]*)?__(.+)\.sql$`)

func readFlyway(fsys fs.FS, entries []fs.DirEntry) (*History, error) {
	names, err := sqlFiles(entries, nil)
	if err != nil {
		return nil, err
	}
	h := &History{}
	var repeatable []Migration
	undos := map[string][2]string{}
	var baseline *Migration
	for _, name := range names {
		m := flywayName.FindStringSubmatch(name)
		if m == nil {
			return nil, &Error{File: name, Msg: "not a Flyway migration name (V<version>__<description>.sql, U…, R__…, B…); callbacks are not imported"}
		}
		kind, version, desc := m[1], strings.TrimRight(m[2], "._"), m[3]
		if (kind == "R") != (version == "") {
			return nil, &Error{File: name, Msg: "a repeatable migration has no version; the others need one"}
		}
		text, err := readFile(fsys, name)
		if err != nil {
			return nil, err
		}
		if line := placeholderLine(text); line > 0 {
			return nil, &Error{File: name, Line: line, Msg: "a Flyway placeholder ${…}: the imported file would not hold what Flyway runs"}
		}
		switch kind {
		case "U":
			undos[version] = [2]string{name, text}
			continue
		}
		mig, err := newMigration(name, version, desc, text, false)
		if err != nil {
			return nil, err
		}
		switch kind {
		case "R":
			repeatable = append(repeatable, mig)
		case "B":
			if baseline != nil {
				return nil, &Error{File: name, Msg: "a second baseline migration, after " + baseline.Source}
			}
			baseline = &mig
		default:
			h.Migrations = append(h.Migrations, mig)
		}
	}
	if baseline != nil {
		kept := h.Migrations[:0]
		for _, mig := range h.Migrations {
			if compareKeys(mig.key, baseline.key) <= 0 {
				h.Aside = append(h.Aside, Aside{Source: mig.Source, Why: "replaced by the baseline " + baseline.Source})
				continue
			}
			kept = append(kept, mig)
		}
		h.Migrations = append(kept, *baseline)
	}
	if err := sortMigrations(h.Migrations); err != nil {
		return nil, err
	}
	for v, u := range undos {
		found := false
		for i := range h.Migrations {
			if compareKeys(h.Migrations[i].key, numericKey(v)) == 0 {
				h.Migrations[i].Down, h.Migrations[i].DownSource, found = u[1], u[0], true
			}
		}
		why := "undo migration of version " + v
		if !found {
			why += ", which is not imported"
		}
		h.Aside = append(h.Aside, Aside{Source: u[0], Why: why})
	}
	// Repeatables run after the versioned migrations, by description.
	slices.SortStableFunc(repeatable, func(a, b Migration) int { return strings.Compare(a.Name, b.Name) })
	h.Migrations = append(h.Migrations, repeatable...)
	return h, nil
}

// placeholderLine returns the line of the first ${ in text, 0 when none.
func placeholderLine(text string) int {
	i := strings.Index(text, "${")
	if i < 0 {
		return 0
	}
	return strings.Count(text[:i], "\n") + 1
}

// newMigration makes a Migration of an up part, counting its statements
// with Atlas's splitter and marking it NoTx when a statement cannot run
// in a transaction block.
func newMigration(source, version, name, up string, noTx bool) (Migration, error) {
	stmts, err := migrate.Stmts(up)
	if err != nil {
		return Migration{}, &Error{File: source, Msg: fmt.Sprintf("splitting statements: %v", err)}
	}
	mig := Migration{Version: version, Name: name, Source: source, Up: up, NoTx: noTx, Statements: len(stmts)}
	if version != "" {
		if mig.key = numericKey(version); mig.key == nil {
			return Migration{}, &Error{File: source, Msg: fmt.Sprintf("version %q is not numeric", version)}
		}
	}
	for _, s := range stmts {
		if outsideTx(s.Text) {
			mig.NoTx = true
		}
	}
	return mig, nil
}

// noTxStatement matches the statements PostgreSQL refuses inside a
// transaction block, and the transaction control a file may hold itself.
var noTxStatement = regexp.MustCompile(`(?is)^\s*(` +
	`create\s+(unique\s+)?index\s+concurrently|drop\s+index\s+concurrently|reindex\b.*\bconcurrently|` +
	`vacuum\b|create\s+database\b|drop\s+database\b|alter\s+system\b|` +
	`create\s+tablespace\b|drop\s+tablespace\b|` +
	`begin\b|start\s+transaction\b|commit\b|end\b|rollback\b)`)

func outsideTx(stmt string) bool { return noTxStatement.MatchString(stripComments(stmt)) }

// stripComments drops the comment lines before a statement.
func stripComments(s string) string {
	for {
		t := strings.TrimLeft(s, " \t\r\n")
		switch {
		case strings.HasPrefix(t, "--"):
			if i := strings.IndexByte(t, '\n'); i >= 0 {
				s = t[i+1:]
				continue
			}
			return ""
		case strings.HasPrefix(t, "/*"):
			if i := strings.Index(t, "*/"); i >= 0 {
				s = t[i+2:]
				continue
			}
			return ""
		}
		return t
	}
}
