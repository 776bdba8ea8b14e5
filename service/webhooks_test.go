package service_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/service"
)

func TestCreateWebhook(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, b := setup(t, options{})
	loopback, lb := setup(t, options{allowPrivate: true})

	for _, tt := range []struct {
		name  string
		w     hookhub.Webhook
		code  hookhub.Code
		field string
	}{
		{"defaults", hookhub.Webhook{URL: "https://receiver.example.com/hook", Events: []string{"contact.created", "conversation.*"}}, "", ""},
		{"ed25519", hookhub.Webhook{URL: "https://receiver.example.com/hook", Events: []string{"*"}, SigningScheme: "v1a"}, "", ""},
		{"no url", hookhub.Webhook{Events: []string{"*"}}, hookhub.EINVALID, "url"},
		{"bad scheme", hookhub.Webhook{URL: "ftp://receiver.example.com", Events: []string{"*"}}, hookhub.EINVALID, "url"},
		{"private", hookhub.Webhook{URL: "http://127.0.0.1:8080/hook", Events: []string{"*"}}, hookhub.EINVALID, "url"},
		{"localhost", hookhub.Webhook{URL: "http://localhost/hook", Events: []string{"*"}}, hookhub.EINVALID, "url"},
		{"unknown event", hookhub.Webhook{URL: "https://r.example.com", Events: []string{"*", "order.shipped"}}, hookhub.EINVALID, "events[1]"},
		{"bad pattern", hookhub.Webhook{URL: "https://r.example.com", Events: []string{"Contact Created"}}, hookhub.EINVALID, "events[0]"},
		{"bad header", hookhub.Webhook{URL: "https://r.example.com", Events: []string{"*"}, Headers: map[string]string{"Bad Header": "x"}}, hookhub.EINVALID, "headers"},
		{"reserved header", hookhub.Webhook{URL: "https://r.example.com", Events: []string{"*"}, Headers: map[string]string{"webhook-signature": "x"}}, hookhub.EINVALID, "headers"},
		{"too_many_errors", hookhub.Webhook{URL: "https://r.example.com", Events: []string{"*"}, State: hookhub.StateTooManyErrors}, hookhub.EINVALID, "state"},
		{"bad secret", hookhub.Webhook{URL: "https://r.example.com", Events: []string{"*"}, Secret: "short"}, hookhub.EINVALID, "secret"},
		{"hmac secret for ed25519", hookhub.Webhook{URL: "https://r.example.com", Events: []string{"*"}, SigningScheme: "v1a", Secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}, hookhub.EINVALID, "secret"},
		{"bad scheme name", hookhub.Webhook{URL: "https://r.example.com", Events: []string{"*"}, SigningScheme: "v2"}, hookhub.EINVALID, "signing_scheme"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := tt.w
			w, err := svc.CreateWebhook(ctx, b.a, &in)
			if tt.code != "" {
				wantCode(t, err, tt.code, tt.field)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if w.ID == 0 || w.TenantID != b.a.TenantID || w.State != hookhub.StateActive || w.Timeout != hookhub.DefaultTimeout ||
				len(w.Retry.Schedule) != len(hookhub.DefaultRetrySchedule()) || w.RegisteredBy != b.a.ID || !w.RegisteredAt.Equal(b.clock.Now()) {
				t.Errorf("webhook = %+v", w)
			}
			switch w.SigningScheme {
			case hookhub.SchemeHMAC:
				if !strings.HasPrefix(w.Secret, "whsec_") || service.PublicKey(w) != "" {
					t.Errorf("secret %q", w.Secret)
				}
			case hookhub.SchemeEd25519:
				if !strings.HasPrefix(w.Secret, "whsk_") || !strings.HasPrefix(service.PublicKey(w), "whpk_") {
					t.Errorf("secret %q public key %q", w.Secret, service.PublicKey(w))
				}
			}
			got, err := svc.GetWebhook(ctx, b.a, w.ID)
			if err != nil || got.Secret != w.Secret {
				t.Errorf("GetWebhook = %+v, %v", got, err)
			}
		})
	}

	t.Run("loopback allowed by policy", func(t *testing.T) {
		t.Parallel()
		if _, err := loopback.CreateWebhook(ctx, lb.a, &hookhub.Webhook{URL: "http://127.0.0.1:9/hook", Events: []string{"*"}}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("several problems at once", func(t *testing.T) {
		t.Parallel()
		_, err := svc.CreateWebhook(ctx, b.a, &hookhub.Webhook{URL: "http://10.0.0.1", Events: []string{"nope.nope"}, Timeout: time.Millisecond})
		for _, f := range []string{"url", "events[0]", "timeout_ms"} {
			wantCode(t, err, hookhub.EINVALID, f)
		}
	})
}

func TestUpdateWebhook(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, b := setup(t, options{})
	w := createWebhook(t, svc, b.a, &hookhub.Webhook{Name: "first", Events: []string{"contact.created"}})

	b.clock.Add(time.Minute)
	got, err := svc.UpdateWebhook(ctx, b.a, w.ID, func(w *hookhub.Webhook) error {
		w.Name = "second"
		w.TotalCalls = 99 // not the caller's to set
		w.TenantID = b.b.TenantID
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "second" || got.URL != w.URL || got.TotalCalls != 0 || got.TenantID != b.a.TenantID ||
		!got.UpdatedAt.Equal(b.clock.Now()) || got.Secret != w.Secret {
		t.Errorf("updated = %+v", got)
	}

	_, err = svc.UpdateWebhook(ctx, b.a, w.ID, func(w *hookhub.Webhook) error { w.State = hookhub.StateTooManyErrors; return nil })
	wantCode(t, err, hookhub.EINVALID, "state")
	_, err = svc.UpdateWebhook(ctx, b.a, w.ID, func(w *hookhub.Webhook) error { w.URL = "http://192.168.1.1/"; return nil })
	wantCode(t, err, hookhub.EINVALID, "url")
	_, err = svc.UpdateWebhook(ctx, b.b, w.ID, func(w *hookhub.Webhook) error { return nil })
	wantCode(t, err, hookhub.ENOTFOUND, "")

	// Stopping and re-activating wakes the workers for the held deliveries.
	if _, err := svc.UpdateWebhook(ctx, b.a, w.ID, func(w *hookhub.Webhook) error { w.State = hookhub.StateStopped; return nil }); err != nil {
		t.Fatal(err)
	}
	wakes := b.wakes.Load()
	if _, err := svc.UpdateWebhook(ctx, b.a, w.ID, func(w *hookhub.Webhook) error { w.State = hookhub.StateActive; return nil }); err != nil {
		t.Fatal(err)
	}
	if b.wakes.Load() == wakes {
		t.Error("re-activation did not wake the workers")
	}

	// A new scheme gets a new secret of its kind.
	got, err = svc.UpdateWebhook(ctx, b.a, w.ID, func(w *hookhub.Webhook) error { w.SigningScheme = hookhub.SchemeEd25519; return nil })
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got.Secret, "whsk_") {
		t.Errorf("secret after scheme change = %q", got.Secret)
	}
}

func TestRotateSecret(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, b := setup(t, options{})
	w := createWebhook(t, svc, b.a, &hookhub.Webhook{})

	for _, tt := range []struct {
		name      string
		grace     time.Duration
		wantGrace time.Duration
	}{
		{"default grace", 0, hookhub.DefaultSecretGrace},
		{"an hour", time.Hour, time.Hour},
		{"at once", -1, 0},
	} {
		// not parallel: each rotation starts from the previous one
		t.Run(tt.name, func(t *testing.T) {
			before, err := svc.GetWebhook(ctx, b.a, w.ID)
			if err != nil {
				t.Fatal(err)
			}
			got, secret, err := svc.RotateSecret(ctx, b.a, w.ID, tt.grace)
			if err != nil {
				t.Fatal(err)
			}
			if secret == before.Secret || got.Secret != secret || !strings.HasPrefix(secret, "whsec_") {
				t.Errorf("new secret %q, old %q", secret, before.Secret)
			}
			saved, err := svc.GetWebhook(ctx, b.a, w.ID)
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantGrace == 0 {
				if saved.PreviousSecret != "" {
					t.Errorf("previous secret kept: %q", saved.PreviousSecret)
				}
				return
			}
			if saved.PreviousSecret != before.Secret || !saved.PreviousUntil.Equal(b.clock.Now().Add(tt.wantGrace)) {
				t.Errorf("previous %q until %v", saved.PreviousSecret, saved.PreviousUntil)
			}
		})
	}
	_, _, err := svc.RotateSecret(ctx, b.a, w.ID, 8*24*time.Hour)
	wantCode(t, err, hookhub.EINVALID, "grace_seconds")
	_, _, err = svc.RotateSecret(ctx, b.b, w.ID, 0)
	wantCode(t, err, hookhub.ENOTFOUND, "")
}

func TestWebhookTenants(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, b := setup(t, options{})
	w := createWebhook(t, svc, b.a, &hookhub.Webhook{})
	_, err := svc.GetWebhook(ctx, b.b, w.ID)
	wantCode(t, err, hookhub.ENOTFOUND, "")
	wantCode(t, svc.DeleteWebhook(ctx, b.b, w.ID), hookhub.ENOTFOUND, "")
	_, err = svc.SendTest(ctx, b.b, w.ID)
	wantCode(t, err, hookhub.ENOTFOUND, "")
	_, err = svc.RecoverDeliveries(ctx, b.b, w.ID, b.clock.Now().Add(-time.Hour))
	wantCode(t, err, hookhub.ENOTFOUND, "")
	list, err := svc.ListWebhooks(ctx, b.b, hookhub.WebhookFilter{})
	if err != nil || len(list) != 0 {
		t.Errorf("tenant B lists %d webhooks, %v", len(list), err)
	}
	if err := svc.DeleteWebhook(ctx, b.a, w.ID); err != nil {
		t.Fatal(err)
	}
	_, err = svc.GetWebhook(ctx, b.a, w.ID)
	wantCode(t, err, hookhub.ENOTFOUND, "")
}
