package hookhubtest

import (
	"sync"
	"time"
)

// Clock is a settable clock, safe for concurrent use, for the Now of the
// service, the engine and the workers, so that retry times and retention
// are tested without waiting for them. A clock made by NewClock stands
// still until Add or Set moves it; the zero Clock follows the wall clock,
// shifted by what Add adds.
type Clock struct {
	mu     sync.Mutex
	frozen time.Time     // when not zero, the time Now tells
	offset time.Duration // otherwise, added to the wall clock
}

// NewClock returns a clock stopped at start.
func NewClock(start time.Time) *Clock {
	return &Clock{frozen: start}
}

// Now tells the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.frozen.IsZero() {
		return c.frozen
	}
	return time.Now().Add(c.offset)
}

// Add moves the clock on by d (back, when d is negative).
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.frozen.IsZero() {
		c.frozen = c.frozen.Add(d)
	} else {
		c.offset += d
	}
}

// Set stops the clock at t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.frozen = t
}
