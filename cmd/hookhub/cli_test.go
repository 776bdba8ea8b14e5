package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hookhub/hookhub/client"
	"github.com/hookhub/hookhub/hookhubtest"
)

// clientEnv is a running hookhub with an admin token, and the environment
// of a user's shell pointing at it.
type clientEnv struct {
	env map[string]string
}

func newClientEnv(t *testing.T) *clientEnv {
	t.Helper()
	admin := "cli-test-admin-token-0123456789abc"
	hh := startServe(t, map[string]string{
		"HOOKHUB_DB": filepath.Join(t.TempDir(), "hookhub.db"), "HOOKHUB_ADDR": "127.0.0.1:0",
		"HOOKHUB_ADMIN_TOKEN": admin, "HOOKHUB_ALLOW_PRIVATE_TARGETS": "true", "HOOKHUB_RETRY_SCALE": "0.001",
		"HOOKHUB_POLL_INTERVAL": "20ms",
	})
	return &clientEnv{env: map[string]string{
		"HOOKHUB_URL": hh.base, "HOOKHUB_ADMIN_TOKEN": admin, "XDG_CONFIG_HOME": t.TempDir(),
	}}
}

// cmd runs a command as the user would and returns what it printed; it
// fails the test when the command fails.
func (e *clientEnv) cmd(t *testing.T, args ...string) string {
	t.Helper()
	out, err := e.try(args...)
	if err != nil {
		t.Fatalf("hookhub %s: %v", strings.Join(args, " "), err)
	}
	return out
}

func (e *clientEnv) try(args ...string) (string, error) {
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, getenv(e.env), &out, &errOut)
	return out.String(), err
}

// waitDelivery waits, through "deliveries list", until the event's one
// delivery is in state, and returns its id.
func (e *clientEnv) waitDelivery(t *testing.T, eventID int64, state string) string {
	t.Helper()
	var ds struct {
		Data []struct {
			ID    int64  `json:"id"`
			State string `json:"state"`
		}
	}
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		e.cmdJSON(t, &ds, "deliveries", "list", "--event", fmt.Sprint(eventID))
		if len(ds.Data) == 1 && ds.Data[0].State == state {
			return fmt.Sprint(ds.Data[0].ID)
		}
		if time.Now().After(deadline) {
			t.Fatalf("deliveries list = %+v, want one %s", ds, state)
		}
	}
}

// cmdJSON runs a command and decodes its JSON output into v.
func (e *clientEnv) cmdJSON(t *testing.T, v any, args ...string) {
	t.Helper()
	out := e.cmd(t, args...)
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("hookhub %s printed %q, not JSON: %v", strings.Join(args, " "), out, err)
	}
}

// TestCLITour runs every client command against a real server: a tenant
// made with the admin token, a profile saved by login, webhooks, events,
// deliveries, attempts, tokens, event types and the tenants' commands;
// JSON when piped, a table with -o table.
func TestCLITour(t *testing.T) {
	t.Parallel()
	e := newClientEnv(t)
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.Copy(io.Discard, r.Body) }))
	t.Cleanup(rcv.Close)

	var nt struct {
		TenantID string `json:"tenant_id"`
		Token    string `json:"token"`
	}
	e.cmdJSON(t, &nt, "tenants", "create", "--name", "acme")
	if nt.TenantID == "" || nt.Token == "" {
		t.Fatalf("tenants create = %+v", nt)
	}
	// login saves a profile; the commands then need no token in the
	// environment.
	e.cmd(t, "login", "--url", e.env["HOOKHUB_URL"], "--token", nt.Token)
	delete(e.env, "HOOKHUB_URL")
	if out := strings.TrimSpace(e.cmd(t, "webhooks", "list")); out != "[]" {
		t.Errorf("webhooks list (no webhook) = %q, want []", out)
	}

	var w struct {
		ID     int64  `json:"id"`
		Secret string `json:"secret"`
	}
	e.cmdJSON(t, &w, "webhooks", "create", "--url", rcv.URL+"/hook", "--events", "contact.*", "--name", "CRM", "--header", "X-Team=sales")
	if w.ID == 0 || !strings.HasPrefix(w.Secret, "whsec_") {
		t.Fatalf("webhooks create = %+v, want an id and its secret", w)
	}
	id := fmt.Sprint(w.ID)
	if out := e.cmd(t, "webhooks", "list", "-o", "table"); !strings.Contains(out, "ID") || !strings.Contains(out, "STATE") || !strings.Contains(out, rcv.URL+"/hook") {
		t.Errorf("webhooks list -o table =\n%s", out)
	}
	var got struct{ Name, State string }
	e.cmdJSON(t, &got, "webhooks", "get", id, "-o", "json")
	if got.Name != "CRM" || got.State != "active" {
		t.Errorf("webhooks get = %+v", got)
	}

	var sent struct {
		ID         int64 `json:"id"`
		Deliveries int   `json:"deliveries"`
	}
	e.cmdJSON(t, &sent, "events", "send", "--type", "contact.created", "--data", `{"id": 42}`)
	if sent.ID == 0 || sent.Deliveries != 1 {
		t.Fatalf("events send = %+v", sent)
	}
	var ev struct{ Type string }
	e.cmdJSON(t, &ev, "events", "get", fmt.Sprint(sent.ID))
	var evs struct{ Data []struct{ ID int64 } }
	e.cmdJSON(t, &evs, "events", "list", "--type", "contact.created")
	if ev.Type != "contact.created" || len(evs.Data) != 1 {
		t.Errorf("events get = %+v, events list = %+v", ev, evs)
	}

	did := e.waitDelivery(t, sent.ID, "succeeded")
	var as struct {
		Data []struct {
			Response struct{ Status int } `json:"response"`
		}
	}
	e.cmdJSON(t, &as, "deliveries", "attempts", did)
	if len(as.Data) != 1 || as.Data[0].Response.Status != 200 {
		t.Errorf("deliveries attempts = %+v", as)
	}
	e.cmd(t, "deliveries", "get", did)
	e.cmd(t, "deliveries", "retry", did)
	e.cmd(t, "webhooks", "test", id)
	e.cmd(t, "webhooks", "recover", id, "--since", "1h")
	e.cmdJSON(t, &got, "webhooks", "update", id, "--state", "stopped")
	if got.State != "stopped" {
		t.Errorf("webhooks update --state stopped = %+v", got)
	}
	e.cmd(t, "webhooks", "delete", id)

	var tok struct{ ID, Token string }
	e.cmdJSON(t, &tok, "tokens", "create", "--name", "ci", "--scopes", "webhooks.read,events.read")
	if out := e.cmd(t, "tokens", "list", "-o", "table"); !strings.Contains(out, "ci") || !strings.Contains(out, "webhooks.read,events.read") {
		t.Errorf("tokens list -o table =\n%s", out)
	}
	e.cmd(t, "tokens", "revoke", tok.ID)
	e.cmd(t, "event-types", "put", "--name", "invoice.paid", "--description", "An invoice was paid", "--example", `{"id": 1}`)
	if out := e.cmd(t, "event-types", "list"); !strings.Contains(out, "invoice.paid") {
		t.Errorf("event-types list lacks invoice.paid")
	}
	e.cmd(t, "event-types", "delete", "invoice.paid")

	// The admin's commands.
	var ten struct {
		ID       string
		Name     string
		Disabled bool
	}
	e.cmdJSON(t, &ten, "tenants", "rename", nt.TenantID, "--name", "Acme Inc")
	e.cmdJSON(t, &ten, "tenants", "disable", nt.TenantID)
	if ten.Name != "Acme Inc" || !ten.Disabled {
		t.Errorf("tenants rename, disable = %+v", ten)
	}
	if _, err := e.try("webhooks", "list"); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("webhooks list of a disabled tenant = %v, want 401", err)
	}
	e.cmdJSON(t, &ten, "tenants", "enable", nt.TenantID)
	e.cmd(t, "tenants", "get", nt.TenantID)
	if out := e.cmd(t, "tenants", "list", "-o", "table"); !strings.Contains(out, "Acme Inc") {
		t.Errorf("tenants list -o table =\n%s", out)
	}
	var tt struct{ Token string }
	e.cmdJSON(t, &tt, "tenants", "token", nt.TenantID, "--name", "recovered")
	if tt.Token == "" {
		t.Errorf("tenants token = %+v", tt)
	}
	e.cmd(t, "tenants", "delete", nt.TenantID)
	if _, err := e.try("tenants", "get", nt.TenantID); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("tenants get (deleted) = %v, want 404", err)
	}
}

// TestCLIErrors: an error of the API is printed as its problem in one line
// and fails the command; a missing server is said plainly.
func TestCLIErrors(t *testing.T) {
	t.Parallel()
	e := newClientEnv(t)
	var nt struct {
		Token string `json:"token"`
	}
	e.cmdJSON(t, &nt, "tenants", "create", "--name", "acme")
	e.env["HOOKHUB_TOKEN"] = nt.Token
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"webhooks", "get", "999"}, "404 Not Found: webhook 999 not found"},
		{[]string{"webhooks", "create", "--url", "ftp://x", "--events", "nope"}, "422 Unprocessable Entity: "},
		{[]string{"tenants", "create", "--name", "ACME"}, "409 Conflict: "},
		{[]string{"webhooks", "get", "x"}, `"x" is not an id`},
		{[]string{"webhooks", "get"}, "takes ID"},
		{[]string{"events", "send", "--type", "contact.created", "--data", "{nope"}, "--data must be JSON"},
		{[]string{"webhooks", "list", "-o", "yaml"}, "-o must be json or table"},
		{[]string{"webhooks", "frob"}, `unknown webhooks command "frob"`},
	}
	for _, tt := range tests {
		_, err := e.try(tt.args...)
		if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("hookhub %s = %v, want one line containing %q", strings.Join(tt.args, " "), err, tt.want)
		}
	}
	empty := &clientEnv{env: map[string]string{"XDG_CONFIG_HOME": t.TempDir()}}
	if _, err := empty.try("webhooks", "list"); err == nil || !strings.Contains(err.Error(), "hookhub login") {
		t.Errorf("webhooks list with no server = %v, want a hint at login", err)
	}
}

// signalWriter closes seen the first time what is written holds want.
type signalWriter struct {
	mu   sync.Mutex
	buf  strings.Builder
	want string
	seen chan struct{}
}

func (w *signalWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	had := strings.Contains(w.buf.String(), w.want)
	w.buf.Write(p)
	if !had && strings.Contains(w.buf.String(), w.want) {
		close(w.seen)
	}
	return len(p), nil
}

// TestCLIRetryWaitsForTry: the API refuses to retry a delivery while a try
// of it is under way; "hookhub deliveries retry" waits for that try to end
// and retries then (--wait 0: the API's refusal at once).
func TestCLIRetryWaitsForTry(t *testing.T) {
	t.Parallel()
	e := newClientEnv(t)
	release := make(chan struct{})
	var calls atomic.Int32
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if calls.Add(1) == 1 {
			<-release // the first try stays under way until the test says
		}
	}))
	var once sync.Once
	stop := func() { once.Do(func() { close(release) }) }
	t.Cleanup(func() { stop(); rcv.Close() })

	var nt struct{ Token string }
	e.cmdJSON(t, &nt, "tenants", "create", "--name", "acme")
	e.env["HOOKHUB_TOKEN"] = nt.Token
	var w struct{ ID int64 }
	e.cmdJSON(t, &w, "webhooks", "create", "--url", rcv.URL+"/hook", "--events", "contact.*", "--timeout-ms", "60000")
	var sent struct{ ID int64 }
	e.cmdJSON(t, &sent, "events", "send", "--type", "contact.created", "--data", `{"id": 42}`)
	did := e.waitDelivery(t, sent.ID, "in_flight")

	if _, err := e.try("deliveries", "retry", did, "--wait", "0"); err == nil || !strings.Contains(err.Error(), "409") {
		t.Fatalf("deliveries retry --wait 0 of a delivery in flight = %v, want the API's 409", err)
	}

	stderr := &signalWriter{want: "is being sent right now", seen: make(chan struct{})}
	var out bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- run(context.Background(), []string{"deliveries", "retry", did}, getenv(e.env), &out, stderr)
	}()
	select {
	case <-stderr.seen: // it was refused, and waits
	case err := <-done:
		t.Fatalf("deliveries retry returned (%v, %q) while the try was under way", err, out.String())
	case <-time.After(30 * time.Second):
		t.Fatal("deliveries retry neither said it waits nor returned")
	}
	stop() // the try ends
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("deliveries retry after the try ended: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("deliveries retry still waits after the try ended")
	}
	var d struct{ State string }
	if err := json.Unmarshal(out.Bytes(), &d); err != nil || (d.State != "pending" && d.State != "in_flight" && d.State != "succeeded") {
		t.Fatalf("deliveries retry printed %q (%v), want the delivery made due", out.String(), err)
	}
	hookhubtest.Eventually(t, "the delivery sent again", func() bool { return calls.Load() >= 2 })
}

// fakeRetryAPI answers a delivery's retry with 409 and its state as the
// test says, and counts the calls.
type fakeRetryAPI struct {
	mu           sync.Mutex
	posts, gets  int
	refuse       func(post int) bool // answer the post-th retry 409
	state        string
	conflictText string
}

func (f *fakeRetryAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/v1/deliveries/7/retry":
		f.posts++
		if f.refuse(f.posts) {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusConflict)
			fmt.Fprintf(w, `{"title":"Conflict","status":409,"detail":%q}`, f.conflictText)
			return
		}
		fmt.Fprint(w, `{"id":7,"state":"pending"}`)
	case r.Method == http.MethodGet && r.URL.Path == "/v1/deliveries/7":
		f.gets++
		fmt.Fprintf(w, `{"id":7,"state":%q}`, f.state)
	default:
		http.NotFound(w, r)
	}
}

// retryDelivery's ends: a conflict of another kind is answered after one
// more ask; one in flight is asked again until it is taken, or --wait runs
// out, or the context ends.
func TestRetryDeliveryEnds(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name      string
		api       *fakeRetryAPI
		wait      time.Duration
		cancel    bool
		wantErr   string
		wantPosts func(int) bool
	}{
		{"webhook deleted", &fakeRetryAPI{refuse: func(int) bool { return true }, state: "failed", conflictText: "delivery 7: its webhook was deleted"},
			30 * time.Second, false, "its webhook was deleted", func(n int) bool { return n == 2 }},
		{"taken at the third ask", &fakeRetryAPI{refuse: func(n int) bool { return n < 3 }, state: "in_flight", conflictText: "delivery 7 is being sent right now"},
			30 * time.Second, false, "", func(n int) bool { return n == 3 }},
		{"wait runs out", &fakeRetryAPI{refuse: func(int) bool { return true }, state: "in_flight", conflictText: "delivery 7 is being sent right now"},
			250 * time.Millisecond, false, "being sent right now", func(n int) bool { return n >= 2 }},
		{"no wait", &fakeRetryAPI{refuse: func(int) bool { return true }, state: "in_flight", conflictText: "delivery 7 is being sent right now"},
			0, false, "being sent right now", func(n int) bool { return n == 1 }},
		{"context ends", &fakeRetryAPI{refuse: func(int) bool { return true }, state: "in_flight", conflictText: "delivery 7 is being sent right now"},
			time.Hour, true, "context canceled", func(n int) bool { return n >= 1 }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(tt.api)
			t.Cleanup(srv.Close)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.cancel {
				time.AfterFunc(300*time.Millisecond, cancel)
			}
			var stderr bytes.Buffer
			d, err := retryDelivery(ctx, client.New(srv.URL, "tok"), 7, tt.wait, &stderr)
			switch {
			case tt.wantErr == "" && (err != nil || d == nil || d.State != "pending"):
				t.Errorf("retryDelivery = %+v, %v; want the delivery made due", d, err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("retryDelivery error = %v, want one with %q", err, tt.wantErr)
			}
			tt.api.mu.Lock()
			defer tt.api.mu.Unlock()
			if !tt.wantPosts(tt.api.posts) {
				t.Errorf("%d retries asked", tt.api.posts)
			}
		})
	}
}
