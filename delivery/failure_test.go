package delivery_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/hookhubtest"
	"github.com/hookhub/hookhub/mail"
	"github.com/hookhub/hookhub/mail/smtptest"
	"github.com/hookhub/hookhub/mailqueue"
)

func answer(status int, body string) func(http.ResponseWriter, *http.Request, int) {
	return func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.WriteHeader(status)
		w.Write([]byte(body))
	}
}

// TestFailures covers answers and errors that fail a try.
func TestFailures(t *testing.T) {
	t.Parallel()
	short := []time.Duration{0, 10 * time.Millisecond, 10 * time.Millisecond}

	t.Run("server error is retried until the schedule ends", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		rc := newReceiver(t, answer(500, "down"))
		w := f.webhook(t, rc.URL, func(w *hookhub.Webhook) { w.Retry.Schedule = short })
		f.publish(t, time.Now(), 1)
		start(t, f.engineConfig(t))
		d := f.waitDeliveries(t, w.ID, 1, hookhub.DeliveryFailed)[0]
		if d.Attempts != 3 || d.LastStatus != 500 || d.LastError != "receiver answered 500" {
			t.Errorf("delivery: attempts %d, status %d, error %q; want 3, 500, receiver answered 500", d.Attempts, d.LastStatus, d.LastError)
		}
		as := f.attempts(t, d.ID)
		if len(as) != 3 {
			t.Fatalf("%d attempts recorded, want 3", len(as))
		}
		for i, a := range as {
			if a.Number != i+1 || a.Success || a.Status != 500 || string(a.ResponseBody) != "down" {
				t.Errorf("attempt %d: number %d success %v status %d body %q", i, a.Number, a.Success, a.Status, a.ResponseBody)
			}
		}
		if rc.count() != 3 {
			t.Errorf("receiver got %d requests, want 3", rc.count())
		}
		if got := f.getWebhook(t, w.ID); got.TotalCalls != 3 || got.TotalErrors != 3 || got.ConsecutiveFailures != 3 || got.LastError != "receiver answered 500" {
			t.Errorf("webhook: calls %d errors %d streak %d last error %q", got.TotalCalls, got.TotalErrors, got.ConsecutiveFailures, got.LastError)
		}
	})

	t.Run("success codes", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		rc := newReceiver(t, answer(201, "created"))
		strict := f.webhook(t, rc.URL, func(w *hookhub.Webhook) { w.SuccessCodes = []int{200} })
		lax := f.webhook(t, rc.URL, nil)
		f.publish(t, time.Now(), 1)
		start(t, f.engineConfig(t))
		d := f.waitDeliveries(t, strict.ID, 1, hookhub.DeliveryFailed)[0]
		if as := f.attempts(t, d.ID); len(as) != 1 || as[0].Success || as[0].Status != 201 || as[0].Error != "receiver answered 201" {
			t.Errorf("only 200 succeeds: attempts %+v, want one failed with 201", as)
		}
		f.waitDeliveries(t, lax.ID, 1, hookhub.DeliverySucceeded)
	})

	t.Run("timeout", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		rc := newReceiver(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			select {
			case <-r.Context().Done():
			case <-time.After(hookhubtest.WaitTimeout):
			}
		})
		w := f.webhook(t, rc.URL, func(w *hookhub.Webhook) { w.Timeout = 200 * time.Millisecond })
		f.publish(t, time.Now(), 1)
		start(t, f.engineConfig(t))
		d := f.waitDeliveries(t, w.ID, 1, hookhub.DeliveryFailed)[0]
		as := f.attempts(t, d.ID)
		if len(as) != 1 || as[0].Status != 0 || as[0].Success || as[0].Error != "no answer within 200ms" {
			t.Fatalf("attempts %+v, want one without an answer", as)
		}
		if d.LastError != "no answer within 200ms" {
			t.Errorf("delivery's last error %q", d.LastError)
		}
	})

	t.Run("no answer: the attempt says why, the log says all", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		closed := httptest.NewServer(http.NotFoundHandler())
		closed.Close()
		w := f.webhook(t, closed.URL, nil)
		f.publish(t, time.Now(), 1)
		var log syncBuffer
		cfg := f.engineConfig(t)
		cfg.Logger = slog.New(slog.NewTextHandler(&log, nil))
		start(t, cfg)
		d := f.waitDeliveries(t, w.ID, 1, hookhub.DeliveryFailed)[0]
		if as := f.attempts(t, d.ID); len(as) != 1 || as[0].Status != 0 || as[0].Error != "connection refused" {
			t.Errorf("attempts %+v, want one without an answer: connection refused", as)
		}
		full := "dial tcp " + strings.TrimPrefix(closed.URL, "http://") + ": connect: connection refused"
		if got := log.String(); !strings.Contains(got, full) || !strings.Contains(got, fmt.Sprintf("webhook=%d", w.ID)) {
			t.Errorf("log lacks the full error %q of webhook %d:\n%s", full, w.ID, got)
		}
	})

	t.Run("gone stops the webhook", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		rc := newReceiver(t, answer(http.StatusGone, ""))
		w := f.webhook(t, rc.URL, func(w *hookhub.Webhook) { w.Retry.Schedule = short })
		f.publish(t, time.Now(), 1)
		eng := start(t, f.engineConfig(t))
		// The retry finds the webhook stopped and is held, its try not counted.
		d := f.waitDeliveries(t, w.ID, 1, hookhub.DeliveryHeld)[0]
		if d.Attempts != 1 || d.LastStatus != http.StatusGone {
			t.Errorf("delivery: %d attempts, status %d; want 1, 410", d.Attempts, d.LastStatus)
		}
		if got := f.getWebhook(t, w.ID).State; got != hookhub.StateStopped {
			t.Errorf("webhook state %s, want stopped", got)
		}
		later := f.publish(t, time.Now(), 1)
		eng.Wake()
		ds := f.deliveries(t, w.ID)
		if len(ds) != 2 || ds[1].EventID != later[0].ID || ds[1].State != hookhub.DeliveryHeld {
			t.Errorf("a later event's delivery is not held:%s", describeDeliveries(ds))
		}
		if rc.count() != 1 {
			t.Errorf("receiver got %d requests, want 1", rc.count())
		}
	})

	t.Run("redirects are not followed", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		target := newReceiver(t, nil)
		rc := newReceiver(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			http.Redirect(w, r, target.URL+"/elsewhere", http.StatusFound)
		})
		w := f.webhook(t, rc.URL, nil)
		f.publish(t, time.Now(), 1)
		start(t, f.engineConfig(t))
		d := f.waitDeliveries(t, w.ID, 1, hookhub.DeliveryFailed)[0]
		as := f.attempts(t, d.ID)
		if len(as) != 1 || as[0].Status != http.StatusFound || as[0].Error != "receiver answered 302" {
			t.Fatalf("attempts %+v, want one failed with 302", as)
		}
		if got := as[0].ResponseHeaders.Get("Location"); got != target.URL+"/elsewhere" {
			t.Errorf("recorded Location %q", got)
		}
		if target.count() != 0 {
			t.Errorf("the redirect's target got %d requests, want none", target.count())
		}
	})
}

// TestRetryAfter checks, with a frozen clock, when the next try is
// scheduled after a receiver asked for a pause.
func TestRetryAfter(t *testing.T) {
	t.Parallel()
	const scale = 0.01
	for _, tc := range []struct {
		name       string
		schedule   time.Duration // before the second try
		retryAfter func(now time.Time) string
		want       time.Duration // before scaling
	}{
		{"seconds beyond the schedule", time.Second, func(time.Time) string { return "120" }, 120 * time.Second},
		{"http date", time.Second, func(now time.Time) string { return now.Add(time.Hour).UTC().Format(http.TimeFormat) }, time.Hour},
		{"shorter than the schedule", time.Minute, func(time.Time) string { return "1" }, time.Minute},
		{"capped at a day", time.Second, func(time.Time) string { return "9999999" }, 24 * time.Hour},
		{"malformed", 5 * time.Second, func(time.Time) string { return "soon" }, 5 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t)
			clk := frozenClock()
			rc := newReceiver(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				w.Header().Set("Retry-After", tc.retryAfter(clk.Now()))
				w.WriteHeader(http.StatusServiceUnavailable)
			})
			w := f.webhook(t, rc.URL, func(w *hookhub.Webhook) {
				w.Retry = hookhub.RetryPolicy{Schedule: []time.Duration{0, tc.schedule}}
			})
			f.publish(t, clk.Now(), 1)
			cfg := f.engineConfig(t)
			cfg.Now, cfg.RetryScale = clk.Now, scale
			start(t, cfg)
			var d *hookhub.Delivery
			waitFor(t, "the first try to be recorded", func() bool {
				d = f.deliveries(t, w.ID)[0]
				return d.State == hookhub.DeliveryPending && d.Attempts == 1
			}, func() string { return describeDeliveries([]*hookhub.Delivery{d}) })
			want := clk.Now().Add(time.Duration(float64(tc.want) * scale))
			if !d.RunAt.Equal(want) {
				t.Errorf("next try at %s, want %s (now + %s × %g)", d.RunAt, want, tc.want, scale)
			}
			if d.LastStatus != http.StatusServiceUnavailable {
				t.Errorf("last status %d", d.LastStatus)
			}
		})
	}
}

// mailer runs a Mailer sending through a real SMTP client to an in-process
// SMTP server until the test ends.
func mailer(t *testing.T, f *fixture) *smtptest.Server {
	t.Helper()
	srv := smtptest.NewServer(t)
	cfg, err := mail.ParseURL(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	m := &mailqueue.Mailer{
		Store:    f.store,
		Sender:   mail.NewSMTP(cfg, "hookhub@example.com"),
		Now:      time.Now,
		Logger:   testLogger(t),
		Interval: 20 * time.Millisecond,
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		m.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return srv
}

// TestTooManyErrors trips a webhook after its threshold of consecutive
// failures, sends one e-mail, holds its new events, and sends them all when
// it is made active again.
func TestTooManyErrors(t *testing.T) {
	t.Parallel()
	f := setup(t)
	smtp := mailer(t, f)
	var healthy atomic.Bool
	rc := newReceiver(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		if !healthy.Load() {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		w.Write([]byte("ok"))
	})
	w := f.webhook(t, rc.URL, func(w *hookhub.Webhook) {
		w.Name = "CRM sync"
		w.FailureThreshold = 3
		w.ErrorsEmail = "ops@example.com"
		w.Retry.Schedule = []time.Duration{0, 10 * time.Millisecond, 10 * time.Millisecond, 10 * time.Millisecond, 10 * time.Millisecond, 10 * time.Millisecond}
	})
	f.publish(t, time.Now(), 1)
	eng := start(t, f.engineConfig(t))

	// The third failure trips the webhook; the retry it scheduled is held.
	d := f.waitDeliveries(t, w.ID, 1, hookhub.DeliveryHeld)[0]
	got := f.getWebhook(t, w.ID)
	if got.State != hookhub.StateTooManyErrors || got.ConsecutiveFailures != 3 {
		t.Fatalf("webhook: state %s, streak %d; want too_many_errors, 3", got.State, got.ConsecutiveFailures)
	}
	if rc.count() != 3 || d.Attempts != 3 {
		t.Errorf("receiver got %d requests, delivery counts %d attempts; want 3 and 3", rc.count(), d.Attempts)
	}

	msgs := smtp.WaitFor(t, 1, hookhubtest.WaitTimeout)
	m := msgs[0]
	if len(m.To) != 1 || m.To[0] != "ops@example.com" {
		t.Errorf("e-mail to %q", m.To)
	}
	if !strings.Contains(m.Subject, "CRM sync") {
		t.Errorf("subject %q does not name the webhook", m.Subject)
	}
	if !strings.Contains(m.Text, "receiver answered 502") {
		t.Errorf("text does not give the last error:\n%s", m.Text)
	}

	held := f.publish(t, time.Now(), 2)
	for _, d := range f.deliveries(t, w.ID)[1:] {
		if d.State != hookhub.DeliveryHeld {
			t.Errorf("delivery %d for a new event is %s, want held", d.ID, d.State)
		}
	}

	healthy.Store(true)
	f.setState(t, w.ID, hookhub.StateActive)
	eng.Wake()
	f.waitDeliveries(t, w.ID, 3, hookhub.DeliverySucceeded)
	for _, e := range held {
		if n := len(rc.byMessage()[e.MessageID()]); n != 1 {
			t.Errorf("held message %s sent %d times after release, want once", e.MessageID(), n)
		}
	}
	if got := f.getWebhook(t, w.ID); got.State != hookhub.StateActive || got.ConsecutiveFailures != 0 {
		t.Errorf("webhook after release: %s, streak %d", got.State, got.ConsecutiveFailures)
	}

	waitMail(t, f, 1, hookhub.MailSent)
	if n := len(smtp.Messages()); n != 1 {
		t.Errorf("%d e-mails arrived, want exactly 1", n)
	}
	ms, _ := f.store.ListMail(t.Context(), f.tenant, hookhub.Page{})
	if ms[0].Kind != hookhub.MailTooManyErrors || ms[0].WebhookID != w.ID {
		t.Errorf("mail kind %s webhook %d", ms[0].Kind, ms[0].WebhookID)
	}
}

// waitMail waits until the tenant's outbox holds n e-mails, all in state.
func waitMail(t *testing.T, f *fixture, n int, state hookhub.MailState) []*hookhub.Mail {
	t.Helper()
	var ms []*hookhub.Mail
	waitFor(t, "the outbox", func() bool {
		var err error
		ms, err = f.store.ListMail(t.Context(), f.tenant, hookhub.Page{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) != n {
			return false
		}
		for _, m := range ms {
			if m.State != state {
				return false
			}
		}
		return true
	}, func() string {
		s := ""
		for _, m := range ms {
			s += "\n  " + m.Kind + " " + string(m.State) + " " + m.LastError
		}
		return s
	})
	return ms
}

// TestEmailEachFailure sends an e-mail with the request body at each failed
// try, and after the last one a final e-mail, also with the body, saying
// the message reached the retry limit.
func TestEmailEachFailure(t *testing.T) {
	t.Parallel()
	f := setup(t)
	smtp := mailer(t, f)
	rc := newReceiver(t, answer(500, ""))
	w := f.webhook(t, rc.URL, func(w *hookhub.Webhook) {
		w.Name = "Shop"
		w.ErrorsEmail = "dev@example.com"
		w.EmailEachFailure = true
		w.FailureThreshold = 100
		w.Retry.Schedule = []time.Duration{0, 10 * time.Millisecond, 10 * time.Millisecond}
	})
	f.publish(t, time.Now(), 1)
	start(t, f.engineConfig(t))
	f.waitDeliveries(t, w.ID, 1, hookhub.DeliveryFailed)
	waitMail(t, f, 4, hookhub.MailSent)

	// One per failed try, then the retry limit's own.
	msgs := smtp.WaitFor(t, 4, hookhubtest.WaitTimeout)
	if len(msgs) != 4 {
		t.Fatalf("%d e-mails, want 4", len(msgs))
	}
	body := string(rc.requests()[0].body)
	for i, m := range msgs {
		if len(m.To) != 1 || m.To[0] != "dev@example.com" {
			t.Errorf("e-mail %d to %q", i, m.To)
		}
		if !strings.Contains(m.Text, body) {
			t.Errorf("e-mail %d does not hold the request body %s:\n%s", i, body, m.Text)
		}
		last := i == len(msgs)-1
		if got := strings.Contains(m.Subject, "retry limit"); got != last {
			t.Errorf("e-mail %d subject %q: names the retry limit %v, want %v", i, m.Subject, got, last)
		}
		if !last && !strings.Contains(m.Subject, "try "+string(rune('1'+i))+" failed") {
			t.Errorf("e-mail %d subject %q", i, m.Subject)
		}
	}
}

// syncBuffer is a bytes.Buffer that a logger and the test may share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
