package api

import (
	"encoding/json"
	"time"

	"github.com/hookhub/hookhub"
)

// The JSON shapes of event types.

type eventTypePutJSON struct {
	Name        string          `json:"name" doc:"entity.action, lower case, like invoice.created; not a built-in name."`
	Description string          `json:"description,omitempty" maxLength:"1000"`
	Example     json.RawMessage `json:"example,omitempty" doc:"An example of the event's data."`
}

type eventTypeJSON struct {
	Name        string          `json:"name" doc:"entity.action, lower case, like invoice.created"`
	Description string          `json:"description,omitempty"`
	Example     json.RawMessage `json:"example,omitempty" doc:"An example of the event's data."`
	BuiltIn     bool            `json:"built_in" readOnly:"true"`
	CreatedAt   *time.Time      `json:"created_at,omitempty" readOnly:"true"`
}

func toEventType(t *hookhub.EventType) eventTypeJSON {
	return eventTypeJSON{
		Name: t.Name, Description: t.Description, Example: t.Example,
		BuiltIn: t.TenantID == "", CreatedAt: timeOrNil(t.CreatedAt),
	}
}
