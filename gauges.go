package hookhub

import (
	"context"
	"time"
)

// Gauges are the figures of the whole hookhub (every tenant, every node)
// that an operator watches, read from the database when /metrics is
// scraped. Each map is by state; a state with nothing in it may be absent.
type Gauges struct {
	// Deliveries counts the queue: pending, in_flight and held deliveries.
	Deliveries map[string]int64
	// OldestDue is when the oldest pending delivery that is due by now
	// became due; zero when none is. now minus it is the queue's lag.
	OldestDue time.Time
	// Webhooks counts webhooks by state (active, disabled, paused…).
	Webhooks map[string]int64
	// Inbound counts the inbound queue: queued and processing messages.
	Inbound map[string]int64
	// Mail counts the e-mails waiting (queued) and those refused for good
	// (failed).
	Mail map[string]int64
	// Outbox counts the SMS and wallet updates waiting (queued) and those
	// that failed.
	Outbox map[string]int64
}

// GaugeReader reads the Gauges; the SQL stores implement it.
type GaugeReader interface {
	Gauges(ctx context.Context, now time.Time) (Gauges, error)
}
