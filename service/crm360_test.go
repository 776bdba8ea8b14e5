package service_test

import (
	"context"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/crm"
	"github.com/hookhub/hookhub/hookhubtest"
	"github.com/hookhub/hookhub/service"
)

// crm360Kinds are the two CRM360 kinds the tests use (package crm360,
// which serves them, is not imported here).
var crm360Kinds = hookhub.NewCatalog(hookhub.Product{IntegrationKinds: []hookhub.IntegrationKind{
	{Name: "crm360-shopify", Title: "Shopify (CRM360)"}, {Name: "crm360-zendesk", Title: "Zendesk (CRM360)"},
}})

type crm360Bundle struct {
	svc                 *service.Service
	a, b                *hookhub.Token
	inbound, outbox, de atomic.Int64 // wake-ups of the inbound workers, the outbox, the delivery engine
}

func crm360Setup(t *testing.T) *crm360Bundle {
	t.Helper()
	db := hookhubtest.OpenSQLite(t)
	b := &crm360Bundle{}
	b.svc = service.New(service.Config{
		Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Catalog: crm360Kinds,
		Wake: func() { b.de.Add(1) }, WakeInbound: func() { b.inbound.Add(1) }, WakeOutbox: func() { b.outbox.Add(1) },
	})
	t.Cleanup(b.svc.Close)
	b.a, b.b = newTenant(t, b.svc, "A"), newTenant(t, b.svc, "B")
	return b
}

func (b *crm360Bundle) integration(t *testing.T, actor *hookhub.Token, kind string) *hookhub.Integration {
	t.Helper()
	in, err := b.svc.CreateIntegration(context.Background(), actor, &hookhub.Integration{Kind: kind, Name: kind, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	return in
}

func TestCRM360Account(t *testing.T) {
	t.Parallel()
	b := crm360Setup(t)
	ctx := context.Background()
	_, err := b.svc.SetCRM360Account(ctx, b.a, " ", "")
	wantCode(t, err, hookhub.EINVALID, "customer_name")
	wantCode(t, err, hookhub.EINVALID, "database_alias")
	if a, err := b.svc.SetCRM360Account(ctx, b.a, " FTS ", "Prod"); err != nil || a.CustomerName != "FTS" {
		t.Fatalf("SetCRM360Account = %+v, %v", a, err)
	}
	_, err = b.svc.SetCRM360Account(ctx, b.b, "fts", "PROD")
	wantCode(t, err, hookhub.ECONFLICT, "")
	_, err = b.svc.SetCRM360Account(ctx, withScopes(t, b.svc, b.a, hookhub.ScopeRecordsRead), "x", "y")
	wantCode(t, err, hookhub.EFORBIDDEN, "")
	if a, err := b.svc.CRM360Account(ctx, b.a); err != nil || a.DatabaseAlias != "Prod" {
		t.Errorf("CRM360Account = %+v, %v", a, err)
	}
	_, err = b.svc.CRM360Account(ctx, b.b)
	wantCode(t, err, hookhub.ENOTFOUND, "")
}

func TestCRM360Sources(t *testing.T) {
	t.Parallel()
	b := crm360Setup(t)
	ctx := context.Background()
	if _, err := b.svc.SetCRM360Account(ctx, b.a, "FTS", "Prod"); err != nil {
		t.Fatal(err)
	}
	shop, desk := b.integration(t, b.a, "crm360-shopify"), b.integration(t, b.a, "crm360-zendesk")
	theirs := b.integration(t, b.b, "crm360-shopify")

	in, src, err := b.svc.FindCRM360Source(ctx, "fts", "prod", shop.ID)
	if err != nil || in.ID != shop.ID || src.Auth != crm.AuthToken {
		t.Fatalf("FindCRM360Source = %+v, %+v, %v; want the shop with token auth by default", in, src, err)
	}
	_, _, err = b.svc.FindCRM360Source(ctx, "FTS", "Prod", theirs.ID)
	wantCode(t, err, hookhub.ENOTFOUND, "")
	_, _, err = b.svc.FindCRM360Source(ctx, "Nobody", "Prod", shop.ID)
	wantCode(t, err, hookhub.ENOTFOUND, "")

	_, _, err = b.svc.SetCRM360SourceAuth(ctx, b.a, desk.ID, crm.AuthShopify, "s")
	wantCode(t, err, hookhub.EINVALID, "auth")
	_, _, err = b.svc.SetCRM360SourceAuth(ctx, b.a, shop.ID, crm.AuthShopify, "")
	wantCode(t, err, hookhub.EINVALID, "secret")
	_, _, err = b.svc.SetCRM360SourceAuth(ctx, b.b, shop.ID, crm.AuthToken, "")
	wantCode(t, err, hookhub.ENOTFOUND, "")
	if _, src, err := b.svc.SetCRM360SourceAuth(ctx, b.a, shop.ID, crm.AuthShopify, "shh"); err != nil || src.Secret != "shh" {
		t.Fatalf("SetCRM360SourceAuth = %+v, %v", src, err)
	}
	if _, src, _ := b.svc.FindCRM360Source(ctx, "FTS", "Prod", shop.ID); src.Auth != crm.AuthShopify || src.Secret != "shh" {
		t.Errorf("source after setting its auth = %+v", src)
	}
}

func TestAuthenticateSource(t *testing.T) {
	t.Parallel()
	b := crm360Setup(t)
	ctx := context.Background()
	mint := func(actor *hookhub.Token, scopes ...hookhub.Scope) string {
		_, secret, err := b.svc.CreateToken(ctx, actor, "t", scopes, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		return secret
	}
	if err := b.svc.AuthenticateSource(ctx, b.a.TenantID, mint(b.a, hookhub.ScopeInboundSend)); err != nil {
		t.Errorf("a token with inbound.send: %v", err)
	}
	wantCode(t, b.svc.AuthenticateSource(ctx, b.a.TenantID, mint(b.a, hookhub.ScopeRecordsRead)), hookhub.EFORBIDDEN, "")
	wantCode(t, b.svc.AuthenticateSource(ctx, b.a.TenantID, mint(b.b, hookhub.ScopeInboundSend)), hookhub.EUNAUTHORIZED, "")
	wantCode(t, b.svc.AuthenticateSource(ctx, b.a.TenantID, "hh_nope"), hookhub.EUNAUTHORIZED, "")
}

func TestQueueAndApply(t *testing.T) {
	t.Parallel()
	b := crm360Setup(t)
	ctx := context.Background()
	shop := b.integration(t, b.a, "crm360-shopify")
	createWebhook(t, b.svc, b.a, &hookhub.Webhook{Events: []string{"*"}})

	now := &hookhub.InboundMessage{Method: "POST", Entity: "Customer", Action: "Insert"}
	if err := b.svc.QueueInbound(ctx, shop, now, 0, nil); err != nil || now.Status != hookhub.InboundQueued || now.TenantID != b.a.TenantID {
		t.Fatalf("QueueInbound = %+v, %v", now, err)
	}
	later := &hookhub.InboundMessage{Method: "POST"}
	if err := b.svc.QueueInbound(ctx, shop, later, time.Minute, nil); err != nil || !later.RunAt.Equal(later.ReceivedAt.Add(time.Minute)) {
		t.Fatalf("QueueInbound(delayed) = %+v, %v", later, err)
	}
	if n := b.inbound.Load(); n != 1 {
		t.Errorf("inbound wake-ups = %d, want 1: a delayed message is found by polling", n)
	}

	// A change that breaks a rule is refused before the store.
	_, err := b.svc.ApplyCRM(ctx, shop, &crm.CRMChange{Ops: []crm.CRMOp{{Kind: crm.OpSaveContact, Contact: &crm.Contact{Email: "nope"}}}})
	wantCode(t, err, hookhub.EINVALID, "contact.email")
	res, err := b.svc.ApplyCRM(ctx, shop, &crm.CRMChange{Attribution: crm.Attribution{ZoneID: 5}, Ops: []crm.CRMOp{
		{Kind: crm.OpSaveContact, Contact: &crm.Contact{Email: " Bob@Example.com "}},
		{Kind: crm.OpSend, Message: &crm.Message{Channel: crm.ChannelSMS, To: "+33600000000", Text: "hi"}},
	}})
	if err != nil || len(res.Events) != 2 || b.de.Load() != 1 || b.outbox.Load() != 1 {
		t.Fatalf("ApplyCRM = %+v, %v; engine woken %d, outbox %d; want 2 events and one wake-up each", res, err, b.de.Load(), b.outbox.Load())
	}
	c, err := b.svc.GetContact(ctx, b.a, res.Effects[0].ID)
	if err != nil || c.Email != "Bob@Example.com" || c.ZoneID != 5 {
		t.Errorf("contact = %+v, %v; want it trimmed and in zone 5", c, err)
	}
	if _, err := b.svc.GetMessage(ctx, b.b, res.Effects[1].ID); hookhub.ErrorCode(err) != hookhub.ENOTFOUND {
		t.Errorf("another tenant's message: %v", err)
	}
	_, err = b.svc.ListMessages(ctx, b.a, crm.MessageFilter{Channel: "fax"})
	wantCode(t, err, hookhub.EINVALID, "channel")
	if m, err := b.svc.GetInboundMessage(ctx, b.a, now.ID); err != nil || m.ID != now.ID {
		t.Errorf("GetInboundMessage = %+v, %v", m, err)
	}
	_, err = b.svc.GetInboundMessage(ctx, b.b, now.ID)
	wantCode(t, err, hookhub.ENOTFOUND, "")
}
