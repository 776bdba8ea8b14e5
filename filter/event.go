package filter

import (
	"encoding/json"
	"fmt"
	"time"
)

// Event is what a filter sees of an event: its fields under the names the
// native API publishes them with.
type Event struct {
	Type           string
	AppID          string
	EntityType     string
	EntityID       string
	ModifiedFields []string
	Timestamp      time.Time
	Data           json.RawMessage
}

// Document decodes e into the document Match takes:
// {"type", "app_id", "entity_type", "entity_id", "modified_fields",
// "timestamp" (RFC 3339, UTC), "data"}. Fields that are empty are absent,
// so $exist tells them apart.
func (e Event) Document() (any, error) {
	doc := make(map[string]any, 7)
	doc["type"] = e.Type
	put := func(k, v string) {
		if v != "" {
			doc[k] = v
		}
	}
	put("app_id", e.AppID)
	put("entity_type", e.EntityType)
	put("entity_id", e.EntityID)
	if len(e.ModifiedFields) > 0 {
		list := make([]any, len(e.ModifiedFields))
		for i, f := range e.ModifiedFields {
			list[i] = f
		}
		doc["modified_fields"] = list
	}
	if !e.Timestamp.IsZero() {
		doc["timestamp"] = e.Timestamp.UTC().Format(time.RFC3339Nano)
	}
	if len(e.Data) > 0 {
		data, err := Decode(e.Data)
		if err != nil {
			return nil, fmt.Errorf("decode event data: %w", err)
		}
		doc["data"] = data
	}
	return doc, nil
}
