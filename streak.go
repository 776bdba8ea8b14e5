package hookhub

import "time"

// Streak is a webhook's run of failed tries since its last success, counted
// in steps. Tries that were in flight together and failed are one step: a
// receiver that stalls once while many tries wait on it fails them all at
// once, and that is one bad moment, not many. A failed try is a new step
// unless it overlapped in time the try that began the current step (it
// started before that try ended and ended after that try started, or started
// at the same instant); a new step is anchored on the try that began it. Anchoring on one try, rather than on the union of
// the step's tries, keeps a receiver that never answers under steady load
// counting one step per timeout, so it still trips. A success ends the
// streak.
//
// Tries one after another never overlap, so a receiver that fails every try
// counts one step per try, exactly as a plain count would.
type Streak struct {
	Steps int       // the webhook's ConsecutiveFailures
	From  time.Time // when the try that began the current step started
	Until time.Time // when it ended
}

// Fail returns the streak after a failed try that ran from start to end.
func (s Streak) Fail(start, end time.Time) Streak {
	if end.Before(start) {
		end = start
	}
	if s.Steps > 0 && (start.Before(s.Until) && end.After(s.From) || start.Equal(s.From)) {
		return s // in flight together with the step's first try
	}
	return Streak{Steps: s.Steps + 1, From: start, Until: end}
}

// Succeed returns the streak after a successful try: none.
func (s Streak) Succeed() Streak { return Streak{} }
