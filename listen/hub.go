package listen

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/hookhub/hookhub"
)

// Host is the host of the sessions' webhook URLs (hookhub.ListenHost).
const Host = hookhub.ListenHost

// DefaultGrace is the default Hub.Grace.
const DefaultGrace = time.Minute

// ListenDelivery is one request of the engine, as the stream carries it.
type ListenDelivery struct {
	ID        string            `json:"id" doc:"The request's id in this session; answer it with this id."`
	MessageID string            `json:"message_id" doc:"The webhook-id header: the same for every try of one event."`
	Type      string            `json:"type" doc:"The event type, read from the body."`
	Headers   map[string]string `json:"headers" doc:"The request's headers, signature headers included."`
	Body      string            `json:"body"`
}

// ListenReply is the developer's local server's answer to a delivery.
type ListenReply struct {
	ID         string  `json:"id" doc:"The delivery's id."`
	Status     int     `json:"status" doc:"The local server's status; 0 when it could not be reached."`
	DurationMS float64 `json:"duration_ms,omitempty"`
	Error      string  `json:"error,omitempty" maxLength:"1000"`
}

// Session is one listening session.
type Session struct {
	ID        string
	TenantID  string
	WebhookID int64
	Actor     *hookhub.Token // the token that opened it, which Expire acts as

	mu        sync.Mutex
	streams   int // open streams
	deliver   chan *pending
	pending   map[string]*pending
	expire    *time.Timer
	closed    bool
	closedSig chan struct{}
}

type pending struct {
	d     ListenDelivery
	reply chan ListenReply
}

// Hub holds the sessions of this node. Its methods are safe for concurrent
// use.
type Hub struct {
	// Grace is how long a session may be without a stream before it
	// expires; DefaultGrace when zero.
	Grace time.Duration
	// Expire removes an expired session's webhook. Nil: nothing is done
	// beyond forgetting the session.
	Expire func(s *Session)

	mu       sync.Mutex
	sessions map[string]*Session
}

// URL is the webhook URL of session id.
func URL(id string) string { return hookhub.ListenURL(id) }

// Open registers a session whose webhook was made; it expires after Grace
// unless a stream opens.
func (h *Hub) Open(id, tenantID string, webhookID int64, actor *hookhub.Token) *Session {
	s := &Session{
		ID: id, TenantID: tenantID, WebhookID: webhookID, Actor: actor,
		deliver: make(chan *pending), pending: map[string]*pending{}, closedSig: make(chan struct{}),
	}
	h.mu.Lock()
	if h.sessions == nil {
		h.sessions = map[string]*Session{}
	}
	h.sessions[id] = s
	h.mu.Unlock()
	s.mu.Lock()
	h.armExpiry(s)
	s.mu.Unlock()
	return s
}

// Get returns a session of the tenant; another tenant's is not found.
func (h *Hub) Get(tenantID, id string) (*Session, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	s, ok := h.sessions[id]
	if !ok || s.TenantID != tenantID {
		return nil, false
	}
	return s, true
}

// Close ends a session: its streams end and its waiting requests are
// answered 410 Gone.
func (h *Hub) Close(id string) {
	h.mu.Lock()
	s, ok := h.sessions[id]
	delete(h.sessions, id)
	h.mu.Unlock()
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.closed = true
		close(s.closedSig)
		if s.expire != nil {
			s.expire.Stop()
		}
	}
}

// CloseAll closes every session of this node (at shutdown), ending their
// streams. Their webhooks stay until their listeners close them; one whose
// listener cannot (the server did not come back in time) has its requests
// answered 503 until it is switched off for too many errors, or deleted.
func (h *Hub) CloseAll() {
	h.mu.Lock()
	ids := make([]string, 0, len(h.sessions))
	for id := range h.sessions {
		ids = append(ids, id)
	}
	h.mu.Unlock()
	for _, id := range ids {
		h.Close(id)
	}
}

// armExpiry starts the countdown of a session without a stream. s.mu is
// held.
func (h *Hub) armExpiry(s *Session) {
	grace := h.Grace
	if grace <= 0 {
		grace = DefaultGrace
	}
	if s.expire != nil {
		s.expire.Stop()
	}
	s.expire = time.AfterFunc(grace, func() {
		s.mu.Lock()
		idle := s.streams == 0 && !s.closed
		s.mu.Unlock()
		if !idle {
			return
		}
		h.Close(s.ID)
		if h.Expire != nil {
			h.Expire(s)
		}
	})
}

// PingEvery is how often Stream calls ping while no delivery comes, so that
// a stream whose other end is gone is noticed and proxies keep it open.
const PingEvery = 15 * time.Second

// Stream sends the session's deliveries to send until ctx ends, the
// session is closed or a send fails. Several streams may share a session.
func (h *Hub) Stream(ctx context.Context, s *Session, send func(ListenDelivery) error, ping func() error) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return errors.New("the session is closed")
	}
	s.streams++
	if s.expire != nil {
		s.expire.Stop()
	}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.streams--
		if s.streams == 0 && !s.closed {
			h.armExpiry(s)
		}
		s.mu.Unlock()
	}()
	tick := time.NewTicker(PingEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-s.closedSig:
			return nil
		case <-tick.C:
			if err := ping(); err != nil {
				return err
			}
		case p := <-s.deliver:
			if err := send(p.d); err != nil {
				p.reply <- ListenReply{ID: p.d.ID, Error: "the listener's stream broke: " + err.Error()}
				return err
			}
		}
	}
}

// Answer hands the developer's answer to the request waiting for it.
func (h *Hub) Answer(s *Session, r ListenReply) error {
	s.mu.Lock()
	p, ok := s.pending[r.ID]
	delete(s.pending, r.ID)
	s.mu.Unlock()
	if !ok {
		return hookhub.Errorf(hookhub.ENOTFOUND, "no delivery %s is waiting for an answer", r.ID)
	}
	p.reply <- r
	return nil
}

// Transport returns a RoundTripper that relays requests to Host to their
// session and sends the others with next.
func (h *Hub) Transport(next http.RoundTripper) http.RoundTripper {
	return roundTripper{h, next}
}

type roundTripper struct {
	h    *Hub
	next http.RoundTripper
}

func (rt roundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Hostname() != Host {
		return rt.next.RoundTrip(req)
	}
	return rt.h.relay(req)
}

// relay hands a request to its session's stream and waits for the answer.
func (h *Hub) relay(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("listen: read the request: %w", err)
		}
		body = b
	}
	id := strings.Trim(req.URL.Path, "/")
	h.mu.Lock()
	s, ok := h.sessions[id]
	h.mu.Unlock()
	if !ok {
		return answer(req, http.StatusServiceUnavailable, "no listener of session "+id+" is connected to this node"), nil
	}
	p := &pending{d: delivery(hookhub.RandomString(9), req.Header, body), reply: make(chan ListenReply, 1)}
	s.mu.Lock()
	s.pending[p.d.ID] = p
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.pending, p.d.ID)
		s.mu.Unlock()
	}()
	select {
	case s.deliver <- p:
	case <-s.closedSig:
		return answer(req, http.StatusGone, "the listening session ended"), nil
	case <-req.Context().Done():
		return nil, req.Context().Err()
	}
	select {
	case r := <-p.reply:
		if r.Status == 0 {
			return answer(req, http.StatusBadGateway, "the listener could not reach its local server: "+r.Error), nil
		}
		return answer(req, r.Status, r.Error), nil
	case <-s.closedSig:
		return answer(req, http.StatusGone, "the listening session ended"), nil
	case <-req.Context().Done():
		return nil, req.Context().Err()
	}
}

// delivery is the stream's form of a request.
func delivery(id string, header http.Header, body []byte) ListenDelivery {
	d := ListenDelivery{ID: id, MessageID: header.Get("webhook-id"), Headers: map[string]string{}, Body: string(body)}
	for k, vs := range header {
		d.Headers[k] = strings.Join(vs, ", ")
	}
	var env struct {
		Type string `json:"type"`
	}
	if json.Unmarshal(body, &env) == nil {
		d.Type = env.Type
	}
	return d
}

// answer is a response made here.
func answer(req *http.Request, status int, text string) *http.Response {
	return &http.Response{
		StatusCode: status, Status: fmt.Sprintf("%d %s", status, http.StatusText(status)),
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {"text/plain; charset=utf-8"}},
		Body:   io.NopCloser(strings.NewReader(text)), ContentLength: int64(len(text)), Request: req,
	}
}
