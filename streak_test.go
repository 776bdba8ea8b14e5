package hookhub_test

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
)

type result struct {
	start, end time.Time
	ok         bool
}

var streakStart = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func at(s float64) time.Time { return streakStart.Add(time.Duration(s * float64(time.Second))) }

func TestStreak(t *testing.T) {
	t.Parallel()
	type try struct {
		start, end float64
		ok         bool
	}
	for _, tt := range []struct {
		name  string
		tries []try
		want  int
	}{
		{"none", nil, 0},
		{"one failure", []try{{0, 1, false}}, 1},
		{"one after another", []try{{0, 1, false}, {2, 3, false}, {4, 5, false}}, 3},
		{"touching ends are one after another", []try{{0, 1, false}, {1, 2, false}}, 2},
		{"in flight together", []try{{0, 6, false}, {0.5, 6, false}, {1, 6.2, false}}, 1},
		{"same instant, no duration", []try{{0, 0, false}, {0, 0, false}}, 1},
		{"ended before the step began", []try{{5, 6, false}, {0, 4, false}}, 2},
		{"a success ends it", []try{{0, 1, false}, {2, 3, false}, {4, 5, true}, {6, 7, false}}, 1},
		// Overlapping a later try of the step, but not its first, is a new
		// step: the step does not grow into a chain.
		{"chain of overlaps", []try{{0, 2, false}, {1, 3, false}, {2.5, 4.5, false}, {4, 6, false}}, 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var s hookhub.Streak
			for _, x := range tt.tries {
				if x.ok {
					s = s.Succeed()
				} else {
					s = s.Fail(at(x.start), at(x.end))
				}
			}
			if s.Steps != tt.want {
				t.Errorf("steps = %d, want %d", s.Steps, tt.want)
			}
		})
	}
}

// TestStreakScenarios plays the four cases of issue 15 through the rule:
// tries simulated in virtual time, their outcomes applied in the order the
// tries end, as workers report them.
func TestStreakScenarios(t *testing.T) {
	t.Parallel()
	const threshold = 9
	// play returns the highest streak reached while outcomes are applied
	// in the order the tries ended.
	play := func(rs []result) int {
		slices.SortStableFunc(rs, func(a, b result) int { return a.end.Compare(b.end) })
		var s hookhub.Streak
		most := 0
		for _, r := range rs {
			if r.ok {
				s = s.Succeed()
			} else {
				s = s.Fail(r.start, r.end)
			}
			most = max(most, s.Steps)
		}
		return most
	}

	t.Run("always failing trips at the threshold", func(t *testing.T) {
		// One event, a schedule long enough: each try fails at once.
		var rs []result
		for i := range threshold {
			st := at(float64(i) * 5)
			rs = append(rs, result{st, st.Add(20 * time.Millisecond), false})
		}
		if got := play(rs); got != threshold {
			t.Errorf("streak = %d, want %d", got, threshold)
		}
	})

	t.Run("always timing out under steady load trips", func(t *testing.T) {
		// 32 workers, each starting a new try as the last one times out
		// after 10 s, for 10 minutes: tries always overlap one another.
		var rs []result
		for w := range 32 {
			for st := float64(w) * 0.3; st < 600; st += 10 {
				rs = append(rs, result{at(st), at(st + 10), false})
			}
		}
		if got := play(rs); got < threshold {
			t.Errorf("streak = %d, want at least %d", got, threshold)
		}
	})

	t.Run("one stall with 32 in flight stays below", func(t *testing.T) {
		// 32 tries start within 1 s; the receiver stalls for 6 s from
		// 0.5 s; a 5 s timeout fails those in flight, and tries started
		// as workers free up succeed once the stall is over.
		var rs []result
		for i := range 32 {
			st := float64(i) / 32
			end := st + 5
			ok := st < 0.5
			if !ok {
				end = min(st+5, 6.5)
				ok = end < st+5
			}
			rs = append(rs, result{at(st), at(end), ok})
		}
		for i := range 32 {
			st := 5 + float64(i)/32
			rs = append(rs, result{at(st), at(max(st, 6.5) + 0.05), true})
		}
		if got := play(rs); got >= threshold {
			t.Errorf("streak = %d, want below %d", got, threshold)
		}
	})

	t.Run("20 % failures and 5 % late stay below", func(t *testing.T) {
		rnd := rand.New(rand.NewPCG(15, 15))
		var rs []result
		// 500 events, 32 workers, answers in 10–100 ms, late ones at the
		// 5 s timeout.
		free := make([]float64, 32)
		for range 500 {
			w := 0
			for i := range free {
				if free[i] < free[w] {
					w = i
				}
			}
			st := free[w]
			d := 0.01 + rnd.Float64()*0.09
			ok := true
			switch p := rnd.Float64(); {
			case p < 0.05:
				d, ok = 5, false
			case p < 0.25:
				ok = false
			}
			free[w] = st + d
			rs = append(rs, result{at(st), at(st + d), ok})
		}
		if got := play(rs); got >= threshold {
			t.Errorf("streak = %d, want below %d", got, threshold)
		}
	})
}
