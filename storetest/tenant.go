package storetest

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
)

func testTenant(t *testing.T, s Store) {
	ctx := t.Context()
	want := &hookhub.Tenant{ID: hookhub.NewID("ten"), Name: "Acme", CreatedAt: now}
	if err := s.CreateTenant(ctx, want); err != nil {
		t.Fatalf("CreateTenant: %v", err)
	}
	got, err := s.GetTenant(ctx, want.ID)
	if err != nil {
		t.Fatalf("GetTenant: %v", err)
	}
	if got.ID != want.ID || got.Name != want.Name || !sameTime(got.CreatedAt, want.CreatedAt) {
		t.Errorf("GetTenant = %+v, want %+v", got, want)
	}

	_, err = s.GetTenant(ctx, hookhub.NewID("ten"))
	wantCode(t, "GetTenant(unknown)", err, hookhub.ENOTFOUND)
}

func testToken(t *testing.T, s Store) {
	ctx := t.Context()
	ten := newTenant(t, s)
	_, hash := hookhub.NewTokenSecret()
	want := &hookhub.Token{
		ID: hookhub.NewID("tok"), TenantID: ten.ID, Name: "ci",
		Hash:      hash,
		Scopes:    []hookhub.Scope{hookhub.ScopeWebhooksRead, hookhub.ScopeEventsPublish},
		CreatedAt: now,
		ExpiresAt: now.Add(90 * 24 * time.Hour),
	}
	if err := s.CreateToken(ctx, want); err != nil {
		t.Fatalf("CreateToken: %v", err)
	}
	got, err := s.TokenByHash(ctx, hash)
	if err != nil {
		t.Fatalf("TokenByHash: %v", err)
	}
	if got.ID != want.ID || got.TenantID != want.TenantID || got.Name != want.Name || !bytes.Equal(got.Hash, want.Hash) {
		t.Errorf("TokenByHash = %+v, want %+v", got, want)
	}
	if !slices.Equal(got.Scopes, want.Scopes) {
		t.Errorf("Scopes = %v, want %v", got.Scopes, want.Scopes)
	}
	if !sameTime(got.CreatedAt, want.CreatedAt) || !sameTime(got.ExpiresAt, want.ExpiresAt) {
		t.Errorf("CreatedAt, ExpiresAt = %v, %v, want %v, %v", got.CreatedAt, got.ExpiresAt, want.CreatedAt, want.ExpiresAt)
	}
	if !got.RevokedAt.IsZero() {
		t.Errorf("RevokedAt = %v, want zero", got.RevokedAt)
	}

	_, other := hookhub.NewTokenSecret()
	_, err = s.TokenByHash(ctx, other)
	wantCode(t, "TokenByHash(unknown)", err, hookhub.ENOTFOUND)

	// A token that never expires keeps a zero ExpiresAt.
	forever := newToken(t, s, ten.ID)
	got, err = s.TokenByHash(ctx, forever.Hash)
	if err != nil {
		t.Fatalf("TokenByHash: %v", err)
	}
	if !got.ExpiresAt.IsZero() {
		t.Errorf("ExpiresAt of a token without expiry = %v, want zero", got.ExpiresAt)
	}
	if !slices.Equal(got.Scopes, hookhub.AllScopes) {
		t.Errorf("Scopes = %v, want %v", got.Scopes, hookhub.AllScopes)
	}

	revokedAt := now.Add(time.Hour)
	if err := s.RevokeToken(ctx, ten.ID, want.ID, revokedAt); err != nil {
		t.Fatalf("RevokeToken: %v", err)
	}
	got, err = s.TokenByHash(ctx, hash)
	if err != nil {
		t.Fatalf("TokenByHash(revoked): %v", err)
	}
	if !sameTime(got.RevokedAt, revokedAt) {
		t.Errorf("RevokedAt = %v, want %v", got.RevokedAt, revokedAt)
	}
	if got.Usable(revokedAt) {
		t.Error("revoked token is usable")
	}

	err = s.RevokeToken(ctx, ten.ID, hookhub.NewID("tok"), revokedAt)
	wantCode(t, "RevokeToken(unknown)", err, hookhub.ENOTFOUND)
}

func testTokenTenants(t *testing.T, s Store) {
	ctx := t.Context()
	a, b := newTenant(t, s), newTenant(t, s)
	a1, a2 := newToken(t, s, a.ID), newToken(t, s, a.ID)
	b1 := newToken(t, s, b.ID)

	for _, tt := range []struct {
		tenant string
		want   []string
	}{
		{a.ID, []string{a1.ID, a2.ID}},
		{b.ID, []string{b1.ID}},
		{hookhub.NewID("ten"), nil},
	} {
		toks, err := s.ListTokens(ctx, tt.tenant)
		if err != nil {
			t.Fatalf("ListTokens(%s): %v", tt.tenant, err)
		}
		var got []string
		for _, tok := range toks {
			got = append(got, tok.ID)
		}
		slices.Sort(got)
		want := slices.Sorted(slices.Values(tt.want))
		if !slices.Equal(got, want) {
			t.Errorf("ListTokens(%s) = %v, want %v", tt.tenant, got, want)
		}
	}

	err := s.RevokeToken(ctx, b.ID, a1.ID, now)
	wantCode(t, "RevokeToken(other tenant's token)", err, hookhub.ENOTFOUND)
	got, err := s.TokenByHash(ctx, a1.Hash)
	if err != nil {
		t.Fatalf("TokenByHash: %v", err)
	}
	if !got.Usable(now) || !got.RevokedAt.IsZero() {
		t.Errorf("token revoked through another tenant: RevokedAt = %v", got.RevokedAt)
	}
}

func testEventType(t *testing.T, s Store) {
	ctx := t.Context()
	a, b := newTenant(t, s), newTenant(t, s)

	put := func(tenantID, name, desc string) {
		t.Helper()
		et := &hookhub.EventType{
			TenantID: tenantID, Name: name, Description: desc,
			Example: json.RawMessage(`{"id":"` + name + `"}`), CreatedAt: now,
		}
		if err := s.PutEventType(ctx, et); err != nil {
			t.Fatalf("PutEventType(%s): %v", name, err)
		}
	}
	// list returns the tenant's own types by name; built-in ones, which a
	// store may list too, have no TenantID and are left out.
	list := func(tenantID string) map[string]*hookhub.EventType {
		t.Helper()
		ets, err := s.ListEventTypes(ctx, tenantID)
		if err != nil {
			t.Fatalf("ListEventTypes: %v", err)
		}
		m := map[string]*hookhub.EventType{}
		for _, et := range ets {
			switch et.TenantID {
			case tenantID:
				m[et.Name] = et
			case "":
			default:
				t.Errorf("ListEventTypes(%s) returned %q of tenant %s", tenantID, et.Name, et.TenantID)
			}
		}
		return m
	}

	put(a.ID, "invoice.paid", "An invoice was paid.")
	put(a.ID, "invoice.sent", "An invoice was sent.")
	put(b.ID, "ticket.opened", "A ticket was opened.")
	put(a.ID, "invoice.paid", "An invoice was paid in full.") // replaces

	got := list(a.ID)
	if names := slices.Sorted(maps.Keys(got)); !slices.Equal(names, []string{"invoice.paid", "invoice.sent"}) {
		t.Fatalf("tenant a's types = %v, want [invoice.paid invoice.sent]", names)
	}
	if got, want := got["invoice.paid"].Description, "An invoice was paid in full."; got != want {
		t.Errorf("replaced Description = %q, want %q", got, want)
	}
	if !sameJSON(got["invoice.sent"].Example, []byte(`{"id":"invoice.sent"}`)) {
		t.Errorf("Example = %s", got["invoice.sent"].Example)
	}
	if names := slices.Sorted(maps.Keys(list(b.ID))); !slices.Equal(names, []string{"ticket.opened"}) {
		t.Errorf("tenant b's types = %v, want [ticket.opened]", names)
	}

	err := s.DeleteEventType(ctx, b.ID, "invoice.sent")
	wantCode(t, "DeleteEventType(other tenant's type)", err, hookhub.ENOTFOUND)
	if err := s.DeleteEventType(ctx, a.ID, "invoice.sent"); err != nil {
		t.Fatalf("DeleteEventType: %v", err)
	}
	if names := slices.Sorted(maps.Keys(list(a.ID))); !slices.Equal(names, []string{"invoice.paid"}) {
		t.Errorf("after delete, tenant a's types = %v, want [invoice.paid]", names)
	}
	err = s.DeleteEventType(ctx, a.ID, "invoice.sent")
	wantCode(t, "DeleteEventType(deleted)", err, hookhub.ENOTFOUND)
}
