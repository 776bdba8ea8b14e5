package service_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
)

// Apps pass through the service: kept on create and update, checked, and
// an event's app decides which limited webhooks get it.
func TestApps(t *testing.T) {
	t.Parallel()
	svc, b := setup(t, options{})
	ctx := context.Background()

	limited := createWebhook(t, svc, b.a, &hookhub.Webhook{Events: []string{"conversation.*"}, Apps: []string{"app-1", "app-2"}})
	open := createWebhook(t, svc, b.a, &hookhub.Webhook{Events: []string{"conversation.*"}})
	if got, _ := svc.GetWebhook(ctx, b.a, limited.ID); !slices.Equal(got.Apps, []string{"app-1", "app-2"}) {
		t.Errorf("Apps = %q, want [app-1 app-2]", got.Apps)
	}

	for _, tt := range []struct {
		app  string
		want int
	}{{"app-1", 2}, {"app-3", 1}, {"", 1}} {
		e := event("conversation.created")
		e.AppID = tt.app
		rs, err := svc.Publish(ctx, b.a, e)
		if err != nil {
			t.Fatal(err)
		}
		if rs[0].Deliveries != tt.want || rs[0].Event.AppID != tt.app {
			t.Errorf("publish of app %q: %d deliveries, app %q; want %d deliveries", tt.app, rs[0].Deliveries, rs[0].Event.AppID, tt.want)
		}
	}

	// The caller's slice is not the stored one.
	in := []string{"app-9"}
	w, err := svc.UpdateWebhook(ctx, b.a, open.ID, func(w *hookhub.Webhook) error { w.Apps = in; return nil })
	if err != nil {
		t.Fatal(err)
	}
	in[0] = "changed"
	if got, _ := svc.GetWebhook(ctx, b.a, w.ID); !slices.Equal(got.Apps, []string{"app-9"}) {
		t.Errorf("Apps after update = %q, want [app-9]", got.Apps)
	}

	_, err = svc.CreateWebhook(ctx, b.a, &hookhub.Webhook{URL: "https://r.example.com/", Events: []string{"*"}, Apps: []string{"a", "a"}})
	wantCode(t, err, hookhub.EINVALID, "apps[1]")
	_, err = svc.CreateWebhook(ctx, b.a, &hookhub.Webhook{URL: "https://r.example.com/", Events: []string{"*"}, Apps: []string{"has space"}})
	wantCode(t, err, hookhub.EINVALID, "apps[0]")
	bad := event("conversation.created")
	bad.AppID = "tab\tapp"
	_, err = svc.Publish(ctx, b.a, bad)
	wantCode(t, err, hookhub.EINVALID, "app_id")
}

// ChangeWebhook authorizes with the scope it is given, not webhooks.update.
func TestChangeWebhookScope(t *testing.T) {
	t.Parallel()
	svc, b := setup(t, options{})
	ctx := context.Background()
	w := createWebhook(t, svc, b.a, &hookhub.Webhook{})
	creator := withScopes(t, svc, b.a, hookhub.ScopeWebhooksCreate)
	rename := func(w *hookhub.Webhook) error { w.Name = "renamed"; return nil }

	if _, err := svc.UpdateWebhook(ctx, creator, w.ID, rename); hookhub.ErrorCode(err) != hookhub.EFORBIDDEN {
		t.Errorf("UpdateWebhook with webhooks.create only: %v, want forbidden", err)
	}
	got, err := svc.ChangeWebhook(ctx, creator, hookhub.ScopeWebhooksCreate, w.ID, rename)
	if err != nil || got.Name != "renamed" {
		t.Fatalf("ChangeWebhook under webhooks.create = %v, %v; want renamed", got, err)
	}
	if _, err := svc.ChangeWebhook(ctx, creator, hookhub.ScopeWebhooksDelete, w.ID, rename); hookhub.ErrorCode(err) != hookhub.EFORBIDDEN {
		t.Errorf("ChangeWebhook under webhooks.delete: %v, want forbidden", err)
	}
	if _, err := svc.ChangeWebhook(ctx, b.b, hookhub.ScopeWebhooksCreate, w.ID, rename); hookhub.ErrorCode(err) != hookhub.ENOTFOUND {
		t.Errorf("ChangeWebhook by another tenant: %v, want not found", err)
	}
}

// Tenant returns the actor's own tenant to any of its tokens.
func TestTenant(t *testing.T) {
	t.Parallel()
	svc, b := setup(t, options{})
	reader := withScopes(t, svc, b.a, hookhub.ScopeWebhooksRead)
	ten, err := svc.Tenant(context.Background(), reader)
	if err != nil {
		t.Fatal(err)
	}
	if ten.ID != b.a.TenantID || ten.Name != "A" {
		t.Errorf("Tenant = %+v, want tenant %s named A", ten, b.a.TenantID)
	}
	if _, err := svc.Tenant(context.Background(), nil); hookhub.ErrorCode(err) != hookhub.EUNAUTHORIZED {
		t.Errorf("Tenant without a token: %v, want unauthorized", err)
	}
}

// A token may be made with an adapter's alias of a scope; it carries the
// native scope.
func TestCreateTokenScopeAlias(t *testing.T) {
	t.Parallel()
	svc, b := setup(t, options{})
	tok, _, err := svc.CreateToken(context.Background(), b.a, "alias", []hookhub.Scope{"example.HOOKS.read", hookhub.ScopeWebhooksRead}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(tok.Scopes, []hookhub.Scope{hookhub.ScopeWebhooksRead}) {
		t.Errorf("Scopes = %q, want [webhooks.read]", tok.Scopes)
	}
	_, _, err = svc.CreateToken(context.Background(), b.a, "bad", []hookhub.Scope{"Example.hooks.WRITE"}, time.Time{})
	wantCode(t, err, hookhub.EINVALID, "scopes[0]")
}
