package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

type batchOut struct {
	Entities int `json:"entities"`
	Events   []struct {
		published
		Entities int `json:"entities"`
	} `json:"events"`
}

func batchBody(n int) map[string]any {
	entities := make([]map[string]any, n)
	for i := range entities {
		entities[i] = map[string]any{"id": i + 1, "name": fmt.Sprint("Customer ", i+1)}
	}
	return map[string]any{"type": "contact.created", "entity_type": "contact", "entities": entities}
}

func TestPublishBatch(t *testing.T) {
	t.Parallel()
	e := setup(t, options{})
	e.createWebhook(t, e.a)

	var out batchOut
	e.must(t, 202, "POST", "/v1/events/batch", e.a, batchBody(200), &out)
	if out.Entities != 200 || len(out.Events) != 3 {
		t.Fatalf("answer = %+v, want 200 entities in 3 events", out)
	}
	for i, want := range []int{80, 80, 40} {
		p := out.Events[i]
		if p.Entities != want || p.Deliveries != 1 || p.Duplicate || p.ID == 0 {
			t.Errorf("event %d = %+v, want %d entities and one delivery", i, p, want)
		}
	}
	var ev struct {
		Type string `json:"type"`
		Data struct {
			Batch struct {
				ID                 string
				Part, Parts, Total int
			} `json:"batch"`
			Entities []struct {
				ID int `json:"id"`
			} `json:"entities"`
		} `json:"data"`
	}
	e.must(t, 200, "GET", fmt.Sprintf("/v1/events/%d", out.Events[2].ID), e.a, nil, &ev)
	if b := ev.Data.Batch; ev.Type != "contact.created" || !strings.HasPrefix(b.ID, "bat_") || b.Part != 3 || b.Parts != 3 || b.Total != 200 ||
		len(ev.Data.Entities) != 40 || ev.Data.Entities[0].ID != 161 {
		t.Errorf("last part = %+v, want part 3 of 3 with entities 161 to 200", ev)
	}

	// The Idempotency-Key header makes a retry harmless.
	req := func() batchOut {
		t.Helper()
		r, _ := http.NewRequest("POST", e.url+"/v1/events/batch", strings.NewReader(`{"type":"contact.created","entities":[{"id":1},{"id":2}]}`))
		r.Header.Set("Authorization", "Bearer "+e.a)
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("Idempotency-Key", "import-1")
		status, _, b := send(t, r)
		if status != 202 {
			t.Fatalf("status = %d %s", status, b)
		}
		var o batchOut
		mustDecode(t, b, &o)
		return o
	}
	first, again := req(), req()
	if len(again.Events) != 1 || first.Events[0].Duplicate || !again.Events[0].Duplicate || again.Events[0].ID != first.Events[0].ID {
		t.Errorf("first %+v, again %+v: want the retry to be a duplicate", first, again)
	}
}

// TestPublishBatchOpenAPI: the document describes every member of the answer.
func TestPublishBatchOpenAPI(t *testing.T) {
	t.Parallel()
	e := setup(t, options{})
	var doc struct {
		Paths      map[string]map[string]any `json:"paths"`
		Components struct {
			Schemas map[string]struct {
				Properties map[string]any `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	e.must(t, 200, "GET", "/openapi.json", "", nil, &doc)
	if doc.Paths["/v1/events/batch"]["post"] == nil {
		t.Fatal("no POST /v1/events/batch in the document")
	}
	for name, want := range map[string][]string{
		"BatchPublish": {"type", "entities", "app_id", "entity_type", "idempotency_key"},
		"BatchResult":  {"entities", "events"},
		"BatchPart":    {"id", "duplicate", "deliveries", "entities"},
	} {
		s, ok := doc.Components.Schemas[name]
		if !ok {
			t.Errorf("no schema %s", name)
			continue
		}
		for _, p := range want {
			if s.Properties[p] == nil {
				t.Errorf("schema %s lacks %s", name, p)
			}
		}
	}
}

func TestPublishBatchProblems(t *testing.T) {
	t.Parallel()
	e := setup(t, options{})
	for _, tt := range []struct {
		name     string
		body     any
		status   int
		location string
	}{
		{"unknown type", map[string]any{"type": "order.shipped", "entities": []int{1}}, 422, "body.type"},
		{"no entities", map[string]any{"type": "contact.created", "entities": []int{}}, 422, "body.entities"},
		{"entities missing", map[string]any{"type": "contact.created"}, 422, "body.entities"},
		{"not JSON", `{"type": "contact.created", "entities": [`, 400, "body"},
		{"no token", nil, 401, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			token := e.a
			if tt.body == nil {
				token, tt.body = "", batchBody(1)
			}
			status, h, b := e.do(t, "POST", "/v1/events/batch", token, tt.body)
			wantProblem(t, status, h, b, tt.status, tt.location)
		})
	}
}
