package salesiq

import (
	"embed"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/hookhub/hookhub"
)

// The two modules of SalesIQ webhooks. Administration webhooks take the
// portal's events and at most MaxAdminWebhooks exist per portal; data
// webhooks take the events of one or more apps (embeds), which carry
// app_id.
const (
	ModuleAdmin = "administration"
	ModuleData  = "data"
)

// MaxAdminWebhooks is how many administration webhooks a portal may have.
const MaxAdminWebhooks = 3

// events is SalesIQ's catalogue: each event type and its module, in the
// seed's order.
var events = []struct{ name, module string }{
	{"conversation.created", ModuleData},
	{"conversation.attender.updated", ModuleData},
	{"conversation.missed", ModuleData},
	{"conversation.completed", ModuleData},
	{"conversation.rated", ModuleData},
	{"conversation.visitor.replied", ModuleData},
	{"conversation.operator.replied", ModuleData},
	{"visitor.updated", ModuleData},
	{"department.created", ModuleAdmin},
	{"department.updated", ModuleAdmin},
	{"department.deleted", ModuleAdmin},
	{"operator.created", ModuleAdmin},
	{"operator.updated", ModuleAdmin},
	{"operator.deleted", ModuleAdmin},
	{"operator.departments.associated", ModuleAdmin},
	{"operator.departments.dissociated", ModuleAdmin},
}

// EventTypes lists SalesIQ's event types.
func EventTypes() []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.name
	}
	return out
}

// moduleOf returns the module of a SalesIQ event type, "" for another type.
func moduleOf(eventType string) string {
	for _, e := range events {
		if e.name == eventType {
			return e.module
		}
	}
	return ""
}

// examples holds each event type's example entity, from SalesIQ's
// documentation: examples/<type>.json. Deleted entities are null: their
// envelope has no entity.
//
//go:embed examples/*.json
var examples embed.FS

// Product is what SalesIQ adds to hookhub's catalogue: an example entity
// for each of its event types (the descriptions stay hookhub's), and
// SalesIQ's scope names for tokens.
var Product = hookhub.Product{Name: "Zoho SalesIQ", EventTypes: eventTypes(), ScopeAliases: scopes}

// eventTypes are SalesIQ's event types with their examples.
func eventTypes() []hookhub.EventType {
	out := make([]hookhub.EventType, len(events))
	for i, e := range events {
		ex, err := examples.ReadFile("examples/" + e.name + ".json")
		if err != nil || !json.Valid(ex) {
			panic(fmt.Sprintf("salesiq: example of %s: missing or not JSON (%v)", e.name, err))
		}
		out[i] = hookhub.EventType{Name: e.name, Example: json.RawMessage(ex)}
	}
	return out
}

// scopes maps SalesIQ's OAuth scopes onto hookhub's.
var scopes = map[string]hookhub.Scope{
	"SalesIQ.webhooks.READ":   hookhub.ScopeWebhooksRead,
	"SalesIQ.webhooks.CREATE": hookhub.ScopeWebhooksCreate,
	"SalesIQ.webhooks.UPDATE": hookhub.ScopeWebhooksUpdate,
	"SalesIQ.webhooks.DELETE": hookhub.ScopeWebhooksDelete,
}

// scopeName is SalesIQ's name of a native scope.
func scopeName(s hookhub.Scope) string {
	for name, native := range scopes {
		if native == s {
			return name
		}
	}
	return string(s)
}

// entityType is the entity_type of an event: the one it was published
// with, else the first word of its type (conversation, department,
// operator, visitor).
func entityType(e *hookhub.Event) string {
	if e.EntityType != "" {
		return e.EntityType
	}
	t, _, _ := strings.Cut(e.Type, ".")
	return t
}
