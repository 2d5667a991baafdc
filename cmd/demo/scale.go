package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// maxScale bounds -scale: at most 10 million comentarios, about 2 GiB of
// memory for the demo and 3 GiB for the database.
const maxScale = 1000

// memPerScale is the demo's peak memory per unit of -scale, rounded up:
// /usr/bin/time -v measured a peak RSS of 42 MiB at scale 10, 104 MiB at 50
// and 169 MiB at 100 (about 1.45 MiB per unit); the generated rows alone
// hold 0.6 MiB per unit (TestMemPerScale keeps that figure honest).
const memPerScale = 2 << 20

// memAvailable returns the memory available to new programs, in bytes, and
// whether it is known (it is read from /proc/meminfo, on Linux).
func memAvailable() (uint64, bool) {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "MemAvailable:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10, err == nil
		}
	}
	return 0, false
}

// checkScale refuses a -scale outside 1..maxScale, or one whose memory need
// exceeds what available reports, when it knows.
func checkScale(scale int, available func() (uint64, bool)) error {
	if scale < 1 || scale > maxScale {
		return fmt.Errorf("invalid value %d for flag -scale: must be between 1 and %d", scale, maxScale)
	}
	need := uint64(scale) * memPerScale
	if avail, ok := available(); ok && need > avail {
		return fmt.Errorf("-scale %d needs about %d MiB of memory and %d MiB are available: use a scale of at most %d",
			scale, need>>20, avail>>20, avail/memPerScale)
	}
	return nil
}
