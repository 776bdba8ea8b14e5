package tilby

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/delivery"
	"github.com/hookhub/hookhub/service"
)

// Format is the name of Tilby's wire format (hookhub.Webhook.Format).
const Format = "tilby"

// TimeLayout is how Tilby writes times: ISO 8601 in UTC with milliseconds
// ("2022-02-23T15:43:31.714Z").
const TimeLayout = "2006-01-02T15:04:05.000Z"

// Subscribed is the type of the verification request.
const Subscribed = "SUBSCRIBED"

// Formatter is Tilby's wire format for the delivery engine; see Body.
type Formatter struct{}

var _ delivery.Formatter = Formatter{}

// Format builds the request for one try of a delivery.
func (Formatter) Format(w *hookhub.Webhook, c *hookhub.Claim, now time.Time) ([]byte, http.Header, error) {
	body, err := Body(w, &c.Event)
	if err != nil {
		return nil, nil, err
	}
	return body, signedHeader(w.Secret, body), nil
}

// SignatureHeader carries the signature of every request to a Tilby
// webhook. Tilby's security page (https://developer.tilby.com/docs/security)
// says the request is "signed on the header" without naming it; this is the
// name Tilby integrations read.
const SignatureHeader = "X-Tilby-Signature"

// Sign returns the signature of body as Tilby's security page gives it:
// crypto.createHmac('sha256', token).update(body).digest('hex'), the token
// being the static token that configured the webhook.
func Sign(token string, body []byte) string {
	m := hmac.New(sha256.New, []byte(token))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// signedHeader is header with the signature of body under secret; without
// a secret (webhooks made before hookhub kept the token) it is not signed.
func signedHeader(secret string, body []byte) http.Header {
	h := header()
	if secret != "" {
		h.Set(SignatureHeader, Sign(secret, body))
	}
	return h
}

// header is the header of every request to a Tilby webhook.
func header() http.Header {
	h := make(http.Header, 2)
	h.Set("Content-Type", "application/json")
	h.Set("User-Agent", delivery.UserAgent)
	return h
}

// message is every body posted to a Tilby webhook, members in this order.
// The verification request has the first five only, as Tilby documents it.
type message struct {
	Type          string             `json:"type"`
	EntityName    string             `json:"entity_name"`
	EventType     string             `json:"event_type,omitempty"`
	Time          string             `json:"time"`
	EnvironmentID string             `json:"environment_id"`
	ClientID      string             `json:"client_id"`
	MessageID     string             `json:"message_id,omitempty"`
	Import        bool               `json:"import,omitempty"`
	Batch         *service.BatchInfo `json:"batch,omitempty"`
	Entities      []json.RawMessage  `json:"entities,omitzero"`
	Data          json.RawMessage    `json:"data,omitempty"`
}

// SubscribedBody is the verification request posted to a webhook's URL
// before it is saved: {"type": "SUBSCRIBED", "entity_name", "time",
// "environment_id" (the shop), "client_id" (the static token's id)}.
func SubscribedBody(entityName, environmentID, clientID string, at time.Time) []byte {
	return encode(message{
		Type: Subscribed, EntityName: entityName, Time: at.UTC().Format(TimeLayout),
		EnvironmentID: environmentID, ClientID: clientID,
	})
}

// Body renders an event for a Tilby webhook. Every body starts like the
// verification request, with type the event type in capitals ("CLOSED"),
// then names the event type as subscribed ("closed"), the message id
// (the same on every try, to drop duplicates), and then either
//
//   - data: the entity, as published, for one event; or
//   - import: true, batch: {"id", "part", "parts", "total"} and entities:
//     the part's entities (at most 80), for a part of a batch publish
//     (service.PublishBatch).
//
// time is when the event was published; environment_id is the shop;
// client_id is the id of the static token that registered the webhook.
func Body(w *hookhub.Webhook, e *hookhub.Event) ([]byte, error) {
	name, event := splitType(e.Type)
	m := message{
		Type: strings.ToUpper(event), EntityName: name, EventType: event,
		Time: e.CreatedAt.UTC().Format(TimeLayout), EnvironmentID: e.TenantID, ClientID: w.RegisteredBy,
		MessageID: e.MessageID(),
	}
	if b, ok := service.ParseBatch(e.Data); ok {
		m.Import, m.Batch, m.Entities = true, &b.Batch, b.Entities
	} else {
		m.Data = bytes.TrimSpace(e.Data)
	}
	b := encode(m)
	if b == nil {
		return nil, fmt.Errorf("encode tilby body of event %d", e.ID)
	}
	return b, nil
}

// encode writes m without HTML escaping, and nil if it cannot.
func encode(m message) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil {
		return nil
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}
