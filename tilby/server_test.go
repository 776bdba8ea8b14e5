package tilby_test

import (
	"strings"
	"testing"

	"github.com/hookhub/hookhub/hookhubtest"
	"github.com/hookhub/hookhub/mail/smtptest"
	"github.com/hookhub/hookhub/server"
)

// TestServe runs hookhub as serve assembles it, on each database, with a
// retry scale instead of a clock (15 minutes become 90 ms): the Tilby API
// is mounted, the tilby format is registered, a failing receiver gets its
// 4 tries and the developer 5 e-mails (one per failed try and the retry
// limit), and an import arrives in parts.
func TestServe(t *testing.T) {
	t.Parallel()
	hookhubtest.OnEachDB(t, func(t *testing.T, db string) {
		smtp := smtptest.NewServer(t)
		s := hookhubtest.NewServer(t, hookhubtest.ServerOptions{DB: db, Config: func(c *server.Config) {
			c.AllowPrivateTargets, c.RetryScale, c.SMTPURL = true, 0.0001, smtp.URL()
		}})
		serve(t, s, smtp)
	})
}

func serve(t *testing.T, s *hookhubtest.Server, smtp *smtptest.Server) {
	_, token := hookhubtest.Tenant(t, s.Service(), "shop")
	e := &env{url: s.URL, token: token}

	rc := newReceiver(t)
	rc.status.Store(500)
	e.create(t, token, rc.srv.URL+"/sales", "sales", "closed")
	e.must(t, 202, "POST", "/v1/events", token, map[string]any{"type": "sales.closed", "data": map[string]any{"id": 1}}, nil)
	msgs := smtp.WaitFor(t, 5, hookhubtest.WaitTimeout)
	limit := 0
	for _, m := range msgs {
		if strings.Contains(m.Subject, "retry limit") {
			limit++
		}
	}
	if len(msgs) != 5 || limit != 1 {
		t.Errorf("%d e-mails, %d at the retry limit: want 4 failed tries and the retry limit", len(msgs), limit)
	}
	if _, ds := rc.got(); len(ds) != 4 || ds[0].str("type") != "CLOSED" {
		t.Errorf("%d requests, want 4 in the tilby format", len(ds))
	}

	rc.status.Store(200)
	e.create(t, token, rc.srv.URL+"/customers", "customers", "created")
	entities := make([]map[string]any, 200)
	for i := range entities {
		entities[i] = map[string]any{"id": i + 1}
	}
	e.must(t, 202, "POST", "/v1/events/batch", token, map[string]any{"type": "customers.created", "entities": entities}, nil)
	hookhubtest.Eventually(t, "the import", func() bool {
		_, ds := rc.got()
		n := 0
		for _, d := range ds {
			if d.str("entity_name") == "customers" {
				n++
			}
		}
		return n == 3
	})
}
