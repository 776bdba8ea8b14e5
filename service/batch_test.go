package service_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/service"
)

// customers returns n entities {"id": i} numbered from 1.
func customers(n int) []json.RawMessage {
	out := make([]json.RawMessage, n)
	for i := range out {
		out[i] = fmt.Appendf(nil, `{"id":%d,"name":"Customer %d"}`, i+1, i+1)
	}
	return out
}

func TestPublishBatchSplits(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tt := range []struct {
		entities int
		want     []int
	}{
		{1, []int{1}},
		{80, []int{80}},
		{81, []int{80, 1}},
		{160, []int{80, 80}},
		{200, []int{80, 80, 40}},
	} {
		t.Run(fmt.Sprint(tt.entities), func(t *testing.T) {
			t.Parallel()
			svc, b := setup(t, options{})
			createWebhook(t, svc, b.a, &hookhub.Webhook{Events: []string{"contact.created"}})
			parts, err := svc.PublishBatch(ctx, b.a, "contact.created", customers(tt.entities), service.BatchOptions{EntityType: "contact"})
			if err != nil {
				t.Fatal(err)
			}
			var sizes []int
			next, batchID := 1, ""
			for i, p := range parts {
				sizes = append(sizes, p.Entities)
				if p.Deliveries != 1 || p.Duplicate || p.Event.ID == 0 {
					t.Errorf("part %d = %+v, want a new event with one delivery", i+1, p.PublishResult)
				}
				ev, err := svc.GetEvent(ctx, b.a, p.Event.ID)
				if err != nil {
					t.Fatal(err)
				}
				if ev.Type != "contact.created" || ev.EntityType != "contact" {
					t.Errorf("part %d: type %q, entity type %q", i+1, ev.Type, ev.EntityType)
				}
				d, ok := service.ParseBatch(ev.Data)
				if !ok {
					t.Fatalf("part %d: data %s is not a batch", i+1, ev.Data)
				}
				if i == 0 {
					batchID = d.Batch.ID
				}
				if want := (service.BatchInfo{ID: batchID, Part: i + 1, Parts: len(tt.want), Total: tt.entities}); d.Batch != want || !strings.HasPrefix(d.Batch.ID, "bat_") {
					t.Errorf("part %d: batch = %+v, want %+v", i+1, d.Batch, want)
				}
				if len(d.Entities) != p.Entities {
					t.Errorf("part %d: %d entities in the data, result says %d", i+1, len(d.Entities), p.Entities)
				}
				for _, e := range d.Entities {
					var c struct{ ID int }
					if err := json.Unmarshal(e, &c); err != nil || c.ID != next {
						t.Fatalf("part %d: entity %s, want id %d (in order)", i+1, e, next)
					}
					next++
				}
			}
			if !slices.Equal(sizes, tt.want) {
				t.Errorf("parts of %d entities = %v, want %v", tt.entities, sizes, tt.want)
			}
			// One group commit: one Store.Publish with every part.
			b.store.mu.Lock()
			defer b.store.mu.Unlock()
			if !slices.Equal(b.store.sizes, []int{len(tt.want)}) {
				t.Errorf("Store.Publish calls = %v, want one of %d events", b.store.sizes, len(tt.want))
			}
		})
	}
}

// TestPublishBatchBytes: parts also stay within hookhub.MaxEventData.
func TestPublishBatchBytes(t *testing.T) {
	t.Parallel()
	svc, b := setup(t, options{})
	big := make([]json.RawMessage, 12)
	for i := range big {
		big[i] = fmt.Appendf(nil, `{"id":%d,"notes":%q}`, i, strings.Repeat("x", 100<<10))
	}
	parts, err := svc.PublishBatch(context.Background(), b.a, "contact.created", big, service.BatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, p := range parts {
		total += p.Entities
		if p.Entities > 5 || len(p.Event.Data) > hookhub.MaxEventData {
			t.Errorf("part of %d entities, %d bytes: over the limit", p.Entities, len(p.Event.Data))
		}
	}
	if total != len(big) || len(parts) < 3 {
		t.Errorf("%d entities in %d parts, want all %d in at least 3", total, len(parts), len(big))
	}
}

func TestPublishBatchIdempotent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, b := setup(t, options{})
	opts := service.BatchOptions{IdempotencyKey: "import-7"}
	first, err := svc.PublishBatch(ctx, b.a, "contact.created", customers(100), opts)
	if err != nil {
		t.Fatal(err)
	}
	again, err := svc.PublishBatch(ctx, b.a, "contact.created", customers(100), opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != len(first) {
		t.Fatalf("again: %d parts, first %d", len(again), len(first))
	}
	for i := range first {
		if !again[i].Duplicate || again[i].Event.ID != first[i].Event.ID || first[i].Event.IdempotencyKey != fmt.Sprintf("import-7#%d", i+1) {
			t.Errorf("part %d again = %+v, first %+v: want a duplicate of the first", i+1, again[i].PublishResult, first[i].PublishResult)
		}
	}
}

func TestPublishBatchRefuses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, b := setup(t, options{})
	readOnly := withScopes(t, svc, b.a, hookhub.ScopeEventsRead)
	for _, tt := range []struct {
		name     string
		actor    *hookhub.Token
		typ      string
		entities []json.RawMessage
		opts     service.BatchOptions
		code     hookhub.Code
		field    string
	}{
		{"unknown type", b.a, "order.shipped", customers(2), service.BatchOptions{}, hookhub.EINVALID, "type"},
		{"no entities", b.a, "contact.created", nil, service.BatchOptions{}, hookhub.EINVALID, "entities"},
		{"too many", b.a, "contact.created", customers(service.MaxBatchEntities + 1), service.BatchOptions{}, hookhub.EINVALID, "entities"},
		{"empty entity", b.a, "contact.created", []json.RawMessage{[]byte(`{}`), nil}, service.BatchOptions{}, hookhub.EINVALID, "entities[1]"},
		{"bad entity", b.a, "contact.created", []json.RawMessage{[]byte(`{}`), []byte(`{"a":`)}, service.BatchOptions{}, hookhub.EINVALID, "entities[1]"},
		{"huge entity", b.a, "contact.created", []json.RawMessage{fmt.Appendf(nil, "%q", strings.Repeat("x", hookhub.MaxEventData))}, service.BatchOptions{}, hookhub.EINVALID, "entities[0]"},
		{"long key", b.a, "contact.created", customers(1), service.BatchOptions{IdempotencyKey: strings.Repeat("k", service.MaxBatchKey+1)}, hookhub.EINVALID, "idempotency_key"},
		{"bad app", b.a, "contact.created", customers(1), service.BatchOptions{AppID: "a b"}, hookhub.EINVALID, "app_id"},
		{"no scope", readOnly, "contact.created", customers(1), service.BatchOptions{}, hookhub.EFORBIDDEN, ""},
		{"no token", nil, "contact.created", customers(1), service.BatchOptions{}, hookhub.EUNAUTHORIZED, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := svc.PublishBatch(ctx, tt.actor, tt.typ, tt.entities, tt.opts)
			wantCode(t, err, tt.code, tt.field)
		})
	}
	b.store.mu.Lock()
	defer b.store.mu.Unlock()
	if len(b.store.sizes) != 0 {
		t.Errorf("refused batches reached the store: %v", b.store.sizes)
	}
}

func TestParseBatch(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		data string
		ok   bool
	}{
		{`{"batch":{"id":"bat_1","part":1,"parts":2,"total":3},"entities":[{"id":1}]}`, true},
		{` {"entities":[],"batch":{"id":"bat_1","part":2,"parts":2,"total":3}} `, true},
		{`{"id":1}`, false},
		{`[{"id":1}]`, false},
		{`{"batch":{"id":"bat_1","part":1,"parts":1,"total":1},"entities":[1],"more":true}`, false},
		{`{"batch":{"id":"bat_1","part":3,"parts":2,"total":1},"entities":[1]}`, false},
		{`{"batch":{"part":1,"parts":1,"total":1},"entities":[1]}`, false},
		{`{"batch":{"id":"bat_1","part":1,"parts":1,"total":1},"entities":{"id":1}}`, false},
		{`{"batch":{"id":"bat_1","part":1,"parts":1,"total":1},"entities":null}`, false},
	} {
		if _, ok := service.ParseBatch([]byte(tt.data)); ok != tt.ok {
			t.Errorf("ParseBatch(%s) = %v, want %v", tt.data, ok, tt.ok)
		}
	}
}
