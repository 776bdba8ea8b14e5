package storetest

import (
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
)

// testIntegrations checks integrations and their inbound messages: round
// trips, lookup by URL token, filters, token rotation, deletion, tenants,
// and the inbound queue (claims, leases, outcomes, purge).
func testIntegrations(t *testing.T, s Store) {
	ctx := t.Context()
	ten, other := newTenant(t, s), newTenant(t, s)
	shop := newIntegration(t, s, ten.ID, "thiio", "Thiio shop")
	desk := newIntegration(t, s, ten.ID, "zendesk", "Help desk Ünïcode")
	theirs := newIntegration(t, s, other.ID, "thiio", "Thiio shop")

	t.Run("RoundTrip", func(t *testing.T) {
		got, err := s.GetIntegration(ctx, ten.ID, shop.ID)
		if err != nil {
			t.Fatalf("GetIntegration: %v", err)
		}
		if got.Kind != "thiio" || got.Name != "Thiio shop" || !got.Active || got.Token != shop.Token || got.TenantID != ten.ID ||
			!sameTime(got.CreatedAt, now) || got.CreatedBy != "tok_1" || !sameTime(got.UpdatedAt, now) || got.UpdatedBy != "tok_1" {
			t.Errorf("GetIntegration = %+v, want %+v", got, shop)
		}
		byToken, err := s.IntegrationByToken(ctx, shop.Token)
		if err != nil || byToken.ID != shop.ID || byToken.TenantID != ten.ID {
			t.Errorf("IntegrationByToken = %+v, %v; want integration %d", byToken, err, shop.ID)
		}
		_, err = s.IntegrationByToken(ctx, "in_unknown")
		wantCode(t, "IntegrationByToken(unknown)", err, hookhub.ENOTFOUND)
	})

	t.Run("List", func(t *testing.T) {
		yes, no := true, false
		for _, tt := range []struct {
			name string
			f    hookhub.IntegrationFilter
			want []int64
		}{
			{"All", hookhub.IntegrationFilter{}, []int64{shop.ID, desk.ID}},
			{"Kind", hookhub.IntegrationFilter{Kind: "thiio"}, []int64{shop.ID}},
			{"NameAnyCase", hookhub.IntegrationFilter{Name: "ÜNÏ"}, []int64{desk.ID}},
			{"Active", hookhub.IntegrationFilter{Active: &yes}, []int64{shop.ID, desk.ID}},
			{"Inactive", hookhub.IntegrationFilter{Active: &no}, nil},
			{"NoMatch", hookhub.IntegrationFilter{Kind: "thiio", Name: "desk"}, nil},
		} {
			t.Run(tt.name, func(t *testing.T) {
				got, err := s.ListIntegrations(ctx, ten.ID, tt.f)
				if err != nil {
					t.Fatalf("ListIntegrations: %v", err)
				}
				var gotIDs []int64
				for _, in := range got {
					gotIDs = append(gotIDs, in.ID)
				}
				if !slices.Equal(gotIDs, tt.want) {
					t.Errorf("ListIntegrations(%+v) = %v, want %v", tt.f, gotIDs, tt.want)
				}
			})
		}
	})

	t.Run("Update", func(t *testing.T) {
		in := newIntegration(t, s, ten.ID, "thiio", "before")
		oldToken := in.Token
		in.Name, in.Active, in.Token = "after", false, hookhub.NewIntegrationToken()
		in.UpdatedAt, in.UpdatedBy = now.Add(time.Minute), "tok_2"
		if err := s.UpdateIntegration(ctx, in); err != nil {
			t.Fatalf("UpdateIntegration: %v", err)
		}
		got, err := s.IntegrationByToken(ctx, in.Token)
		if err != nil {
			t.Fatalf("IntegrationByToken(new token): %v", err)
		}
		if got.Name != "after" || got.Active || !sameTime(got.UpdatedAt, now.Add(time.Minute)) || got.UpdatedBy != "tok_2" ||
			!sameTime(got.CreatedAt, now) || got.CreatedBy != "tok_1" {
			t.Errorf("after update = %+v", got)
		}
		_, err = s.IntegrationByToken(ctx, oldToken)
		wantCode(t, "IntegrationByToken(rotated-out token)", err, hookhub.ENOTFOUND)
	})

	t.Run("Tenants", func(t *testing.T) {
		_, err := s.GetIntegration(ctx, other.ID, shop.ID)
		wantCode(t, "GetIntegration(other tenant)", err, hookhub.ENOTFOUND)
		stolen := *shop
		stolen.TenantID, stolen.Name = other.ID, "stolen"
		wantCode(t, "UpdateIntegration(other tenant)", s.UpdateIntegration(ctx, &stolen), hookhub.ENOTFOUND)
		wantCode(t, "DeleteIntegration(other tenant)", s.DeleteIntegration(ctx, other.ID, shop.ID), hookhub.ENOTFOUND)
		list, err := s.ListIntegrations(ctx, other.ID, hookhub.IntegrationFilter{})
		if err != nil || len(list) != 1 || list[0].ID != theirs.ID {
			t.Errorf("ListIntegrations(other tenant) = %v, %v; want only its own", list, err)
		}
		m := receive(t, s, shop, now, hookhub.InboundDone)
		_, err = s.GetInboundMessage(ctx, other.ID, m.ID)
		wantCode(t, "GetInboundMessage(other tenant)", err, hookhub.ENOTFOUND)
		err = s.FinishInboundMessage(ctx, other.ID, m.ID, hookhub.InboundOutcome{Status: hookhub.InboundFailed}, now)
		wantCode(t, "FinishInboundMessage(other tenant)", err, hookhub.ENOTFOUND)
		msgs, err := s.ListInboundMessages(ctx, other.ID, hookhub.InboundFilter{IntegrationID: shop.ID})
		if err != nil || len(msgs) != 0 {
			t.Errorf("ListInboundMessages(other tenant, its integration id) = %d messages, %v; want none", len(msgs), err)
		}
	})

	t.Run("Messages", func(t *testing.T) {
		in := newIntegration(t, s, ten.ID, "thiio", "messages")
		m := &hookhub.InboundMessage{
			TenantID: ten.ID, IntegrationID: in.ID, Kind: "thiio", Entity: "order", Action: "create",
			Method: "POST", Query: "a=1&b=%C3%BC",
			Header:     http.Header{"Content-Type": {"application/json"}, "X-Many": {"a", "b"}},
			Body:       []byte(`{"event":"order"}`),
			RemoteAddr: "192.0.2.1:4321", ReceivedAt: now, Status: hookhub.InboundProcessing, Attempts: 1,
			RunAt: now.Add(lease),
		}
		if err := s.CreateInboundMessage(ctx, m); err != nil {
			t.Fatalf("CreateInboundMessage: %v", err)
		}
		got, err := s.GetInboundMessage(ctx, ten.ID, m.ID)
		if err != nil {
			t.Fatalf("GetInboundMessage: %v", err)
		}
		if got.IntegrationID != in.ID || got.Kind != "thiio" || got.Entity != "order" || got.Action != "create" ||
			got.Method != "POST" || got.Query != m.Query || !sameHeader(got.Header, m.Header) || string(got.Body) != string(m.Body) ||
			got.RemoteAddr != m.RemoteAddr || !sameTime(got.ReceivedAt, now) || got.Status != hookhub.InboundProcessing ||
			got.Attempts != 1 || !sameTime(got.RunAt, now.Add(lease)) || !sameTime(got.UpdatedAt, now) || got.Answer != 0 {
			t.Errorf("GetInboundMessage = %+v\nwant %+v", got, m)
		}

		later := now.Add(time.Second)
		long := strings.Repeat("é", hookhub.MaxInboundReason)
		if err := s.FinishInboundMessage(ctx, ten.ID, m.ID, hookhub.InboundOutcome{Status: hookhub.InboundFailed, Reason: long, Answer: 422}, later); err != nil {
			t.Fatalf("FinishInboundMessage: %v", err)
		}
		got, _ = s.GetInboundMessage(ctx, ten.ID, m.ID)
		if got.Status != hookhub.InboundFailed || len(got.Reason) != hookhub.MaxInboundReason || got.Answer != 422 ||
			!sameTime(got.UpdatedAt, later) || !sameTime(got.RunAt, now.Add(lease)) {
			t.Errorf("after finish: status %s, reason of %d bytes, answer %d, updated %v, run at %v",
				got.Status, len(got.Reason), got.Answer, got.UpdatedAt, got.RunAt)
		}
		// An answer of 0 keeps the recorded one.
		if err := s.FinishInboundMessage(ctx, ten.ID, m.ID, hookhub.InboundOutcome{Status: hookhub.InboundDone}, later); err != nil {
			t.Fatalf("FinishInboundMessage: %v", err)
		}
		if got, _ = s.GetInboundMessage(ctx, ten.ID, m.ID); got.Status != hookhub.InboundDone || got.Reason != "" || got.Answer != 422 {
			t.Errorf("after second finish: status %s, reason %q, answer %d; want done, no reason, 422 kept", got.Status, got.Reason, got.Answer)
		}

		done := receive(t, s, in, now.Add(time.Minute), hookhub.InboundDone)
		failed := receive(t, s, in, now.Add(2*time.Minute), hookhub.InboundFailed)
		receive(t, s, shop, now.Add(3*time.Minute), hookhub.InboundFailed)
		for _, tt := range []struct {
			name string
			f    hookhub.InboundFilter
			want []int64
		}{
			{"Integration", hookhub.InboundFilter{IntegrationID: in.ID}, []int64{failed.ID, done.ID, m.ID}},
			{"Status", hookhub.InboundFilter{IntegrationID: in.ID, Status: hookhub.InboundFailed}, []int64{failed.ID}},
			{"Since", hookhub.InboundFilter{IntegrationID: in.ID, Since: now.Add(time.Minute)}, []int64{failed.ID, done.ID}},
			{"Until", hookhub.InboundFilter{IntegrationID: in.ID, Until: now.Add(time.Minute)}, []int64{m.ID}},
			{"Page", hookhub.InboundFilter{IntegrationID: in.ID, Page: hookhub.Page{Limit: 1, Before: failed.ID}}, []int64{done.ID}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				list, err := s.ListInboundMessages(ctx, ten.ID, tt.f)
				if err != nil {
					t.Fatalf("ListInboundMessages: %v", err)
				}
				var got []int64
				for _, m := range list {
					got = append(got, m.ID)
				}
				if !slices.Equal(got, tt.want) {
					t.Errorf("ListInboundMessages(%+v) = %v, want %v (newest first)", tt.f, got, tt.want)
				}
			})
		}

		if err := s.DeleteIntegration(ctx, ten.ID, in.ID); err != nil {
			t.Fatalf("DeleteIntegration: %v", err)
		}
		_, err = s.GetIntegration(ctx, ten.ID, in.ID)
		wantCode(t, "GetIntegration(deleted)", err, hookhub.ENOTFOUND)
		_, err = s.GetInboundMessage(ctx, ten.ID, done.ID)
		wantCode(t, "GetInboundMessage(of a deleted integration)", err, hookhub.ENOTFOUND)
		wantCode(t, "DeleteIntegration(again)", s.DeleteIntegration(ctx, ten.ID, in.ID), hookhub.ENOTFOUND)
	})
}

// testInboundQueue checks claims of inbound messages: due queued messages
// and those whose lease ran out are claimed, a try counted each time, and
// concurrent claimers never share a message.
func testInboundQueue(t *testing.T, s Store) {
	ctx := t.Context()
	ten := newTenant(t, s)
	in := newIntegration(t, s, ten.ID, "crm360", "queue")
	queue := func(runAt time.Time) *hookhub.InboundMessage {
		m := &hookhub.InboundMessage{
			TenantID: ten.ID, IntegrationID: in.ID, Kind: in.Kind, Method: "POST",
			ReceivedAt: now, Status: hookhub.InboundQueued, RunAt: runAt, Answer: 202,
		}
		if err := s.CreateInboundMessage(ctx, m); err != nil {
			t.Fatalf("CreateInboundMessage: %v", err)
		}
		return m
	}
	msgIDs := func(ms []*hookhub.InboundMessage) []int64 {
		return ids(ms, func(m *hookhub.InboundMessage) int64 { return m.ID })
	}

	due := queue(now)
	delayed := queue(now.Add(lease / 2)) // seconds of invisibility
	receive(t, s, in, now, hookhub.InboundDone)
	receive(t, s, in, now, hookhub.InboundFailed)

	got := claimInbound(t, s, now, 10)
	if !slices.Equal(msgIDs(got), []int64{due.ID}) {
		t.Fatalf("claim at %v = %v, want only the due message %d", now, msgIDs(got), due.ID)
	}
	if c := got[0]; c.Status != hookhub.InboundProcessing || c.Attempts != 1 || !sameTime(c.RunAt, now.Add(lease)) || c.Answer != 202 {
		t.Errorf("claimed message: status %s, attempts %d, run at %v, answer %d", c.Status, c.Attempts, c.RunAt, c.Answer)
	}
	if got := claimInbound(t, s, now.Add(time.Second), 10); len(got) != 0 {
		t.Errorf("claim during the lease = %v, want nothing", msgIDs(got))
	}
	// The delayed one comes due; the first one's lease runs out.
	got = claimInbound(t, s, now.Add(lease), 10)
	if !slices.Equal(msgIDs(got), sorted(due.ID, delayed.ID)) {
		t.Fatalf("claim after the lease = %v, want %v", msgIDs(got), sorted(due.ID, delayed.ID))
	}
	for _, m := range got {
		if m.ID == due.ID && m.Attempts != 2 {
			t.Errorf("reclaimed message attempts = %d, want 2", m.Attempts)
		}
	}
	// Queued again with a delay, then done.
	retryAt := now.Add(lease + time.Hour)
	if err := s.FinishInboundMessage(ctx, ten.ID, due.ID, hookhub.InboundOutcome{Status: hookhub.InboundQueued, Reason: "database away", RunAt: retryAt}, now.Add(lease)); err != nil {
		t.Fatal(err)
	}
	if err := s.FinishInboundMessage(ctx, ten.ID, delayed.ID, hookhub.InboundOutcome{Status: hookhub.InboundDone}, now.Add(lease)); err != nil {
		t.Fatal(err)
	}
	if got := claimInbound(t, s, retryAt.Add(-time.Millisecond), 10); len(got) != 0 {
		t.Errorf("claim before the retry = %v, want nothing", msgIDs(got))
	}
	if got := claimInbound(t, s, retryAt, 10); !slices.Equal(msgIDs(got), []int64{due.ID}) || got[0].Attempts != 3 {
		t.Errorf("claim at the retry = %v, want %d on its third try", msgIDs(got), due.ID)
	}

	t.Run("Limit", func(t *testing.T) {
		// Only as many as asked, however many are due (PostgreSQL once
		// claimed them all).
		at := retryAt.Add(time.Hour)
		for range 3 {
			queue(at)
		}
		// Four are due: these three, and the first one, whose lease ran out.
		if got := claimInbound(t, s, at, 1); len(got) != 1 {
			t.Errorf("claim with limit 1 of 4 due = %v, want one message", msgIDs(got))
		}
		if got := claimInbound(t, s, at, 5); len(got) != 3 {
			t.Errorf("claim with limit 5 of the 3 left = %v, want three messages", msgIDs(got))
		}
	})

	t.Run("Concurrent", func(t *testing.T) {
		const n = 60
		for range n {
			queue(now)
		}
		var mu sync.Mutex
		seen := map[int64]int{}
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for {
					ms, err := s.ClaimInboundMessages(ctx, now.Add(time.Hour), 7, 24*time.Hour)
					if err != nil {
						t.Errorf("ClaimInboundMessages: %v", err)
						return
					}
					if len(ms) == 0 {
						return
					}
					mu.Lock()
					for _, m := range ms {
						seen[m.ID]++
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if len(seen) != n {
			t.Errorf("claimed %d distinct messages, want %d", len(seen), n)
		}
		for id, k := range seen {
			if k != 1 {
				t.Errorf("message %d claimed %d times", id, k)
			}
		}
	})

	t.Run("Purge", func(t *testing.T) {
		ten := newTenant(t, s)
		in := newIntegration(t, s, ten.ID, "thiio", "purge")
		old := receive(t, s, in, now.Add(-48*time.Hour), hookhub.InboundDone)
		oldFailed := receive(t, s, in, now.Add(-48*time.Hour), hookhub.InboundFailed)
		recent := receive(t, s, in, now, hookhub.InboundDone)
		waiting := &hookhub.InboundMessage{TenantID: ten.ID, IntegrationID: in.ID, Kind: in.Kind, Method: "POST",
			ReceivedAt: now.Add(-48 * time.Hour), Status: hookhub.InboundQueued, RunAt: now.Add(time.Hour)}
		if err := s.CreateInboundMessage(ctx, waiting); err != nil {
			t.Fatal(err)
		}
		if _, err := s.PurgeInboundMessages(ctx, now.Add(-24*time.Hour)); err != nil {
			t.Fatalf("PurgeInboundMessages: %v", err)
		}
		for _, m := range []*hookhub.InboundMessage{old, oldFailed} {
			_, err := s.GetInboundMessage(ctx, ten.ID, m.ID)
			wantCode(t, "GetInboundMessage(purged)", err, hookhub.ENOTFOUND)
		}
		for _, m := range []*hookhub.InboundMessage{recent, waiting} {
			if _, err := s.GetInboundMessage(ctx, ten.ID, m.ID); err != nil {
				t.Errorf("GetInboundMessage(%d, kept): %v", m.ID, err)
			}
		}
	})
}

// newIntegration creates an active integration of the tenant, made and
// last changed by "tok_1" at now.
func newIntegration(t *testing.T, s Store, tenantID, kind, name string) *hookhub.Integration {
	t.Helper()
	in := &hookhub.Integration{
		TenantID: tenantID, Kind: kind, Name: name, Active: true, Token: hookhub.NewIntegrationToken(),
		CreatedAt: now, CreatedBy: "tok_1", UpdatedAt: now, UpdatedBy: "tok_1",
	}
	if err := s.CreateIntegration(t.Context(), in); err != nil {
		t.Fatalf("CreateIntegration: %v", err)
	}
	if in.ID == 0 {
		t.Fatal("CreateIntegration did not set ID")
	}
	return in
}

// receive stores a message of the integration received at the time at,
// already answered, with the given status.
func receive(t *testing.T, s Store, in *hookhub.Integration, at time.Time, status hookhub.InboundStatus) *hookhub.InboundMessage {
	t.Helper()
	m := &hookhub.InboundMessage{
		TenantID: in.TenantID, IntegrationID: in.ID, Kind: in.Kind, Method: "POST",
		Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(`{}`),
		ReceivedAt: at, Status: status, Answer: 200,
	}
	if status == hookhub.InboundFailed {
		m.Reason, m.Answer = "the event field is required", 422
	}
	if err := s.CreateInboundMessage(t.Context(), m); err != nil {
		t.Fatalf("CreateInboundMessage: %v", err)
	}
	return m
}
