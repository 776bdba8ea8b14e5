package service_test

import (
	"context"
	"testing"

	"github.com/hookhub/hookhub"
)

// TestListenHostReserved: only a listening session's own webhook may have
// its URL on hookhub.ListenHost (else a webhook could send into another
// tenant's session); it is made with private targets refused, and may be
// changed while its URL stays.
func TestListenHostReserved(t *testing.T) {
	t.Parallel()
	svc, b := setup(t, options{})
	ctx := context.Background()
	w, err := svc.CreateListenWebhook(ctx, b.a, "session1", []string{"contact.*"})
	if err != nil {
		t.Fatalf("CreateListenWebhook: %v", err)
	}
	if w.URL != hookhub.ListenURL("session1") || w.State != hookhub.StateActive {
		t.Errorf("listen webhook = %s %s", w.URL, w.State)
	}
	if _, err := svc.UpdateWebhook(ctx, b.a, w.ID, func(w *hookhub.Webhook) error { w.State = hookhub.StateStopped; return nil }); err != nil {
		t.Errorf("stop the listen webhook: %v", err)
	}

	_, err = svc.CreateWebhook(ctx, b.b, &hookhub.Webhook{URL: hookhub.ListenURL("session1"), Events: []string{"*"}})
	wantField(t, err, "url")
	other, err := svc.CreateWebhook(ctx, b.b, &hookhub.Webhook{URL: "https://receiver.example/hook", Events: []string{"*"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = svc.UpdateWebhook(ctx, b.b, other.ID, func(w *hookhub.Webhook) error { w.URL = hookhub.ListenURL("session1"); return nil })
	wantField(t, err, "url")
}
