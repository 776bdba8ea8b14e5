package service_test

import (
	"context"
	"sync"
	"testing"

	"github.com/hookhub/hookhub"
)

// CreateWebhookWithin refuses a webhook past the quota of its kind, even
// when many are made at once, and needs only the create scope.
func TestCreateWebhookWithin(t *testing.T) {
	t.Parallel()
	svc, b := setup(t, options{})
	ctx := context.Background()
	q := hookhub.WebhookLimit{Max: 2, Counts: func(w *hookhub.Webhook) bool { return w.Name == "limited" }, Message: "at most 2 limited webhooks"}
	creator := withScopes(t, svc, b.a, hookhub.ScopeWebhooksCreate)
	createWebhook(t, svc, b.a, &hookhub.Webhook{Name: "other"})
	createWebhook(t, svc, b.b, &hookhub.Webhook{Name: "limited"}) // another tenant's do not count

	var wg sync.WaitGroup
	errs := make(chan error, 5)
	for range 5 {
		wg.Go(func() {
			_, err := svc.CreateWebhookWithin(ctx, creator, &hookhub.Webhook{Name: "limited", URL: "https://r.example.com/", Events: []string{"*"}}, q)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	made := 0
	for err := range errs {
		switch {
		case err == nil:
			made++
		case hookhub.ErrorCode(err) != hookhub.ECONFLICT || hookhub.ErrorMessage(err) != q.Message:
			t.Errorf("refused with %v, want conflict %q", err, q.Message)
		}
	}
	if made != 2 {
		t.Errorf("made %d webhooks under a quota of 2", made)
	}
	reader := withScopes(t, svc, b.a, hookhub.ScopeWebhooksRead)
	_, err := svc.CreateWebhookWithin(ctx, reader, &hookhub.Webhook{Name: "x"}, q)
	wantCode(t, err, hookhub.EFORBIDDEN, "")
}

// DeleteWebhookIf deletes only what check lets through, with the delete
// scope alone.
func TestDeleteWebhookIf(t *testing.T) {
	t.Parallel()
	svc, b := setup(t, options{})
	ctx := context.Background()
	w := createWebhook(t, svc, b.a, &hookhub.Webhook{Name: "keep"})
	deleter := withScopes(t, svc, b.a, hookhub.ScopeWebhooksDelete)
	refuse := func(w *hookhub.Webhook) error {
		if w.Name == "keep" {
			return hookhub.Errorf(hookhub.ENOTFOUND, "webhook %d not found", w.ID)
		}
		return nil
	}
	wantCode(t, svc.DeleteWebhookIf(ctx, deleter, w.ID, refuse), hookhub.ENOTFOUND, "")
	if _, err := svc.GetWebhook(ctx, b.a, w.ID); err != nil {
		t.Fatalf("refused webhook is gone: %v", err)
	}
	wantCode(t, svc.DeleteWebhookIf(ctx, b.b, w.ID, func(*hookhub.Webhook) error { return nil }), hookhub.ENOTFOUND, "")
	if err := svc.DeleteWebhookIf(ctx, deleter, w.ID, func(*hookhub.Webhook) error { return nil }); err != nil {
		t.Fatal(err)
	}
	_, err := svc.GetWebhook(ctx, b.a, w.ID)
	wantCode(t, err, hookhub.ENOTFOUND, "")
}
