package service_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/delivery"
	"github.com/hookhub/hookhub/egress"
	"github.com/hookhub/hookhub/hookhubtest"
	"github.com/hookhub/hookhub/service"
)

// tryEnv is a service whose Sender is a real delivery engine (not
// running: test calls need no queue), over a fresh SQLite store, with two
// tenants, and a receiver that records what it gets.
type tryEnv struct {
	svc  *service.Service
	a, b *hookhub.Token // tenant A's and B's all-scope tokens
	rcv  *tryReceiver
}

func setupTry(t *testing.T, allowPrivate bool) *tryEnv {
	t.Helper()
	db := hookhubtest.OpenSQLite(t)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	policy := egress.Policy{AllowPrivate: allowPrivate}
	engine := delivery.New(delivery.Config{Store: db, Client: policy.Client(policy.Transport()), Logger: logger})
	svc := service.New(service.Config{Store: db, Egress: policy, Sender: engine, Logger: logger})
	t.Cleanup(svc.Close)
	return &tryEnv{svc: svc, a: newTenant(t, svc, "A"), b: newTenant(t, svc, "B"), rcv: newTryReceiver(t)}
}

// tryReceiver records requests and answers 202 "noted: <path>".
type tryReceiver struct {
	srv *httptest.Server
	mu  sync.Mutex
	got []*http.Request
	bod [][]byte
}

func newTryReceiver(t *testing.T) *tryReceiver {
	r := &tryReceiver{}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.got, r.bod = append(r.got, req), append(r.bod, b)
		r.mu.Unlock()
		w.Header().Set("X-Receiver", "yes")
		if strings.HasPrefix(req.URL.Path, "/fail") {
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = io.WriteString(w, "broken")
			return
		}
		w.WriteHeader(http.StatusAccepted)
		_, _ = io.WriteString(w, "noted: "+req.URL.Path)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *tryReceiver) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.got)
}

func (r *tryReceiver) last() (*http.Request, []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.got[len(r.got)-1], r.bod[len(r.bod)-1]
}

// TestTryWebhook sends test calls through the real engine: the answer comes
// back whatever it is; private targets, other tenants' webhooks and
// callers without a token are refused before anything is sent.
func TestTryWebhook(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := setupTry(t, true)
	saved := createWebhook(t, e.svc, e.a, &hookhub.Webhook{URL: e.rcv.srv.URL + "/saved", Headers: map[string]string{"X-Team": "sales"}})

	// A saved webhook, with hookhub's test event: signed, in its format.
	a, err := e.svc.TryWebhook(ctx, e.a, saved, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.Status != http.StatusAccepted || !a.Success || string(a.ResponseBody) != "noted: /saved" || a.ResponseHeaders.Get("X-Receiver") != "yes" || a.Number != 1 {
		t.Errorf("attempt %+v", a)
	}
	req, body := e.rcv.last()
	if !strings.HasPrefix(req.Header.Get("Webhook-Signature"), "v1,") || req.Header.Get("X-Team") != "sales" ||
		!bytes.Contains(body, []byte(`"type":"`+hookhub.TestEventType+`"`)) || !bytes.Equal(body, a.RequestBody) {
		t.Errorf("receiver got %v %s", req.Header, body)
	}

	// An unsaved webhook (about to be saved), with the caller's event.
	draft := &hookhub.Webhook{URL: e.rcv.srv.URL + "/fail", Format: hookhub.FormatStandard, Secret: saved.Secret, SigningScheme: hookhub.SchemeHMAC}
	ev := &hookhub.Event{TenantID: e.a.TenantID, Type: "contact.created", Data: json.RawMessage(`{"id":42}`)}
	a, err = e.svc.TryWebhook(ctx, e.a, draft, ev)
	if err != nil {
		t.Fatal(err)
	}
	if a.Status != http.StatusInternalServerError || a.Success || string(a.ResponseBody) != "broken" || a.Error == "" {
		t.Errorf("failing receiver: attempt %+v", a)
	}
	if _, body := e.rcv.last(); !bytes.Contains(body, []byte(`"data":{"id":42}`)) {
		t.Errorf("body %s, want the caller's event", body)
	}

	// No answer at all is an attempt with an error, not an error.
	gone := &hookhub.Webhook{URL: "http://127.0.0.1:1/", Secret: saved.Secret, SigningScheme: hookhub.SchemeHMAC, Format: hookhub.FormatStandard}
	if a, err := e.svc.TryWebhook(ctx, e.a, gone, nil); err != nil || a.Status != 0 || a.Error == "" {
		t.Errorf("unreachable receiver: %+v, %v", a, err)
	}

	sent := e.rcv.count()
	// Another tenant's webhook is not found for B.
	_, err = e.svc.TryWebhook(ctx, e.b, saved, nil)
	wantCode(t, err, hookhub.ENOTFOUND, "")
	// No caller.
	_, err = e.svc.TryWebhook(ctx, nil, saved, nil)
	wantCode(t, err, hookhub.EUNAUTHORIZED, "")
	// A private target where they are not allowed.
	strict := setupTry(t, false)
	_, err = strict.svc.TryWebhook(ctx, strict.a, &hookhub.Webhook{URL: e.rcv.srv.URL + "/private", Format: hookhub.FormatStandard}, nil)
	wantCode(t, err, hookhub.EINVALID, "url")
	if e.rcv.count() != sent || strict.rcv.count() != 0 {
		t.Errorf("refused calls reached the receiver")
	}

	// Without a Sender, test calls are unavailable.
	senderless := service.New(service.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	defer senderless.Close()
	_, err = senderless.TryWebhook(ctx, e.a, saved, nil)
	wantCode(t, err, hookhub.EUNAVAILABLE, "")
}

// TestProbe posts the caller's body and headers through the real engine
// and passes the answer back; the same refusals as TryWebhook apply.
func TestProbe(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := setupTry(t, true)
	saved := createWebhook(t, e.svc, e.a, &hookhub.Webhook{URL: e.rcv.srv.URL + "/probe"})

	a, err := e.svc.Probe(ctx, e.a, saved, []byte(`SUBSCRIBED`), http.Header{"X-Handshake": {"1"}, "Content-Type": {"text/plain"}})
	if err != nil {
		t.Fatal(err)
	}
	if a.Status != http.StatusAccepted || string(a.ResponseBody) != "noted: /probe" {
		t.Errorf("attempt %+v", a)
	}
	req, body := e.rcv.last()
	if string(body) != "SUBSCRIBED" || req.Header.Get("X-Handshake") != "1" || req.Header.Get("Content-Type") != "text/plain" {
		t.Errorf("receiver got %v %q", req.Header, body)
	}
	a, err = e.svc.Probe(ctx, e.a, &hookhub.Webhook{URL: e.rcv.srv.URL + "/fail"}, []byte(`x`), http.Header{})
	if err != nil || a.Status != http.StatusInternalServerError || string(a.ResponseBody) != "broken" {
		t.Errorf("failing receiver: %+v, %v", a, err)
	}

	sent := e.rcv.count()
	_, err = e.svc.Probe(ctx, e.b, saved, []byte(`x`), http.Header{})
	wantCode(t, err, hookhub.ENOTFOUND, "")
	strict := setupTry(t, false)
	_, err = strict.svc.Probe(ctx, strict.a, &hookhub.Webhook{URL: e.rcv.srv.URL + "/private"}, []byte(`x`), http.Header{})
	wantCode(t, err, hookhub.EINVALID, "url")
	_, err = strict.svc.Probe(ctx, strict.a, &hookhub.Webhook{URL: "https://169.254.169.254/latest"}, []byte(`x`), http.Header{})
	wantCode(t, err, hookhub.EINVALID, "url")
	if e.rcv.count() != sent {
		t.Errorf("refused probes reached the receiver")
	}
}

// TestCheckWebhook reports what a save would refuse, without saving.
func TestCheckWebhook(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := setupTry(t, false)

	err := e.svc.CheckWebhook(ctx, e.a, &hookhub.Webhook{URL: "https://10.0.0.1/x", Events: []string{"contact.created", "nope.never"}, ErrorsEmail: "x"})
	wantCode(t, err, hookhub.EINVALID, "url")
	wantCode(t, err, hookhub.EINVALID, "events[1]")
	wantCode(t, err, hookhub.EINVALID, "errors_email")
	wantCode(t, e.svc.CheckWebhook(ctx, e.a, &hookhub.Webhook{URL: "https://r.example.com", Events: []string{"*"}, State: hookhub.StateTooManyErrors}), hookhub.EINVALID, "state")
	if err := e.svc.CheckWebhook(ctx, e.a, &hookhub.Webhook{URL: " https://r.example.com/x ", Events: []string{"contact.created", "sale.*"}, Format: "custom"}); err != nil {
		t.Errorf("a good webhook: %v", err)
	}
	if ws, _ := e.svc.ListWebhooks(ctx, e.a, hookhub.WebhookFilter{}); len(ws) != 0 {
		t.Errorf("CheckWebhook saved %d webhooks", len(ws))
	}

	// An update: names the webhook has already are not checked again.
	if _, err := e.svc.PutEventType(ctx, e.a, &hookhub.EventType{Name: "invoice.paid"}); err != nil {
		t.Fatal(err)
	}
	w := createWebhook(t, e.svc, e.a, &hookhub.Webhook{Events: []string{"invoice.paid"}})
	if err := e.svc.DeleteEventType(ctx, e.a, "invoice.paid"); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.CheckWebhook(ctx, e.a, &hookhub.Webhook{ID: w.ID, URL: w.URL, Events: []string{"invoice.paid"}}); err != nil {
		t.Errorf("update keeping a deleted type: %v", err)
	}
	wantCode(t, e.svc.CheckWebhook(ctx, e.a, &hookhub.Webhook{URL: w.URL, Events: []string{"invoice.paid"}}), hookhub.EINVALID, "events[0]")
	wantCode(t, e.svc.CheckWebhook(ctx, e.b, &hookhub.Webhook{ID: w.ID, URL: w.URL, Events: []string{"*"}}), hookhub.ENOTFOUND, "")
	wantCode(t, e.svc.CheckWebhook(ctx, e.a, &hookhub.Webhook{ID: 999, URL: w.URL, Events: []string{"*"}}), hookhub.ENOTFOUND, "")

	// The scope the save would need: create for a new one, update for a
	// saved one.
	reader := withScopes(t, e.svc, e.a, hookhub.ScopeWebhooksRead)
	creator := withScopes(t, e.svc, e.a, hookhub.ScopeWebhooksCreate)
	wantCode(t, e.svc.CheckWebhook(ctx, reader, &hookhub.Webhook{URL: w.URL, Events: []string{"*"}}), hookhub.EFORBIDDEN, "")
	wantCode(t, e.svc.CheckWebhook(ctx, creator, &hookhub.Webhook{ID: w.ID, URL: w.URL, Events: []string{"*"}}), hookhub.EFORBIDDEN, "")
	if err := e.svc.CheckWebhook(ctx, creator, &hookhub.Webhook{URL: w.URL, Events: []string{"*"}}); err != nil {
		t.Errorf("creator: %v", err)
	}
}

// TestUnsignedFormats: only the standard format gets a secret made for it;
// other formats without one go unsigned.
func TestUnsignedFormats(t *testing.T) {
	t.Parallel()
	e := setupTry(t, true)
	if w := createWebhook(t, e.svc, e.a, &hookhub.Webhook{Format: "custom"}); w.Secret != "" {
		t.Errorf("custom format got secret %q", w.Secret)
	}
	if w := createWebhook(t, e.svc, e.a, &hookhub.Webhook{}); !strings.HasPrefix(w.Secret, "whsec_") {
		t.Errorf("standard format got secret %q", w.Secret)
	}
	strict := setupTry(t, false).svc
	for _, c := range []struct {
		svc     *service.Service
		url     string
		refused bool
	}{
		{e.svc, "http://127.0.0.1:9/hook", false},
		{e.svc, "https://r.example.com/", false},
		{strict, "http://r.example.com/hook", true},
		{strict, "HTTPS://r.example.com/hook", false},
		{strict, "ftp://r.example.com/hook", true},
	} {
		if r := c.svc.CheckHTTPS(c.url); (r != "") != c.refused {
			t.Errorf("CheckHTTPS(%q) = %q, want refused %v", c.url, r, c.refused)
		}
	}
}
