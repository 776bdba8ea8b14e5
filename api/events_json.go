package api

import (
	"encoding/json"
	"time"

	"github.com/hookhub/hookhub"
)

// The JSON shapes of events and of a publish's result.

type eventPublishJSON struct {
	quickBody                      // checked and decoded by quickbody.go; the handler calls h.checkBody
	Type           string          `json:"type" doc:"An event type of the catalogue."`
	AppID          string          `json:"app_id,omitempty" doc:"The app the event comes from (a SalesIQ embed id); it reaches only webhooks without an app limit or limited to this app."`
	EntityType     string          `json:"entity_type,omitempty" doc:"What kind of thing the event is about (contact)."`
	EntityID       string          `json:"entity_id,omitempty" doc:"Which one."`
	Data           json.RawMessage `json:"data" doc:"The event's data: any JSON value, at most 512 KiB."`
	ModifiedFields []string        `json:"modified_fields,omitempty" doc:"The fields that changed."`
	IdempotencyKey string          `json:"idempotency_key,omitempty" doc:"Publishing again with the same key stores nothing and answers the first event's id. The Idempotency-Key header does the same."`
}

func (in *eventPublishJSON) event() *hookhub.Event {
	return &hookhub.Event{
		Type: in.Type, AppID: in.AppID, EntityType: in.EntityType, EntityID: in.EntityID, Data: in.Data,
		ModifiedFields: in.ModifiedFields, IdempotencyKey: in.IdempotencyKey,
	}
}

type publishResultJSON struct {
	ID         int64 `json:"id" doc:"The event's id."`
	Duplicate  bool  `json:"duplicate" doc:"The idempotency key was used before: nothing new was stored and id is the first event's."`
	Deliveries int   `json:"deliveries" doc:"Deliveries created: one per webhook that subscribes."`
}

func toPublishResult(r hookhub.PublishResult) publishResultJSON {
	return publishResultJSON{ID: r.Event.ID, Duplicate: r.Duplicate, Deliveries: r.Deliveries}
}

type eventJSON struct {
	ID             int64           `json:"id"`
	Type           string          `json:"type"`
	AppID          string          `json:"app_id"`
	EntityType     string          `json:"entity_type"`
	EntityID       string          `json:"entity_id"`
	Data           json.RawMessage `json:"data"`
	ModifiedFields []string        `json:"modified_fields"`
	IdempotencyKey string          `json:"idempotency_key"`
	CreatedAt      time.Time       `json:"created_at"`
}

func toEvent(e *hookhub.Event) eventJSON {
	out := eventJSON{
		ID: e.ID, Type: e.Type, AppID: e.AppID, EntityType: e.EntityType, EntityID: e.EntityID, Data: e.Data,
		ModifiedFields: e.ModifiedFields, IdempotencyKey: e.IdempotencyKey, CreatedAt: e.CreatedAt,
	}
	if out.ModifiedFields == nil {
		out.ModifiedFields = []string{}
	}
	return out
}

func eventID(e *hookhub.Event) int64 { return e.ID }
