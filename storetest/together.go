package storetest

import (
	"sync"
	"testing"

	"github.com/hookhub/hookhub"
)

// testWritesTogether: publishes and outcomes that arrive at once may be
// written in one transaction; each still gets its own result. A publish the
// database refuses fails alone, the others in flight with it commit, and
// every outcome applies once.
func testWritesTogether(t *testing.T, s Store) {
	ctx := t.Context()
	a := setup(t, s)
	const rounds, publishers = 5, 8
	for round := range rounds {
		publishN(t, s, now, a.tenant.ID, "contact.created", publishers)
		cs := claim(t, s, now, publishers)
		if len(cs) != publishers {
			t.Fatalf("round %d: claimed %d, want %d", round, len(cs), publishers)
		}
		var wg sync.WaitGroup
		errs := make([]error, publishers+1)
		for i := range publishers {
			wg.Go(func() {
				_, errs[i] = s.Publish(ctx, now, hookhub.PublishRequest{Event: newEvent(a.tenant.ID, "contact.created", now)})
			})
		}
		wg.Go(func() { // refused: a NUL in its idempotency key
			ev := newEvent(a.tenant.ID, "contact.created", now)
			ev.IdempotencyKey = "bad\x00key"
			_, errs[publishers] = s.Publish(ctx, now, hookhub.PublishRequest{Event: ev})
		})
		for _, c := range cs {
			wg.Go(func() {
				if err := s.Complete(ctx, now, []hookhub.Outcome{succeeded(c, now)}); err != nil {
					t.Errorf("Complete(%d): %v", c.ID, err)
				}
			})
		}
		wg.Wait()
		for i, err := range errs[:publishers] {
			if err != nil {
				t.Errorf("round %d: publish %d: %v", round, i, err)
			}
		}
		wantCode(t, "Publish(refused key, with others)", errs[publishers], hookhub.EINVALID)
		for _, c := range cs {
			d, err := s.GetDelivery(ctx, a.tenant.ID, c.ID)
			if err != nil || d.State != hookhub.DeliverySucceeded {
				t.Errorf("round %d: delivery %d after its outcome: %+v, %v; want succeeded", round, c.ID, d, err)
			}
		}
		// What the concurrent publishes made is pending: claim it away.
		if got := claim(t, s, now, 10*publishers); len(got) != publishers {
			t.Errorf("round %d: the concurrent publishes made %d deliveries, want %d", round, len(got), publishers)
		} else {
			outs := make([]hookhub.Outcome, len(got))
			for i, c := range got {
				outs[i] = succeeded(c, now)
			}
			complete(t, s, now, outs...)
		}
	}
	st, err := s.Stats(ctx, a.tenant.ID, now.Add(-1))
	if err != nil {
		t.Fatalf("Stats: %v", err)
	}
	if want := (hookhub.Stats{Succeeded: 2 * rounds * publishers}); st != want {
		t.Errorf("Stats = %+v, want %+v", st, want)
	}
}
