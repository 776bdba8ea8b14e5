package storetest

import (
	"encoding/json"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
)

// testApplications checks applications: created, found by id or uid,
// listed oldest first in pages, updated, deleted, a uid unique within a
// tenant only, and another tenant's application not found.
func testApplications(t *testing.T, s Store) {
	ctx := t.Context()
	a, b := newTenant(t, s), newTenant(t, s)
	mk := func(tenantID, id, uid string) *hookhub.Application {
		t.Helper()
		app := &hookhub.Application{TenantID: tenantID, ID: id, UID: uid, Name: "App " + id,
			Metadata: map[string]string{"plan": "gold"}, RateLimit: 5, CreatedAt: now, UpdatedAt: now}
		if err := s.CreateApplication(ctx, app); err != nil {
			t.Fatalf("CreateApplication(%s): %v", id, err)
		}
		return app
	}
	one := mk(a.ID, "app_1", "customer-1")
	mk(a.ID, "app_2", "")
	mk(a.ID, "app_3", "customer-3")
	mk(b.ID, "app_4", "customer-1") // the same uid in another tenant

	if err := s.CreateApplication(ctx, &hookhub.Application{TenantID: a.ID, ID: "app_5", UID: "customer-1", Name: "x", CreatedAt: now, UpdatedAt: now}); hookhub.ErrorCode(err) != hookhub.ECONFLICT {
		t.Errorf("CreateApplication with a used uid = %v, want ECONFLICT", err)
	}
	for _, key := range []string{"app_1", "customer-1"} {
		got, err := s.GetApplication(ctx, a.ID, key)
		if err != nil {
			t.Fatalf("GetApplication(%s): %v", key, err)
		}
		if got.ID != "app_1" || got.UID != "customer-1" || got.Name != one.Name || got.RateLimit != 5 ||
			!maps.Equal(got.Metadata, one.Metadata) || !got.CreatedAt.Equal(now.Truncate(time.Millisecond)) {
			t.Errorf("GetApplication(%s) = %+v, want %+v", key, got, one)
		}
	}
	if got, err := s.GetApplication(ctx, b.ID, "customer-1"); err != nil || got.ID != "app_4" {
		t.Errorf("GetApplication of tenant b by uid = %+v, %v; want app_4", got, err)
	}
	if _, err := s.GetApplication(ctx, b.ID, "app_1"); hookhub.ErrorCode(err) != hookhub.ENOTFOUND {
		t.Errorf("GetApplication of another tenant's = %v, want ENOTFOUND", err)
	}

	page := func(after string, limit int) []string {
		t.Helper()
		as, err := s.ListApplications(ctx, a.ID, hookhub.ApplicationFilter{After: after, Limit: limit})
		if err != nil {
			t.Fatalf("ListApplications: %v", err)
		}
		var ids []string
		for _, x := range as {
			ids = append(ids, x.ID)
		}
		return ids
	}
	if got := page("", 2); len(got) != 2 || got[0] != "app_1" || got[1] != "app_2" {
		t.Errorf("first page = %q, want [app_1 app_2]", got)
	}
	if got := page("app_2", 2); len(got) != 1 || got[0] != "app_3" {
		t.Errorf("second page = %q, want [app_3]", got)
	}

	one.Name, one.UID, one.Metadata, one.RateLimit, one.UpdatedAt = "Renamed", "", nil, 0, now.Add(time.Minute)
	if err := s.UpdateApplication(ctx, one); err != nil {
		t.Fatalf("UpdateApplication: %v", err)
	}
	got, err := s.GetApplication(ctx, a.ID, "app_1")
	if err != nil || got.Name != "Renamed" || got.UID != "" || len(got.Metadata) != 0 || got.RateLimit != 0 {
		t.Errorf("after update = %+v, %v", got, err)
	}
	if _, err := s.GetApplication(ctx, a.ID, "customer-1"); hookhub.ErrorCode(err) != hookhub.ENOTFOUND {
		t.Errorf("GetApplication by a uid removed = %v, want ENOTFOUND", err)
	}
	if err := s.UpdateApplication(ctx, &hookhub.Application{TenantID: a.ID, ID: "app_2", UID: "customer-3", Name: "x"}); hookhub.ErrorCode(err) != hookhub.ECONFLICT {
		t.Errorf("UpdateApplication to a used uid = %v, want ECONFLICT", err)
	}
	if err := s.UpdateApplication(ctx, &hookhub.Application{TenantID: b.ID, ID: "app_1", Name: "x"}); hookhub.ErrorCode(err) != hookhub.ENOTFOUND {
		t.Errorf("UpdateApplication of another tenant's = %v, want ENOTFOUND", err)
	}
	if err := s.DeleteApplication(ctx, b.ID, "app_1"); hookhub.ErrorCode(err) != hookhub.ENOTFOUND {
		t.Errorf("DeleteApplication of another tenant's = %v, want ENOTFOUND", err)
	}
	if err := s.DeleteApplication(ctx, a.ID, "app_1"); err != nil {
		t.Fatalf("DeleteApplication: %v", err)
	}
	if _, err := s.GetApplication(ctx, a.ID, "app_1"); hookhub.ErrorCode(err) != hookhub.ENOTFOUND {
		t.Errorf("GetApplication after delete = %v, want ENOTFOUND", err)
	}
}

// testSavedResponses checks the answers kept for idempotency keys: found
// by tenant and key, a key used twice is ECONFLICT, keys are per tenant.
func testSavedResponses(t *testing.T, s Store) {
	ctx := t.Context()
	a, b := newTenant(t, s), newTenant(t, s)
	r := &hookhub.SavedResponse{TenantID: a.ID, Key: "k1", Request: "POST /x", Status: 201, Body: []byte(`{"id":"app_1"}`), CreatedAt: now}
	if err := s.SaveResponse(ctx, r); err != nil {
		t.Fatalf("SaveResponse: %v", err)
	}
	if err := s.SaveResponse(ctx, r); hookhub.ErrorCode(err) != hookhub.ECONFLICT {
		t.Errorf("SaveResponse twice = %v, want ECONFLICT", err)
	}
	got, err := s.SavedResponse(ctx, a.ID, "k1")
	if err != nil || got.Status != 201 || string(got.Body) != string(r.Body) || got.Request != "POST /x" || !got.CreatedAt.Equal(now.Truncate(time.Millisecond)) {
		t.Errorf("SavedResponse = %+v, %v", got, err)
	}
	if _, err := s.SavedResponse(ctx, b.ID, "k1"); hookhub.ErrorCode(err) != hookhub.ENOTFOUND {
		t.Errorf("SavedResponse of another tenant = %v, want ENOTFOUND", err)
	}
	if _, err := s.Purge(ctx, now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SavedResponse(ctx, a.ID, "k1"); err != nil {
		t.Errorf("SavedResponse after a purge of older answers = %v, want it kept", err)
	}
	if _, err := s.Purge(ctx, now.Add(time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SavedResponse(ctx, a.ID, "k1"); hookhub.ErrorCode(err) != hookhub.ENOTFOUND {
		t.Errorf("SavedResponse after retention = %v, want ENOTFOUND", err)
	}
}

// testEventTypeMeta checks that an event type keeps its adapter's meta.
func testEventTypeMeta(t *testing.T, s Store) {
	ctx := t.Context()
	ten := newTenant(t, s)
	meta := json.RawMessage(`{"archived":true}`)
	if err := s.PutEventType(ctx, &hookhub.EventType{TenantID: ten.ID, Name: "invoice.paid", Description: "d", CreatedAt: now, Meta: meta}); err != nil {
		t.Fatal(err)
	}
	ets, err := s.ListEventTypes(ctx, ten.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, et := range ets {
		if et.Name == "invoice.paid" && string(et.Meta) != string(meta) {
			t.Errorf("Meta = %s, want %s", et.Meta, meta)
		}
	}
}

// testChannels checks that webhooks keep their channels and events theirs,
// that fan-out honours them (a webhook limited to channels takes events in
// one of them only; one without takes any), that a claimed event carries
// its channels, and that events list by app.
func testChannels(t *testing.T, s Store) {
	ctx := t.Context()
	ten := newTenant(t, s)
	mk := func(channels ...string) *hookhub.Webhook {
		return newWebhook(t, s, ten.ID, func(w *hookhub.Webhook) {
			w.Events, w.Apps, w.Channels = []string{"conversation.*"}, []string{"app_1"}, channels
		})
	}
	anyChannel, eu, euOrUS := mk(), mk("eu"), mk("eu", "us")
	if got := getWebhook(t, s, ten.ID, euOrUS.ID).Channels; !slices.Equal(got, []string{"eu", "us"}) {
		t.Errorf("GetWebhook Channels = %q, want [eu us]", got)
	}
	for _, tt := range []struct {
		channels []string
		want     []int64
	}{
		{nil, []int64{anyChannel.ID}},
		{[]string{"us"}, []int64{anyChannel.ID, euOrUS.ID}},
		{[]string{"asia", "eu"}, []int64{anyChannel.ID, eu.ID, euOrUS.ID}},
	} {
		e := newEvent(ten.ID, "conversation.created", now)
		e.AppID, e.Channels = "app_1", tt.channels
		rs, err := s.Publish(ctx, now, hookhub.PublishRequest{Event: e})
		if err != nil {
			t.Fatalf("Publish: %v", err)
		}
		var got []int64
		for _, d := range deliveriesOf(t, s, ten.ID, rs[0].Event.ID) {
			got = append(got, d.WebhookID)
		}
		slices.Sort(got)
		if !slices.Equal(got, tt.want) {
			t.Errorf("channels %q reach webhooks %v, want %v", tt.channels, got, tt.want)
		}
		stored, err := s.GetEvent(ctx, ten.ID, rs[0].Event.ID)
		if err != nil || !slices.Equal(stored.Channels, tt.channels) {
			t.Errorf("GetEvent Channels = %q, %v; want %q", stored.Channels, err, tt.channels)
		}
	}
	for _, c := range claim(t, s, now, 100) {
		if c.Event.AppID != "app_1" {
			t.Errorf("claimed event %d of app %q, want app_1", c.EventID, c.Event.AppID)
		}
	}
	other := newEvent(ten.ID, "conversation.created", now)
	other.AppID = "app_2"
	if _, err := s.Publish(ctx, now, hookhub.PublishRequest{Event: other}); err != nil {
		t.Fatal(err)
	}
	es, err := s.ListEvents(ctx, ten.ID, hookhub.EventFilter{AppID: "app_2"})
	if err != nil || len(es) != 1 || es[0].AppID != "app_2" {
		t.Errorf("ListEvents of app_2 = %d events, %v; want 1", len(es), err)
	}
	for ch, want := range map[string]int{"eu": 1, "us": 1, "asia": 1, "e": 0, "a_ia": 0, "%": 0} {
		es, err := s.ListEvents(ctx, ten.ID, hookhub.EventFilter{AppID: "app_1", Channel: ch})
		if err != nil || len(es) != want {
			t.Errorf("ListEvents in channel %q = %d events, %v; want %d", ch, len(es), err, want)
		}
	}
}

// testPortalToken checks that a token keeps the application it is limited
// to.
func testPortalToken(t *testing.T, s Store) {
	ctx := t.Context()
	ten := newTenant(t, s)
	tok := &hookhub.Token{ID: "tok_portal", TenantID: ten.ID, Hash: []byte("portal-hash-0123456789abcdef0123"),
		Scopes: []hookhub.Scope{hookhub.ScopeWebhooksRead}, CreatedAt: now, ExpiresAt: now.Add(time.Hour), AppID: "app_1"}
	if err := s.CreateToken(ctx, tok); err != nil {
		t.Fatal(err)
	}
	got, err := s.TokenByHash(ctx, tok.Hash)
	if err != nil || got.AppID != "app_1" {
		t.Errorf("TokenByHash AppID = %+v, %v; want app_1", got, err)
	}
	if got, err := s.GetToken(ctx, ten.ID, tok.ID); err != nil || got.AppID != "app_1" {
		t.Errorf("GetToken AppID = %+v, %v; want app_1", got, err)
	}
}
