package upkeep

import (
	"context"
	"log/slog"
	"time"

	"github.com/hookhub/hookhub"
)

// DefaultRetention is how long attempts and event payloads are kept.
const DefaultRetention = 60 * 24 * time.Hour

// Upkeep runs periodic maintenance: it deletes what is older than the
// retention period (attempts, finished deliveries, events, sent mail, and
// finished inbound messages). With several nodes, Lead decides which one
// does it.
type Upkeep struct {
	Store     hookhub.Store
	Now       func() time.Time               // default time.Now
	Logger    *slog.Logger                   // default slog.Default()
	Retention time.Duration                  // default DefaultRetention
	Interval  time.Duration                  // default 1 h
	Lead      func(ctx context.Context) bool // nil: this node always leads
}

// Run purges once at start and then every Interval until ctx ends.
func (u *Upkeep) Run(ctx context.Context) {
	interval := u.Interval
	if interval <= 0 {
		interval = time.Hour
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if u.Lead == nil || u.Lead(ctx) {
			u.Once(ctx)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Once purges what is older than the retention period.
func (u *Upkeep) Once(ctx context.Context) {
	retention := u.Retention
	if retention <= 0 {
		retention = DefaultRetention
	}
	now, logger := time.Now, slog.Default()
	if u.Now != nil {
		now = u.Now
	}
	if u.Logger != nil {
		logger = u.Logger
	}
	before := now().Add(-retention)
	began := time.Now()
	r, err := u.Store.Purge(ctx, before)
	if err != nil {
		if ctx.Err() == nil {
			logger.Error("purge", "err", err)
		}
		return
	}
	if r != (hookhub.PurgeResult{}) {
		logger.Info("purged old data", "attempts", r.Attempts, "deliveries", r.Deliveries, "events", r.Events, "mail", r.Mail,
			"took", time.Since(began))
	}
	n, err := u.Store.PurgeInboundMessages(ctx, before)
	switch {
	case err != nil && ctx.Err() == nil:
		logger.Error("purge inbound messages", "err", err)
	case n > 0:
		logger.Info("purged old inbound messages", "messages", n)
	}
}
