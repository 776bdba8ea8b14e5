package inboundworker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/hookhub/hookhub"
)

// Processor applies queued inbound messages of some kinds. Its methods are
// called concurrently.
type Processor interface {
	// Process applies m and marks it done in the same transaction, fenced
	// by m.Attempts (crm.CRMChange.MessageTry). An error says why it
	// could not: a *hookhub.Error with EINVALID, ENOTFOUND, EFORBIDDEN or
	// EUNSUPPORTED is the message's own fault and fails it for good, with
	// the error (its message and fields) as its reason; so does a panic;
	// any other error is transient, and the message is tried again later.
	Process(ctx context.Context, m *hookhub.InboundMessage) error
}

// DefaultRetry is when a message is tried: at once, then after 10 s, 1
// min, 5 min, 30 min, 2 h and 6 h; after the seventh failure it is failed.
var DefaultRetry = hookhub.RetryPolicy{
	Schedule: []time.Duration{0, 10 * time.Second, time.Minute, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 6 * time.Hour},
	Jitter:   0.1,
}

// Config is what a Worker needs.
type Config struct {
	Store      hookhub.Store
	Processors map[string]Processor // by integration kind
	Now        func() time.Time     // default time.Now
	Logger     *slog.Logger         // default slog.Default()

	BatchSize    int                 // messages claimed at once (default 32)
	Workers      int                 // messages processed at once (default 4)
	Lease        time.Duration       // how long a claim lasts (default 2 min)
	PollInterval time.Duration       // how often the queue is looked at without a wake-up (default 1 s)
	Timeout      time.Duration       // how long one message may take (default 30 s)
	Retry        hookhub.RetryPolicy // default DefaultRetry
	RetryScale   float64             // multiplies every retry delay (HOOKHUB_RETRY_SCALE; default 1)

	// Count, when set, hears the outcome of each message tried whose
	// outcome was recorded: its kind and one of the Outcome names.
	Count func(kind, outcome string)
}

// The outcomes of a try, as Count hears them.
const (
	OutcomeDone   = "done"    // processed
	OutcomeRetry  = "retry"   // a transient failure: tried again later
	OutcomeFailed = "failed"  // failed for good at once: the message's own fault, which no retry mends
	OutcomeGaveUp = "gave_up" // failed for good after its last try failed
)

// Worker processes the inbound queue until its context ends.
type Worker struct {
	cfg  Config
	wake chan struct{}
}

// New returns a worker with cfg's gaps filled by defaults.
func New(cfg Config) *Worker {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 32
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 4
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 2 * time.Minute
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = time.Second
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if len(cfg.Retry.Schedule) == 0 {
		cfg.Retry = DefaultRetry
	}
	if cfg.RetryScale <= 0 {
		cfg.RetryScale = 1
	}
	return &Worker{cfg: cfg, wake: make(chan struct{}, 1)}
}

// Wake tells the worker that a message may be due now. It never blocks.
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run claims and processes messages until ctx ends, then lets the
// messages in hand finish and returns. A message whose outcome could not
// be recorded is claimed again when its lease runs out: nothing is lost.
func (w *Worker) Run(ctx context.Context) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for ctx.Err() == nil {
		if n := w.RunOnce(ctx); n == w.cfg.BatchSize {
			continue // there may be more due right now
		}
		timer.Reset(w.cfg.PollInterval)
		select {
		case <-ctx.Done():
		case <-w.wake:
		case <-timer.C:
		}
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
	}
}

// RunOnce claims one batch of due messages, processes it and returns how
// many it claimed.
func (w *Worker) RunOnce(ctx context.Context) int {
	msgs, err := w.cfg.Store.ClaimInboundMessages(ctx, w.cfg.Now(), w.cfg.BatchSize, w.cfg.Lease)
	if err != nil {
		if ctx.Err() == nil {
			w.cfg.Logger.Error("claim inbound messages", "err", err)
		}
		return 0
	}
	slots := make(chan struct{}, w.cfg.Workers)
	var wg sync.WaitGroup
	for _, m := range msgs {
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			// Started, a message is finished even when shutdown begins.
			mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), w.cfg.Timeout)
			defer cancel()
			w.process(mctx, m)
		})
	}
	wg.Wait()
	return len(msgs)
}

// process hands one claimed message to its processor and records the
// outcome of a failure.
func (w *Worker) process(ctx context.Context, m *hookhub.InboundMessage) {
	log := w.cfg.Logger.With("message", m.ID, "tenant", m.TenantID, "kind", m.Kind, "try", m.Attempts)
	err := w.apply(ctx, log, m)
	if err == nil {
		w.count(m.Kind, OutcomeDone)
		return
	}
	o := hookhub.InboundOutcome{Status: hookhub.InboundFailed, Try: m.Attempts}
	outcome := OutcomeFailed
	if e := permanent(err); e != nil {
		o.Reason = e.Error() // with the fields at fault
		log.Info("inbound message failed", "reason", o.Reason)
	} else {
		log.Warn("inbound message: try failed", "err", err)
		what := hookhub.ErrorMessage(err)
		if at, ok := hookhub.NextTry(w.cfg.Retry, m.Attempts+1, w.cfg.Now(), 0, w.cfg.RetryScale, nil); ok {
			o.Status, o.RunAt, outcome = hookhub.InboundQueued, at, OutcomeRetry
			o.Reason = fmt.Sprintf("try %d failed (%s); trying again at %s", m.Attempts, what, at.UTC().Format(time.RFC3339))
		} else {
			outcome = OutcomeGaveUp
			o.Reason = fmt.Sprintf("gave up after %d tries: %s", m.Attempts, what)
		}
	}
	err = w.cfg.Store.FinishInboundMessage(ctx, m.TenantID, m.ID, o, w.cfg.Now())
	switch {
	case hookhub.ErrorCode(err) == hookhub.ECONFLICT:
		log.Warn("inbound message: another worker holds it now; its outcome stands")
	case err != nil:
		log.Error("record inbound outcome: the message will be claimed again after its lease", "err", err)
	default:
		w.count(m.Kind, outcome)
	}
}

// errPanicked is the failure of a message whose processing panicked: a
// bug its data reaches, which would crash every worker that claimed it
// again. It fails for good, and the stack goes to the log.
var errPanicked = hookhub.Errorf(hookhub.EUNSUPPORTED, "hookhub could not process this message (an internal error, logged); it is not tried again")

// apply hands m to the processor of its kind.
func (w *Worker) apply(ctx context.Context, log *slog.Logger, m *hookhub.InboundMessage) (err error) {
	p, ok := w.cfg.Processors[m.Kind]
	if !ok {
		// A kind processed in its request (Thiio) whose request never
		// finished: its records were not written.
		return hookhub.Errorf(hookhub.EUNSUPPORTED, "messages of kind %s are not processed from the queue; this one was left unfinished", m.Kind)
	}
	defer func() {
		if v := recover(); v != nil {
			log.Error("inbound message: processing panicked", "panic", v, "stack", string(debug.Stack()))
			err = errPanicked
		}
	}()
	return p.Process(ctx, m)
}

func (w *Worker) count(kind, outcome string) {
	if w.cfg.Count != nil {
		w.cfg.Count(kind, outcome)
	}
}

// permanent returns err's *hookhub.Error when err is the message's own
// fault, which trying again cannot mend (invalid data, a record that does
// not exist, a route hookhub dropped); nil when err may pass (the
// database, a timeout).
func permanent(err error) *hookhub.Error {
	var e *hookhub.Error
	if !errors.As(err, &e) {
		return nil
	}
	switch e.Code {
	case hookhub.EINVALID, hookhub.ENOTFOUND, hookhub.EFORBIDDEN, hookhub.EUNSUPPORTED:
		return e
	}
	return nil
}
