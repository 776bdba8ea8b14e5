package salesiq_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/salesiq"
)

// The envelope is written exactly: SalesIQ's members in its order, the
// entity as published.
func TestEnvelope(t *testing.T) {
	t.Parallel()
	at := time.UnixMilli(1566480708268)
	for _, tt := range []struct {
		name    string
		w       hookhub.Webhook
		e       hookhub.Event
		attempt int
		want    string
	}{
		{
			"data event",
			hookhub.Webhook{},
			hookhub.Event{TenantID: "14327896", Type: "conversation.operator.replied", AppID: "8000000000047", EntityID: "8000000004009",
				Data: json.RawMessage(`{"id":"8000000004009","message":{"text":"Hello <b> & ü"}}`), CreatedAt: at},
			1,
			`{"version":"1","event":"conversation.operator.replied","event_time":1566480708268,"org_id":"14327896","app_id":8000000000047,"attempt":1,"entity_type":"conversation","entity_id":"8000000004009","entity":{"id":"8000000004009","message":{"text":"Hello <b> & ü"}},"modified_fields":[]}`,
		},
		{
			"admin event on a retry, entity id from the entity, properties merged",
			hookhub.Webhook{Properties: json.RawMessage(`{"source":"crm","version":"9"}`)},
			hookhub.Event{TenantID: "55778119", Type: "department.updated", Data: json.RawMessage(`{"id":6000000009015,"name":"Support"}`),
				ModifiedFields: []string{"name"}, CreatedAt: at},
			3,
			`{"version":"1","event":"department.updated","event_time":1566480708268,"org_id":"55778119","attempt":3,"entity_type":"department","entity_id":"6000000009015","entity":{"id":6000000009015,"name":"Support"},"modified_fields":["name"],"source":"crm"}`,
		},
		{
			"deleted entity, app id that is not a number",
			hookhub.Webhook{},
			hookhub.Event{TenantID: "t", Type: "operator.deleted", AppID: "embed-7", EntityType: "operator", EntityID: "115000000029087", Data: json.RawMessage(`null`), CreatedAt: at},
			1,
			`{"version":"1","event":"operator.deleted","event_time":1566480708268,"org_id":"t","app_id":"embed-7","attempt":1,"entity_type":"operator","entity_id":"115000000029087","modified_fields":[]}`,
		},
		{
			"app id with a leading zero stays a string",
			hookhub.Webhook{},
			hookhub.Event{TenantID: "t", Type: "visitor.updated", AppID: "0123", Data: json.RawMessage(`{}`), CreatedAt: at},
			1,
			`{"version":"1","event":"visitor.updated","event_time":1566480708268,"org_id":"t","app_id":"0123","attempt":1,"entity_type":"visitor","entity_id":"","entity":{},"modified_fields":[]}`,
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := salesiq.Envelope(&tt.w, &tt.e, tt.attempt)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("envelope\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

// Every SalesIQ event type is in the built-in catalogue with its
// description and the seed's example entity.
func TestCatalogue(t *testing.T) {
	t.Parallel()
	types := salesiq.EventTypes()
	if len(types) != 16 {
		t.Errorf("%d SalesIQ event types, want 16", len(types))
	}
	builtin := hookhub.NewCatalog(salesiq.Product).EventTypes()
	for _, name := range types {
		i := slices.IndexFunc(builtin, func(b hookhub.EventType) bool { return b.Name == name })
		if i < 0 {
			t.Errorf("%s is not built in", name)
			continue
		}
		et := builtin[i]
		if et.Description == "" || len(et.Example) == 0 || !json.Valid(et.Example) {
			t.Errorf("%s: description %q, example %s", name, et.Description, et.Example)
		}
	}
	var created struct {
		Status     string `json:"status"`
		ChatStatus struct {
			Label string `json:"label"`
		} `json:"chat_status"`
		Visitor struct {
			Type string `json:"type"`
		} `json:"visitor"`
	}
	for _, b := range builtin {
		if b.Name == "conversation.created" {
			if err := json.Unmarshal(b.Example, &created); err != nil {
				t.Fatal(err)
			}
		}
	}
	if created.Status != "Live" || created.ChatStatus.Label != "Live" || created.Visitor.Type != "contact" {
		t.Errorf("conversation.created example = %+v, want the seed's", created)
	}
}

// A secured webhook without a key (saved by an older hookhub, which let
// one be) is not sent unsigned: its request cannot be built, and the error
// says how to mend it.
func TestSecuredWithoutKeyIsNotSentUnsigned(t *testing.T) {
	t.Parallel()
	w := &hookhub.Webhook{ID: 7, Format: salesiq.Format, Meta: json.RawMessage(`{"module":"administration","secured":true}`)}
	c := &hookhub.Claim{Event: hookhub.Event{ID: 1, TenantID: "t", Type: "operator.deleted", Data: json.RawMessage(`null`)}}
	body, h, err := (&salesiq.Formatter{}).Format(w, c, time.Now())
	if err == nil || !strings.Contains(err.Error(), "/webhooks/7/keys") {
		t.Errorf("Format = %s, %v, %v; want an error naming the keys path", body, h, err)
	}
	w.Meta = json.RawMessage(`{"module":"administration","secured":false}`)
	if _, h, err := (&salesiq.Formatter{}).Format(w, c, time.Now()); err != nil || h.Get(salesiq.SignatureHeader) != "" {
		t.Errorf("unsecured: %v, %v; want an unsigned request", h, err)
	}
}

// Published with its catalogue example and no entity_id, every event with
// an entity gets its entity_id from the entity's id: conversation.rated
// too, whose example (the seed's rating payload) takes the conversation id
// of the seed's feedback example. Deleted entities have none to give.
func TestExampleEntityIDs(t *testing.T) {
	t.Parallel()
	builtin := hookhub.NewCatalog(salesiq.Product).EventTypes()
	for _, name := range salesiq.EventTypes() {
		i := slices.IndexFunc(builtin, func(b hookhub.EventType) bool { return b.Name == name })
		e := &hookhub.Event{TenantID: "55778119", Type: name, Data: builtin[i].Example, CreatedAt: time.UnixMilli(1567065865617)}
		b, err := salesiq.Envelope(&hookhub.Webhook{}, e, 1)
		if err != nil {
			t.Fatal(err)
		}
		var env struct {
			EntityID string          `json:"entity_id"`
			Entity   json.RawMessage `json:"entity"`
		}
		if err := json.Unmarshal(b, &env); err != nil {
			t.Fatal(err)
		}
		switch {
		case name == "conversation.rated" && env.EntityID != "40526000001808033":
			t.Errorf("conversation.rated: entity_id %q, want the conversation's id 40526000001808033", env.EntityID)
		case env.Entity != nil && env.EntityID == "":
			t.Errorf("%s: entity_id is empty for the example %s", name, env.Entity)
		case env.Entity == nil && env.EntityID != "":
			t.Errorf("%s: entity_id %q without an entity", name, env.EntityID)
		}
	}
}
