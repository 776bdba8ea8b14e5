package main

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hookhub/hookhub/client"
	"github.com/hookhub/hookhub/webhooktest"
)

// syncBuffer is a buffer written by one goroutine and read by another.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor waits until the buffer matches re and returns the match.
func waitFor(t *testing.T, b *syncBuffer, re *regexp.Regexp) []string {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if m := re.FindStringSubmatch(b.String()); m != nil {
			return m
		}
	}
	t.Fatalf("no %s in %q", re, b.String())
	return nil
}

// TestListen runs "hookhub listen" against a real server: the session is a
// webhook of the tenant while it lasts; a published event reaches the
// local server signed (verified with the reference library), a line is
// printed, and the local status becomes the attempt's; Ctrl-C deletes the
// webhook.
func TestListen(t *testing.T) {
	t.Parallel()
	e := newClientEnv(t)
	var nt struct {
		Token string `json:"token"`
	}
	e.cmdJSON(t, &nt, "tenants", "create", "--name", "dev")
	e.env["HOOKHUB_TOKEN"] = nt.Token
	c := client.New(e.env["HOOKHUB_URL"], nt.Token)
	local := webhooktest.New(t)

	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"listen", "--events", "contact.*", "--forward-to", local.URL + "/hooks"}, getenv(e.env), &out, &errOut)
	}()
	m := waitFor(t, &errOut, regexp.MustCompile(`as webhook (\d+);.*\nsigning secret: (whsec_\S+)`))
	local.SetSecret(t, m[2])

	ws, err := c.ListWebhooks(t.Context(), client.WebhookFilter{})
	if err != nil || len(ws) != 1 || !strings.Contains(ws[0].Name, "hookhub listen") || ws[0].State != "active" {
		t.Fatalf("webhooks while listening = %+v, %v; want the session's", ws, err)
	}
	res, err := c.SendEvent(t.Context(), client.EventSend{Type: "contact.created", Data: json.RawMessage(`{"id": 42}`)})
	if err != nil {
		t.Fatal(err)
	}
	c.SendEvent(t.Context(), client.EventSend{Type: "sale.sold", Data: json.RawMessage(`{}`)}) // not listened to
	got := local.WaitN(t, 1)
	if got[0].Type != "contact.created" {
		t.Errorf("forwarded %s, want contact.created", got[0].Type)
	}
	line := waitFor(t, &out, regexp.MustCompile(`\d\d:\d\d:\d\d  contact.created\s+(\S+)  200  \d+ms`))
	if line[1] != got[0].ID {
		t.Errorf("printed id %s, want the webhook-id %s", line[1], got[0].ID)
	}
	waitDelivery(t, c, res.ID, func(d client.Delivery) bool { return d.State == "succeeded" && d.LastStatus == 200 })

	// The local server fails: its status is the attempt's.
	local.Fail.Store(true)
	res, err = c.SendEvent(t.Context(), client.EventSend{Type: "contact.changed", Data: json.RawMessage(`{"id": 42}`)})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, &out, regexp.MustCompile(`contact.changed\s+\S+  500  `))
	waitDelivery(t, c, res.ID, func(d client.Delivery) bool { return d.LastStatus == 500 && d.State != "succeeded" })

	cancel() // Ctrl-C
	if err := <-done; err != nil {
		t.Errorf("listen returned %v after Ctrl-C, want nil", err)
	}
	if ws, err := c.ListWebhooks(t.Context(), client.WebhookFilter{}); err != nil || len(ws) != 0 {
		t.Errorf("webhooks after Ctrl-C = %+v, %v; want none", ws, err)
	}
}

// waitDelivery waits until the event's one delivery is as ok wants.
func waitDelivery(t *testing.T, c *client.Client, eventID int64, ok func(client.Delivery) bool) {
	t.Helper()
	var last []client.Delivery
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		ds, err := c.ListDeliveries(t.Context(), client.DeliveryFilter{EventID: eventID})
		if err != nil {
			t.Fatal(err)
		}
		if last = ds.Data; len(last) == 1 && ok(last[0]) {
			return
		}
	}
	t.Fatalf("deliveries of event %d = %+v", eventID, last)
}
