package salesiq_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/hookhub/hookhub/hookhubtest"
	"github.com/hookhub/hookhub/salesiq"
)

const app = "8000000000047"

// Every SalesIQ event, published through the native API with its example
// entity, reaches the webhooks of its module in SalesIQ's envelope, signed
// with the webhook's key: verified with crypto/rsa from the public PEM the
// API returned, and once with the openssl command line.
func TestSignedDeliveries(t *testing.T) { onEachStore(t, signedDeliveries) }

func signedDeliveries(t *testing.T, e *env) {
	rc := newReceiver(t)
	var dataEvents, adminEvents []string
	for _, typ := range salesiq.EventTypes() {
		if strings.HasPrefix(typ, "department.") || strings.HasPrefix(typ, "operator.") {
			adminEvents = append(adminEvents, typ)
		} else {
			dataEvents = append(dataEvents, typ)
		}
	}
	data := e.create(t, map[string]any{
		"webhook": map[string]any{"url": rc.srv.URL + "/data", "secured": true}, "published": true,
		"events": dataEvents, "app_ids": []string{app},
	})
	admin := e.create(t, map[string]any{"webhook": map[string]any{"url": rc.srv.URL + "/admin", "secured": true}, "events": adminEvents})
	plain := e.create(t, map[string]any{"webhook": map[string]any{"url": rc.srv.URL + "/plain", "secured": false}, "events": adminEvents})
	dataKey, adminKey := e.newKey(t, data.ID), e.newKey(t, admin.ID)
	e.newKey(t, plain.ID) // a key, but not secured: unsigned
	if dataKey.ID == adminKey.ID || dataKey.WebhookID != data.ID || dataKey.Algorithm != "SHA256withRSA" || dataKey.CreatedTime == "" {
		t.Errorf("keys = %+v and %+v", dataKey, adminKey)
	}

	// The catalogue's examples are the entities.
	var types struct {
		Data []struct {
			Name    string          `json:"name"`
			Example json.RawMessage `json:"example"`
		} `json:"data"`
	}
	e.native(t, "GET", "/v1/event-types", nil, &types)
	examples := map[string]json.RawMessage{}
	for _, et := range types.Data {
		examples[et.Name] = et.Example
	}
	for _, typ := range salesiq.EventTypes() {
		body := map[string]any{"type": typ, "data": examples[typ], "entity_id": "ent-" + typ}
		if strings.HasPrefix(typ, "conversation.") || strings.HasPrefix(typ, "visitor.") {
			body["app_id"] = app
		}
		e.native(t, "POST", "/v1/events", body, nil)
	}
	// An event of another app reaches no SalesIQ webhook.
	var other struct {
		Deliveries int `json:"deliveries"`
	}
	e.native(t, "POST", "/v1/events", map[string]any{"type": "visitor.updated", "app_id": "999", "data": examples["visitor.updated"]}, &other)
	if other.Deliveries != 0 {
		t.Errorf("event of another app: %d deliveries, want 0", other.Deliveries)
	}

	check := func(path string, events []string, key *key, isData bool) {
		got := rc.wait(t, path, len(events))
		if len(got) != len(events) {
			t.Errorf("%s got %d requests, want %d", path, len(got), len(events))
		}
		seen := map[string]bool{}
		for _, r := range got {
			env := r.envelope(t)
			seen[env.Event] = true
			if key != nil {
				verify(t, publicKey(t, key.PublicKey), r)
			} else if sig := r.header.Get("x-siqsignature"); sig != "" {
				t.Errorf("%s: unsecured webhook's request has x-siqsignature %q", path, sig)
			}
			if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type = %q", ct)
			}
			entityType, _, _ := strings.Cut(env.Event, ".")
			if env.Version != "1" || env.OrgID != e.tenant || env.Attempt != 1 || env.EntityType != entityType ||
				env.EntityID != "ent-"+env.Event || env.ModifiedFields == nil || len(env.ModifiedFields) != 0 {
				t.Errorf("%s: envelope %s", path, r.body)
			}
			if ms, err := env.EventTime.Int64(); err != nil || ms < 1e12 {
				t.Errorf("event_time = %s, want milliseconds since the epoch", env.EventTime)
			}
			if isData != (string(env.AppID) == app) { // a JSON number, as in SalesIQ's examples
				t.Errorf("%s: app_id = %s in %s", path, env.AppID, r.body)
			}
			if ex := examples[env.Event]; string(ex) == "null" {
				if env.Entity != nil || bytes.Contains(r.body, []byte(`"entity":`)) {
					t.Errorf("%s: deleted entity sent as %s", env.Event, env.Entity)
				}
			} else if !sameJSON(env.Entity, ex) {
				t.Errorf("%s: entity %s, want the example %s", env.Event, env.Entity, ex)
			}
		}
		for _, ev := range events {
			if !seen[ev] {
				t.Errorf("%s never got %s", path, ev)
			}
		}
	}
	check("/data", dataEvents, &dataKey, true)
	check("/admin", adminEvents, &adminKey, false)
	check("/plain", adminEvents, nil, false)

	// The envelope's members come in SalesIQ's order.
	first := rc.on("/data")[0].body
	order := []string{`"version"`, `"event"`, `"event_time"`, `"org_id"`, `"app_id"`, `"attempt"`, `"entity_type"`, `"entity_id"`, `"entity"`, `"modified_fields"`}
	last := -1
	for _, k := range order {
		i := bytes.Index(first, []byte(k+":"))
		if i <= last {
			t.Fatalf("%s is out of order in %s", k, first)
		}
		last = i
	}

	t.Run("openssl", func(t *testing.T) {
		openssl(t, dataKey.PublicKey, rc.on("/data")[0])
	})
}

// openssl checks a request's signature with the openssl command line, as
// SalesIQ's documentation has receivers do, and that a changed body fails.
func openssl(t *testing.T, pubPEM string, r request) {
	bin, err := exec.LookPath("openssl")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("openssl is not installed; CI must check signatures with it")
		}
		t.Skip("openssl is not installed")
	}
	dir := t.TempDir()
	sig, err := base64.StdEncoding.DecodeString(r.header.Get("x-siqsignature"))
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{"pub.pem": []byte(pubPEM), "sig.bin": sig, "body.json": r.body, "changed.json": append(bytes.Clone(r.body[:len(r.body)-1]), ' ', '}')} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	run := func(body string) (string, error) {
		cmd := exec.Command(bin, "dgst", "-sha256", "-verify", "pub.pem", "-signature", "sig.bin", body)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := run("body.json"); err != nil || !strings.Contains(out, "Verified OK") {
		t.Errorf("openssl dgst -verify: %v: %s", err, out)
	}
	if out, err := run("changed.json"); err == nil || strings.Contains(out, "Verified OK") {
		t.Errorf("openssl verified a changed body: %s", out)
	}
}

// A disabled (unpublished) webhook gets nothing; its events are kept and
// sent once it is published again.
func TestDisabledKeepsEvents(t *testing.T) { onEachStore(t, disabledKeepsEvents) }

func disabledKeepsEvents(t *testing.T, e *env) {
	rc := newReceiver(t)
	w := e.create(t, map[string]any{
		"webhook": map[string]any{"url": rc.srv.URL + "/hook"}, "published": false,
		"events": []string{"visitor.updated"}, "app_ids": []string{app},
	})
	if w.Published || w.State != "stopped" || w.Status != "disabled" {
		t.Fatalf("webhook = %+v, want unpublished", w)
	}
	for range 2 {
		e.publish(t, "visitor.updated", app, map[string]any{"id": "30000000095001"})
	}
	var ds struct {
		Data []struct {
			State string `json:"state"`
		} `json:"data"`
	}
	e.native(t, "GET", "/v1/deliveries?webhook_id="+w.ID, nil, &ds)
	if len(ds.Data) != 2 || ds.Data[0].State != "held" || ds.Data[1].State != "held" {
		t.Fatalf("deliveries = %+v, want 2 held", ds.Data)
	}
	if got := rc.on("/hook"); len(got) != 0 {
		t.Fatalf("a disabled webhook got %d requests", len(got))
	}
	e.data(t, "PUT", path(w.ID), map[string]any{"published": true}, nil)
	for _, r := range rc.wait(t, "/hook", 2) {
		if env := r.envelope(t); env.Event != "visitor.updated" || env.Attempt != 1 || env.EntityID != "30000000095001" {
			t.Errorf("envelope %s", r.body)
		}
	}
}

// Failed tries are retried (3 times at most, attempt counting up), and the
// failures are readable in the error log and counted on the webhook.
func TestRetriesAndErrorLog(t *testing.T) {
	t.Parallel()
	e := setup(t)
	rc := newReceiver(t)
	w := e.create(t, map[string]any{
		"webhook": map[string]any{"url": rc.srv.URL + "/hook", "secured": true},
		"events":  []string{"department.updated"},
	})
	k := e.newKey(t, w.ID)
	pub := publicKey(t, k.PublicKey)

	rc.fail(500, 2)
	first := e.publish(t, "department.updated", "", map[string]any{"id": "6000000009015"})
	got := rc.wait(t, "/hook", 3)
	for i, r := range got {
		if env := r.envelope(t); env.Attempt != i+1 || env.EntityID != "6000000009015" {
			t.Errorf("try %d: envelope %s, want attempt %d", i+1, r.body, i+1)
		}
		verify(t, pub, r)
		// The same delivery id on every try, for receivers to drop duplicates.
		if got, want := r.header.Get("x-hookhub-event-id"), "msg_"+itoa(first); got != want {
			t.Errorf("try %d: x-hookhub-event-id = %q, want %q", i+1, got, want)
		}
	}

	type logEntry struct {
		ID      string `json:"id"`
		Time    string `json:"time"`
		Attempt int    `json:"attempt"`
		Status  int    `json:"status"`
		Error   string `json:"error"`
		EventID string `json:"event_id"`
	}
	var log []logEntry
	hookhubtest.Eventually(t, "2 entries in the error log", func() bool {
		e.data(t, "GET", path(w.ID, "/errorlogs"), nil, &log)
		return len(log) == 2
	})
	for i, l := range log { // newest first
		if l.Attempt != 2-i || l.Status != 500 || l.Error != "receiver answered 500" || l.Time == "" || l.EventID == "" {
			t.Errorf("error log[%d] = %+v", i, l)
		}
	}
	var page []logEntry
	e.data(t, "GET", path(w.ID, "/errorlogs?limit=1"), nil, &page)
	if len(page) != 1 || page[0].ID != log[0].ID {
		t.Errorf("limit=1: %+v", page)
	}
	e.data(t, "GET", path(w.ID, "/errorlogs?limit=1&before=", log[0].ID), nil, &page)
	if len(page) != 1 || page[0].ID != log[1].ID {
		t.Errorf("before=%s: %+v", log[0].ID, page)
	}
	e.wantError(t, "GET", path(w.ID, "/errorlogs?limit=0"), e.token, nil, 422, 1008)

	var shown webhook
	hookhubtest.Eventually(t, "the webhook's dashboard figures", func() bool {
		e.data(t, "GET", path(w.ID), nil, &shown)
		return shown.Failures == 2 && shown.LastTriggeredTime != nil
	})

	// A receiver that never recovers gets the first try and 3 retries.
	rc.fail(503, 1000)
	id := e.publish(t, "department.updated", "", map[string]any{"id": "second"})
	hookhubtest.Eventually(t, "the delivery to fail for good", func() bool {
		var ds struct {
			Data []struct {
				State    string `json:"state"`
				Attempts int    `json:"attempts"`
			} `json:"data"`
		}
		e.native(t, "GET", "/v1/events/"+itoa(id)+"/deliveries", nil, &ds)
		return len(ds.Data) == 1 && ds.Data[0].State == "failed" && ds.Data[0].Attempts == 4
	})
	n := 0
	for _, r := range rc.on("/hook") {
		if env := r.envelope(t); env.EntityID == "second" {
			n++
			if env.Attempt != n {
				t.Errorf("try %d has attempt %d", n, env.Attempt)
			}
			if got, want := r.header.Get("x-hookhub-event-id"), "msg_"+itoa(id); got != want {
				t.Errorf("another event's try %d: x-hookhub-event-id = %q, want %q", n, got, want)
			}
		}
	}
	if n != 4 {
		t.Errorf("a failing receiver got %d tries, want 4 (the first and 3 retries)", n)
	}

	// SalesIQ.webhooks.READ alone reads the error log, as in SalesIQ; a
	// token without it cannot, whatever else it may do.
	token := func(scopes ...string) string {
		var tok struct {
			Token string `json:"token"`
		}
		e.native(t, "POST", "/v1/tokens", map[string]any{"scopes": scopes}, &tok)
		return tok.Token
	}
	status, b := e.do(t, "GET", path(w.ID, "/errorlogs"), token("SalesIQ.webhooks.READ"), nil)
	var read struct{ Data []logEntry }
	if err := json.Unmarshal(b, &read); status != 200 || err != nil || len(read.Data) != len(log)+4 {
		t.Errorf("error log with SalesIQ.webhooks.READ only = %d %s, want 200 with %d entries", status, b, len(log)+4)
	}
	err := e.wantError(t, "GET", path(w.ID, "/errorlogs"), token("events.read", "SalesIQ.webhooks.CREATE"), nil, 403, 1007)
	if !strings.Contains(err.Message, "SalesIQ.webhooks.READ") {
		t.Errorf("forbidden error log: %q, want it to name SalesIQ.webhooks.READ", err.Message)
	}
}

// Making a key again replaces the old one. Deleting the key of a secured
// webhook gives it a new one at once, so that its requests stay signed;
// deleting the key of an unsecured webhook leaves it without one.
func TestKeys(t *testing.T) { onEachStore(t, keys) }

func keys(t *testing.T, e *env) {
	rc := newReceiver(t)
	w := e.create(t, map[string]any{"webhook": map[string]any{"url": rc.srv.URL + "/hook", "secured": true}, "events": []string{"operator.deleted"}})
	if w.Key == nil {
		t.Fatalf("secured webhook made without a key: %+v", w)
	}
	first := e.newKey(t, w.ID)
	second := e.newKey(t, w.ID)
	if first.ID == second.ID || first.PublicKey == second.PublicKey || first.ID == w.Key.ID {
		t.Fatal("a new key is an old one again")
	}
	var keys []key
	e.data(t, "GET", path(w.ID, "/keys"), nil, &keys)
	if len(keys) != 1 || !reflect.DeepEqual(keys[0], second) {
		t.Errorf("keys = %+v, want only the second", keys)
	}
	var shown webhook
	e.data(t, "GET", path(w.ID), nil, &shown)
	if shown.Key == nil || shown.Key.ID != second.ID || strings.Contains(string(mustJSON(t, shown)), "PRIVATE") {
		t.Errorf("webhook key = %+v", shown.Key)
	}
	e.wantError(t, "DELETE", path(w.ID, "/keys/", first.ID), e.token, nil, 404, 1009)

	e.publish(t, "operator.deleted", "", nil)
	verify(t, publicKey(t, second.PublicKey), rc.wait(t, "/hook", 1)[0])

	// Secured: the deleted key is replaced by a new one, shown in the answer.
	var deleted struct {
		ID         string `json:"id"`
		Deleted    bool   `json:"deleted"`
		ReplacedBy *key   `json:"replaced_by"`
	}
	e.data(t, "DELETE", path(w.ID, "/keys/", second.ID), nil, &deleted)
	third := deleted.ReplacedBy
	if deleted.ID != second.ID || !deleted.Deleted || third == nil || third.ID == second.ID || third.PublicKey == second.PublicKey {
		t.Fatalf("deleting a secured webhook's key answered %+v, want it deleted and replaced", deleted)
	}
	e.data(t, "GET", path(w.ID), nil, &shown)
	if shown.Key == nil || *shown.Key != *third || !shown.Webhook.Secured {
		t.Errorf("after deleting the key: %+v, want secured with the new key %s", shown, third.ID)
	}
	e.publish(t, "operator.deleted", "", nil)
	verify(t, publicKey(t, third.PublicKey), rc.wait(t, "/hook", 2)[1])
	e.wantError(t, "DELETE", path(w.ID, "/keys/", second.ID), e.token, nil, 404, 1009)

	// Not secured: the key goes, and none replaces it.
	e.data(t, "PUT", path(w.ID), map[string]any{"webhook": map[string]any{"secured": false}}, &shown)
	if shown.Key == nil || shown.Key.ID != third.ID {
		t.Errorf("unsecuring kept key %+v, want %s", shown.Key, third.ID)
	}
	deleted.ReplacedBy = nil
	e.data(t, "DELETE", path(w.ID, "/keys/", third.ID), nil, &deleted)
	e.data(t, "GET", path(w.ID), nil, &shown)
	if deleted.ReplacedBy != nil || shown.Key != nil || shown.Webhook.Secured {
		t.Errorf("after deleting an unsecured webhook's key: %+v, webhook %+v; want no key", deleted, shown)
	}
	e.publish(t, "operator.deleted", "", nil)
	if r := rc.wait(t, "/hook", 3)[2]; r.header.Get("x-siqsignature") != "" {
		t.Errorf("an unsecured webhook's request is signed")
	}
}

// A webhook made secured, or changed to secured, gets its key pair there
// and then: its first request is signed, and verifies with the public key
// the API answered, without a call to …/keys.
func TestSecuredAlwaysSigned(t *testing.T) { onEachStore(t, securedAlwaysSigned) }

func securedAlwaysSigned(t *testing.T, e *env) {
	rc := newReceiver(t)
	made := e.create(t, map[string]any{"webhook": map[string]any{"url": rc.srv.URL + "/made", "secured": true}, "events": []string{"department.created"}})
	changed := e.create(t, map[string]any{"webhook": map[string]any{"url": rc.srv.URL + "/changed"}, "events": []string{"department.created"}})
	if made.Key == nil || !strings.Contains(made.Key.PublicKey, "BEGIN PUBLIC KEY") || changed.Key != nil {
		t.Fatalf("made secured: key %+v; made unsecured: key %+v", made.Key, changed.Key)
	}
	var keys []key
	e.data(t, "GET", path(made.ID, "/keys"), nil, &keys)
	if len(keys) != 1 || keys[0] != *made.Key {
		t.Errorf("keys = %+v, want the key of the create answer", keys)
	}
	e.data(t, "PUT", path(changed.ID), map[string]any{"webhook": map[string]any{"secured": true}}, &changed)
	if changed.Key == nil || !changed.Webhook.Secured {
		t.Fatalf("changed to secured: %+v, want a key", changed)
	}

	e.publish(t, "department.created", "", map[string]any{"id": "6000000009015"})
	verify(t, publicKey(t, made.Key.PublicKey), rc.wait(t, "/made", 1)[0])
	verify(t, publicKey(t, changed.Key.PublicKey), rc.wait(t, "/changed", 1)[0])
}

func sameJSON(a, b []byte) bool {
	var va, vb any
	if json.Unmarshal(a, &va) != nil || json.Unmarshal(b, &vb) != nil {
		return false
	}
	return reflect.DeepEqual(va, vb)
}

func mustJSON(t *testing.T, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
