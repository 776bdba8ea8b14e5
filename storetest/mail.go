package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
)

// enqueue stores a queued e-mail of the tenant created at the time at.
func enqueue(t *testing.T, s Store, tenantID string, webhookID int64, subject string, at time.Time) *hookhub.Mail {
	t.Helper()
	m := &hookhub.Mail{
		TenantID: tenantID, WebhookID: webhookID, Kind: hookhub.MailTooManyErrors,
		To: "ops@example.com", Subject: subject, Text: "Body of " + subject + ".\nSecond line.",
		State: hookhub.MailQueued, CreatedAt: at,
	}
	if err := s.EnqueueMail(t.Context(), m); err != nil {
		t.Fatalf("EnqueueMail: %v", err)
	}
	if m.ID == 0 {
		t.Fatal("EnqueueMail did not set ID")
	}
	return m
}

func claimMail(t *testing.T, s Store, at time.Time, limit int) []*hookhub.Mail {
	t.Helper()
	ms, err := s.ClaimMail(t.Context(), at, limit, lease)
	if err != nil {
		t.Fatalf("ClaimMail: %v", err)
	}
	return ms
}

func finishMail(t *testing.T, s Store, id int64, state hookhub.MailState, errMsg string, at, retryAt time.Time) {
	t.Helper()
	if err := s.FinishMail(t.Context(), id, state, errMsg, at, retryAt); err != nil {
		t.Fatalf("FinishMail(%d, %s): %v", id, state, err)
	}
}

// listMail returns a tenant's e-mails by id.
func listMail(t *testing.T, s Store, tenantID string) map[int64]*hookhub.Mail {
	t.Helper()
	ms, err := s.ListMail(t.Context(), tenantID, hookhub.Page{Limit: 100})
	if err != nil {
		t.Fatalf("ListMail: %v", err)
	}
	out := map[int64]*hookhub.Mail{}
	for _, m := range ms {
		out[m.ID] = m
	}
	return out
}

func testMail(t *testing.T, s Store) {
	b := setup(t, s)
	sent := enqueue(t, s, b.tenant.ID, b.webhook.ID, "sent", now)
	refused := enqueue(t, s, b.tenant.ID, 0, "refused", now)
	later := enqueue(t, s, b.tenant.ID, b.webhook.ID, "later", now)
	logged := enqueue(t, s, b.tenant.ID, 0, "logged", now)

	ms := claimMail(t, s, now, 10)
	if got, want := ids(ms, mailID), sorted(sent.ID, refused.ID, later.ID, logged.ID); !slices.Equal(got, want) {
		t.Fatalf("ClaimMail = %v, want %v", got, want)
	}
	for _, m := range ms {
		if m.ID != sent.ID {
			continue
		}
		if m.TenantID != sent.TenantID || m.WebhookID != sent.WebhookID || m.Kind != sent.Kind || m.To != sent.To ||
			m.Subject != sent.Subject || m.Text != sent.Text || !sameTime(m.CreatedAt, sent.CreatedAt) {
			t.Errorf("claimed e-mail = %+v\nwant %+v", m, sent)
		}
	}

	at := now.Add(time.Second)
	retryAt := now.Add(10 * time.Minute)
	finishMail(t, s, sent.ID, hookhub.MailSent, "", at, time.Time{})
	finishMail(t, s, refused.ID, hookhub.MailFailed, "550 no such user", at, time.Time{})
	finishMail(t, s, later.ID, hookhub.MailQueued, "421 try again later", at, retryAt)
	finishMail(t, s, logged.ID, hookhub.MailLogged, "", at, time.Time{})

	got := listMail(t, s, b.tenant.ID)
	for _, tt := range []struct {
		m       *hookhub.Mail
		state   hookhub.MailState
		lastErr string
		sentAt  time.Time
	}{
		{sent, hookhub.MailSent, "", at},
		{refused, hookhub.MailFailed, "550 no such user", time.Time{}},
		{later, hookhub.MailQueued, "421 try again later", time.Time{}},
	} {
		m := got[tt.m.ID]
		if m == nil {
			t.Errorf("ListMail lacks %q", tt.m.Subject)
			continue
		}
		if m.State != tt.state || m.LastError != tt.lastErr || !sameTime(m.SentAt, tt.sentAt) {
			t.Errorf("%q = state %s, last error %q, sent at %v; want %s, %q, %v", tt.m.Subject, m.State, m.LastError, m.SentAt, tt.state, tt.lastErr, tt.sentAt)
		}
	}
	if m := got[logged.ID]; m == nil || m.State != hookhub.MailLogged {
		t.Errorf("logged e-mail = %+v, want state logged", m)
	}

	// Only the e-mail to try again comes back, and only at its time.
	if ms := claimMail(t, s, retryAt.Add(-time.Second), 10); len(ms) != 0 {
		t.Errorf("ClaimMail before the retry time = %v, want none", ids(ms, mailID))
	}
	if ms := claimMail(t, s, retryAt, 10); !slices.Equal(ids(ms, mailID), []int64{later.ID}) {
		t.Errorf("ClaimMail at the retry time = %v, want [%d]", ids(ms, mailID), later.ID)
	}
	finishMail(t, s, later.ID, hookhub.MailSent, "", retryAt, time.Time{})
	if m := listMail(t, s, b.tenant.ID)[later.ID]; m.State != hookhub.MailSent || !sameTime(m.SentAt, retryAt) {
		t.Errorf("retried e-mail = %s at %v, want sent at %v", m.State, m.SentAt, retryAt)
	}
	if ms := claimMail(t, s, now.Add(24*time.Hour), 10); len(ms) != 0 {
		t.Errorf("ClaimMail after all were finished = %v, want none", ids(ms, mailID))
	}
}

func testMailLease(t *testing.T, s Store) {
	b := setup(t, s)
	m := enqueue(t, s, b.tenant.ID, 0, "one", now)
	if ms := claimMail(t, s, now, 10); !slices.Equal(ids(ms, mailID), []int64{m.ID}) {
		t.Fatalf("ClaimMail = %v, want [%d]", ids(ms, mailID), m.ID)
	}
	if ms := claimMail(t, s, now, 10); len(ms) != 0 {
		t.Errorf("second ClaimMail = %v, want none", ids(ms, mailID))
	}
	if ms := claimMail(t, s, now.Add(lease-time.Millisecond), 10); len(ms) != 0 {
		t.Errorf("ClaimMail before the lease ran out = %v, want none", ids(ms, mailID))
	}
	if ms := claimMail(t, s, now.Add(lease), 10); !slices.Equal(ids(ms, mailID), []int64{m.ID}) {
		t.Errorf("ClaimMail after the lease = %v, want [%d]", ids(ms, mailID), m.ID)
	}

	// Batches up to the limit.
	at := now.Add(time.Hour)
	finishMail(t, s, m.ID, hookhub.MailSent, "", at, time.Time{})
	for range 3 {
		enqueue(t, s, b.tenant.ID, 0, "batch", at)
	}
	for _, want := range []int{2, 1, 0} {
		if got := len(claimMail(t, s, at, 2)); got != want {
			t.Errorf("ClaimMail(limit 2) = %d, want %d", got, want)
		}
	}
}

func testMailList(t *testing.T, s Store) {
	a, b := setup(t, s), setup(t, s)
	var mine []int64
	for i := range 3 {
		mine = append(mine, enqueue(t, s, a.tenant.ID, 0, "a", now.Add(time.Duration(i)*time.Minute)).ID)
	}
	theirs := enqueue(t, s, b.tenant.ID, 0, "b", now).ID

	list := func(tenantID string, p hookhub.Page) []int64 {
		t.Helper()
		ms, err := s.ListMail(t.Context(), tenantID, p)
		if err != nil {
			t.Fatalf("ListMail: %v", err)
		}
		var out []int64
		for _, m := range ms {
			out = append(out, m.ID)
		}
		return out
	}
	for _, tt := range []struct {
		name   string
		tenant string
		p      hookhub.Page
		want   []int64
	}{
		{"all", a.tenant.ID, hookhub.Page{}, []int64{mine[2], mine[1], mine[0]}},
		{"limit", a.tenant.ID, hookhub.Page{Limit: 2}, []int64{mine[2], mine[1]}},
		{"before", a.tenant.ID, hookhub.Page{Limit: 2, Before: mine[1]}, []int64{mine[0]}},
		{"other tenant", b.tenant.ID, hookhub.Page{}, []int64{theirs}},
	} {
		if got := list(tt.tenant, tt.p); !slices.Equal(got, tt.want) {
			t.Errorf("%s: ListMail = %v, want %v", tt.name, got, tt.want)
		}
	}
}
