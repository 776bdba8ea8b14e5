package upkeep_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/upkeep"
)

// TestUpkeepPurgesInboundMessages deletes finished inbound messages
// received before the retention period, and keeps queued ones however old.
func TestUpkeepPurgesInboundMessages(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()
	in := &hookhub.Integration{TenantID: f.tenant, Kind: "crm360-shopify", Name: "shop", Active: true, Token: hookhub.NewIntegrationToken(),
		CreatedAt: time.Now(), UpdatedAt: time.Now()}
	if err := f.store.CreateIntegration(ctx, in); err != nil {
		t.Fatal(err)
	}
	msgs := map[hookhub.InboundStatus]*hookhub.InboundMessage{}
	for _, st := range []hookhub.InboundStatus{hookhub.InboundDone, hookhub.InboundFailed, hookhub.InboundQueued} {
		m := &hookhub.InboundMessage{TenantID: f.tenant, IntegrationID: in.ID, Kind: in.Kind, Method: "POST", ReceivedAt: time.Now(),
			Status: st, RunAt: time.Now().Add(365 * 24 * time.Hour)}
		if err := f.store.CreateInboundMessage(ctx, m); err != nil {
			t.Fatal(err)
		}
		msgs[st] = m
	}
	up := &upkeep.Upkeep{Store: f.store, Logger: testLogger(t), Retention: 7 * 24 * time.Hour}
	up.Now = func() time.Time { return time.Now().Add(6 * 24 * time.Hour) }
	up.Once(ctx)
	for st, m := range msgs {
		if _, err := f.store.GetInboundMessage(ctx, f.tenant, m.ID); err != nil {
			t.Errorf("6 days on: %s message: %v, want kept", st, err)
		}
	}
	up.Now = func() time.Time { return time.Now().Add(8 * 24 * time.Hour) }
	up.Once(ctx)
	for st, m := range msgs {
		_, err := f.store.GetInboundMessage(ctx, f.tenant, m.ID)
		if gone := hookhub.ErrorCode(err) == hookhub.ENOTFOUND; gone != (st != hookhub.InboundQueued) {
			t.Errorf("8 days on: %s message: %v; want finished ones purged and the queued one kept", st, err)
		}
	}
}

// TestUpkeepPurges deletes what is older than the retention period, as seen
// from an injected clock, and keeps unfinished work.
func TestUpkeepPurges(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()
	f.webhook(t, hookhub.StateActive)
	old := f.publish(t)
	done := f.deliver(t)

	// An event whose delivery is still waiting stays, however old.
	stopped := f.webhook(t, hookhub.StateStopped)
	waiting := f.publish(t)
	sent, queued := f.enqueue(t, "sent"), f.enqueue(t, "queued")
	if err := f.store.FinishMail(ctx, sent.ID, hookhub.MailSent, "", time.Now(), time.Time{}); err != nil {
		t.Fatal(err)
	}

	up := &upkeep.Upkeep{Store: f.store}
	up.Now = func() time.Time { return time.Now().Add(59 * 24 * time.Hour) }
	up.Once(ctx)
	if as := f.attempts(t, done.ID); len(as) != 1 {
		t.Fatalf("59 days on: %d attempts left, want 1", len(as))
	}

	up.Now = func() time.Time { return time.Now().Add(61 * 24 * time.Hour) }
	up.Once(ctx)
	if as := f.attempts(t, done.ID); len(as) != 0 {
		t.Errorf("61 days on: %d attempts left, want none", len(as))
	}
	if _, err := f.store.GetDelivery(ctx, f.tenant, done.ID); hookhub.ErrorCode(err) != hookhub.ENOTFOUND {
		t.Errorf("61 days on: succeeded delivery: %v, want not found", err)
	}
	if _, err := f.store.GetEvent(ctx, f.tenant, old.ID); hookhub.ErrorCode(err) != hookhub.ENOTFOUND {
		t.Errorf("61 days on: delivered event: %v, want not found", err)
	}
	if _, err := f.store.GetEvent(ctx, f.tenant, waiting.ID); err != nil {
		t.Errorf("61 days on: event with a held delivery: %v, want kept", err)
	}
	if ds := f.deliveries(t, stopped.ID); len(ds) != 1 || ds[0].State != hookhub.DeliveryHeld {
		t.Errorf("61 days on: %d deliveries of the stopped webhook, want its held one", len(ds))
	}
	ms, err := f.store.ListMail(ctx, f.tenant, hookhub.Page{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 1 || ms[0].ID != queued.ID {
		t.Errorf("61 days on: %d e-mails left, want only the queued one", len(ms))
	}
}

// TestUpkeepLogsPurge: a purge that deleted something says how much of
// each and how long it took, which is how an operator (and hookhub bench
// --purge) sees what a large purge cost.
func TestUpkeepLogsPurge(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()
	f.webhook(t, hookhub.StateActive)
	f.publish(t)
	f.deliver(t)
	var buf bytes.Buffer
	up := &upkeep.Upkeep{Store: f.store, Logger: slog.New(slog.NewJSONHandler(&buf, nil))}
	up.Now = func() time.Time { return time.Now().Add(61 * 24 * time.Hour) }
	up.Once(ctx)
	var rec struct {
		Msg                          string
		Attempts, Deliveries, Events int64
		Took                         *int64
	}
	if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
		t.Fatalf("log %q: %v", buf.String(), err)
	}
	if rec.Msg != "purged old data" || rec.Attempts != 1 || rec.Deliveries != 1 || rec.Events != 1 || rec.Took == nil || *rec.Took <= 0 {
		t.Errorf("log %s: want purged old data, one attempt, delivery and event, and a positive took", buf.String())
	}
}
