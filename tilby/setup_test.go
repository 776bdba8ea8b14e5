package tilby_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/api"
	"github.com/hookhub/hookhub/delivery"
	"github.com/hookhub/hookhub/egress"
	"github.com/hookhub/hookhub/hookhubtest"
	"github.com/hookhub/hookhub/mail"
	"github.com/hookhub/hookhub/mail/smtptest"
	"github.com/hookhub/hookhub/mailqueue"
	"github.com/hookhub/hookhub/server"
	"github.com/hookhub/hookhub/service"
	"github.com/hookhub/hookhub/sqlite"
	"github.com/hookhub/hookhub/tilby"
)

// env is hookhub assembled as serve assembles it, over a fresh SQLite
// store: the Tilby API and the native API on one test server, the delivery
// engine with the tilby format, and the mailer sending to a real SMTP
// server.
type env struct {
	url    string
	dir    string // the database's directory
	svc    *service.Service
	store  service.Store
	engine *delivery.Engine
	clock  *hookhubtest.Clock
	smtp   *smtptest.Server
	token  string         // shop A's static token
	actor  *hookhub.Token // and what it stands for
	other  string         // shop B's static token
}

type options struct {
	strict  bool          // refuse http and private targets (the receivers are http on loopback)
	timeout time.Duration // the webhooks' timeout (default 30 s)
}

func setup(t *testing.T, opts *options) *env {
	t.Helper()
	if opts == nil {
		opts = &options{}
	}
	if opts.timeout == 0 {
		opts.timeout = 30 * time.Second // generous: the machines are shared and noisy
	}
	ctx := context.Background()
	dir := t.TempDir() // the vendor tests read the database file itself
	db, err := sqlite.Open(ctx, sqlite.Config{Path: filepath.Join(dir, "hookhub.db"), Key: bytes.Repeat([]byte{3}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e := &env{dir: dir, store: db, clock: hookhubtest.NewClock(time.Now().UTC().Truncate(time.Millisecond)), smtp: smtptest.NewServer(t)}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	policy := egress.Policy{AllowPrivate: !opts.strict}
	e.engine = delivery.New(delivery.Config{
		Store: db, Client: policy.Client(policy.Transport()), Now: e.clock.Now, Logger: logger,
		PollInterval: 10 * time.Millisecond,
		Formats:      server.Formats(),
	})
	e.svc = service.New(service.Config{Store: db, Egress: policy, Now: e.clock.Now, Wake: e.engine.Wake, Sender: e.engine, Logger: logger,
		Rules: server.Rules(), Catalog: server.Catalog()})
	t.Cleanup(e.svc.Close)
	mc, err := mail.ParseURL(e.smtp.URL())
	if err != nil {
		t.Fatal(err)
	}
	mailer := &mailqueue.Mailer{Store: db, Sender: mail.NewSMTP(mc, "hookhub@example.com"), Now: e.clock.Now, Logger: logger, Interval: 10 * time.Millisecond}
	runCtx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { _ = e.engine.Run(runCtx) })
	wg.Go(func() { mailer.Run(runCtx) })
	t.Cleanup(func() { stop(); wg.Wait() })

	mux := http.NewServeMux()
	mux.Handle("/v1/", api.New(e.svc, api.Options{}))
	mux.Handle("/v2/", tilby.New(e.svc, tilby.Options{Timeout: opts.timeout, Now: e.clock.Now, Logger: logger}))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	e.url = srv.URL

	_, e.token = hookhubtest.Tenant(t, e.svc, "shop a")
	_, e.other = hookhubtest.Tenant(t, e.svc, "shop b")
	if e.actor, err = e.svc.Authenticate(ctx, e.token); err != nil {
		t.Fatal(err)
	}
	return e
}

// do sends a request with the token as "Bearer <token>"; body is sent as
// is when it is a string, as JSON otherwise, and not at all when nil. It
// decodes the answer into out when out is not nil.
func (e *env) do(t *testing.T, method, path, token string, body, out any) (int, []byte) {
	t.Helper()
	auth := ""
	if token != "" {
		auth = "Bearer " + token
	}
	return e.doAuth(t, method, path, auth, body, out)
}

// doAuth is do with the Authorization header as given.
func (e *env) doAuth(t *testing.T, method, path, auth string, body, out any) (int, []byte) {
	t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, e.url+path, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if out != nil && len(b) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: decode %s: %v", method, path, b, err)
		}
	}
	return resp.StatusCode, b
}

// must is do failing unless the answer has the status.
func (e *env) must(t *testing.T, want int, method, path, token string, body, out any) {
	t.Helper()
	if status, b := e.do(t, method, path, token, body, out); status != want {
		t.Fatalf("%s %s = %d %s, want %d", method, path, status, b, want)
	}
}

// webhook is a webhook as the Tilby API shows it.
type webhook struct {
	ID            int64  `json:"id"`
	URL           string `json:"url"`
	EntityName    string `json:"entity_name"`
	EventType     string `json:"event_type"`
	Email         string `json:"email"`
	EnvironmentID string `json:"environment_id"`
	ClientID      string `json:"client_id"`
	State         string `json:"state"`
	CreatedAt     string `json:"created_at"`
}

// apiError is an error answer of the Tilby API.
type apiError struct {
	Status  int    `json:"status"`
	Error   string `json:"error"`
	Message string `json:"message"`
	Details []struct {
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"details"`
	Receiver *struct {
		Status int    `json:"status"`
		Body   string `json:"body"`
		Error  string `json:"error"`
	} `json:"receiver"`
	Valid map[string][]string `json:"valid"`
}

// wantError fails unless the answer is an error with the status and, when
// field is not empty, a detail naming that field.
func wantError(t *testing.T, status int, b []byte, wantStatus int, field string) apiError {
	t.Helper()
	var a apiError
	if err := json.Unmarshal(b, &a); err != nil {
		t.Fatalf("decode error %s: %v", b, err)
	}
	if status != wantStatus || a.Status != wantStatus || a.Message == "" || a.Error != http.StatusText(wantStatus) {
		t.Fatalf("answer %d %s, want an error %d", status, b, wantStatus)
	}
	if field == "" {
		return a
	}
	for _, d := range a.Details {
		if d.Field == field {
			return a
		}
	}
	t.Fatalf("error %s names no field %q", b, field)
	return a
}

// create registers a webhook and fails unless it is created.
func (e *env) create(t *testing.T, token, url, entity, event string) webhook {
	t.Helper()
	var w webhook
	e.must(t, 201, "POST", "/v2/webhooks", token, map[string]any{
		"url": url, "entity_name": entity, "event_type": event, "email": "dev@example.com",
	}, &w)
	return w
}

// request is one request a receiver got.
type request struct {
	header http.Header
	body   []byte
	msg    map[string]json.RawMessage
}

func (r request) str(key string) string {
	var s string
	_ = json.Unmarshal(r.msg[key], &s)
	return s
}

// receiver is a Tilby integration: it answers the verification request
// (type SUBSCRIBED) with verify, and every other request with status.
type receiver struct {
	srv    *httptest.Server
	verify atomic.Int32
	status atomic.Int32
	hang   atomic.Bool // hold every request until the client gives up

	mu         sync.Mutex
	handshakes []request
	deliveries []request
}

func newReceiver(t *testing.T) *receiver {
	t.Helper()
	rc := &receiver{}
	rc.verify.Store(200)
	rc.status.Store(200)
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		req := request{header: r.Header.Clone(), body: b}
		if err := json.Unmarshal(b, &req.msg); err != nil {
			t.Errorf("receiver: body %s is not a JSON object: %v", b, err)
		}
		rc.mu.Lock()
		status := rc.status.Load()
		if req.str("type") == tilby.Subscribed {
			rc.handshakes = append(rc.handshakes, req)
			status = rc.verify.Load()
		} else {
			rc.deliveries = append(rc.deliveries, req)
		}
		rc.mu.Unlock()
		if rc.hang.Load() {
			<-r.Context().Done()
			return
		}
		w.WriteHeader(int(status))
		_, _ = io.WriteString(w, `{"answer":"from the receiver"}`)
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) got() (handshakes, deliveries []request) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]request(nil), rc.handshakes...), append([]request(nil), rc.deliveries...)
}
