package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hookhub/hookhub/mail/smtptest"
	"github.com/hookhub/hookhub/postgres/pgtest"
	"github.com/hookhub/hookhub/secrets"
	"github.com/hookhub/hookhub/server"
	"github.com/hookhub/hookhub/webhooktest"
)

// TestUserJourney runs the whole program as a user would, on each database:
// a tenant made with the CLI, a webhook registered over HTTP, events
// published and verified with the reference Standard Webhooks library, a
// failing receiver driving the webhook to too_many_errors with its e-mail
// caught by a real SMTP server, held deliveries sent after re-activation.
func TestUserJourney(t *testing.T) {
	t.Parallel()
	for _, db := range []string{"sqlite", "postgres"} {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			env := map[string]string{}
			if db == "sqlite" {
				env["HOOKHUB_DB"] = filepath.Join(t.TempDir(), "data", "hookhub.db")
			} else {
				env["HOOKHUB_DB"] = pgtest.NewDatabase(t)
				env["HOOKHUB_ENCRYPTION_KEY"] = fmt.Sprintf("%x", secrets.GenerateKey())
			}
			journey(t, env)
		})
	}
}

func journey(t *testing.T, env map[string]string) {
	smtp := smtptest.NewServer(t)
	env["HOOKHUB_SMTP_URL"] = smtp.URL()
	env["HOOKHUB_MAIL_FROM"] = "hookhub@example.com"
	env["HOOKHUB_ALLOW_PRIVATE_TARGETS"] = "true"
	env["HOOKHUB_RETRY_SCALE"] = "0.001"
	env["HOOKHUB_POLL_INTERVAL"] = "20ms"
	env["HOOKHUB_ADDR"] = "127.0.0.1:0"

	token := createTenant(t, env, "acme")
	hh := startServe(t, env)
	rcv := webhooktest.New(t)

	// The API describes itself, in each form the README names.
	for _, p := range []string{"/openapi.json", "/openapi.yaml", "/openapi-3.0.json", "/openapi-3.0.yaml"} {
		hh.do(t, "GET", p, "", nil, http.StatusOK, nil)
	}

	var wh struct {
		ID     int64  `json:"id"`
		Secret string `json:"secret"`
	}
	hh.do(t, "POST", "/v1/webhooks", token, map[string]any{
		"name": "CRM sync", "url": rcv.URL + "/hook", "events": []string{"contact.*"},
		"headers": map[string]string{"X-Team": "sales"}, "properties": map[string]any{"source": "hookhub-test"},
		"retry":             map[string]any{"schedule_seconds": []float64{0, 10, 10}},
		"failure_threshold": 3, "errors_email": "ops@example.com",
	}, http.StatusCreated, &wh)
	if !strings.HasPrefix(wh.Secret, "whsec_") {
		t.Fatalf("secret = %q, want a whsec_ secret returned once", wh.Secret)
	}
	rcv.SetSecret(t, wh.Secret)

	// Publish: every event arrives signed, with the headers and properties.
	for i := range 5 {
		hh.do(t, "POST", "/v1/events", token, map[string]any{
			"type": "contact.created", "data": map[string]any{"id": i}, "idempotency_key": fmt.Sprint("k", i),
		}, http.StatusAccepted, nil)
	}
	var dup struct {
		Duplicate bool `json:"duplicate"`
	}
	hh.do(t, "POST", "/v1/events", token, map[string]any{"type": "contact.created", "data": map[string]any{"id": 0}, "idempotency_key": "k0"}, http.StatusAccepted, &dup)
	if !dup.Duplicate {
		t.Errorf("same idempotency key twice: duplicate = false")
	}
	hh.do(t, "POST", "/v1/events", token, map[string]any{"type": "sale.sold", "data": map[string]any{}}, http.StatusAccepted, nil)
	rcv.WaitN(t, 5)
	for _, ev := range rcv.Events() {
		if got, want := ev.Header.Get("X-Team"), "sales"; got != want {
			t.Errorf("X-Team = %q, want %q", got, want)
		}
		if !bytes.Contains(ev.Body, []byte(`"source":"hookhub-test"`)) || !bytes.Contains(ev.Body, []byte(`"type":"contact.created"`)) {
			t.Errorf("body %s lacks the envelope or the merged properties", ev.Body)
		}
	}

	// Every attempt is readable with its request and response.
	var deliveries struct {
		Data []struct {
			ID    int64  `json:"id"`
			State string `json:"state"`
		} `json:"data"`
	}
	// The receiver may answer before the outcome is written: wait for it.
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		hh.do(t, "GET", fmt.Sprintf("/v1/deliveries?webhook_id=%d&state=succeeded", wh.ID), token, nil, http.StatusOK, &deliveries)
		if len(deliveries.Data) == 5 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("succeeded deliveries = %d, want 5", len(deliveries.Data))
		}
	}
	var attempts struct {
		Data []struct {
			Request  struct{ Body string } `json:"request"`
			Response struct{ Status int }  `json:"response"`
		} `json:"data"`
	}
	hh.do(t, "GET", fmt.Sprintf("/v1/deliveries/%d/attempts", deliveries.Data[0].ID), token, nil, http.StatusOK, &attempts)
	if len(attempts.Data) != 1 || attempts.Data[0].Response.Status != 200 || !strings.Contains(attempts.Data[0].Request.Body, "contact.created") {
		t.Fatalf("attempts = %+v, want one with the request body and status 200", attempts.Data)
	}

	// A failing receiver: retried on schedule, then too_many_errors and an e-mail.
	rcv.Fail.Store(true)
	hh.do(t, "POST", "/v1/events", token, map[string]any{"type": "contact.changed", "data": map[string]any{"id": 9}}, http.StatusAccepted, nil)
	hh.waitWebhookState(t, token, wh.ID, "too_many_errors")
	msgs := smtp.WaitFor(t, 1, 15*time.Second)
	if got := msgs[0]; got.To[0] != "ops@example.com" || !strings.Contains(got.Subject, "CRM sync") || !strings.Contains(got.Text, "receiver answered 500") {
		t.Errorf("e-mail to %v %q:\n%s\nwant it to name the webhook and the last error", got.To, got.Subject, got.Text)
	}

	// Held while switched off, sent when active again.
	rcv.Fail.Store(false)
	for i := range 2 {
		hh.do(t, "POST", "/v1/events", token, map[string]any{"type": "contact.deleted", "data": map[string]any{"id": 20 + i}}, http.StatusAccepted, nil)
	}
	hh.do(t, "GET", fmt.Sprintf("/v1/deliveries?webhook_id=%d&state=held", wh.ID), token, nil, http.StatusOK, &deliveries)
	if got, want := len(deliveries.Data), 2; got != want {
		t.Fatalf("held deliveries = %d, want %d", got, want)
	}
	hh.do(t, "PATCH", fmt.Sprintf("/v1/webhooks/%d", wh.ID), token, map[string]any{"state": "active"}, http.StatusOK, nil)
	rcv.WaitN(t, 7)

	// The failed delivery comes back with a recovery.
	hh.do(t, "POST", fmt.Sprintf("/v1/webhooks/%d/recover", wh.ID), token, map[string]any{"since": time.Now().Add(-time.Hour).Format(time.RFC3339)}, http.StatusAccepted, nil)
	rcv.WaitN(t, 8)

	// Another tenant sees none of it.
	other := createTenant(t, env, "globex")
	hh.do(t, "GET", fmt.Sprintf("/v1/webhooks/%d", wh.ID), other, nil, http.StatusNotFound, nil)
	hh.do(t, "GET", "/v1/webhooks", "hh_wrong", nil, http.StatusUnauthorized, nil)
}

// hookhub is a running serve command.
type hookhub struct{ base string }

func startServe(t *testing.T, env map[string]string) *hookhub {
	t.Helper()
	c, err := parse("serve", serveUsage, nil, getenv(env), io.Discard, io.Discard, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := server.New(context.Background(), c, slog.New(slog.NewTextHandler(testWriter{t}, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Listen(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve returned %v after shutdown", err)
		}
	})
	return &hookhub{base: "http://" + s.Addr()}
}

func createTenant(t *testing.T, env map[string]string, name string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"tenant", "create", "--name", name}, getenv(env), &out, &errOut); err != nil {
		t.Fatalf("tenant create: %v\n%s", err, errOut.String())
	}
	var res struct{ TenantID, Token string }
	if err := json.Unmarshal(out.Bytes(), &struct {
		TenantID *string `json:"tenant_id"`
		Token    *string `json:"token"`
	}{&res.TenantID, &res.Token}); err != nil || res.TenantID == "" || res.Token == "" {
		t.Fatalf("tenant create printed %q (%v), want {tenant_id, token}", out.String(), err)
	}
	return res.Token
}

func getenv(env map[string]string) func(string) string {
	return func(k string) string { return env[k] }
}

func (h *hookhub) do(t *testing.T, method, path, token string, body any, want int, out any) {
	t.Helper()
	status, b := h.send(t, method, path, token, body)
	if status != want {
		t.Fatalf("%s %s = %d %s, want %d", method, path, status, b, want)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: decode %s: %v", method, path, b, err)
		}
	}
}

// send makes a request, with body as JSON unless nil, and returns the
// status and body whatever they are.
func (h *hookhub) send(t *testing.T, method, path, token string, body any) (int, []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, h.base+path, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func (h *hookhub) waitWebhookState(t *testing.T, token string, id int64, state string) {
	t.Helper()
	var w struct{ State string }
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		h.do(t, "GET", fmt.Sprintf("/v1/webhooks/%d", id), token, nil, http.StatusOK, &w)
		if w.State == state {
			return
		}
	}
	t.Fatalf("webhook %d state = %q, want %q", id, w.State, state)
}

// testWriter sends the server's log to the test's log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func TestCommandErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		env  map[string]string
		want string
	}{
		{nil, nil, "no command given"},
		{[]string{"frobnicate"}, nil, `unknown command "frobnicate"`},
		{[]string{"tenant", "create"}, map[string]string{"HOOKHUB_DB": filepath.Join(t.TempDir(), "x.db")}, "--name is required"},
		{[]string{"serve"}, map[string]string{"HOOKHUB_RETRY_SCALE": "0"}, "retry scale must be greater than 0"},
		{[]string{"serve"}, map[string]string{"HOOKHUB_ADMIN_TOKEN": "short"}, "admin token must be at least 24 characters"},
		{[]string{"serve"}, map[string]string{"HOOKHUB_WORKERS": "lots"}, "HOOKHUB_WORKERS"},
		{[]string{"serve", "--max-body", "10"}, nil, "max body must be at least 1024 bytes"},
		{[]string{"serve"}, map[string]string{"HOOKHUB_PURGE_INTERVAL": "100ms"}, "purge interval must be at least 1s"},
		{[]string{"serve"}, map[string]string{"HOOKHUB_DB": "postgres://u:secret@127.0.0.1:1/x"}, "encryption key is required with PostgreSQL"},
	}
	for _, tt := range tests {
		err := run(context.Background(), tt.args, getenv(tt.env), io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("run(%q) = %v, want an error containing %q", tt.args, err, tt.want)
		}
	}
}
