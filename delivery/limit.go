package delivery

import (
	"sync"
	"time"

	"github.com/hookhub/hookhub"
)

// limiters keeps, per webhook, the requests in flight and a token bucket
// for its rate limit. The limits hold per node.
type limiters struct {
	mu sync.Mutex
	m  map[int64]*limiter
}

type limiter struct {
	inflight int
	tokens   float64
	last     time.Time
}

// acquire takes a place for one request to w. When there is none it
// returns how long to wait before trying again.
func (l *limiters) acquire(w *hookhub.Webhook, now time.Time) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.m == nil {
		l.m = map[int64]*limiter{}
	}
	s := l.m[w.ID]
	if s == nil {
		// An idle webhook starts with a full bucket: its first request
		// goes at once even when the rate is below one a second.
		s = &limiter{tokens: burst(w.RateLimitPerS), last: now}
		l.m[w.ID] = s
	}
	if w.MaxInFlight > 0 && s.inflight >= w.MaxInFlight {
		return 20 * time.Millisecond, false
	}
	if r := w.RateLimitPerS; r > 0 {
		s.tokens = min(burst(r), s.tokens+now.Sub(s.last).Seconds()*r)
		s.last = now
		if s.tokens < 1 {
			return time.Duration((1 - s.tokens) / r * float64(time.Second)), false
		}
		s.tokens--
	}
	s.inflight++
	return 0, true
}

// burst is how many requests a rate allows at once: a second's worth, at
// least one.
func burst(rate float64) float64 { return max(rate, 1) }

// release gives back w's place. The limiter is forgotten only when a fresh
// one would be the same: nothing in flight and, for a rate limit, a bucket
// that has refilled by now. (Forgetting a bucket that is merely not empty
// would hand out a new burst each time the webhook falls idle.)
func (l *limiters) release(w *hookhub.Webhook, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.m[w.ID]
	if s == nil {
		return
	}
	s.inflight--
	if s.inflight > 0 {
		return
	}
	if r := w.RateLimitPerS; r <= 0 || s.tokens+now.Sub(s.last).Seconds()*r >= burst(r) {
		delete(l.m, w.ID)
	}
}
