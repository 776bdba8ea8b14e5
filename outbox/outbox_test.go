package outbox_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/crm"
	"github.com/hookhub/hookhub/outbox"
	"github.com/hookhub/hookhub/sqlite"
)

// gateway is a Provider that records what it is handed and answers as the
// test says: the provider interface is the real one, the gateway a
// stand-in for an SMS platform that cannot run here.
type gateway struct {
	mu   sync.Mutex
	sent []*crm.Message
	fail error
}

func (g *gateway) Name() string { return "gateway" }

func (g *gateway) Send(ctx context.Context, m *crm.Message) (outbox.Receipt, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.fail != nil {
		return outbox.Receipt{}, g.fail
	}
	g.sent = append(g.sent, m)
	return outbox.Receipt{ID: "gw-" + m.To}, nil
}

type fixture struct {
	store  *sqlite.DB
	tenant string
	now    time.Time
}

func setup(t *testing.T) *fixture {
	t.Helper()
	key := make([]byte, 32)
	rand.Read(key)
	db, err := sqlite.Open(t.Context(), sqlite.Config{Path: filepath.Join(t.TempDir(), "hookhub.db"), Key: key})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f := &fixture{store: db, now: time.Date(2026, 3, 14, 12, 0, 0, 0, time.UTC)}
	ten := &hookhub.Tenant{ID: hookhub.NewID("ten"), Name: "acme", CreatedAt: f.now}
	if err := db.CreateTenant(t.Context(), ten); err != nil {
		t.Fatal(err)
	}
	f.tenant = ten.ID
	return f
}

// queue puts a message in the outbox, as a Crm360 Sms Send does.
func (f *fixture) queue(t *testing.T, m *crm.Message) int64 {
	t.Helper()
	ch := &crm.CRMChange{TenantID: f.tenant, Ops: []crm.CRMOp{{Kind: crm.OpSend, Message: m}}}
	res, err := f.store.ApplyCRM(t.Context(), f.now, ch)
	if err != nil {
		t.Fatal(err)
	}
	return res.Effects[0].ID
}

func (f *fixture) get(t *testing.T, id int64) *crm.Message {
	t.Helper()
	m, err := f.store.GetMessage(t.Context(), f.tenant, id)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestSendThroughProvider(t *testing.T) {
	t.Parallel()
	f := setup(t)
	gw := &gateway{}
	sms := f.queue(t, &crm.Message{Channel: crm.ChannelSMS, To: "+33600000000", From: "CRM360", Text: "Mon SMS"})
	wallet := f.queue(t, &crm.Message{Channel: crm.ChannelWallet, Provider: "captainwallet", To: "12345"})
	var log bytes.Buffer
	d := &outbox.Dispatcher{Store: f.store, Now: func() time.Time { return f.now }, Logger: slog.New(slog.NewTextHandler(&log, nil)),
		Providers: map[crm.Channel]outbox.Provider{crm.ChannelSMS: gw}}
	if n := d.SendDue(t.Context()); n != 2 {
		t.Fatalf("SendDue took %d messages, want 2", n)
	}
	if m := f.get(t, sms); m.Status != crm.MessageSent || m.Provider != "gateway" || m.ProviderID != "gw-+33600000000" || !m.SentAt.Equal(f.now) {
		t.Errorf("SMS = %+v, want sent through the gateway", m)
	}
	if len(gw.sent) != 1 || gw.sent[0].Text != "Mon SMS" {
		t.Errorf("the gateway got %+v", gw.sent)
	}
	// The wallet channel has no provider: the message is logged, and keeps its provider's name.
	if m := f.get(t, wallet); m.Status != crm.MessageLogged || m.Provider != "captainwallet" {
		t.Errorf("wallet update = %+v, want logged", m)
	}
	if !strings.Contains(log.String(), "no provider configured") || !strings.Contains(log.String(), "to=12345") {
		t.Errorf("log = %s", log.String())
	}
	evs, err := f.store.ListEvents(t.Context(), f.tenant, hookhub.EventFilter{Type: crm.EventMessageChanged})
	if err != nil || len(evs) != 2 {
		t.Errorf("message.changed events = %d, %v; want one per message", len(evs), err)
	}
	if n := d.SendDue(t.Context()); n != 0 {
		t.Errorf("a second SendDue took %d, want none", n)
	}
}

func TestSendRetriesThenFails(t *testing.T) {
	t.Parallel()
	f := setup(t)
	gw := &gateway{fail: errors.New("gateway unreachable")}
	id := f.queue(t, &crm.Message{Channel: crm.ChannelSMS, To: "+33600000000", Text: "x"})
	d := &outbox.Dispatcher{Store: f.store, Now: func() time.Time { return f.now }, MaxTries: 2, RetryScale: 0.5,
		Providers: map[crm.Channel]outbox.Provider{crm.ChannelSMS: gw}, Logger: slog.New(slog.DiscardHandler)}
	d.SendDue(t.Context())
	m := f.get(t, id)
	if m.Status != crm.MessageQueued || m.Attempts != 1 || m.Reason != "gateway unreachable" || !m.RunAt.Equal(f.now.Add(5*time.Second)) {
		t.Fatalf("after a failed try: %+v; want queued again in 10 s scaled to 5 s", m)
	}
	f.now = f.now.Add(5 * time.Second)
	d.SendDue(t.Context())
	if m = f.get(t, id); m.Status != crm.MessageFailed || m.Attempts != 2 || m.Reason != "gateway unreachable" {
		t.Errorf("after the last try: %+v; want failed", m)
	}

	// A message the provider refuses for good fails at once.
	gw.fail = hookhub.Invalid("to", "is not a mobile number")
	bad := f.queue(t, &crm.Message{Channel: crm.ChannelSMS, To: "+3311", Text: "x"})
	d.SendDue(t.Context())
	if m := f.get(t, bad); m.Status != crm.MessageFailed || m.Attempts != 1 {
		t.Errorf("refused message = %+v, want failed at once", m)
	}
}

func TestRunWakes(t *testing.T) {
	t.Parallel()
	f := setup(t)
	gw := &gateway{}
	d := outbox.New()
	d.Store, d.Interval, d.Logger = f.store, time.Hour, slog.New(slog.DiscardHandler)
	d.Providers = map[crm.Channel]outbox.Provider{crm.ChannelSMS: gw}
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { defer close(stopped); d.Run(ctx) }()
	defer func() { cancel(); <-stopped }()
	f.now = time.Now()
	first := f.queue(t, &crm.Message{Channel: crm.ChannelSMS, To: "+33600000001", Text: "x"})
	d.Wake()
	waitSent := func(id int64) {
		t.Helper()
		for deadline := time.Now().Add(20 * time.Second); f.get(t, id).Status != crm.MessageSent; time.Sleep(5 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("message %d not sent", id)
			}
		}
	}
	waitSent(first)
	second := f.queue(t, &crm.Message{Channel: crm.ChannelSMS, To: "+33600000002", Text: "y"})
	d.Wake()
	waitSent(second) // with an hour between looks, only the wake-up sends it
}
