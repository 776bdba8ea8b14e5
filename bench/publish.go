package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// api calls hookhub's /v1 API with one token.
type api struct {
	client *http.Client
	token  string
}

func newAPI(token string, conns int) *api {
	return &api{token: token, client: &http.Client{
		Timeout: time.Minute,
		Transport: &http.Transport{
			MaxIdleConns:        conns + 16,
			MaxIdleConnsPerHost: conns + 16,
			IdleConnTimeout:     time.Minute,
			DisableCompression:  true,
		},
	}}
}

// do sends a request and decodes a 2xx answer into out. A status error is
// *statusError.
func (a *api) do(ctx context.Context, method, url string, body []byte, out any) error {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, r)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+a.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return &statusError{method: method, url: url, status: resp.StatusCode, body: string(b)}
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return fmt.Errorf("%s %s: read answer %.200q: %w", method, url, b, err)
		}
	}
	return nil
}

type statusError struct {
	method, url string
	status      int
	body        string
}

func (e *statusError) Error() string {
	return fmt.Sprintf("%s %s answered %d: %.500s", e.method, e.url, e.status, e.body)
}

// retriable reports whether trying again, maybe on another node, may help:
// the node went away, was overloaded, or failed inside.
func retriable(err error) bool {
	se, ok := err.(*statusError)
	if !ok {
		return true // connection refused or reset, timeout
	}
	return se.status >= 500 || se.status == http.StatusTooManyRequests || se.status == http.StatusRequestTimeout
}

// createWebhooks registers n webhooks, the i-th posting to urlOf(i), and
// returns their ids.
func (a *api) createWebhooks(ctx context.Context, base string, n, maxInFlight int, urlOf func(int) string) ([]int64, error) {
	ids := make([]int64, 0, n)
	for i := range n {
		body, _ := json.Marshal(map[string]any{
			"name": fmt.Sprintf("bench %d", i), "url": urlOf(i), "events": []string{eventType},
			"max_in_flight": maxInFlight,
		})
		var w struct {
			ID int64 `json:"id"`
		}
		if err := a.do(ctx, "POST", base+"/v1/webhooks", body, &w); err != nil {
			return ids, fmt.Errorf("create webhook: %w", err)
		}
		ids = append(ids, w.ID)
	}
	return ids, nil
}

func (a *api) deleteWebhooks(ctx context.Context, base string, ids []int64) error {
	for _, id := range ids {
		if err := a.do(ctx, "DELETE", fmt.Sprintf("%s/v1/webhooks/%d", base, id), nil, nil); err != nil {
			return fmt.Errorf("delete webhook: %w", err)
		}
	}
	return nil
}

// queued reports whether the tenant has deliveries still to send or whose
// outcome is not recorded: pending or in flight.
func (a *api) queued(ctx context.Context, base string) (bool, error) {
	for _, state := range []string{"in_flight", "pending"} {
		var page struct {
			Data []json.RawMessage `json:"data"`
		}
		if err := a.do(ctx, "GET", base+"/v1/deliveries?limit=1&state="+state, nil, &page); err != nil {
			return false, fmt.Errorf("list deliveries: %w", err)
		}
		if len(page.Data) > 0 {
			return true, nil
		}
	}
	return false, nil
}

// eventType is the built-in type the benchmark publishes.
const eventType = "contact.created"

// publisher sends the events, each to the next live node, trying again
// (on another node, with the same idempotency key) when a node fails.
type publisher struct {
	api     *api
	cfg     Config
	clock   clock
	tally   *tally
	runID   string
	pad     []byte
	live    atomic.Pointer[[]string] // base URLs of the nodes to publish to
	answers []int64                  // publish round trip of each seq, ns; 0 when never answered

	accepted   atomic.Int64
	retries    atomic.Int64
	failed     atomic.Int64
	inFlight   atomic.Int64
	maxFlight  atomic.Int64
	lastAnswer atomic.Int64 // clock time of the latest answer
	onAccept   func(n int64)

	fatalOnce sync.Once
	fatal     error
	cancel    context.CancelFunc
}

func newPublisher(a *api, cfg Config, c clock, t *tally, runID string, nodes []string) *publisher {
	p := &publisher{
		api: a, cfg: cfg, clock: c, tally: t, runID: runID,
		pad:     bytes.Repeat([]byte{'x'}, cfg.Payload),
		answers: make([]int64, cfg.Events),
	}
	p.setLive(nodes)
	return p
}

func (p *publisher) setLive(nodes []string) { p.live.Store(&nodes) }

// run publishes every event, in a burst or paced, and returns when each
// has been answered or given up on. Its error is a mistake that retrying
// cannot mend, like a refused token.
func (p *publisher) run(ctx context.Context) error {
	ctx, p.cancel = context.WithCancel(ctx)
	defer p.cancel()
	var wg sync.WaitGroup
	if p.cfg.Rate > 0 {
		// Open loop: event seq leaves at start + seq/rate, whether or not
		// earlier ones were answered.
		start := time.Now()
		for seq := range p.cfg.Events {
			at := start.Add(time.Duration(float64(seq) / p.cfg.Rate * float64(time.Second)))
			if d := time.Until(at); d > 0 {
				select {
				case <-ctx.Done():
				case <-time.After(d):
				}
			}
			if ctx.Err() != nil {
				break
			}
			wg.Go(func() { p.publish(ctx, seq) })
		}
	} else {
		var next atomic.Int64
		for range p.cfg.Concurrency {
			wg.Go(func() {
				for {
					seq := int(next.Add(1) - 1)
					if seq >= p.cfg.Events || ctx.Err() != nil {
						return
					}
					p.publish(ctx, seq)
				}
			})
		}
	}
	wg.Wait()
	return p.fatal
}

func (p *publisher) fail(err error) {
	p.fatalOnce.Do(func() {
		p.fatal = err
		p.cancel()
	})
}

// body is event seq's JSON, its data padded to the payload size.
func (p *publisher) body(seq int, sent int64) []byte {
	data := make([]byte, 0, p.cfg.Payload)
	data = append(data, `{"seq":`...)
	data = strconv.AppendInt(data, int64(seq), 10)
	data = append(data, `,"sent":`...)
	data = strconv.AppendInt(data, sent, 10)
	data = append(data, `,"pad":"`...)
	data = append(data, p.pad[:max(0, p.cfg.Payload-len(data)-2)]...)
	data = append(data, `"}`...)

	b := make([]byte, 0, len(data)+128)
	b = append(b, `{"type":"`+eventType+`","idempotency_key":"bench-`...)
	b = append(b, p.runID...)
	b = append(b, '-')
	b = strconv.AppendInt(b, int64(seq), 10)
	b = append(b, `","data":`...)
	b = append(b, data...)
	return append(b, '}')
}

const publishTries = 10

func (p *publisher) publish(ctx context.Context, seq int) {
	n := p.inFlight.Add(1)
	defer p.inFlight.Add(-1)
	for m := p.maxFlight.Load(); n > m && !p.maxFlight.CompareAndSwap(m, n); m = p.maxFlight.Load() {
	}
	sent := p.clock.now()
	body := p.body(seq, sent)
	for try := range publishTries {
		if try > 0 {
			p.retries.Add(1)
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Duration(try) * 50 * time.Millisecond):
			}
		}
		nodes := *p.live.Load()
		base := nodes[(seq+try)%len(nodes)]
		var res struct {
			Duplicate  bool `json:"duplicate"`
			Deliveries int  `json:"deliveries"`
		}
		err := p.api.do(ctx, "POST", base+"/v1/events", body, &res)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			if retriable(err) {
				continue
			}
			p.fail(fmt.Errorf("publish event %d: %w", seq, err))
			return
		}
		if !res.Duplicate && res.Deliveries < p.cfg.Fanout {
			p.fail(fmt.Errorf("publish event %d: %d deliveries made, want %d: are the webhooks active and subscribed to %s?", seq, res.Deliveries, p.cfg.Fanout, eventType))
			return
		}
		now := p.clock.now()
		p.answers[seq] = now - sent
		for l := p.lastAnswer.Load(); now > l && !p.lastAnswer.CompareAndSwap(l, now); l = p.lastAnswer.Load() {
		}
		p.tally.accept(seq)
		if k := p.accepted.Add(1); p.onAccept != nil {
			p.onAccept(k)
		}
		return
	}
	p.failed.Add(1)
}
