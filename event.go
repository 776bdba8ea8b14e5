package hookhub

import (
	"encoding/json"
	"time"
)

// Event is one occurrence of an event type: what happened to which entity.
type Event struct {
	ID             int64
	TenantID       string
	Type           string
	AppID          string   // the app the event comes from (a SalesIQ embed); "" for none
	Channels       []string // the channels it is in (Svix's); only webhooks of one of them, or of none, get it
	EntityType     string
	EntityID       string
	Data           json.RawMessage // a JSON value, as published
	ModifiedFields []string
	IdempotencyKey string
	CreatedAt      time.Time
}

// MessageID is the stable id receivers see in every request for the event
// (webhook-id), the same on every try, so that they can drop duplicates.
func (e *Event) MessageID() string { return "msg_" + formatInt(e.ID) }

// PublishResult says what publishing one event did.
type PublishResult struct {
	Event      Event
	Duplicate  bool // the idempotency key was seen before; nothing was created
	Deliveries int  // deliveries created (0 for a duplicate)
	// Claims are the deliveries leased to the publisher (PublishLeased),
	// with their event.
	Claims []*Claim
}

// MaxEventData is the largest event data accepted, in bytes.
const MaxEventData = 512 << 10

// Validate checks an event before it is published.
func (e *Event) Validate() error { return e.validate(true) }

// ValidateDecoded is Validate for an event decoded from a JSON document
// that its decoder found valid, as the API's are: Data, one of the
// document's values, is then valid JSON (or empty), so it is not read
// again. Reading it is most of what Validate costs.
func (e *Event) ValidateDecoded() error { return e.validate(false) }

// validate checks the event, and whether Data is valid JSON if checkJSON.
func (e *Event) validate(checkJSON bool) error {
	var p Problems
	if r := CheckEventTypeName(e.Type); r != "" {
		p.Add("type", "%s", r)
	}
	if len(e.Data) == 0 {
		p.Add("data", "is required")
	} else if len(e.Data) > MaxEventData {
		p.Add("data", "must be at most %d bytes", MaxEventData)
	} else if checkJSON && !json.Valid(e.Data) {
		p.Add("data", "must be valid JSON")
	}
	if e.AppID != "" {
		if r := CheckAppID(e.AppID); r != "" {
			p.Add("app_id", "%s", r)
		}
	}
	checkChannels(&p, "channels", e.Channels)
	if len(e.EntityType) > 128 {
		p.Add("entity_type", "must be at most 128 characters")
	}
	if len(e.EntityID) > 255 {
		p.Add("entity_id", "must be at most 255 characters")
	}
	if len(e.IdempotencyKey) > 255 {
		p.Add("idempotency_key", "must be at most 255 characters")
	}
	if len(e.ModifiedFields) > 500 {
		p.Add("modified_fields", "must have at most 500 entries")
	}
	return p.Err()
}
