package webhooktest_test

import (
	"bytes"
	"net/http"
	"testing"
	"time"

	"github.com/hookhub/hookhub/signature"
	"github.com/hookhub/hookhub/webhooktest"
)

// post sends body to r signed with secret as message id.
func post(t *testing.T, r *webhooktest.Receiver, secret, id, body string) int {
	t.Helper()
	raw, err := signature.ParseSecret(secret)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest("POST", r.URL+"/hook", bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	signature.Headers(req.Header, id, now, signature.NewSigner(signature.HMACKey(raw)).Sign(id, now, []byte(body)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// The receiver keeps each event once, however often it comes, answers 500
// while it fails, and refuses a request signed with another secret.
func TestReceiver(t *testing.T) {
	t.Parallel()
	secret, err := signature.NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	r := webhooktest.New(t)
	r.SetSecret(t, secret)
	if got := post(t, r, secret, "msg_1", `{"type":"contact.created","data":{"id":1}}`); got != 200 {
		t.Fatalf("a signed event = %d, want 200", got)
	}
	post(t, r, secret, "msg_1", `{"type":"contact.created","data":{"id":1}}`) // again: at least once
	r.Fail.Store(true)
	if got := post(t, r, secret, "msg_2", `{"type":"contact.changed","data":{"id":1}}`); got != 500 {
		t.Errorf("while failing = %d, want 500", got)
	}
	r.Fail.Store(false)
	post(t, r, secret, "msg_2", `{"type":"contact.changed","data":{"id":1}}`)
	evs := r.WaitN(t, 2)
	if evs[0].ID != "msg_1" || evs[1].Type != "contact.changed" || r.Count("contact.created") != 1 || r.Tries() != 4 {
		t.Errorf("events %+v, %d tries; want msg_1 once and then contact.changed, 4 tries", evs, r.Tries())
	}
	other, _ := signature.NewSecret()
	if got := post(t, r, other, "msg_3", `{"type":"contact.deleted","data":{}}`); got != http.StatusUnauthorized {
		t.Errorf("signed with another secret = %d, want 401", got)
	}
}
