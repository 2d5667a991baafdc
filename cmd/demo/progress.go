package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress reports the seed on w: a bar on a terminal, plain lines
// otherwise (at most one a second per table, plus one when it is loaded).
type progress struct {
	w   io.Writer
	bar *progressbar.ProgressBar // nil when w is not a terminal

	began     time.Time
	rows      int // rows loaded so far, all tables
	name      string
	total     int // rows of the current table
	loaded    int // rows of the current table loaded so far
	lastPrint time.Time
	tableAt   time.Time // when the current table began
}

func newProgress(w io.Writer) *progress { return &progress{w: w} }

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// start begins the seed of total rows.
func (p *progress) start(total int) {
	p.began = time.Now()
	if isTerminal(p.w) {
		p.bar = progressbar.NewOptions64(int64(total),
			progressbar.OptionSetWriter(p.w),
			progressbar.OptionSetDescription("seeding"),
			progressbar.OptionSetWidth(30),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("rows"),
			progressbar.OptionClearOnFinish(),
		)
	}
}

// table begins the load of total rows into name.
func (p *progress) table(name string, total int) {
	p.name, p.total, p.loaded = name, total, 0
	p.lastPrint = time.Now()
	p.tableAt = p.lastPrint
	if p.bar != nil {
		p.bar.Describe(fmt.Sprintf("%-20s", "seeding "+name))
	}
}

// checking says the current table is loaded and its indexes and foreign
// keys are being rebuilt and checked.
func (p *progress) checking() {
	if p.bar != nil {
		p.bar.Describe(fmt.Sprintf("%-20s", "checking "+p.name))
	}
}

// add records n more rows of the current table.
func (p *progress) add(n int) {
	p.rows += n
	p.loaded += n
	if p.bar != nil {
		_ = p.bar.Add(n)
		return
	}
	if p.loaded < p.total && time.Since(p.lastPrint) >= time.Second {
		fmt.Fprintf(p.w, "  %-11s %10d of %d rows\n", p.name, p.loaded, p.total)
		p.lastPrint = time.Now()
	}
}

// tableDone ends the current table.
func (p *progress) tableDone() {
	if p.bar == nil {
		fmt.Fprintf(p.w, "  %-11s %10d rows in %.2fs\n", p.name, p.loaded, time.Since(p.tableAt).Seconds())
	}
}

// finish ends the seed and reports its rate.
func (p *progress) finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
	}
	elapsed := time.Since(p.began)
	fmt.Fprintf(p.w, "seeded %d rows in %.2fs (%.0f rows/s)\n", p.rows, elapsed.Seconds(), float64(p.rows)/elapsed.Seconds())
}
