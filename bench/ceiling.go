package bench

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/delivery"
	"github.com/hookhub/hookhub/egress"
	"github.com/hookhub/hookhub/signature"
)

// ceiling is what hookhub is measured against: an in-process server that
// answers the calls the benchmark makes of hookhub's API, and accepts,
// signs and sends each event as hookhub does (the same JSON decoding, the
// same Standard Webhooks body and signature code, the same HTTP transport
// and the same number of workers), but stores nothing: the work that
// remains for hookhub is its database. Its figures are the most hookhub
// could do on this machine with this load and receiver.
type ceiling struct {
	token   string
	workers int
	srv     *http.Server
	ln      net.Listener
	client  *http.Client
	format  delivery.Standard

	mu       sync.RWMutex
	webhooks []*hookhub.Webhook

	nextEvent atomic.Int64
	queue     chan job
	queued    atomic.Int64 // jobs published and not yet answered by the receiver
	done      sync.WaitGroup
	stop      chan struct{}
}

type job struct {
	w *hookhub.Webhook
	c *hookhub.Claim
}

// ceilingWorkers is hookhub serve's default number of delivery workers.
const ceilingWorkers = 128

func startCeiling(token string) (*ceiling, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen for the ceiling: %w", err)
	}
	policy := egress.Policy{AllowPrivate: true}
	c := &ceiling{
		token: token, workers: ceilingWorkers, ln: ln,
		client: policy.Client(policy.Transport()),
		queue:  make(chan job, 1<<16),
		stop:   make(chan struct{}),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/webhooks", c.createWebhook)
	mux.HandleFunc("DELETE /v1/webhooks/{id}", c.deleteWebhook)
	mux.HandleFunc("GET /v1/deliveries", c.deliveries)
	mux.HandleFunc("POST /v1/events", c.publish)
	c.srv = &http.Server{Handler: c.auth(mux), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: time.Minute}
	for range c.workers {
		c.done.Go(c.work)
	}
	go func() { _ = c.srv.Serve(ln) }()
	return c, nil
}

// URL is the ceiling's base URL, as a Target.
func (c *ceiling) URL() string { return "http://" + c.ln.Addr().String() }

func (c *ceiling) close() {
	_ = c.srv.Close()
	close(c.stop)
	c.done.Wait()
}

func (c *ceiling) auth(next http.Handler) http.Handler {
	want := []byte("Bearer " + c.token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			http.Error(w, "invalid or expired token", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (c *ceiling) createWebhook(w http.ResponseWriter, r *http.Request) {
	var in struct {
		URL        string          `json:"url"`
		Properties json.RawMessage `json:"properties"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.URL == "" {
		http.Error(w, "a webhook needs a url", http.StatusUnprocessableEntity)
		return
	}
	secret, err := signature.NewSecret()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	c.mu.Lock()
	wh := &hookhub.Webhook{ID: int64(len(c.webhooks) + 1), URL: in.URL, Secret: secret, Properties: in.Properties, Timeout: 5 * time.Second}
	c.webhooks = append(c.webhooks, wh)
	c.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(map[string]any{"id": wh.ID, "secret": secret})
}

func (c *ceiling) deleteWebhook(w http.ResponseWriter, r *http.Request) {
	w.WriteHeader(http.StatusNoContent)
}

// deliveries answers the benchmark's "is anything still queued" question.
func (c *ceiling) deliveries(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if c.queued.Load() > 0 {
		_, _ = io.WriteString(w, `{"data":[{}]}`)
		return
	}
	_, _ = io.WriteString(w, `{"data":[]}`)
}

// publish takes an event as POST /v1/events does, and queues a delivery
// to every webhook.
func (c *ceiling) publish(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Type           string          `json:"type"`
		Data           json.RawMessage `json:"data"`
		IdempotencyKey string          `json:"idempotency_key"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&in); err != nil || in.Type == "" {
		http.Error(w, "an event needs a type and data", http.StatusBadRequest)
		return
	}
	now := time.Now().UTC()
	id := c.nextEvent.Add(1)
	c.mu.RLock()
	hooks := c.webhooks
	c.mu.RUnlock()
	for _, wh := range hooks {
		claim := &hookhub.Claim{
			Delivery: hookhub.Delivery{ID: id, WebhookID: wh.ID, EventID: id},
			Event:    hookhub.Event{ID: id, Type: in.Type, Data: in.Data, CreatedAt: now},
		}
		c.queued.Add(1)
		c.queue <- job{w: wh, c: claim}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusAccepted)
	_, _ = io.WriteString(w, `{"id":`+strconv.FormatInt(id, 10)+`,"duplicate":false,"deliveries":`+strconv.Itoa(len(hooks))+`}`)
}

// work sends queued deliveries, as hookhub's workers do: build the body,
// sign it, POST it, read up to 4 KiB of the answer; a failed try goes
// back on the queue.
func (c *ceiling) work() {
	for {
		select {
		case <-c.stop:
			return
		case j := <-c.queue:
			if err := c.send(j); err != nil {
				select {
				case c.queue <- j:
					continue
				case <-c.stop:
					return
				}
			}
			c.queued.Add(-1)
		}
	}
}

func (c *ceiling) send(j job) error {
	body, header, err := c.format.Format(j.w, j.c, time.Now())
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), j.w.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, j.w.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header = header
	resp, err := c.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return errors.New("receiver answered " + strings.TrimSpace(resp.Status))
	}
	return nil
}
