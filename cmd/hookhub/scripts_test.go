package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hookhub/hookhub/postgres/pgtest"
	"github.com/hookhub/hookhub/secrets"
	"github.com/hookhub/hookhub/webhooktest"
)

// onEachDatabase runs fn against a real serve command on SQLite and on
// PostgreSQL, with a tenant's token; each transform or script run may take
// scriptTimeout.
func onEachDatabase(t *testing.T, scriptTimeout string, fn func(t *testing.T, hh *hookhub, token string)) {
	for _, db := range []string{"sqlite", "postgres"} {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			env := map[string]string{
				"HOOKHUB_ALLOW_PRIVATE_TARGETS": "true",
				"HOOKHUB_RETRY_SCALE":           "0.001",
				"HOOKHUB_POLL_INTERVAL":         "20ms",
				"HOOKHUB_ADDR":                  "127.0.0.1:0",
				"HOOKHUB_SCRIPT_TIMEOUT":        scriptTimeout,
			}
			if db == "sqlite" {
				env["HOOKHUB_DB"] = filepath.Join(t.TempDir(), "hookhub.db")
			} else {
				env["HOOKHUB_DB"] = pgtest.NewDatabase(t)
				env["HOOKHUB_ENCRYPTION_KEY"] = fmt.Sprintf("%x", secrets.GenerateKey())
			}
			token := createTenant(t, env, "acme")
			fn(t, startServe(t, env), token)
		})
	}
}

// createHook registers a webhook and gives the receiver its secret.
func (h *hookhub) createHook(t *testing.T, token string, rcv *webhooktest.Receiver, body map[string]any) int64 {
	t.Helper()
	var wh struct {
		ID     int64  `json:"id"`
		Secret string `json:"secret"`
	}
	h.do(t, "POST", "/v1/webhooks", token, body, http.StatusCreated, &wh)
	if rcv != nil {
		rcv.SetSecret(t, wh.Secret)
	}
	return wh.ID
}

// A filter lets one of two events through; a bad filter is refused with
// its path and operator.
func TestPayloadFilter(t *testing.T) {
	t.Parallel()
	onEachDatabase(t, "1s", func(t *testing.T, hh *hookhub, token string) {
		rcv := webhooktest.New(t)
		id := hh.createHook(t, token, rcv, map[string]any{
			"url": rcv.URL + "/hook", "events": []string{"sale.*"},
			"filter": map[string]any{"data.amount": map[string]any{"$gte": 100}, "data.currency": map[string]any{"$in": []string{"EUR", "USD"}}},
		})
		var got struct {
			Filter map[string]any `json:"filter"`
		}
		hh.do(t, "GET", fmt.Sprintf("/v1/webhooks/%d", id), token, nil, http.StatusOK, &got)
		if got.Filter["data.amount"] == nil {
			t.Errorf("GET webhook filter = %v, want the filter saved", got.Filter)
		}
		var small, big struct {
			Deliveries int `json:"deliveries"`
		}
		hh.do(t, "POST", "/v1/events", token, map[string]any{"type": "sale.changed", "data": map[string]any{"amount": 50, "currency": "EUR"}}, http.StatusAccepted, &small)
		hh.do(t, "POST", "/v1/events", token, map[string]any{"type": "sale.changed", "data": map[string]any{"amount": 150, "currency": "EUR", "n": "big"}}, http.StatusAccepted, &big)
		if small.Deliveries != 0 || big.Deliveries != 1 {
			t.Errorf("deliveries = %d and %d, want 0 and 1", small.Deliveries, big.Deliveries)
		}
		evs := rcv.WaitN(t, 1)
		if !bytes.Contains(evs[0].Body, []byte(`"n":"big"`)) {
			t.Errorf("received %s, want the big sale", evs[0].Body)
		}

		status, body := hh.send(t, "POST", "/v1/webhooks", token, map[string]any{
			"url": rcv.URL + "/hook", "events": []string{"sale.*"},
			"filter": map[string]any{"data.amount": map[string]any{"$gte": true}},
		})
		if status != http.StatusUnprocessableEntity || !strings.Contains(string(body), `"body.filter"`) ||
			!strings.Contains(string(body), `at \"data.amount\": $gte needs a number or a string`) {
			t.Errorf("bad filter = %d %s, want 422 naming body.filter, data.amount and $gte", status, body)
		}
		status, body = hh.send(t, "PATCH", fmt.Sprintf("/v1/webhooks/%d", id), token, map[string]any{
			"filter": map[string]any{"$or": []any{map[string]any{"data.x": map[string]any{"$like": "a"}}}},
		})
		if status != http.StatusUnprocessableEntity || !strings.Contains(string(body), `at \"data.x\": $like is not a known operator`) {
			t.Errorf("bad filter on update = %d %s, want 422 naming data.x and $like", status, body)
		}
		// Removing the filter lets every event through again.
		var cleared struct {
			Filter map[string]any `json:"filter"`
		}
		hh.do(t, "PATCH", fmt.Sprintf("/v1/webhooks/%d", id), token, map[string]any{"filter": nil}, http.StatusOK, &cleared)
		if cleared.Filter != nil {
			t.Errorf("filter after null = %v, want none", cleared.Filter)
		}
		hh.do(t, "POST", "/v1/events", token, map[string]any{"type": "sale.changed", "data": map[string]any{"amount": 1}}, http.StatusAccepted, &small)
		if small.Deliveries != 1 {
			t.Errorf("deliveries without a filter = %d, want 1", small.Deliveries)
		}
	})
}

type attemptOut struct {
	URL     string `json:"url"`
	Request struct {
		Headers map[string]string `json:"headers"`
		Body    string            `json:"body"`
	} `json:"request"`
	Response struct {
		Status int    `json:"status"`
		Body   string `json:"body"`
	} `json:"response"`
	Error   string `json:"error"`
	Success bool   `json:"success"`
}

// waitAttempts waits until the webhook has n deliveries in state, and
// returns their attempts, oldest delivery first.
func (h *hookhub) waitAttempts(t *testing.T, token string, webhookID int64, state string, n int) [][]attemptOut {
	t.Helper()
	var ds struct {
		Data []struct {
			ID int64 `json:"id"`
		} `json:"data"`
	}
	for deadline := time.Now().Add(20 * time.Second); len(ds.Data) < n; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("webhook %d has %d %s deliveries, want %d", webhookID, len(ds.Data), state, n)
		}
		h.do(t, "GET", fmt.Sprintf("/v1/deliveries?webhook_id=%d&state=%s", webhookID, state), token, nil, http.StatusOK, &ds)
	}
	out := make([][]attemptOut, len(ds.Data))
	for i, d := range ds.Data {
		var as struct {
			Data []attemptOut `json:"data"`
		}
		h.do(t, "GET", fmt.Sprintf("/v1/deliveries/%d/attempts", d.ID), token, nil, http.StatusOK, &as)
		out[len(out)-1-i] = as.Data
	}
	return out
}

// A transform rewrites the body and adds a header; the receiver verifies
// the signature of what it got, and the attempt shows the request as sent.
// Another cancels; a third loops forever and is stopped and recorded while
// the server keeps answering. A transform that does not compile is refused
// with its line and column.
func TestTransform(t *testing.T) {
	t.Parallel()
	onEachDatabase(t, "1s", func(t *testing.T, hh *hookhub, token string) {
		rcv := webhooktest.New(t)
		id := hh.createHook(t, token, rcv, map[string]any{
			"url": rcv.URL + "/hook", "events": []string{"contact.*"},
			"transform": `function handler(webhook) {
				webhook.headers["X-Crm-Kind"] = webhook.eventType.split(".")[0];
				webhook.payload = {type: webhook.eventType, data: {who: webhook.payload.data.name.toUpperCase()}};
				webhook.url = webhook.url + "?via=transform";
				if (webhook.payload.data.who === "NOBODY") webhook.cancel = true;
				return webhook;
			}`,
		})
		hh.do(t, "POST", "/v1/events", token, map[string]any{"type": "contact.created", "data": map[string]any{"name": "Ada"}}, http.StatusAccepted, nil)
		ev := rcv.WaitN(t, 1)[0] // WaitN fails on a signature that does not verify
		if string(ev.Body) != `{"type":"contact.created","data":{"who":"ADA"}}` || ev.Header.Get("X-Crm-Kind") != "contact" {
			t.Errorf("received %s with X-Crm-Kind %q, want the transformed body and header", ev.Body, ev.Header.Get("X-Crm-Kind"))
		}
		as := hh.waitAttempts(t, token, id, "succeeded", 1)[0]
		if len(as) != 1 || as[0].Request.Body != string(ev.Body) || as[0].Request.Headers["X-Crm-Kind"] != "contact" ||
			as[0].Request.Headers["Webhook-Signature"] == "" || as[0].URL != rcv.URL+"/hook?via=transform" {
			t.Errorf("attempts = %+v, want the request as sent", as)
		}

		// webhook.cancel sends nothing, and the delivery is done.
		hh.do(t, "POST", "/v1/events", token, map[string]any{"type": "contact.changed", "data": map[string]any{"name": "nobody"}}, http.StatusAccepted, nil)

		// A transform that never ends is stopped at its time limit and
		// recorded as a failed attempt; the server answers meanwhile.
		loop := hh.createHook(t, token, nil, map[string]any{
			"url": rcv.URL + "/loop", "events": []string{"sale.*"}, "retry": map[string]any{"schedule_seconds": []float64{0, 1}},
			"transform": "function handler(webhook) {\n  while (true) {}\n}",
		})
		hh.do(t, "POST", "/v1/events", token, map[string]any{"type": "sale.sold", "data": map[string]any{}}, http.StatusAccepted, nil)
		hh.do(t, "GET", "/v1/webhooks", token, nil, http.StatusOK, nil)
		as = hh.waitAttempts(t, token, loop, "failed", 1)[0]
		if len(as) != 2 || !strings.Contains(as[0].Error, "transform: stopped after the time limit of 1s") || as[0].Success {
			t.Errorf("attempts of the looping transform = %+v, want two stopped at the time limit", as)
		}

		as = hh.waitAttempts(t, token, id, "succeeded", 2)[1]
		if len(as) != 1 || as[0].Error != "cancelled by the transform; nothing was sent" || !as[0].Success || as[0].Response.Status != 0 {
			t.Errorf("attempts of the cancelled delivery = %+v, want one cancelled", as)
		}
		if n := len(rcv.Events()); n != 1 {
			t.Errorf("receiver got %d events, want 1 (the cancelled one sends nothing)", n)
		}

		status, body := hh.send(t, "POST", "/v1/webhooks", token, map[string]any{
			"url": rcv.URL + "/hook", "events": []string{"contact.*"}, "transform": "function handler(webhook) {\n  return webhook.;\n}",
		})
		if status != http.StatusUnprocessableEntity || !strings.Contains(string(body), `"body.transform"`) || !strings.Contains(string(body), "line 2, column 18") {
			t.Errorf("bad transform = %d %s, want 422 naming body.transform, line 2, column 18", status, body)
		}
	})
}

// A script webhook runs on each event: it logs, fetches through the egress
// rules, adds an activity to a contact and publishes an event that another
// webhook receives. Each run is an attempt with input, output and logs; a
// script that throws is a failed try, retried. A script that does not
// compile is refused with its line and column.
func TestScriptWebhook(t *testing.T) {
	t.Parallel()
	// The script writes to the database through hookhub's functions, whose
	// time counts: a loaded test machine needs room.
	onEachDatabase(t, "20s", func(t *testing.T, hh *hookhub, token string) {
		lookup := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, `{"score": %d}`, len(r.URL.Query().Get("email")))
		}))
		t.Cleanup(lookup.Close)
		rcv := webhooktest.New(t)
		hh.createHook(t, token, rcv, map[string]any{"url": rcv.URL + "/sales", "events": []string{"sale.created"}})
		id := hh.createHook(t, token, nil, map[string]any{
			"type": "script", "events": []string{"sale.sold"}, "properties": map[string]any{"source": "crm"},
			"script": `function handler(event, hookhub) {
				hookhub.log("contact", event.data.email, "from", event.source);
				const r = hookhub.fetch("` + lookup.URL + `/score?email=" + encodeURIComponent(event.data.email));
				const score = JSON.parse(r.body).score;
				const act = hookhub.addActivity({email: event.data.email, type: "scored", data: {score: score}});
				const p = hookhub.publish("sale.created", {contact_id: act.contact_id, score: score});
				try { hookhub.publish("sale.sold", {}) } catch (e) { hookhub.log(e.message) }
				if (event.data.fail) throw new Error("asked to fail");
				return {score: score, event_id: p.id};
			}`,
		})
		hh.do(t, "POST", "/v1/events", token, map[string]any{"type": "sale.sold", "data": map[string]any{"email": "ada@example.com"}}, http.StatusAccepted, nil)
		ev := rcv.Wait(t, "sale.created")["sale.created"]
		if !bytes.Contains(ev.Data, []byte(`"score":15`)) {
			t.Errorf("published event data = %s, want the score from the fetch", ev.Data)
		}
		as := hh.waitAttempts(t, token, id, "succeeded", 1)[0]
		if len(as) != 1 || !as[0].Success || !strings.Contains(as[0].Request.Body, `"email":"ada@example.com"`) ||
			!strings.Contains(as[0].Request.Body, `"source":"crm"`) ||
			!strings.Contains(as[0].Response.Body, `"output":{"score":15,"event_id":`) ||
			!strings.Contains(as[0].Response.Body, `"logs":["contact ada@example.com from crm","publish: this webhook subscribes to \"sale.sold\" itself`) {
			t.Errorf("attempts = %+v, want one with the event, output and logs", as)
		}
		var acts struct {
			Data []struct {
				Type string          `json:"type"`
				Data json.RawMessage `json:"data"`
			} `json:"data"`
		}
		hh.do(t, "GET", "/v1/activities?type=scored", token, nil, http.StatusOK, &acts)
		if len(acts.Data) != 1 || string(acts.Data[0].Data) != `{"score":15}` {
			t.Errorf("activities = %+v, want the one the script added", acts.Data)
		}

		// A script that throws is a failed try, retried on the schedule.
		hh.do(t, "PATCH", fmt.Sprintf("/v1/webhooks/%d", id), token, map[string]any{"retry": map[string]any{"schedule_seconds": []float64{0, 1}}}, http.StatusOK, nil)
		hh.do(t, "POST", "/v1/events", token, map[string]any{"type": "sale.sold", "data": map[string]any{"email": "b@example.com", "fail": true}}, http.StatusAccepted, nil)
		as = hh.waitAttempts(t, token, id, "failed", 1)[0]
		if len(as) != 2 || as[0].Success || !strings.Contains(as[0].Error, "script: Error: asked to fail") {
			t.Errorf("attempts of the failing run = %+v, want two failed with the error", as)
		}
		var wh struct {
			TotalErrors int `json:"total_errors"`
		}
		hh.do(t, "GET", fmt.Sprintf("/v1/webhooks/%d", id), token, nil, http.StatusOK, &wh)
		if wh.TotalErrors != 2 {
			t.Errorf("total_errors = %d, want 2", wh.TotalErrors)
		}

		for _, tt := range []struct {
			body map[string]any
			want string
		}{
			{map[string]any{"type": "script", "events": []string{"contact.*"}, "script": "function handler(event) {\n  if (\n}"}, `line 3, column 1`},
			{map[string]any{"type": "script", "events": []string{"contact.*"}}, `is required for a webhook of type script`},
			{map[string]any{"url": rcv.URL, "events": []string{"contact.*"}, "script": "function handler() {}"}, `is for webhooks of type script`},
		} {
			status, body := hh.send(t, "POST", "/v1/webhooks", token, tt.body)
			if status != http.StatusUnprocessableEntity || !strings.Contains(string(body), `"body.script"`) || !strings.Contains(string(body), tt.want) {
				t.Errorf("bad script = %d %s, want 422 naming body.script: %s", status, body, tt.want)
			}
		}
	})
}
