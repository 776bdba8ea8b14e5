package service_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
)

func TestAuthenticate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, b := setup(t, options{})
	_, revoked, err := svc.CreateToken(ctx, b.a, "revoked", []hookhub.Scope{hookhub.ScopeWebhooksRead}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := svc.Authenticate(ctx, revoked)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.RevokeToken(ctx, b.a, tok.ID); err != nil {
		t.Fatal(err)
	}
	_, expiring, err := svc.CreateToken(ctx, b.a, "expiring", []hookhub.Scope{hookhub.ScopeWebhooksRead}, b.clock.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Authenticate(ctx, expiring); err != nil {
		t.Fatalf("before expiry: %v", err)
	}
	b.clock.Add(2 * time.Hour)

	for _, tt := range []struct{ name, secret string }{
		{"empty", ""},
		{"unknown", "hh_nope"},
		{"revoked", revoked},
		{"expired", expiring},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := svc.Authenticate(ctx, tt.secret)
			wantCode(t, err, hookhub.EUNAUTHORIZED, "")
			if got, want := err.Error(), "invalid or expired token"; got != want {
				t.Errorf("message = %q, want %q", got, want)
			}
		})
	}
}

func TestCreateToken(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, b := setup(t, options{})
	manager := withScopes(t, svc, b.a, hookhub.ScopeTokens, hookhub.ScopeWebhooksRead)
	reader := withScopes(t, svc, b.a, hookhub.ScopeWebhooksRead)

	for _, tt := range []struct {
		name    string
		actor   *hookhub.Token
		scopes  []hookhub.Scope
		expires time.Time
		code    hookhub.Code
		field   string
	}{
		{"ok", manager, []hookhub.Scope{hookhub.ScopeWebhooksRead}, time.Time{}, "", ""},
		{"no scopes", manager, nil, time.Time{}, hookhub.EINVALID, "scopes"},
		{"unknown scope", manager, []hookhub.Scope{"root"}, time.Time{}, hookhub.EINVALID, "scopes[0]"},
		{"expired", manager, []hookhub.Scope{hookhub.ScopeWebhooksRead}, b.clock.Now().Add(-time.Minute), hookhub.EINVALID, "expires_at"},
		{"scope the actor lacks", manager, []hookhub.Scope{hookhub.ScopeWebhooksDelete}, time.Time{}, hookhub.EFORBIDDEN, ""},
		{"actor without tokens.manage", reader, []hookhub.Scope{hookhub.ScopeWebhooksRead}, time.Time{}, hookhub.EFORBIDDEN, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tok, secret, err := svc.CreateToken(ctx, tt.actor, tt.name, tt.scopes, tt.expires)
			if tt.code != "" {
				wantCode(t, err, tt.code, tt.field)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(secret, "hh_") || tok.TenantID != b.a.TenantID {
				t.Errorf("token %+v secret %q", tok, secret)
			}
			got, err := svc.Authenticate(ctx, secret)
			if err != nil || got.ID != tok.ID {
				t.Errorf("Authenticate = %v, %v", got, err)
			}
		})
	}
}

func TestTokenTenants(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, b := setup(t, options{})
	err := svc.RevokeToken(ctx, b.b, b.a.ID)
	wantCode(t, err, hookhub.ENOTFOUND, "")
	list, err := svc.ListTokens(ctx, b.b)
	if err != nil {
		t.Fatal(err)
	}
	for _, tok := range list {
		if tok.TenantID != b.b.TenantID {
			t.Errorf("tenant B sees token %s of tenant %s", tok.ID, tok.TenantID)
		}
	}
	if _, err := svc.Authenticate(ctx, "hh_x"); hookhub.ErrorCode(err) != hookhub.EUNAUTHORIZED {
		t.Errorf("err = %v", err)
	}
}

// TestScopes checks that each use case asks for its scope.
func TestScopes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, b := setup(t, options{})
	none := withScopes(t, svc, b.a, hookhub.ScopeRecordsRead)
	for _, tt := range []struct {
		name  string
		scope hookhub.Scope
		call  func() error
	}{
		{"CreateWebhook", hookhub.ScopeWebhooksCreate, func() error {
			_, err := svc.CreateWebhook(ctx, none, &hookhub.Webhook{URL: "https://x.example.com", Events: []string{"*"}})
			return err
		}},
		{"GetWebhook", hookhub.ScopeWebhooksRead, func() error { _, err := svc.GetWebhook(ctx, none, 1); return err }},
		{"ListWebhooks", hookhub.ScopeWebhooksRead, func() error {
			_, err := svc.ListWebhooks(ctx, none, hookhub.WebhookFilter{})
			return err
		}},
		{"UpdateWebhook", hookhub.ScopeWebhooksUpdate, func() error {
			_, err := svc.UpdateWebhook(ctx, none, 1, func(*hookhub.Webhook) error { return nil })
			return err
		}},
		{"RotateSecret", hookhub.ScopeWebhooksUpdate, func() error { _, _, err := svc.RotateSecret(ctx, none, 1, 0); return err }},
		{"DeleteWebhook", hookhub.ScopeWebhooksDelete, func() error { return svc.DeleteWebhook(ctx, none, 1) }},
		{"Publish", hookhub.ScopeEventsPublish, func() error { _, err := svc.Publish(ctx, none, event("contact.created")); return err }},
		{"SendTest", hookhub.ScopeWebhooksUpdate, func() error { _, err := svc.SendTest(ctx, none, 1); return err }},
		{"GetEvent", hookhub.ScopeEventsRead, func() error { _, err := svc.GetEvent(ctx, none, 1); return err }},
		{"ListEvents", hookhub.ScopeEventsRead, func() error { _, err := svc.ListEvents(ctx, none, hookhub.EventFilter{}); return err }},
		{"GetDelivery", hookhub.ScopeEventsRead, func() error { _, err := svc.GetDelivery(ctx, none, 1); return err }},
		{"ListDeliveries", hookhub.ScopeEventsRead, func() error {
			_, err := svc.ListDeliveries(ctx, none, hookhub.DeliveryFilter{})
			return err
		}},
		{"ListAttempts", hookhub.ScopeEventsRead, func() error {
			_, err := svc.ListAttempts(ctx, none, hookhub.AttemptFilter{})
			return err
		}},
		{"RetryDelivery", hookhub.ScopeWebhooksUpdate, func() error { _, err := svc.RetryDelivery(ctx, none, 1); return err }},
		{"RecoverDeliveries", hookhub.ScopeWebhooksUpdate, func() error {
			_, err := svc.RecoverDeliveries(ctx, none, 1, time.Now())
			return err
		}},
		{"ListMail", hookhub.ScopeMailRead, func() error { _, err := svc.ListMail(ctx, none, hookhub.Page{}); return err }},
		{"Stats", hookhub.ScopeEventsRead, func() error { _, err := svc.Stats(ctx, none, time.Time{}); return err }},
		{"CreateToken", hookhub.ScopeTokens, func() error {
			_, _, err := svc.CreateToken(ctx, none, "x", []hookhub.Scope{hookhub.ScopeRecordsRead}, time.Time{})
			return err
		}},
		{"ListTokens", hookhub.ScopeTokens, func() error { _, err := svc.ListTokens(ctx, none); return err }},
		{"RevokeToken", hookhub.ScopeTokens, func() error { return svc.RevokeToken(ctx, none, none.ID) }},
		{"PutEventType", hookhub.ScopeEventTypes, func() error {
			_, err := svc.PutEventType(ctx, none, &hookhub.EventType{Name: "invoice.created"})
			return err
		}},
		{"DeleteEventType", hookhub.ScopeEventTypes, func() error { return svc.DeleteEventType(ctx, none, "invoice.created") }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.call()
			wantCode(t, err, hookhub.EFORBIDDEN, "")
			if !strings.Contains(err.Error(), string(tt.scope)) {
				t.Errorf("error %q does not name the scope %s", err, tt.scope)
			}
		})
	}
	t.Run("nil actor", func(t *testing.T) {
		t.Parallel()
		_, err := svc.ListWebhooks(ctx, nil, hookhub.WebhookFilter{})
		wantCode(t, err, hookhub.EUNAUTHORIZED, "")
	})
}

func TestEventTypes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, b := setup(t, options{})
	if _, err := svc.PutEventType(ctx, b.a, &hookhub.EventType{Name: "invoice.created", Description: "An order came in.", Example: []byte(`{"id":1}`)}); err != nil {
		t.Fatal(err)
	}
	_, err := svc.PutEventType(ctx, b.a, &hookhub.EventType{Name: "contact.created"})
	wantCode(t, err, hookhub.ECONFLICT, "")
	_, err = svc.PutEventType(ctx, b.a, &hookhub.EventType{Name: "Bad Name"})
	wantCode(t, err, hookhub.EINVALID, "name")
	_, err = svc.PutEventType(ctx, b.a, &hookhub.EventType{Name: "order.x", Example: []byte(`{`)})
	wantCode(t, err, hookhub.EINVALID, "example")
	wantCode(t, svc.DeleteEventType(ctx, b.a, "contact.created"), hookhub.ECONFLICT, "")
	wantCode(t, svc.DeleteEventType(ctx, b.b, "invoice.created"), hookhub.ENOTFOUND, "")

	names := func(tok *hookhub.Token) map[string]bool {
		ts, err := svc.ListEventTypes(ctx, tok)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]bool{}
		for _, et := range ts {
			m[et.Name] = true
		}
		return m
	}
	if a := names(b.a); !a["invoice.created"] || !a["contact.created"] || !a[hookhub.TestEventType] {
		t.Errorf("tenant A's catalogue = %v", a)
	}
	if names(b.b)["invoice.created"] {
		t.Error("tenant B sees tenant A's event type")
	}
	// A's own type can be published by A, not by B.
	if _, err := svc.Publish(ctx, b.a, event("invoice.created")); err != nil {
		t.Errorf("publish own type: %v", err)
	}
	_, err = svc.Publish(ctx, b.b, event("invoice.created"))
	wantCode(t, err, hookhub.EINVALID, "type")
	if err := svc.DeleteEventType(ctx, b.a, "invoice.created"); err != nil {
		t.Fatal(err)
	}
	_, err = svc.Publish(ctx, b.a, event("invoice.created"))
	wantCode(t, err, hookhub.EINVALID, "type")
}

func TestCreateTenant(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, _ := setup(t, options{})
	_, _, err := svc.CreateTenant(ctx, " ")
	wantCode(t, err, hookhub.EINVALID, "name")
	ten, secret, err := svc.CreateTenant(ctx, "Acme")
	if err != nil {
		t.Fatal(err)
	}
	tok, err := svc.Authenticate(ctx, secret)
	if err != nil {
		t.Fatal(err)
	}
	if tok.TenantID != ten.ID || len(tok.Scopes) != len(hookhub.AllScopes) {
		t.Errorf("first token = %+v", tok)
	}
}

// A token found in the cache costs no allocation: the API authenticates
// every request.
func TestAuthenticateCachedAllocs(t *testing.T) {
	ctx := context.Background()
	svc, b := setup(t, options{})
	_, secret, err := svc.CreateToken(ctx, b.a, "bench", []hookhub.Scope{hookhub.ScopeEventsPublish}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	first, err := svc.Authenticate(ctx, secret) // fills the cache
	if err != nil {
		t.Fatal(err)
	}
	n := testing.AllocsPerRun(100, func() {
		if _, err := svc.Authenticate(ctx, secret); err != nil {
			t.Fatal(err)
		}
	})
	if n != 0 {
		t.Errorf("Authenticate of a cached token allocates %v times, want 0", n)
	}
	again, err := svc.Authenticate(ctx, " "+secret+"\n")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again, first) {
		t.Errorf("from the cache: %+v, want %+v", again, first)
	}
}
