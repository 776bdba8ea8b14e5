package delivery

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/egress"
	"github.com/hookhub/hookhub/jsrun"
	"github.com/hookhub/hookhub/secrets"
)

// Config is what an Engine needs.
type Config struct {
	Store   hookhub.Store
	Client  *http.Client         // egress.Policy.Client: no redirects, safe dialer (default: public targets only)
	Formats map[string]Formatter // by hookhub.Webhook.Format; FormatStandard is added when absent
	Now     func() time.Time
	Logger  *slog.Logger
	Metrics *Metrics // nil: none

	Workers      int           // requests in flight at once, all webhooks (default 128)
	BatchSize    int           // deliveries claimed at once (default 128)
	Lease        time.Duration // how long a claim lasts before others may take it (default 2 min)
	PollInterval time.Duration // how often the queue is looked at without a wake-up (default 1 s)
	RetryScale   float64       // multiplies every retry delay (default 1)
	DrainTimeout time.Duration // how long shutdown waits for requests in flight (default 10 s)
	RecordWait   time.Duration // how long outcomes are gathered before they are recorded together (default 10 ms)
	ScriptLimits jsrun.Limits  // bound each transform and script run (default jsrun.DefaultLimits)
	// ScriptHost gives the functions a script webhook may call besides
	// hookhub.log and hookhub.fetch (publish, CRM changes); nil: none.
	ScriptHost func(w *hookhub.Webhook) map[string]jsrun.Func
}

// Engine delivers queued deliveries until its context ends.
type Engine struct {
	cfg     Config
	wake    chan struct{}
	nextDue atomic.Int64 // Unix ms of the earliest retry scheduled by this node, 0 if none
	limits  limiters
	running atomic.Bool
	handoff handoff
	hooks   webhookCache // copies of webhooks for leased deliveries that name their version

	programs jsrun.Cache // compiled transforms and scripts
}

// New returns an engine with cfg's gaps filled by defaults.
func New(cfg Config) *Engine {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Client == nil {
		cfg.Client = egress.Policy{}.Client(nil) // safe by default: public targets only
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 128
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 128
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 2 * time.Minute
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = time.Second
	}
	if cfg.RetryScale <= 0 {
		cfg.RetryScale = 1
	}
	if cfg.DrainTimeout <= 0 {
		cfg.DrainTimeout = 10 * time.Second
	}
	if cfg.RecordWait <= 0 {
		cfg.RecordWait = 10 * time.Millisecond
	}
	if cfg.ScriptLimits == (jsrun.Limits{}) {
		cfg.ScriptLimits = jsrun.DefaultLimits()
	}
	formats := map[string]Formatter{hookhub.FormatStandard: &Standard{}}
	for k, v := range cfg.Formats {
		formats[k] = v
	}
	cfg.Formats = formats
	return &Engine{cfg: cfg, wake: make(chan struct{}, 1)}
}

// Wake tells the engine that work may be due now. It never blocks.
func (e *Engine) Wake() {
	select {
	case e.wake <- struct{}{}:
	default:
	}
}

// Running reports whether Run is delivering (for readiness checks).
func (e *Engine) Running() bool { return e.running.Load() }

// Run claims and sends deliveries until ctx ends; then it stops claiming,
// lets requests in flight finish (up to DrainTimeout), records every
// outcome, and returns. Nothing claimed is lost: a delivery whose outcome
// could not be recorded is claimed again when its lease runs out.
func (e *Engine) Run(ctx context.Context) error {
	e.running.Store(true)
	defer e.running.Store(false)

	// Requests get their own context so that shutdown can let them finish.
	sendCtx, cancelSends := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelSends()

	outcomes := make(chan hookhub.Outcome, e.cfg.Workers*2)
	recorded := make(chan struct{})
	go func() {
		defer close(recorded)
		e.record(outcomes)
	}()

	slots := make(chan struct{}, e.cfg.Workers)
	var inflight sync.WaitGroup
	freed := make(chan struct{}, 1)
	timer := time.NewTimer(0)
	defer timer.Stop()
	e.handoff.start(func() int { return e.cfg.Workers - len(slots) }, func(claims []*hookhub.Claim) {
		e.dispatch(sendCtx, claims, slots, &inflight, outcomes, freed)
	})

	for ctx.Err() == nil {
		free := e.cfg.Workers - len(slots) - e.handoff.held()
		n := 0
		if free > 0 {
			claims, err := e.cfg.Store.Claim(ctx, e.cfg.Now(), min(free, e.cfg.BatchSize), e.cfg.Lease)
			if err != nil && ctx.Err() == nil {
				e.cfg.Logger.Error("claim deliveries", "err", err)
			}
			n = len(claims)
			e.cfg.Metrics.claimed(n)
			e.dispatch(sendCtx, claims, slots, &inflight, outcomes, freed)
		}
		if n > 0 && n == min(free, e.cfg.BatchSize) {
			continue // there may be more due right now
		}
		e.sleep(ctx, timer, free > 0 && n < free, freed)
	}
	e.handoff.stop()

	done := make(chan struct{})
	go func() { inflight.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(e.cfg.DrainTimeout):
		e.cfg.Logger.Warn("shutdown: cancelling requests still in flight", "after", e.cfg.DrainTimeout)
		cancelSends()
		<-done
	}
	close(outcomes)
	<-recorded
	return nil
}

// sleep waits for a wake-up, a freed slot (when slots were the limit), the
// next retry this node scheduled, or the poll interval.
func (e *Engine) sleep(ctx context.Context, timer *time.Timer, idle bool, freed <-chan struct{}) {
	d := e.cfg.PollInterval
	if due := e.nextDue.Load(); due > 0 {
		if until := time.Until(time.UnixMilli(due)); until < d {
			d = max(until, time.Millisecond)
		}
	}
	timer.Reset(d)
	var freedCh <-chan struct{}
	if !idle {
		freedCh = freed
	}
	select {
	case <-ctx.Done():
	case <-e.wake:
	case <-freedCh:
	case <-timer.C:
		e.nextDue.Store(0)
	}
	if !timer.Stop() {
		select {
		case <-timer.C:
		default:
		}
	}
}

// dispatch loads the webhooks of a batch of claims and starts a request for
// each claim, or gives it back when its webhook is busy or not active.
func (e *Engine) dispatch(ctx context.Context, claims []*hookhub.Claim, slots chan struct{}, wg *sync.WaitGroup, out chan<- hookhub.Outcome, freed chan struct{}) {
	webhooks := map[int64]*hookhub.Webhook{}
	for _, c := range claims {
		w, ok := webhooks[c.WebhookID]
		if !ok {
			w, ok = e.hooks.get(c.WebhookID, c.WebhookVersion)
		}
		if !ok {
			var err error
			w, err = e.cfg.Store.GetWebhook(ctx, c.TenantID, c.WebhookID)
			switch {
			case hookhub.ErrorCode(err) == hookhub.ENOTFOUND:
				w = deleted
			case err != nil:
				e.cfg.Logger.Error("load webhook", "webhook", c.WebhookID, "err", err)
			default:
				e.hooks.put(w)
			}
		}
		webhooks[c.WebhookID] = w
		now := e.cfg.Now()
		switch {
		case w == deleted:
			// Its unsent deliveries went with it; this one was in flight.
			out <- hookhub.Outcome{DeliveryID: c.ID, TenantID: c.TenantID, WebhookID: c.WebhookID, Try: c.Attempts, Kind: hookhub.OutcomeFailed}
			continue
		case w == nil:
			// Unreadable just now: give it back for later.
			out <- hookhub.Outcome{DeliveryID: c.ID, TenantID: c.TenantID, WebhookID: c.WebhookID, Try: c.Attempts, Kind: hookhub.OutcomeReleased, RunAt: now.Add(e.cfg.PollInterval)}
			continue
		case w.State != hookhub.StateActive:
			out <- hookhub.Outcome{DeliveryID: c.ID, TenantID: c.TenantID, WebhookID: c.WebhookID, Try: c.Attempts, Kind: hookhub.OutcomeHeld}
			e.cfg.Metrics.outcome("held")
			continue
		}
		if wait, ok := e.limits.acquire(w, now); !ok {
			out <- hookhub.Outcome{DeliveryID: c.ID, TenantID: c.TenantID, WebhookID: c.WebhookID, Try: c.Attempts, Kind: hookhub.OutcomeReleased, RunAt: now.Add(wait)}
			e.noteDue(now.Add(wait))
			continue
		}
		slots <- struct{}{}
		wg.Add(1)
		go func(c *hookhub.Claim, w *hookhub.Webhook) {
			defer func() {
				e.limits.release(w, e.cfg.Now())
				<-slots
				select {
				case freed <- struct{}{}:
				default:
				}
				wg.Done()
			}()
			out <- e.deliver(ctx, w, c)
		}(c, w)
	}
}

// deleted stands for a webhook that no longer exists.
var deleted = &hookhub.Webhook{}

// deliver makes one try and judges it.
func (e *Engine) deliver(ctx context.Context, w *hookhub.Webhook, c *hookhub.Claim) hookhub.Outcome {
	o := hookhub.Outcome{DeliveryID: c.ID, TenantID: c.TenantID, WebhookID: w.ID, Try: c.Attempts}
	start := e.cfg.Now()
	a, retryAfter := e.send(ctx, w, c, start)
	if ctx.Err() != nil && a.Status == 0 {
		o.Kind = hookhub.OutcomeReleased // shutdown cut it short: not a try
		o.RunAt = e.cfg.Now()
		return o
	}
	o.Attempt = a
	e.cfg.Metrics.observe(a)
	switch {
	case a.Success:
		o.Kind = hookhub.OutcomeSucceeded
		e.cfg.Metrics.outcome("succeeded")
		return o
	case a.Status == http.StatusGone:
		o.Gone = true
	}
	if at, ok := hookhub.NextTry(w.Retry, c.Attempts+1, e.cfg.Now(), retryAfter, e.cfg.RetryScale, nil); ok {
		o.Kind, o.RunAt = hookhub.OutcomeRetry, at
		e.noteDue(at)
		e.cfg.Metrics.outcome("retry")
	} else {
		o.Kind = hookhub.OutcomeFailed
		e.cfg.Metrics.outcome("failed")
	}
	return o
}

// send formats the claim for w, posts it and returns the attempt, and the
// receiver's Retry-After if it gave one.
func (e *Engine) send(ctx context.Context, w *hookhub.Webhook, c *hookhub.Claim, start time.Time) (*hookhub.Attempt, time.Duration) {
	a := &hookhub.Attempt{
		DeliveryID: c.ID, TenantID: c.TenantID, WebhookID: w.ID, EventID: c.EventID,
		Number: c.Attempts, URL: w.URL, StartedAt: start,
	}
	if w.Type == hookhub.TypeScript {
		return e.runScript(ctx, w, c, a)
	}
	f, ok := e.cfg.Formats[w.Format]
	if !ok {
		a.Error = fmt.Sprintf("webhook format %q is not available", w.Format)
		return a, 0
	}
	if w.Transform != "" {
		return e.sendTransformed(ctx, w, c, f, a)
	}
	body, header, err := f.Format(w, c, start)
	if err != nil {
		a.Error = "build request: " + err.Error()
		return a, 0
	}
	return a, e.post(ctx, w, a, http.MethodPost, body, header)
}

// post sends body to a.URL with w's timeout, fills a with the request
// and the answer, and returns the receiver's Retry-After. It takes body
// and header over: the attempt keeps them, so the caller must not change
// them afterwards.
func (e *Engine) post(ctx context.Context, w *hookhub.Webhook, a *hookhub.Attempt, method string, body []byte, header http.Header) time.Duration {
	// The attempt keeps the request with its credentials hidden: it is
	// a log, shown in every API and the console (the store hides them
	// too). header and body are post's from here on and nothing writes
	// to them, so the request and the log share them.
	a.RequestHeaders, a.RequestBody = secrets.HideHeadersShared(header), body
	rctx, cancel := context.WithTimeout(ctx, w.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, method, a.URL, bytes.NewReader(body))
	if err != nil {
		a.Error = "build request: " + err.Error()
		return 0
	}
	req.Header = header
	if e.cfg.Client.Jar != nil {
		req.Header = header.Clone() // the client adds the jar's cookies to it
	}
	resp, err := e.cfg.Client.Do(req)
	if err != nil {
		a.Duration = e.cfg.Now().Sub(a.StartedAt)
		a.Error = describe(err, w.Timeout)
		e.cfg.Logger.Info("no answer from a receiver", "tenant", w.TenantID, "webhook", w.ID, "url", a.URL, "err", err)
		return 0
	}
	defer resp.Body.Close()
	a.ResponseBody = readAnswer(resp.Body)
	a.Duration = e.cfg.Now().Sub(a.StartedAt)
	// resp.Header is this request's alone: the log may keep it.
	a.Status, a.ResponseHeaders = resp.StatusCode, secrets.HideHeadersShared(resp.Header)
	a.Success = w.Succeeded(resp.StatusCode)
	if !a.Success {
		a.Error = fmt.Sprintf("receiver answered %d", resp.StatusCode)
	}
	return hookhub.ParseRetryAfter(resp.Header.Get("Retry-After"), e.cfg.Now())
}

// Try sends ev to w once, now, in w's format and signed, as try number 1,
// without queueing or recording anything: for test calls that must answer
// with the receiver's reply. w need not be saved yet.
func (e *Engine) Try(ctx context.Context, w *hookhub.Webhook, ev *hookhub.Event) *hookhub.Attempt {
	c := &hookhub.Claim{Delivery: hookhub.Delivery{TenantID: w.TenantID, WebhookID: w.ID, EventID: ev.ID, Attempts: 1}, Event: *ev}
	a, _ := e.send(ctx, w, c, e.cfg.Now())
	return a
}

// Post sends a body of the caller's making to w's URL once, now, with w's
// timeout and the same safe client as deliveries (handshakes such as
// Tilby's SUBSCRIBED request).
func (e *Engine) Post(ctx context.Context, w *hookhub.Webhook, body []byte, header http.Header) *hookhub.Attempt {
	a := &hookhub.Attempt{TenantID: w.TenantID, WebhookID: w.ID, Number: 1, URL: w.URL, StartedAt: e.cfg.Now()}
	e.post(ctx, w, a, http.MethodPost, body, header.Clone()) // the caller's header stays the caller's
	return a
}

func (e *Engine) noteDue(t time.Time) {
	v := t.UnixMilli()
	for {
		cur := e.nextDue.Load()
		if cur != 0 && cur <= v {
			return
		}
		if e.nextDue.CompareAndSwap(cur, v) {
			return
		}
	}
}

// record applies outcomes in batches: from the first outcome, it gathers
// what comes within RecordWait (up to 512) and completes it in one
// transaction. Nobody waits on an outcome being recorded (the request's
// slot is free already), and a transaction per outcome was the largest part
// of recording one.
func (e *Engine) record(in <-chan hookhub.Outcome) {
	batch := make([]hookhub.Outcome, 0, 512)
	linger := time.NewTimer(time.Hour)
	linger.Stop()
	for o := range in {
		batch = append(batch[:0], o)
		linger.Reset(e.cfg.RecordWait)
	more:
		for len(batch) < cap(batch) {
			select {
			case o, ok := <-in:
				if !ok {
					break more
				}
				batch = append(batch, o)
			case <-linger.C:
				break more
			}
		}
		if !linger.Stop() {
			select {
			case <-linger.C:
			default:
			}
		}
		e.complete(batch)
	}
}

func (e *Engine) complete(batch []hookhub.Outcome) {
	for try := 0; ; try++ {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err := e.cfg.Store.Complete(ctx, e.cfg.Now(), batch)
		cancel()
		if err == nil {
			e.cfg.Metrics.completed(len(batch))
			return
		}
		if try == 4 {
			// The leases will run out and the deliveries be claimed again:
			// at least once, never lost.
			e.cfg.Logger.Error("record outcomes: giving up, deliveries will be retried after their lease", "n", len(batch), "err", err)
			return
		}
		e.cfg.Logger.Warn("record outcomes", "n", len(batch), "err", err, "try", try+1)
		time.Sleep(time.Duration(50<<try) * time.Millisecond)
	}
}
