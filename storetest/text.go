package storetest

import (
	"strconv"
	"testing"

	"github.com/hookhub/hookhub"
)

// testText checks that text PostgreSQL cannot store (a NUL character, bytes
// that are not UTF-8) is refused with EINVALID on every database, in a
// write, in a prepared write of the hot paths (Publish) and in a lookup,
// and that nothing of it is stored.
func testText(t *testing.T, s Store) {
	ctx := t.Context()
	for _, bad := range []string{"a\x00b", "a\xffb", "\xed\xa0\x80"} {
		ten := &hookhub.Tenant{ID: hookhub.NewID("ten"), Name: bad, CreatedAt: now}
		wantCode(t, "CreateTenant(name "+quoteText(bad)+")", s.CreateTenant(ctx, ten), hookhub.EINVALID)
		_, err := s.GetTenant(ctx, ten.ID)
		wantCode(t, "GetTenant(refused tenant)", err, hookhub.ENOTFOUND)

		a := setup(t, s)
		ev := newEvent(a.tenant.ID, "contact.created", now)
		ev.IdempotencyKey = bad
		_, err = s.Publish(ctx, now, hookhub.PublishRequest{Event: ev})
		wantCode(t, "Publish(idempotency key "+quoteText(bad)+")", err, hookhub.EINVALID)
		evs, err := s.ListEvents(ctx, a.tenant.ID, hookhub.EventFilter{Page: hookhub.Page{Limit: 10}})
		if err != nil || len(evs) != 0 {
			t.Errorf("ListEvents after a refused publish = %d events, %v; want none", len(evs), err)
		}

		_, err = s.ListEvents(ctx, a.tenant.ID, hookhub.EventFilter{Type: bad, Page: hookhub.Page{Limit: 10}})
		wantCode(t, "ListEvents(type "+quoteText(bad)+")", err, hookhub.EINVALID)
	}
}

func quoteText(s string) string { return strconv.Quote(s) }
