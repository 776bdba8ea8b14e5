package main

import (
	"bytes"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

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

