package storetest

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/crm"
)

// testRecords checks SaveRecords: contacts matched by e-mail within the
// tenant, orders by integration and external id, the events each change
// raises (with the record as data, and deliveries for subscribed webhooks)
// and the message marked done, all in one transaction.
func testRecords(t *testing.T, s Store) {
	ctx := t.Context()
	b := setup(t, s) // a webhook subscribed to every event
	in := newIntegration(t, s, b.tenant.ID, "thiio", "shop")
	msg := receive(t, s, in, now, hookhub.InboundProcessing)

	first := sampleChange(b.tenant.ID, in.ID, "John.Doe@Example.com", "123")
	first.MessageID, first.Answer = msg.ID, 200
	res := save(t, s, now, first)
	if !res.ContactCreated || res.Contact.ID == 0 || !res.OrderCreated || res.Order.ID == 0 || res.Order.ContactID != res.Contact.ID {
		t.Fatalf("first save = %+v, want a new contact and a new order of it", res)
	}
	c, o := res.Contact, res.Order
	if c.IntegrationID != in.ID || c.Source != "Thiio Custom" || o.IntegrationID != in.ID || !sameTime(c.CreatedAt, now) {
		t.Errorf("first save: contact %+v, order %+v", c, o)
	}
	wantEvents(t, s, b, res, []string{crm.EventContactCreated, crm.EventOrderCreated}, nil)
	if m, err := s.GetInboundMessage(ctx, b.tenant.ID, msg.ID); err != nil || m.Status != hookhub.InboundDone || m.Answer != 200 {
		t.Errorf("message after save = %+v, %v; want done, answered 200", m, err)
	}

	t.Run("RoundTrip", func(t *testing.T) {
		gc, err := s.GetContact(ctx, b.tenant.ID, c.ID)
		if err != nil {
			t.Fatalf("GetContact: %v", err)
		}
		if !sameRecord(gc, c) {
			t.Errorf("GetContact =\n%s\nwant\n%s", jsonOf(gc), jsonOf(c))
		}
		gotOrder, err := s.GetOrder(ctx, b.tenant.ID, o.ID)
		if err != nil {
			t.Fatalf("GetOrder: %v", err)
		}
		if !sameRecord(gotOrder, o) {
			t.Errorf("GetOrder =\n%s\nwant\n%s", jsonOf(gotOrder), jsonOf(o))
		}
		if gotOrder.Total != "120" || gotOrder.Shipping != "10.5" || gotOrder.Taxes != "" || len(gotOrder.Items) != 2 ||
			gotOrder.Items[1].Price != "50.25" || gotOrder.ExternalID != "123" || !sameTime(gotOrder.Date, o.Date) {
			t.Errorf("GetOrder = %s", jsonOf(gotOrder))
		}
	})

	t.Run("SameCustomerNewOrder", func(t *testing.T) {
		ch := sampleChange(b.tenant.ID, in.ID, "JOHN.DOE@example.COM", "124")
		res := save(t, s, now.Add(time.Minute), ch)
		if res.ContactCreated || len(res.ContactChanged) != 0 || res.Contact.ID != c.ID || res.Contact.Email != c.Email {
			t.Errorf("second order's contact = %+v (created %v, changed %v), want contact %d unchanged", res.Contact, res.ContactCreated, res.ContactChanged, c.ID)
		}
		if !res.OrderCreated || res.Order.ContactID != c.ID || res.Order.ID == o.ID {
			t.Errorf("second order = %+v, want a new order of contact %d", res.Order, c.ID)
		}
		wantEvents(t, s, b, res, []string{crm.EventOrderCreated}, nil)
		orders, err := s.ListOrders(ctx, b.tenant.ID, crm.OrderFilter{ContactID: c.ID})
		if err != nil || len(orders) != 2 {
			t.Errorf("ListOrders(contact) = %d orders, %v; want 2", len(orders), err)
		}
	})

	t.Run("SameOrderAgain", func(t *testing.T) {
		ch := sampleChange(b.tenant.ID, in.ID, "john.doe@example.com", "123")
		ch.Contact.Phone.Number = "+15125550000"
		ch.Order.Type, ch.Order.Total = crm.OrderRefund, "120.00" // the same number written otherwise
		res := save(t, s, now.Add(2*time.Minute), ch)
		if res.OrderCreated || res.Order.ID != o.ID || res.Order.Type != crm.OrderRefund {
			t.Errorf("same order again = %+v, want order %d updated", res.Order, o.ID)
		}
		if !slices.Equal(res.OrderChanged, []string{"type"}) || !slices.Equal(res.ContactChanged, []string{"phone"}) {
			t.Errorf("changed fields: contact %v, order %v; want [phone], [type]", res.ContactChanged, res.OrderChanged)
		}
		wantEvents(t, s, b, res, []string{crm.EventContactChanged, crm.EventOrderChanged}, [][]string{{"phone"}, {"type"}})
		got, _ := s.GetOrder(ctx, b.tenant.ID, o.ID)
		if got.Type != crm.OrderRefund || !sameTime(got.UpdatedAt, now.Add(2*time.Minute)) || !sameTime(got.CreatedAt, now) {
			t.Errorf("order after update = %s", jsonOf(got))
		}

		// Nothing new: nothing changes, no event.
		res = save(t, s, now.Add(3*time.Minute), ch)
		if res.OrderCreated || res.ContactCreated || len(res.OrderChanged)+len(res.ContactChanged) != 0 || len(res.Events) != 0 {
			t.Errorf("the same change again = %+v, want nothing changed and no event", res)
		}
	})

	t.Run("Atomic", func(t *testing.T) {
		before, err := s.ListEvents(ctx, b.tenant.ID, hookhub.EventFilter{})
		if err != nil {
			t.Fatal(err)
		}
		ch := sampleChange(b.tenant.ID, in.ID, "nobody@example.com", "999")
		ch.MessageID = 1 << 40 // no such message: the whole change is refused
		_, err = s.SaveRecords(ctx, now, ch)
		wantCode(t, "SaveRecords(unknown message)", err, hookhub.ENOTFOUND)
		cs, err := s.ListContacts(ctx, b.tenant.ID, crm.ContactFilter{Email: "nobody@example.com"})
		if err != nil || len(cs) != 0 {
			t.Errorf("contacts after a failed save = %d, %v; want none", len(cs), err)
		}
		os, err := s.ListOrders(ctx, b.tenant.ID, crm.OrderFilter{ExternalID: "999"})
		if err != nil || len(os) != 0 {
			t.Errorf("orders after a failed save = %d, %v; want none", len(os), err)
		}
		after, err := s.ListEvents(ctx, b.tenant.ID, hookhub.EventFilter{})
		if err != nil || len(after) != len(before) {
			t.Errorf("events after a failed save = %d, %v; want %d as before", len(after), err, len(before))
		}
	})

	t.Run("Tenants", func(t *testing.T) {
		other := newTenant(t, s)
		theirs := newIntegration(t, s, other.ID, "thiio", "their shop")
		res := save(t, s, now, sampleChange(other.ID, theirs.ID, "john.doe@example.com", "123"))
		if !res.ContactCreated || res.Contact.ID == c.ID || !res.OrderCreated || res.Order.ID == o.ID {
			t.Errorf("the same customer in another tenant = %+v, want a contact and an order of its own", res)
		}
		_, err := s.GetContact(ctx, other.ID, c.ID)
		wantCode(t, "GetContact(other tenant)", err, hookhub.ENOTFOUND)
		_, err = s.GetOrder(ctx, other.ID, o.ID)
		wantCode(t, "GetOrder(other tenant)", err, hookhub.ENOTFOUND)
		cs, _ := s.ListContacts(ctx, other.ID, crm.ContactFilter{})
		os, _ := s.ListOrders(ctx, other.ID, crm.OrderFilter{ContactID: c.ID})
		if len(cs) != 1 || cs[0].ID != res.Contact.ID || len(os) != 0 {
			t.Errorf("other tenant lists %d contacts and %d orders of contact %d, want only its own", len(cs), len(os), c.ID)
		}
	})

	t.Run("List", func(t *testing.T) {
		ten := newTenant(t, s)
		var contacts []*crm.Contact
		var orders []*crm.Order
		for i, name := range []string{"Ada Lovelace", "Grace Hopper", "Alan Turing", "Ünïcode Person"} {
			ch := sampleChange(ten.ID, in.ID, fmt.Sprintf("person%d@example.com", i), fmt.Sprint(i))
			ch.Contact.FirstName, ch.Contact.LastName, _ = strings.Cut(name, " ")
			ch.Contact.Source = []string{"shop", "shop", "fair", "fair"}[i]
			ch.Order.Type = crm.OrderTypes[i]
			ch.Order.Date = now.Add(time.Duration(i) * time.Hour)
			res := save(t, s, now.Add(time.Duration(i)*time.Minute), ch)
			contacts, orders = append(contacts, res.Contact), append(orders, res.Order)
		}
		cid := func(i ...int) []int64 {
			var out []int64
			for _, k := range i {
				out = append(out, contacts[k].ID)
			}
			return out
		}
		for _, tt := range []struct {
			name string
			f    crm.ContactFilter
			want []int64
		}{
			{"All", crm.ContactFilter{}, cid(3, 2, 1, 0)},
			{"Email", crm.ContactFilter{Email: "PERSON1@example.com"}, cid(1)},
			{"SearchName", crm.ContactFilter{Search: "hopp"}, cid(1)},
			{"SearchUnicode", crm.ContactFilter{Search: "ÜNÏ"}, cid(3)},
			{"SearchEmail", crm.ContactFilter{Search: "son2@"}, cid(2)},
			{"SearchWildcard", crm.ContactFilter{Search: "%"}, nil},
			{"Source", crm.ContactFilter{Source: "fair"}, cid(3, 2)},
			{"Integration", crm.ContactFilter{IntegrationID: in.ID + 1000}, nil},
			{"Since", crm.ContactFilter{Since: now.Add(2 * time.Minute)}, cid(3, 2)},
			{"Until", crm.ContactFilter{Until: now.Add(time.Minute)}, cid(0)},
			{"Page", crm.ContactFilter{Page: hookhub.Page{Limit: 2, Before: contacts[3].ID}}, cid(2, 1)},
		} {
			t.Run("Contacts"+tt.name, func(t *testing.T) {
				got, err := s.ListContacts(ctx, ten.ID, tt.f)
				if err != nil {
					t.Fatalf("ListContacts: %v", err)
				}
				var gotIDs []int64
				for _, c := range got {
					gotIDs = append(gotIDs, c.ID)
				}
				if !slices.Equal(gotIDs, tt.want) {
					t.Errorf("ListContacts(%+v) = %v, want %v", tt.f, gotIDs, tt.want)
				}
			})
		}
		oid := func(i ...int) []int64 {
			var out []int64
			for _, k := range i {
				out = append(out, orders[k].ID)
			}
			return out
		}
		for _, tt := range []struct {
			name string
			f    crm.OrderFilter
			want []int64
		}{
			{"All", crm.OrderFilter{}, oid(3, 2, 1, 0)},
			{"Contact", crm.OrderFilter{ContactID: contacts[2].ID}, oid(2)},
			{"Integration", crm.OrderFilter{IntegrationID: in.ID}, oid(3, 2, 1, 0)},
			{"ExternalID", crm.OrderFilter{ExternalID: "1"}, oid(1)},
			{"Type", crm.OrderFilter{Type: crm.OrderVoid}, oid(2)},
			{"Since", crm.OrderFilter{Since: now.Add(2 * time.Hour)}, oid(3, 2)},
			{"Until", crm.OrderFilter{Until: now.Add(time.Hour)}, oid(0)},
			{"Page", crm.OrderFilter{Page: hookhub.Page{Limit: 1, Before: orders[2].ID}}, oid(1)},
		} {
			t.Run("Orders"+tt.name, func(t *testing.T) {
				got, err := s.ListOrders(ctx, ten.ID, tt.f)
				if err != nil {
					t.Fatalf("ListOrders: %v", err)
				}
				var gotIDs []int64
				for _, o := range got {
					gotIDs = append(gotIDs, o.ID)
				}
				if !slices.Equal(gotIDs, tt.want) {
					t.Errorf("ListOrders(%+v) = %v, want %v", tt.f, gotIDs, tt.want)
				}
			})
		}
	})

	t.Run("Concurrent", func(t *testing.T) {
		// Messages about one new customer at once make one contact.
		ten := newTenant(t, s)
		var wg sync.WaitGroup
		results := make([]*crm.RecordResult, 8)
		for i := range results {
			wg.Go(func() {
				r, err := s.SaveRecords(ctx, now, sampleChange(ten.ID, in.ID, "same@example.com", fmt.Sprint("o", i)))
				if err != nil {
					t.Errorf("SaveRecords: %v", err)
					return
				}
				results[i] = r
			})
		}
		wg.Wait()
		created := 0
		for _, r := range results {
			if r != nil && r.ContactCreated {
				created++
			}
		}
		cs, err := s.ListContacts(ctx, ten.ID, crm.ContactFilter{})
		if err != nil || len(cs) != 1 || created != 1 {
			t.Errorf("contacts = %d (%v), created %d times; want 1", len(cs), err, created)
		}
		os, _ := s.ListOrders(ctx, ten.ID, crm.OrderFilter{})
		if len(os) != len(results) {
			t.Errorf("orders = %d, want %d", len(os), len(results))
		}
	})
}

// sampleChange is the seed's sample payload as a change: a contact with
// addresses and a phone, and an order with two items.
func sampleChange(tenantID string, integrationID int64, email, orderID string) *crm.RecordChange {
	addr := crm.Address{FirstName: "John", LastName: "Doe", Line1: "11801 Stonehollow Drive", Line2: "line two",
		City: "Austin", State: "TX", ZipCode: "78758", Country: "US"}
	billing, shipping := addr, addr
	return &crm.RecordChange{
		TenantID: tenantID, IntegrationID: integrationID,
		Contact: &crm.Contact{
			FirstName: "John", LastName: "Doe", Email: email, Phone: crm.Phone{Country: "US", Number: "+15124713434"},
			BillingAddress: &billing, ShippingAddress: &shipping, Source: "Thiio Custom",
		},
		Order: &crm.Order{
			ExternalID: orderID, Type: crm.OrderSuccess, UserID: "10", Date: time.Date(2024, 5, 1, 13, 45, 10, 0, time.UTC),
			Shipping: "10.5", Total: "120",
			Items: []crm.OrderItem{
				{Name: "Product one", Title: "Product one Red", Quantity: "1", Price: "50"},
				{Name: "Product two", Title: "Product two White", Quantity: "1", Price: "50.25"},
			},
		},
	}
}

func save(t *testing.T, s Store, at time.Time, ch *crm.RecordChange) *crm.RecordResult {
	t.Helper()
	res, err := s.SaveRecords(t.Context(), at, ch)
	if err != nil {
		t.Fatalf("SaveRecords: %v", err)
	}
	return res
}

// wantEvents checks that res raised events of the given types, in order,
// with its records as data (and the modified fields, when given), each
// with a pending delivery for the bundle's webhook.
func wantEvents(t *testing.T, s Store, b *bundle, res *crm.RecordResult, types []string, modified [][]string) {
	t.Helper()
	if len(res.Events) != len(types) {
		t.Fatalf("%d events raised, want %v", len(res.Events), types)
	}
	for i, pr := range res.Events {
		e, err := s.GetEvent(t.Context(), b.tenant.ID, pr.Event.ID)
		if err != nil {
			t.Fatalf("GetEvent: %v", err)
		}
		var record any = res.Contact
		entity, id := "contact", res.Contact.ID
		if e.Type == crm.EventOrderCreated || e.Type == crm.EventOrderChanged {
			record, entity, id = res.Order, "order", res.Order.ID
		}
		if e.Type != types[i] || e.EntityType != entity || e.EntityID != fmt.Sprint(id) || !sameJSON(e.Data, []byte(jsonOf(record))) {
			t.Errorf("event %d = %s %s %s %s, want %s %s %d with data %s", i, e.Type, e.EntityType, e.EntityID, e.Data, types[i], entity, id, jsonOf(record))
		}
		if modified != nil && !slices.Equal(e.ModifiedFields, modified[i]) {
			t.Errorf("event %s modified fields = %v, want %v", e.Type, e.ModifiedFields, modified[i])
		}
		d := onlyDelivery(t, s, b.tenant.ID, e.ID)
		if d.WebhookID != b.webhook.ID || d.State != hookhub.DeliveryPending || pr.Deliveries != 1 {
			t.Errorf("event %s delivery = %+v (result counts %d), want one pending to webhook %d", e.Type, d, pr.Deliveries, b.webhook.ID)
		}
	}
}

// sameRecord reports whether two records have the same JSON form.
func sameRecord(a, b any) bool {
	return sameJSON([]byte(jsonOf(a)), []byte(jsonOf(b))) && reflect.TypeOf(a) == reflect.TypeOf(b)
}

func jsonOf(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("<%v>", err)
	}
	return string(b)
}
