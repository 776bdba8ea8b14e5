package tilby_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/hookhubtest"
)

// delivery returns the one delivery of a webhook once it has made tries
// and is not in flight.
func (e *env) delivery(t *testing.T, webhookID int64, tries int) *hookhub.Delivery {
	t.Helper()
	var d *hookhub.Delivery
	hookhubtest.Eventually(t, fmt.Sprintf("try %d of webhook %d's delivery", tries, webhookID), func() bool {
		ds, err := e.store.ListDeliveries(context.Background(), e.actor.TenantID, hookhub.DeliveryFilter{WebhookID: webhookID})
		if err != nil {
			t.Fatal(err)
		}
		if len(ds) != 1 {
			return false
		}
		d = ds[0]
		return d.Attempts == tries && d.State != hookhub.DeliveryInFlight
	})
	return d
}

func (e *env) attempts(t *testing.T, webhookID int64) []*hookhub.Attempt {
	t.Helper()
	as, err := e.store.ListAttempts(context.Background(), e.actor.TenantID, hookhub.AttemptFilter{WebhookID: webhookID})
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(as) // oldest first
	return as
}

// TestRetriesAndMail: a failing receiver is tried 4 times, 15 minutes
// apart (read in the stored next try, with the clock moved by hand); every
// failed try is e-mailed with the request body, and then a separate, final
// e-mail with the body says the message reached the retry limit.
func TestRetriesAndMail(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	rc := newReceiver(t)
	rc.status.Store(500)
	w := e.create(t, e.token, rc.srv.URL+"/sales", "sales", "closed")
	e.must(t, 202, "POST", "/v1/events", e.token, map[string]any{"type": "sales.closed", "data": map[string]any{"id": 7, "final_amount": 12.5}}, nil)

	start := e.clock.Now()
	for try := 1; try <= 4; try++ {
		d := e.delivery(t, w.ID, try)
		if try < 4 {
			if want := start.Add(time.Duration(try) * 15 * time.Minute); d.State != hookhub.DeliveryPending || !d.RunAt.Equal(want) {
				t.Fatalf("after try %d: %s, next try at %s, want pending at %s (15 minutes later)", try, d.State, d.RunAt, want)
			}
			e.clock.Add(15 * time.Minute)
			e.engine.Wake()
		} else if d.State != hookhub.DeliveryFailed {
			t.Fatalf("after try 4: %s, want failed: 3 retries and no more", d.State)
		}
	}
	as := e.attempts(t, w.ID)
	if len(as) != 4 {
		t.Fatalf("%d attempts, want 4", len(as))
	}
	for i, a := range as {
		if a.Success || a.Status != 500 || !a.StartedAt.Equal(start.Add(time.Duration(i)*15*time.Minute)) {
			t.Errorf("attempt %d: success %v, status %d at %s", i+1, a.Success, a.Status, a.StartedAt)
		}
	}

	// One e-mail per failed try and the final one, each with the request
	// body; they may arrive in any order when several wait in the outbox
	// together.
	msgs := e.smtp.WaitFor(t, 5, hookhubtest.WaitTimeout)
	var subjects []string
	for _, m := range msgs {
		subjects = append(subjects, m.Subject)
		if !slices.Equal(m.To, []string{"dev@example.com"}) {
			t.Errorf("e-mail %q to %v", m.Subject, m.To)
		}
		if !strings.Contains(m.Text, string(as[0].RequestBody)) || !strings.Contains(m.Text, `"final_amount":12.5`) {
			t.Errorf("e-mail %q lacks the request body:\n%s", m.Subject, m.Text)
		}
		switch {
		case strings.Contains(m.Subject, "retry limit"):
			if !strings.Contains(m.Text, "reached the retry limit after 4 tries") {
				t.Errorf("final e-mail:\n%s\nwant it to say the message reached the retry limit", m.Text)
			}
		case strings.Contains(m.Subject, "try 4"):
			if !strings.Contains(m.Text, "it was the last try") || strings.Contains(m.Text, "retry limit") {
				t.Errorf("e-mail of the last try:\n%s\nwant it to tell of the try only", m.Text)
			}
		default:
			if !strings.Contains(m.Text, "it will be tried again") {
				t.Errorf("e-mail %q:\n%s\nwant it to say the message will be tried again", m.Subject, m.Text)
			}
		}
	}
	slices.Sort(subjects)
	want := []string{
		`Webhook "Tilby sales.closed": message reached the retry limit`,
		`Webhook "Tilby sales.closed": try 1 failed`,
		`Webhook "Tilby sales.closed": try 2 failed`,
		`Webhook "Tilby sales.closed": try 3 failed`,
		`Webhook "Tilby sales.closed": try 4 failed`,
	}
	if !slices.Equal(subjects, want) {
		t.Errorf("e-mails %q, want %q", subjects, want)
	}
}

// TestOnly200 : 201 and 204 are failures, retried; 200 succeeds.
func TestOnly200(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	rc := newReceiver(t)
	w := e.create(t, e.token, rc.srv.URL, "items", "updated")
	rc.status.Store(201)
	e.must(t, 202, "POST", "/v1/events", e.token, map[string]any{"type": "items.updated", "data": map[string]any{"id": 1}}, nil)
	for try, next := range []int32{204, 200} {
		e.delivery(t, w.ID, try+1)
		rc.status.Store(next)
		e.clock.Add(15 * time.Minute)
		e.engine.Wake()
	}
	if d := e.delivery(t, w.ID, 3); d.State != hookhub.DeliverySucceeded {
		t.Fatalf("after 201, 204 and 200: %s, want succeeded", d.State)
	}
	var got []string
	for _, a := range e.attempts(t, w.ID) {
		got = append(got, fmt.Sprintf("%d %v", a.Status, a.Success))
	}
	if want := []string{"201 false", "204 false", "200 true"}; !slices.Equal(got, want) {
		t.Errorf("attempts = %v, want %v", got, want)
	}
	msgs := e.smtp.WaitFor(t, 2, hookhubtest.WaitTimeout)
	for _, m := range msgs {
		if strings.Contains(m.Subject, "retry limit") {
			t.Errorf("e-mail %q: the message succeeded in the end", m.Subject)
		}
	}
}

// TestEventBody: one event arrives as Tilby's message with the entity as
// data, as published.
func TestEventBody(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	rc := newReceiver(t)
	w := e.create(t, e.token, rc.srv.URL, "sales", "closed")
	data := `{"id":7,"note":"<b>Tom & Jerry</b>","final_amount":12.5}`
	var pub struct{ ID int64 }
	e.must(t, 202, "POST", "/v1/events", e.token, `{"type":"sales.closed","data":`+data+`}`, &pub)
	e.delivery(t, w.ID, 1)
	_, ds := rc.got()
	if len(ds) != 1 {
		t.Fatalf("%d deliveries, want 1", len(ds))
	}
	r := ds[0]
	var keys []string
	for k := range r.msg {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if want := []string{"client_id", "data", "entity_name", "environment_id", "event_type", "message_id", "time", "type"}; !slices.Equal(keys, want) {
		t.Errorf("body %s has %v, want %v", r.body, keys, want)
	}
	if r.str("type") != "CLOSED" || r.str("entity_name") != "sales" || r.str("event_type") != "closed" ||
		r.str("environment_id") != e.actor.TenantID || r.str("client_id") != e.actor.ID ||
		r.str("message_id") != fmt.Sprintf("msg_%d", pub.ID) || r.str("time") != e.clock.Now().UTC().Format("2006-01-02T15:04:05.000Z") {
		t.Errorf("body %s", r.body)
	}
	if got := string(r.msg["data"]); got != data {
		t.Errorf("data = %s, want %s as published", got, data)
	}
}

// TestImport: an import of 200 customers arrives as 80 + 80 + 40.
func TestImport(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	rc := newReceiver(t)
	e.create(t, e.token, rc.srv.URL, "customers", "created")
	entities := make([]map[string]any, 200)
	for i := range entities {
		entities[i] = map[string]any{"id": i + 1, "first_name": fmt.Sprint("Customer ", i+1)}
	}
	e.must(t, 202, "POST", "/v1/events/batch", e.token, map[string]any{"type": "customers.created", "entities": entities}, nil)

	var ds []request
	hookhubtest.Eventually(t, "3 import requests", func() bool {
		_, ds = rc.got()
		return len(ds) >= 3
	})
	if len(ds) != 3 {
		t.Fatalf("%d requests, want 3", len(ds))
	}
	type part struct {
		Type          string `json:"type"`
		EntityName    string `json:"entity_name"`
		EventType     string `json:"event_type"`
		EnvironmentID string `json:"environment_id"`
		ClientID      string `json:"client_id"`
		Import        bool   `json:"import"`
		Batch         struct {
			ID                 string
			Part, Parts, Total int
		} `json:"batch"`
		Entities []struct {
			ID int `json:"id"`
		} `json:"entities"`
		Data json.RawMessage `json:"data"`
	}
	parts := make([]part, 3)
	for _, r := range ds {
		var p part
		if err := json.Unmarshal(r.body, &p); err != nil {
			t.Fatal(err)
		}
		if p.Batch.Part < 1 || p.Batch.Part > 3 {
			t.Fatalf("body %s: part %d", r.body, p.Batch.Part)
		}
		parts[p.Batch.Part-1] = p
	}
	next := 1
	for i, p := range parts {
		if want := []int{80, 80, 40}[i]; len(p.Entities) != want {
			t.Errorf("part %d: %d entities, want %d", i+1, len(p.Entities), want)
		}
		if p.Type != "CREATED" || p.EntityName != "customers" || p.EventType != "created" || !p.Import || p.Data != nil ||
			p.Batch.Parts != 3 || p.Batch.Total != 200 || p.Batch.ID != parts[0].Batch.ID ||
			p.EnvironmentID != e.actor.TenantID || p.ClientID != e.actor.ID {
			t.Errorf("part %d = %+v", i+1, p)
		}
		for _, c := range p.Entities {
			if c.ID != next {
				t.Fatalf("part %d: customer %d, want %d (all 200 in order)", i+1, c.ID, next)
			}
			next++
		}
	}
}
