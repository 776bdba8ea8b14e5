package listen_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hookhub/hookhub/listen"
)

// notUsed fails the test if a request leaves for the network.
type notUsed struct{ t *testing.T }

func (n notUsed) RoundTrip(*http.Request) (*http.Response, error) {
	n.t.Error("a request for a session went to the network")
	return nil, http.ErrNotSupported
}

// TestRelay: a request to a session's URL reaches its stream with its
// headers and is answered with the status the listener gives; a session of
// another tenant is not found; an unknown session is 503.
func TestRelay(t *testing.T) {
	t.Parallel()
	h := &listen.Hub{}
	s := h.Open("s1", "ten_a", 7, nil)
	if _, ok := h.Get("ten_b", "s1"); ok {
		t.Error("another tenant found the session")
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go h.Stream(ctx, s, func(d listen.ListenDelivery) error {
		if d.Type != "contact.created" || d.MessageID != "msg_1" || d.Headers["Webhook-Signature"] != "v1,x" {
			t.Errorf("streamed %+v", d)
		}
		go h.Answer(s, listen.ListenReply{ID: d.ID, Status: 201})
		return nil
	}, func() error { return nil })

	hc := &http.Client{Transport: h.Transport(notUsed{t})}
	post := func(url string) int {
		req, _ := http.NewRequestWithContext(t.Context(), "POST", url, strings.NewReader(`{"type":"contact.created"}`))
		req.Header.Set("webhook-id", "msg_1")
		req.Header.Set("webhook-signature", "v1,x")
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := post(listen.URL("s1")); got != 201 {
		t.Errorf("relayed status = %d, want the listener's 201", got)
	}
	if got := post(listen.URL("nobody")); got != http.StatusServiceUnavailable {
		t.Errorf("unknown session = %d, want 503", got)
	}
}

// TestExpire: a session without a stream for longer than Grace expires:
// Expire is called and the session is gone.
func TestExpire(t *testing.T) {
	t.Parallel()
	expired := make(chan *listen.Session, 1)
	h := &listen.Hub{Grace: time.Millisecond, Expire: func(s *listen.Session) { expired <- s }}
	h.Open("s1", "ten_a", 7, nil)
	select {
	case s := <-expired:
		if s.WebhookID != 7 {
			t.Errorf("expired webhook %d, want 7", s.WebhookID)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the session did not expire")
	}
	if _, ok := h.Get("ten_a", "s1"); ok {
		t.Error("an expired session is still there")
	}
}
