package locks

import (
	"math"
	"testing"
	"time"
)

// TestLock_BackoffNeverOverflows follows the pause schedule far past the
// attempt where Atlas's overflowed, with extreme settings.
func TestLock_BackoffNeverOverflows(t *testing.T) {
	t.Parallel()
	for _, l := range []Lock{{}, {PollMin: 1, PollMax: math.MaxInt64}, {PollMin: math.MaxInt64}, {Wait: math.MaxInt64}} {
		l.defaults()
		pause := l.PollMin
		for attempt := 1; attempt <= 10_000; attempt++ {
			if d := jitter(pause); d <= 0 || d > pause+pause/2 || pause > l.PollMax {
				t.Fatalf("%+v: attempt %d: pause %s, jittered %s", l, attempt, pause, d)
			}
			pause = l.nextPause(pause)
		}
		if start := time.Now(); start.Add(l.Wait).Before(start) {
			t.Fatalf("%+v: deadline before start", l)
		}
	}
}
