package filter

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

var sample = Event{
	Type:           "sale.changed",
	AppID:          "app_1",
	EntityType:     "sale",
	EntityID:       "42",
	ModifiedFields: []string{"amount", "stage"},
	Timestamp:      time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC),
	Data: []byte(`{"amount": 150, "currency": "EUR", "paid": false, "note": null,
		"customer": {"name": "Ada Lovelace", "tier": "gold", "address": {"country": "NO"}},
		"tags": ["vip", "nordic"], "items": [{"sku": "A-1", "qty": 2}, {"sku": "B-7", "qty": 1}]}`),
}

func TestMatch(t *testing.T) {
	t.Parallel()
	doc, err := sample.Document()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		filter string
		want   bool
	}{
		{``, true},
		{`{}`, true},
		{`null`, true},
		{`{"type": "sale.changed"}`, true},
		{`{"type": "sale.created"}`, false},
		{`{"app_id": "app_1", "entity_id": "42", "entity_type": "sale"}`, true},
		{`{"timestamp": {"$gte": "2026-12-01T00:00:00Z"}}`, true},
		{`{"timestamp": {"$lt": "2026-12-01T00:00:00Z"}}`, false},
		{`{"modified_fields": "stage"}`, true},
		{`{"modified_fields": {"$in": ["owner", "amount"]}}`, true},
		{`{"modified_fields": {"$nin": ["owner", "amount"]}}`, false},
		// the example
		{`{"data.amount": {"$gte": 100}, "data.currency": {"$in": ["EUR", "USD"]}}`, true},
		{`{"data.amount": {"$gte": 200}, "data.currency": {"$in": ["EUR", "USD"]}}`, false},
		{`{"data.amount": {"$gte": 100}, "data.currency": {"$in": ["GBP"]}}`, false},
		// every operator, both ways
		{`{"data.amount": {"$eq": 150}}`, true},
		{`{"data.amount": {"$eq": "150"}}`, false},
		{`{"data.amount": {"$neq": 150}}`, false},
		{`{"data.amount": {"$neq": 151}}`, true},
		{`{"data.missing": {"$neq": 1}}`, true},
		{`{"data.amount": {"$gt": 150}}`, false},
		{`{"data.amount": {"$gt": 149.5}}`, true},
		{`{"data.amount": {"$gte": 150}}`, true},
		{`{"data.amount": {"$lt": 150}}`, false},
		{`{"data.amount": {"$lte": 150}}`, true},
		{`{"data.amount": {"$gt": 100, "$lt": 200}}`, true},
		{`{"data.amount": {"$gt": 100, "$lt": 120}}`, false},
		{`{"data.currency": {"$gt": 1}}`, false},
		{`{"data.currency": {"$lt": "USD"}}`, true},
		{`{"data.currency": {"$in": ["EUR"]}}`, true},
		{`{"data.currency": {"$nin": ["EUR"]}}`, false},
		{`{"data.missing": {"$nin": ["EUR"]}}`, true},
		{`{"data.missing": {"$in": ["EUR"]}}`, false},
		{`{"data.note": {"$exist": true}}`, true},
		{`{"data.note": null}`, true},
		{`{"data.missing": {"$exist": false}}`, true},
		{`{"data.missing": {"$exist": true}}`, false},
		{`{"data.customer.name": {"$regex": "^Ada "}}`, true},
		{`{"data.customer.name": {"$regex": "(?i)^ada"}}`, true},
		{`{"data.customer.name": {"$regex": "^Grace"}}`, false},
		{`{"data.amount": {"$regex": "150"}}`, false},
		{`{"data.paid": false}`, true},
		{`{"data.paid": {"$eq": true}}`, false},
		// nested paths, arrays, objects
		{`{"data": {"customer": {"address": {"country": "NO"}}}}`, true},
		{`{"data.customer.address.country": "SE"}`, false},
		{`{"data.items.1.sku": "B-7"}`, true},
		{`{"data.items.2.sku": {"$exist": true}}`, false},
		{`{"data.items.x": {"$exist": true}}`, false},
		{`{"data.tags": "vip"}`, true},
		{`{"data.tags": ["vip", "nordic"]}`, true},
		{`{"data.tags": ["vip"]}`, false},
		{`{"data.customer.address": {"$eq": {"country": "NO"}}}`, true},
		{`{"data.amount.deeper": {"$exist": true}}`, false},
		// logic
		{`{"$or": [{"data.currency": "USD"}, {"data.amount": {"$gte": 100}}]}`, true},
		{`{"$or": [{"data.currency": "USD"}, {"data.amount": {"$gte": 1000}}]}`, false},
		{`{"$and": [{"data.currency": "EUR"}, {"data.amount": {"$gte": 100}}]}`, true},
		{`{"$and": [{"data.currency": "EUR"}, {"data.amount": {"$gte": 1000}}]}`, false},
		{`{"$not": {"data.currency": "EUR"}}`, false},
		{`{"$not": {"data.currency": "USD"}}`, true},
		{`{"data.amount": {"$not": {"$lt": 100}}}`, true},
		{`{"data": {"$or": [{"currency": "USD"}, {"customer.tier": "gold"}]}}`, true},
		{`{"type": "sale.changed", "$not": {"$or": [{"data.paid": true}, {"data.amount": {"$lt": 10}}]}}`, true},
	}
	for _, tt := range tests {
		f, err := Compile([]byte(tt.filter))
		if err != nil {
			t.Errorf("Compile(%s): %v", tt.filter, err)
			continue
		}
		if got := f.Match(doc); got != tt.want {
			t.Errorf("Match(%s) = %v, want %v", tt.filter, got, tt.want)
		}
	}
}

func TestCompileErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		filter   string
		path, op string
		reason   string
	}{
		{`[]`, "", "", "must be a JSON object"},
		{`{"a": 1} {}`, "", "", "must be a JSON object"},
		{`{"data.amount": {"$gte": true}}`, "data.amount", "$gte", "needs a number or a string"},
		{`{"data.amount": {"$lt": [1]}}`, "data.amount", "$lt", "needs a number or a string"},
		{`{"data.amount": {"$between": [1, 2]}}`, "data.amount", "$between", "is not a known operator"},
		{`{"data.currency": {"$in": "EUR"}}`, "data.currency", "$in", "needs an array"},
		{`{"data.currency": {"$nin": 1}}`, "data.currency", "$nin", "needs an array"},
		{`{"data.note": {"$exist": "yes"}}`, "data.note", "$exist", "needs true or false"},
		{`{"data.name": {"$regex": "("}}`, "data.name", "$regex", "is not a valid regular expression"},
		{`{"data.name": {"$regex": 5}}`, "data.name", "$regex", "needs a string"},
		{`{"$or": []}`, "", "$or", "needs a non-empty array"},
		{`{"$and": {"a": 1}}`, "", "$and", "needs a non-empty array"},
		{`{"$or": [1]}`, "", "$or", "entry 0 must be a filter object"},
		{`{"$not": []}`, "", "$not", "needs a non-empty filter object"},
		{`{"$eq": 5}`, "", "$eq", "needs a path"},
		{`{"data..x": 1}`, "data..x", "", "empty part"},
		{`{"data.x": {}}`, "data.x", "", "empty object"},
		{`{"$or": [{"data": {"amount": {"$gte": "x", "$foo": 1}}}]}`, "data.amount", "$foo", "is not a known operator"},
		{`{"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":{"i":{"j":1}}}}}}}}}}`, "a.b.c.d.e.f.g.h.i", "", "nests deeper"},
		{fmt.Sprintf(`{"data.x": {"$in": [%s0]}}`, strings.Repeat("0,", MaxList)), "data.x", "$in", "at most 256"},
		{fmt.Sprintf(`{"data.x": {"$regex": "%s"}}`, strings.Repeat("a", MaxRegex+1)), "data.x", "$regex", "at most 256"},
		{`{"x": "` + strings.Repeat("a", MaxSize) + `"}`, "", "", "at most 16384 bytes"},
	}
	for _, tt := range tests {
		_, err := Compile([]byte(tt.filter))
		var fe *Error
		if !errors.As(err, &fe) {
			t.Errorf("Compile(%.60s) = %v, want *Error", tt.filter, err)
			continue
		}
		if fe.Path != tt.path || fe.Op != tt.op || !strings.Contains(fe.Reason, tt.reason) {
			t.Errorf("Compile(%.60s) = {%q %q %q}, want {%q %q …%q…}", tt.filter, fe.Path, fe.Op, fe.Reason, tt.path, tt.op, tt.reason)
		}
	}
}

func TestTooManyConditions(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("{")
	for i := range MaxConditions + 1 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `"data.f%03d": %d`, i, i)
	}
	b.WriteString("}")
	_, err := Compile([]byte(b.String()))
	var fe *Error
	if !errors.As(err, &fe) || fe.Path != "data.f064" || fe.Op != "$eq" {
		t.Fatalf("Compile(65 conditions) = %v, want the 65th named", err)
	}
}

func TestErrorMessage(t *testing.T) {
	t.Parallel()
	_, err := Compile([]byte(`{"data.amount": {"$gte": true}}`))
	if got, want := err.Error(), `at "data.amount": $gte needs a number or a string`; got != want {
		t.Fatalf("message = %q, want %q", got, want)
	}
}

// BenchmarkMatch measures what a typical filter costs per event and webhook:
// the match on an event decoded once (the per-webhook part) and, for the
// whole price with one webhook, decoding the event too.
func BenchmarkMatch(b *testing.B) {
	f, err := Compile([]byte(`{"type": {"$in": ["sale.changed", "sale.created"]}, "data.amount": {"$gte": 100}, "data.currency": {"$in": ["EUR", "USD"]}, "data.customer.tier": {"$neq": "bronze"}}`))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("match", func(b *testing.B) {
		doc, err := sample.Document()
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if !f.Match(doc) {
				b.Fatal("no match")
			}
		}
	})
	b.Run("decode+match", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			doc, err := sample.Document()
			if err != nil || !f.Match(doc) {
				b.Fatal("no match", err)
			}
		}
	})
}

func TestCache(t *testing.T) {
	t.Parallel()
	var c Cache
	a, err := c.Compile(`{"type": "a.b"}`)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := c.Compile(`{"type": "a.b"}`); b != a {
		t.Error("the same source compiled twice")
	}
	if _, err := c.Compile(`{"x": {"$bad": 1}}`); err == nil {
		t.Error("a bad source compiled")
	}
	if _, err := c.Compile(`{"x": {"$bad": 1}}`); err == nil {
		t.Error("a bad source compiled from the cache")
	}
}
