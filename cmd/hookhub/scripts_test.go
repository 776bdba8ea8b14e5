package main

import (
	"bytes"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hookhub/hookhub/postgres/pgtest"
	"github.com/hookhub/hookhub/secrets"
	"github.com/hookhub/hookhub/webhooktest"
)

// onEachDatabase runs fn against a real serve command on SQLite and on
// PostgreSQL, with a tenant's token.
func onEachDatabase(t *testing.T, fn func(t *testing.T, hh *hookhub, token string)) {
	for _, db := range []string{"sqlite", "postgres"} {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			env := map[string]string{
				"HOOKHUB_ALLOW_PRIVATE_TARGETS": "true",
				"HOOKHUB_RETRY_SCALE":           "0.001",
				"HOOKHUB_POLL_INTERVAL":         "20ms",
				"HOOKHUB_ADDR":                  "127.0.0.1:0",
				"HOOKHUB_SCRIPT_TIMEOUT":        "200ms",
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
	onEachDatabase(t, func(t *testing.T, hh *hookhub, token string) {
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
	onEachDatabase(t, func(t *testing.T, hh *hookhub, token string) {
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
		if len(as) != 2 || !strings.Contains(as[0].Error, "transform: stopped after the time limit of 200ms") || as[0].Success {
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
