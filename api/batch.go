package api

import (
	"context"
	"encoding/json"

	"github.com/hookhub/hookhub/service"
)

// batchPublishJSON is the body of POST /v1/events/batch.
type batchPublishJSON struct {
	quickBody                        // checked and decoded by quickbody.go; the handler calls h.checkBody
	Type           string            `json:"type" doc:"The event type of every entity, from the catalogue (customers.created)."`
	Entities       []json.RawMessage `json:"entities" doc:"The entities, any JSON values, at most 10000. They are published in order as events of at most 80 entities each, whose data is {\"batch\": {\"id\", \"part\", \"parts\", \"total\"}, \"entities\": [...]}."`
	AppID          string            `json:"app_id,omitempty" doc:"The app the entities come from; as for one event."`
	EntityType     string            `json:"entity_type,omitempty" doc:"What kind of thing the entities are (customer)."`
	IdempotencyKey string            `json:"idempotency_key,omitempty" maxLength:"240" doc:"Publishing the same batch again with the same key stores nothing and answers the first events: part i is stored with the key <key>#<i>. The Idempotency-Key header does the same."`
}

type batchPartJSON struct {
	ID         int64 `json:"id" doc:"The event's id."`
	Duplicate  bool  `json:"duplicate" doc:"The idempotency key was used before: nothing new was stored and id is the first event's."`
	Deliveries int   `json:"deliveries" doc:"Deliveries created: one per webhook that subscribes."`
	Entities   int   `json:"entities" doc:"The entities in this part (its event)."`
}

type batchResultJSON struct {
	Entities int             `json:"entities" doc:"The entities published, in all parts."`
	Events   []batchPartJSON `json:"events" doc:"One event per part, in order."`
}

func (h *handlers) publishBatch(ctx context.Context, in *struct {
	IdempotencyKey string `header:"Idempotency-Key" doc:"Same as the body's idempotency_key, which wins when both are given."`
	Body           batchPublishJSON
}) (*struct{ Body batchResultJSON }, error) {
	if err := h.checkBody(ctx, &in.Body); err != nil {
		return nil, err
	}
	opts := service.BatchOptions{AppID: in.Body.AppID, EntityType: in.Body.EntityType, IdempotencyKey: in.Body.IdempotencyKey}
	if opts.IdempotencyKey == "" {
		opts.IdempotencyKey = in.IdempotencyKey
	}
	parts, err := h.svc.PublishBatch(ctx, actor(ctx), in.Body.Type, in.Body.Entities, opts)
	if err != nil {
		return nil, err
	}
	out := &struct{ Body batchResultJSON }{Body: batchResultJSON{Entities: len(in.Body.Entities), Events: make([]batchPartJSON, len(parts))}}
	for i, p := range parts {
		out.Body.Events[i] = batchPartJSON{ID: p.Event.ID, Duplicate: p.Duplicate, Deliveries: p.Deliveries, Entities: p.Entities}
	}
	return out, nil
}
