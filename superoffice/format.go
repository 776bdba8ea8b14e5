package superoffice

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/delivery"
)

// Format is the name of SuperOffice's wire format (hookhub.Webhook.Format).
const Format = "superoffice"

// The request headers of the format.
const (
	SignatureHeader = "X-SuperOffice-Signature" // Base64 HMAC-SHA256 of the body, keyed with the secret
	EventHeader     = "X-SuperOffice-Event"     // the event name
	EventIDHeader   = "X-SuperOffice-EventId"   // the body's EventId
	RetryHeader     = "X-SuperOffice-Retry"     // the try number: 1 for the first
	TestHeader      = "X-Hook-Test"             // "true" on test calls
)

// TestEvent is the event a save or TestWebhook posts to the receiver.
const TestEvent = "test"

// Formatter is SuperOffice's wire format for the delivery engine. The body
// is a WebhookPayload (see Payload); the headers are the webhook's Headers,
// then Content-Type, a User-Agent naming hookhub, X-SuperOffice-Event,
// X-SuperOffice-EventId, X-SuperOffice-Retry, X-SuperOffice-Signature when
// the webhook has a secret, and X-Hook-Test: true for a test event.
type Formatter struct{}

var _ delivery.Formatter = (*Formatter)(nil)

// Format builds the request for one try of a delivery.
func (f *Formatter) Format(w *hookhub.Webhook, c *hookhub.Claim, now time.Time) ([]byte, http.Header, error) {
	e := &c.Event
	id := EventID(e) // once: a test event's is random
	body, err := payload(w, e, id)
	if err != nil {
		return nil, nil, err
	}
	h := make(http.Header, 7+len(w.Headers))
	for k, v := range w.Headers {
		h.Set(k, v)
	}
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("User-Agent", delivery.UserAgent)
	h.Set(EventHeader, eventName(e))
	h.Set(EventIDHeader, id)
	h.Set(RetryHeader, strconv.Itoa(max(c.Attempts, 1)))
	if w.Secret != "" {
		h.Set(SignatureHeader, Sign(w.Secret, body))
	}
	if isTest(e) {
		h.Set(TestHeader, "true")
	}
	return body, h, nil
}

// Sign returns Base64(HMAC-SHA256(key: the UTF-8 bytes of secret, message:
// body)), the value of X-SuperOffice-Signature.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// reserved are the payload's own members, which properties cannot replace.
var reserved = []string{"EventId", "Timestamp", "Changes", "Event", "PrimaryKey", "Entity",
	"ContextIdentifier", "ChangedByAssociateId", "WebhookName", "FieldValues"}

// Payload renders SuperOffice's WebhookPayload for e, members in this order:
//
//   - EventId: a GUID, the same on every try and for every webhook the
//     event goes to (derived from the tenant and the event's id);
//   - Timestamp: when the event happened, in UTC;
//   - Changes: the event's modified fields ([] when none);
//   - Event: the event type ("test" for test events);
//   - PrimaryKey: the entity id (a number when it is all digits), else 0;
//   - Entity: the entity type, else the event type's first word;
//   - ContextIdentifier: the tenant's id;
//   - ChangedByAssociateId: 0;
//   - WebhookName: the webhook's name;
//   - FieldValues: the event's data as published.
//
// Data published in SuperOffice's own shape (an object with FieldValues)
// gives FieldValues, ContextIdentifier and ChangedByAssociateId when it has
// them, and PrimaryKey, Entity and Changes when the event's own entity id,
// entity type and modified fields are not given: what the publisher set on
// the event wins over a copy in its data, as the event's fields are what
// hookhub stores, filters and shows. The webhook's Properties are merged
// in after these members.
func Payload(w *hookhub.Webhook, e *hookhub.Event) ([]byte, error) {
	return payload(w, e, EventID(e))
}

func payload(w *hookhub.Webhook, e *hookhub.Event, eventID string) ([]byte, error) {
	var shaped map[string]json.RawMessage
	if d := bytes.TrimSpace(e.Data); len(d) > 0 && d[0] == '{' {
		var obj map[string]json.RawMessage
		if json.Unmarshal(d, &obj) == nil && obj["FieldValues"] != nil {
			shaped = obj
		}
	}
	member := func(name string, def []byte) []byte {
		if v, ok := shaped[name]; ok {
			return v
		}
		return def
	}
	changes := []byte("[]")
	if len(e.ModifiedFields) > 0 {
		var err error
		if changes, err = json.Marshal(e.ModifiedFields); err != nil {
			return nil, fmt.Errorf("encode changes: %w", err)
		}
	} else {
		changes = member("Changes", changes)
	}
	entity := e.EntityType
	if entity == "" {
		entity = entityOf(eventName(e))
	}
	fieldValues := bytes.TrimSpace(e.Data)
	if len(fieldValues) == 0 {
		fieldValues = []byte("{}")
	}

	var b bytes.Buffer
	b.Grow(len(e.Data) + len(w.Properties) + 320)
	b.WriteString(`{"EventId":`)
	delivery.WriteJSONString(&b, eventID)
	b.WriteString(`,"Timestamp":`)
	delivery.WriteJSONString(&b, e.CreatedAt.UTC().Format(time.RFC3339Nano))
	b.WriteString(`,"Changes":`)
	b.Write(changes)
	b.WriteString(`,"Event":`)
	delivery.WriteJSONString(&b, eventName(e))
	b.WriteString(`,"PrimaryKey":`)
	if e.EntityID == "" {
		b.Write(member("PrimaryKey", []byte("0")))
	} else {
		b.Write(primaryKey(e.EntityID))
	}
	b.WriteString(`,"Entity":`)
	if e.EntityType == "" {
		b.Write(member("Entity", quote(entity)))
	} else {
		delivery.WriteJSONString(&b, entity)
	}
	b.WriteString(`,"ContextIdentifier":`)
	b.Write(member("ContextIdentifier", quote(e.TenantID)))
	b.WriteString(`,"ChangedByAssociateId":`)
	b.Write(member("ChangedByAssociateId", []byte("0")))
	b.WriteString(`,"WebhookName":`)
	delivery.WriteJSONString(&b, w.Name)
	b.WriteString(`,"FieldValues":`)
	b.Write(member("FieldValues", fieldValues))
	if err := delivery.MergeProperties(&b, w.Properties, reserved...); err != nil {
		return nil, err
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// primaryKey is an entity id as JSON: a number when it is all digits, a
// string otherwise.
func primaryKey(id string) []byte {
	if delivery.IsJSONInteger(id) {
		return []byte(id)
	}
	return quote(id)
}

// EventID is the GUID of an event: derived from the tenant and the event
// id, so that every try of it carries the same one; random for an event
// that was never stored (test calls).
func EventID(e *hookhub.Event) string {
	var u [16]byte
	if e.ID == 0 {
		_, _ = rand.Read(u[:]) // crypto/rand.Read never fails on supported platforms
	} else {
		sum := sha256.Sum256([]byte("hookhub event " + e.TenantID + " " + strconv.FormatInt(e.ID, 10)))
		copy(u[:], sum[:16])
	}
	u[6] = u[6]&0x0f | 0x80 // version 8: made by us
	u[8] = u[8]&0x3f | 0x80 // RFC 9562 variant
	h := hex.EncodeToString(u[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// eventName is the event's name on the wire: its type, and "test" for
// hookhub's own test event too.
func eventName(e *hookhub.Event) string {
	if isTest(e) {
		return TestEvent
	}
	return e.Type
}

func isTest(e *hookhub.Event) bool { return e.Type == TestEvent || e.Type == hookhub.TestEventType }

func quote(s string) []byte {
	var b bytes.Buffer
	delivery.WriteJSONString(&b, s)
	return b.Bytes()
}
