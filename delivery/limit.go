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
		s = &limiter{tokens: w.RateLimitPerS, last: now}
		l.m[w.ID] = s
	}
	if w.MaxInFlight > 0 && s.inflight >= w.MaxInFlight {
		return 20 * time.Millisecond, false
	}
	if r := w.RateLimitPerS; r > 0 {
		burst := max(r, 1)
		s.tokens = min(burst, s.tokens+now.Sub(s.last).Seconds()*r)
		s.last = now
		if s.tokens < 1 {
			return time.Duration((1 - s.tokens) / r * float64(time.Second)), false
		}
		s.tokens--
	}
	s.inflight++
	return 0, true
}

func (l *limiters) release(id int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if s := l.m[id]; s != nil {
		s.inflight--
		if s.inflight == 0 && s.tokens >= 1 {
			delete(l.m, id) // nothing to remember
		}
	}
}
