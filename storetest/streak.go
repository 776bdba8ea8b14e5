package storetest

import (
	"testing"
	"time"

	"github.com/hookhub/hookhub"
)

// testCompleteStreak checks that Complete counts a webhook's failure streak
// by hookhub.Streak: tries that were in flight together are one step, also
// when their outcomes come in different batches; tries one after another
// are a step each; a success ends the streak.
func testCompleteStreak(t *testing.T, s Store) {
	const threshold = 9
	// tryAt returns the outcome of c's try from start for d, failed unless ok.
	tryAt := func(c *hookhub.Claim, start time.Time, d time.Duration, ok bool) hookhub.Outcome {
		status := 500
		if ok {
			status = 200
		}
		a := attempt(c, start, status)
		a.Duration = d
		if ok {
			return outcome(c, hookhub.OutcomeSucceeded, a)
		}
		return retry(c, start, now.Add(24*time.Hour))
	}
	fresh := func(t *testing.T, n int) (*hookhub.Webhook, []*hookhub.Claim) {
		ten := newTenant(t, s)
		w := newWebhook(t, s, ten.ID, func(w *hookhub.Webhook) {
			w.FailureThreshold = threshold
			w.Events = []string{"streak.test"}
		})
		publishN(t, s, now, ten.ID, "streak.test", n)
		cs := claim(t, s, now, 100)
		if len(cs) != n {
			t.Fatalf("claimed %d, want %d", len(cs), n)
		}
		return w, cs
	}
	check := func(t *testing.T, w *hookhub.Webhook, steps int, state hookhub.WebhookState) {
		t.Helper()
		got := getWebhook(t, s, w.TenantID, w.ID)
		if got.ConsecutiveFailures != steps || got.State != state {
			t.Errorf("webhook = %s with %d failures, want %s with %d", got.State, got.ConsecutiveFailures, state, steps)
		}
	}

	t.Run("a stall with 32 in flight is one step", func(t *testing.T) {
		w, cs := fresh(t, 32)
		// 32 tries started within a second, all timed out after 6 s,
		// reported in four batches.
		for b := range 4 {
			var os []hookhub.Outcome
			for i := b * 8; i < (b+1)*8; i++ {
				start := now.Add(time.Duration(i) * 30 * time.Millisecond)
				os = append(os, tryAt(cs[i], start, 6*time.Second, false))
			}
			complete(t, s, now.Add(6*time.Second), os...)
		}
		check(t, w, 1, hookhub.StateActive)
	})

	t.Run("one after another trips at exactly the threshold", func(t *testing.T) {
		w, cs := fresh(t, threshold+1)
		for i, c := range cs {
			start := now.Add(time.Duration(i) * 10 * time.Second)
			complete(t, s, start.Add(time.Second), tryAt(c, start, time.Second, false))
			want := hookhub.StateActive
			if i+1 >= threshold {
				want = hookhub.StateTooManyErrors
			}
			check(t, w, i+1, want)
		}
	})

	t.Run("overlapping batches and a success", func(t *testing.T) {
		w, cs := fresh(t, 5)
		complete(t, s, now, tryAt(cs[0], now, 5*time.Second, false))
		// Another node reports a try that overlapped the first: same step.
		complete(t, s, now, tryAt(cs[1], now.Add(time.Second), 5*time.Second, false))
		check(t, w, 1, hookhub.StateActive)
		// One that began after the first ended: the next step.
		complete(t, s, now, tryAt(cs[2], now.Add(7*time.Second), time.Second, false))
		check(t, w, 2, hookhub.StateActive)
		// A success ends the streak; a slow failure reported after it
		// begins a new one.
		complete(t, s, now, tryAt(cs[3], now.Add(9*time.Second), time.Second, true), tryAt(cs[4], now.Add(8*time.Second), 5*time.Second, false))
		check(t, w, 1, hookhub.StateActive)
	})
}
