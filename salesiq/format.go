package salesiq

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/delivery"
	"github.com/hookhub/hookhub/service"
)

// Format is the name of SalesIQ's wire format (hookhub.Webhook.Format).
const Format = "salesiq"

// The request headers of the format.
const (
	// SignatureHeader carries the Base64 RSA-SHA256 signature of the body.
	SignatureHeader = "x-siqsignature"
	// EventIDHeader carries the event's message id ("msg_42"), the same on
	// every try and for every webhook the event reaches, so that receivers
	// can drop duplicates: the standard format's webhook-id and Tilby's
	// message_id. It is hookhub's: SalesIQ's documentation names no id.
	EventIDHeader = "x-hookhub-event-id"
)

// Formatter is SalesIQ's wire format for the delivery engine: the body is
// SalesIQ's envelope (version, event, event_time, org_id, app_id, attempt,
// entity_type, entity_id, entity, modified_fields); x-hookhub-event-id is
// the event's stable id and, when the webhook is secured, x-siqsignature
// is the Base64 RSA PKCS #1 v1.5 SHA-256 signature of the exact body
// bytes. A secured webhook always has a key (the API makes one); one
// without, from an older hookhub, fails to send rather than going unsigned.
type Formatter struct {
	mu   sync.Mutex
	keys map[int64]signingKey // by webhook id: the key it signed with last
	max  int                  // most keys kept; maxSigningKeys when 0
}

// signingKey is a webhook's parsed private key, and what it was parsed
// from: a new key (its id or its PEM changed) replaces it.
type signingKey struct {
	id, pem string
	key     *rsa.PrivateKey
}

// maxSigningKeys bounds the parsed keys a Formatter keeps: one per
// secured webhook it signed for, up to this many; past it, one is dropped
// for each new one (and parsed again when its webhook next sends).
const maxSigningKeys = 10000

var _ delivery.Formatter = (*Formatter)(nil)

// Format builds the request for one try of a delivery.
func (f *Formatter) Format(w *hookhub.Webhook, c *hookhub.Claim, now time.Time) ([]byte, http.Header, error) {
	body, err := Envelope(w, &c.Event, c.Attempts)
	if err != nil {
		return nil, nil, err
	}
	h := make(http.Header, 4+len(w.Headers))
	for k, v := range w.Headers {
		h.Set(k, v)
	}
	h.Set("Content-Type", "application/json; charset=UTF-8")
	h.Set("User-Agent", delivery.UserAgent)
	if c.Event.ID != 0 { // an event tried at once, unsaved, has no id to repeat
		h.Set(EventIDHeader, c.Event.MessageID())
	}
	m, err := readMeta(w)
	if err != nil {
		return nil, nil, err
	}
	if m.Secured {
		if m.Key == nil || w.Secret == "" { // saved before secured webhooks always got a key
			return nil, nil, fmt.Errorf("webhook %d is secured but has no signing key, and a secured webhook is never sent unsigned: make it a key with POST /api/v2/{screenname}/webhooks/%d/keys", w.ID, w.ID)
		}
		key, err := f.key(w.ID, m.Key.ID, w.Secret)
		if err != nil {
			return nil, nil, fmt.Errorf("webhook %d: %w", w.ID, err)
		}
		sig, err := Sign(key, body)
		if err != nil {
			return nil, nil, err
		}
		h.Set(SignatureHeader, sig)
	}
	return body, h, nil
}

// key returns webhook webhookID's private key keyID, parsed from pemText
// once. A webhook keeps one entry, replaced when its key changes, so that
// rotated and deleted keys are not kept.
func (f *Formatter) key(webhookID int64, keyID, pemText string) (*rsa.PrivateKey, error) {
	f.mu.Lock()
	k, ok := f.keys[webhookID]
	f.mu.Unlock()
	if ok && k.id == keyID && k.pem == pemText {
		return k.key, nil
	}
	key, err := service.ParseRSAPrivateKey(pemText) // outside the lock: it takes a while
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.keys == nil {
		f.keys = make(map[int64]signingKey)
	}
	limit := f.max
	if limit <= 0 {
		limit = maxSigningKeys
	}
	if _, replacing := f.keys[webhookID]; !replacing && len(f.keys) >= limit {
		for id := range f.keys { // any one: a map's order is random
			delete(f.keys, id)
			break
		}
	}
	f.keys[webhookID] = signingKey{id: keyID, pem: pemText, key: key}
	return key, nil
}

// Sign returns the Base64 RSA PKCS #1 v1.5 SHA-256 signature of body.
func Sign(key *rsa.PrivateKey, body []byte) (string, error) {
	sum := sha256.Sum256(body)
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		return "", fmt.Errorf("sign body: %w", err)
	}
	return base64.StdEncoding.EncodeToString(sig), nil
}

// Envelope renders SalesIQ's envelope of e for try number attempt, with its
// members in the documented order:
//
//   - version is "1"; event is the event type; event_time is the event's
//     time in milliseconds since the epoch; org_id is the portal (the
//     tenant's id);
//   - app_id is the event's app, only when it has one (data events): a
//     number when the id is all digits, as in SalesIQ's examples, else a
//     string;
//   - attempt is 1 on the first try and counts up on retries;
//   - entity_type and entity_id are those published, else the type's first
//     word and the entity's "id";
//   - entity is the event's data as published, left out when it is null
//     (deleted entities);
//   - modified_fields is the list published, [] when none.
//
// The webhook's properties, if any, are merged in after these members.
func Envelope(w *hookhub.Webhook, e *hookhub.Event, attempt int) ([]byte, error) {
	var b bytes.Buffer
	b.Grow(len(e.Data) + len(w.Properties) + 256)
	b.WriteString(`{"version":"1","event":`)
	delivery.WriteJSONString(&b, e.Type)
	b.WriteString(`,"event_time":`)
	b.WriteString(strconv.FormatInt(e.CreatedAt.UnixMilli(), 10))
	b.WriteString(`,"org_id":`)
	delivery.WriteJSONString(&b, e.TenantID)
	if e.AppID != "" {
		b.WriteString(`,"app_id":`)
		if delivery.IsJSONInteger(e.AppID) {
			b.WriteString(e.AppID)
		} else {
			delivery.WriteJSONString(&b, e.AppID)
		}
	}
	b.WriteString(`,"attempt":`)
	b.WriteString(strconv.Itoa(max(attempt, 1)))
	b.WriteString(`,"entity_type":`)
	delivery.WriteJSONString(&b, entityType(e))
	b.WriteString(`,"entity_id":`)
	delivery.WriteJSONString(&b, entityID(e))
	if data := bytes.TrimSpace(e.Data); len(data) > 0 && string(data) != "null" {
		b.WriteString(`,"entity":`)
		b.Write(data)
	}
	b.WriteString(`,"modified_fields":`)
	fields := e.ModifiedFields
	if fields == nil {
		fields = []string{}
	}
	mf, err := json.Marshal(fields)
	if err != nil {
		return nil, fmt.Errorf("encode modified fields: %w", err)
	}
	b.Write(mf)
	if err := delivery.MergeProperties(&b, w.Properties, "version", "event", "event_time", "org_id", "app_id",
		"attempt", "entity_type", "entity_id", "entity", "modified_fields"); err != nil {
		return nil, err
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// entityID is the entity_id of an event: the one it was published with,
// else the "id" of its entity (a string, or a number as written).
func entityID(e *hookhub.Event) string {
	if e.EntityID != "" {
		return e.EntityID
	}
	var ent struct {
		ID json.RawMessage `json:"id"`
	}
	if json.Unmarshal(e.Data, &ent) != nil || len(ent.ID) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(ent.ID, &s) == nil {
		return s
	}
	if _, err := strconv.ParseFloat(string(ent.ID), 64); err == nil {
		return string(ent.ID)
	}
	return ""
}
