package service

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/hookhub/hookhub"
)

// Batch publishes (imports) carry many entities of one event type. They are
// split into parts, and each part is one event whose data is
//
//	{"batch": {"id": "bat_…", "part": 1, "parts": 3, "total": 200}, "entities": [ … ]}
//
// with at most BatchPartSize entities and at most hookhub.MaxEventData
// bytes. Every part of one batch carries the same batch id; part counts
// from 1 to parts; total is the number of entities in the whole batch.
// Wire formats render such an event as they see fit (Tilby's as one import
// request); the standard format sends the data as it is.
const (
	// BatchPartSize is the most entities one part carries: a receiver gets
	// at most this many in one request (Tilby's import batches of 80).
	BatchPartSize = 80
	// MaxBatchEntities is the most entities one PublishBatch takes.
	MaxBatchEntities = 10000
	// MaxBatchKey is the longest idempotency key of a batch: each part's
	// own key is the batch's with "#<part>" added.
	MaxBatchKey = 240
)

// batchHead is room for the members of a part's data around its entities.
const batchHead = 256

// BatchOptions are the settings of a batch publish; all are optional.
type BatchOptions struct {
	AppID      string // as hookhub.Event.AppID, for every part
	EntityType string // as hookhub.Event.EntityType, for every part
	// IdempotencyKey makes publishing the same batch again harmless: part
	// i is published with the key "<key>#<i>", so a retry stores nothing
	// new and answers the first parts.
	IdempotencyKey string
}

// BatchInfo is the "batch" member of a part's data.
type BatchInfo struct {
	ID    string `json:"id"`
	Part  int    `json:"part"`
	Parts int    `json:"parts"`
	Total int    `json:"total"`
}

// BatchData is the data of one part of a batch.
type BatchData struct {
	Batch    BatchInfo         `json:"batch"`
	Entities []json.RawMessage `json:"entities"`
}

// BatchPart is what publishing one part of a batch did.
type BatchPart struct {
	hookhub.PublishResult
	Entities int // the entities in this part
}

// PublishBatch publishes entities, all of event type typ, as a batch: it
// splits them in order into parts of at most BatchPartSize entities (fewer
// when that many would pass hookhub.MaxEventData) and stores every part,
// with its deliveries, in one group commit, so that the batch is stored
// whole or not at all. It returns one BatchPart per part, in order.
// Problems are reported together, naming entities by index
// ("entities[7]").
func (s *Service) PublishBatch(ctx context.Context, actor *hookhub.Token, typ string, entities []json.RawMessage, opts BatchOptions) ([]BatchPart, error) {
	if err := s.authorize(actor, hookhub.ScopeEventsPublish); err != nil {
		return nil, err
	}
	var p hookhub.Problems
	if r := hookhub.CheckEventTypeName(typ); r != "" {
		p.Add("type", "%s", r)
	} else if ok, err := s.catalogue(actor.TenantID).has(ctx, typ); err != nil {
		return nil, err
	} else if !ok {
		p.Add("type", "%s", unknownType(typ))
	}
	switch {
	case len(entities) == 0:
		p.Add("entities", "must have at least one entity")
	case len(entities) > MaxBatchEntities:
		p.Add("entities", "must have at most %d entries; publish several batches", MaxBatchEntities)
	}
	for i, e := range entities {
		e = bytes.TrimSpace(e)
		switch {
		case len(e) == 0:
			p.Add(entityField(i), "is required")
		case len(e) > hookhub.MaxEventData-batchHead:
			p.Add(entityField(i), "must be at most %d bytes", hookhub.MaxEventData-batchHead)
		case !json.Valid(e):
			p.Add(entityField(i), "must be valid JSON")
		}
	}
	if opts.AppID != "" {
		if r := hookhub.CheckAppID(opts.AppID); r != "" {
			p.Add("app_id", "%s", r)
		}
	}
	if len(opts.EntityType) > 128 {
		p.Add("entity_type", "must be at most 128 characters")
	}
	if len(opts.IdempotencyKey) > MaxBatchKey {
		p.Add("idempotency_key", "must be at most %d characters", MaxBatchKey)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	parts := splitBatch(entities)
	if len(parts) > MaxPublish {
		return nil, hookhub.Invalid("entities", "make %d parts, more than the %d one publish may store; publish several batches", len(parts), MaxPublish)
	}
	id, now := hookhub.NewID("bat"), s.now()
	reqs := make([]hookhub.PublishRequest, len(parts))
	for i, part := range parts {
		info := BatchInfo{ID: id, Part: i + 1, Parts: len(parts), Total: len(entities)}
		e := &hookhub.Event{
			TenantID: actor.TenantID, Type: typ, AppID: opts.AppID, EntityType: opts.EntityType,
			Data: encodeBatch(info, part), CreatedAt: now,
		}
		if opts.IdempotencyKey != "" {
			e.IdempotencyKey = opts.IdempotencyKey + "#" + strconv.Itoa(i+1)
		}
		if err := e.Validate(); err != nil {
			return nil, fmt.Errorf("publish batch part %d: %w", i+1, err) // a bug: the checks above cover the event
		}
		reqs[i] = hookhub.PublishRequest{Event: e}
	}
	results, err := s.commit(ctx, reqs)
	if err != nil {
		return nil, err
	}
	out := make([]BatchPart, len(results))
	for i, r := range results {
		out[i] = BatchPart{PublishResult: r, Entities: len(parts[i])}
	}
	return out, nil
}

// ParseBatch reads an event's data as a part of a batch, and reports false
// when it is not one: an object with exactly the members batch (with an
// id, and 1 <= part <= parts) and entities (an array).
func ParseBatch(data []byte) (*BatchData, bool) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || data[0] != '{' {
		return nil, false
	}
	var members map[string]json.RawMessage
	if json.Unmarshal(data, &members) != nil || len(members) != 2 || members["batch"] == nil || members["entities"] == nil {
		return nil, false
	}
	var b BatchData
	if json.Unmarshal(members["batch"], &b.Batch) != nil || json.Unmarshal(members["entities"], &b.Entities) != nil {
		return nil, false
	}
	if b.Batch.ID == "" || b.Batch.Part < 1 || b.Batch.Part > b.Batch.Parts || b.Entities == nil {
		return nil, false
	}
	return &b, true
}

// splitBatch cuts entities, in order, into parts of at most BatchPartSize
// entities whose data stays within hookhub.MaxEventData.
func splitBatch(entities []json.RawMessage) [][]json.RawMessage {
	var parts [][]json.RawMessage
	start, size := 0, batchHead
	for i, e := range entities {
		n := len(bytes.TrimSpace(e)) + 1 // and its comma
		if i > start && (i-start == BatchPartSize || size+n > hookhub.MaxEventData) {
			parts = append(parts, entities[start:i:i])
			start, size = i, batchHead
		}
		size += n
	}
	return append(parts, entities[start:len(entities):len(entities)])
}

// encodeBatch writes a part's data by hand, so that the entities keep
// their bytes as published.
func encodeBatch(info BatchInfo, entities []json.RawMessage) []byte {
	var b bytes.Buffer
	head, _ := json.Marshal(info) // plain strings and numbers: cannot fail
	b.WriteString(`{"batch":`)
	b.Write(head)
	b.WriteString(`,"entities":[`)
	for i, e := range entities {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(bytes.TrimSpace(e))
	}
	b.WriteString("]}")
	return b.Bytes()
}

func entityField(i int) string {
	return "entities[" + strconv.Itoa(i) + "]"
}
