package importer

import (
	"fmt"
	"math/big"
	"regexp"
	"strings"
)

// timestampWidth is the width of the UTC timestamp versions (20060102150405)
// diff gives new files: imported versions are padded to it at least, so
// that files written after the import sort after the imported ones.
const timestampWidth = 14

// File is one file of the imported directory.
type File struct {
	Name    string // "<version>_<name>.sql"
	Content []byte
	From    string // the source file it comes from
}

// Files returns the history as Atlas migration files, in order: each up
// part byte for byte, after "-- atlas:txmode none" and a blank line when it
// runs outside a transaction. Versions are the source's numbers, padded to
// one width so that Atlas's order (by name) is the source's (numeric) one:
// 1, 2, 10 become 01, 02, 10; each part of a Flyway version is padded to
// the width of its widest, so 1.2, 1.10 and 2 become 102, 110 and 200. Flyway repeatables follow the last version, one apart.
func (h *History) Files() []File {
	parts, widths := 0, []int{}
	for _, m := range h.Migrations {
		parts = max(parts, len(m.key))
	}
	widths = make([]int, parts)
	for _, m := range h.Migrations {
		for i, k := range m.key {
			widths[i] = max(widths[i], len(k.String()))
		}
	}
	numbers := make([]*big.Int, len(h.Migrations))
	var last *big.Int
	for i, m := range h.Migrations {
		if m.key == nil { // a repeatable: one past the previous
			if last == nil {
				last = big.NewInt(0)
			}
			last = new(big.Int).Add(last, big.NewInt(1))
			numbers[i] = last
			continue
		}
		var b strings.Builder
		for j := range parts {
			n := "0"
			if j < len(m.key) {
				n = m.key[j].String()
			}
			b.WriteString(strings.Repeat("0", widths[j]-len(n)) + n)
		}
		numbers[i], _ = new(big.Int).SetString(b.String(), 10)
		last = numbers[i]
	}
	width := timestampWidth
	for _, n := range numbers {
		width = max(width, len(n.String()))
	}
	files := make([]File, len(h.Migrations))
	for i, m := range h.Migrations {
		v := numbers[i].String()
		name := fmt.Sprintf("%s%s_%s.sql", strings.Repeat("0", width-len(v)), v, atlasName(m.Name))
		content := m.Up
		if m.NoTx {
			content = "-- atlas:txmode none\n\n" + content
		}
		files[i] = File{Name: name, Content: []byte(content), From: m.Source}
	}
	return files
}

var notNameChar = regexp.MustCompile(`[^A-Za-z0-9_]+`)

// atlasName is a description as a file name part: letters, digits and
// underscores.
func atlasName(desc string) string {
	n := strings.Trim(notNameChar.ReplaceAllString(desc, "_"), "_")
	if n == "" {
		return "migration"
	}
	return n
}
