package outbox

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/crm"
)

// Provider hands messages of one channel to the service that carries
// them (an SMS gateway, a wallet platform). It is called concurrently.
type Provider interface {
	// Name names the provider in messages ("smsbox", "captainwallet").
	Name() string
	// Send hands m over. An error fails this try, and the message is
	// tried again later; a *hookhub.Error with EINVALID is the message's
	// own fault and fails it for good.
	Send(ctx context.Context, m *crm.Message) (Receipt, error)
}

// Receipt is what a provider says of a message it took.
type Receipt struct {
	ID     string // the provider's id for it, for its later reports
	Logged bool   // only written to the log: the message ends logged, not sent
}

// Log is the provider of a channel that has no other: it writes each
// message to the log.
type Log struct {
	Channel crm.Channel
	Logger  *slog.Logger
}

// Name is "log".
func (Log) Name() string { return "log" }

// Send writes m to the log.
func (l Log) Send(ctx context.Context, m *crm.Message) (Receipt, error) {
	l.Logger.InfoContext(ctx, "outgoing message (no provider configured)", "channel", m.Channel, "message", m.ID,
		"to", m.To, "from", m.From, "text", m.Text, "data", string(m.Data))
	return Receipt{Logged: true}, nil
}

// Dispatcher sends the outbox until its context ends.
type Dispatcher struct {
	Store     crm.Store
	Providers map[crm.Channel]Provider // a channel without one gets Log
	Now       func() time.Time         // default time.Now
	Logger    *slog.Logger             // default slog.Default()
	Interval  time.Duration            // how often the outbox is looked at without a wake-up (default 1 s)
	Lease     time.Duration            // how long a claim lasts (default 2 min)
	MaxTries  int                      // tries before a message is failed (default 8)
	// RetryScale multiplies every retry delay (HOOKHUB_RETRY_SCALE;
	// default 1). The delays double from 10 s.
	RetryScale float64

	wake chan struct{}
}

// New returns a dispatcher with its wake-up channel; set its fields
// before Run.
func New() *Dispatcher { return &Dispatcher{wake: make(chan struct{}, 1)} }

// Wake tells the dispatcher that a message is queued. It never blocks.
func (d *Dispatcher) Wake() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

const batch = 20

// Run sends queued messages until ctx ends.
func (d *Dispatcher) Run(ctx context.Context) {
	interval := d.Interval
	if interval <= 0 {
		interval = time.Second
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		for d.SendDue(ctx) == batch {
		}
		select {
		case <-ctx.Done():
			return
		case <-d.wake:
		case <-t.C:
		}
	}
}

// SendDue sends one batch of due messages and returns how many it took.
func (d *Dispatcher) SendDue(ctx context.Context) int {
	lease := d.Lease
	if lease <= 0 {
		lease = 2 * time.Minute
	}
	msgs, err := d.Store.ClaimOutbox(ctx, d.now(), batch, lease)
	if err != nil {
		if ctx.Err() == nil {
			d.logger().Error("claim outbox", "err", err)
		}
		return 0
	}
	for _, m := range msgs {
		d.send(context.WithoutCancel(ctx), m)
	}
	return len(msgs)
}

func (d *Dispatcher) send(ctx context.Context, m *crm.Message) {
	p, ok := d.Providers[m.Channel]
	if !ok {
		p = Log{Channel: m.Channel, Logger: d.logger()}
	}
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	r, err := p.Send(sctx, m)
	cancel()
	o := crm.OutboxOutcome{Status: crm.MessageSent, Provider: p.Name(), ProviderID: r.ID, Try: m.Attempts}
	var e *hookhub.Error
	switch {
	case err == nil && r.Logged:
		o.Status = crm.MessageLogged
	case err == nil:
	case errors.As(err, &e) && e.Code == hookhub.EINVALID || m.Attempts >= d.maxTries():
		o.Status, o.Error = crm.MessageFailed, err.Error()
		d.logger().Error("send message: giving up", "message", m.ID, "channel", m.Channel, "err", err)
	default:
		scale := d.RetryScale
		if scale <= 0 {
			scale = 1
		}
		delay := time.Duration(float64(time.Duration(1<<min(m.Attempts-1, 10))*10*time.Second) * scale)
		o.Status, o.Error, o.RetryAt = crm.MessageQueued, err.Error(), d.now().Add(delay)
		d.logger().Warn("send message: will try again", "message", m.ID, "channel", m.Channel, "err", err, "at", o.RetryAt)
	}
	if err := d.Store.FinishOutbox(ctx, d.now(), m.TenantID, m.ID, o); err != nil {
		d.logger().Error("finish outbox message", "message", m.ID, "err", err)
	}
}

func (d *Dispatcher) maxTries() int {
	if d.MaxTries <= 0 {
		return 8
	}
	return d.MaxTries
}

func (d *Dispatcher) now() time.Time {
	if d.Now == nil {
		return time.Now()
	}
	return d.Now()
}

func (d *Dispatcher) logger() *slog.Logger {
	if d.Logger == nil {
		return slog.Default()
	}
	return d.Logger
}
