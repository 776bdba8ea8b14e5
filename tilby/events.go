package tilby

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hookhub/hookhub"
)

// entity is one of Tilby's entities and its event types.
type entity struct {
	name   string
	what   string // the entity in a sentence
	events []string
}

// entities is Tilby's catalogue: each entity a webhook may listen to, with
// its event types, in the seed's order.
var entities = []entity{
	{"items", "An item (product)", []string{"created", "updated", "deleted"}},
	{"customers", "A customer", []string{"created", "updated", "deleted"}},
	{"suppliers", "A supplier", []string{"created", "updated", "deleted"}},
	{"sales", "A sale", []string{"created", "updated", "deleted", "closed"}},
	{"daily_closings", "A daily closing", []string{"created"}},
	{"bookings", "A booking", []string{"created", "updated", "deleted"}},
}

// Product is what Tilby adds to hookhub's catalogue: its event types,
// entity_name.event_type.
var Product = hookhub.Product{Name: "Tilby", EventTypes: eventTypes()}

func eventTypes() []hookhub.EventType {
	var out []hookhub.EventType
	for _, e := range entities {
		for _, ev := range e.events {
			d := fmt.Sprintf("Tilby: %s was %s.", strings.ToLower(e.what[:1])+e.what[1:], ev)
			if e.name == "items" || e.name == "customers" {
				d += " Imports arrive as batches of at most 80 entities."
			}
			out = append(out, hookhub.EventType{Name: e.name + "." + ev, Description: d})
		}
	}
	return out
}

// EventTypes lists Tilby's event types, entity_name.event_type
// ("sales.closed").
func EventTypes() []string {
	var out []string
	for _, e := range entities {
		for _, ev := range e.events {
			out = append(out, e.name+"."+ev)
		}
	}
	return out
}

// checkPair reports the problems of an entity name and event type.
func checkPair(p *hookhub.Problems, name, event string) {
	i := slices.IndexFunc(entities, func(e entity) bool { return e.name == name })
	if i < 0 {
		p.Add("entity_name", "unknown entity %q; the valid pairs of entity_name.event_type are %s", name, strings.Join(EventTypes(), ", "))
		return
	}
	if !slices.Contains(entities[i].events, event) {
		p.Add("event_type", "%s has no event type %q; its event types are %s", name, event, strings.Join(entities[i].events, ", "))
	}
}

// splitType returns the entity name and event type of an event type:
// "sales" and "closed" for "sales.closed".
func splitType(typ string) (name, event string) {
	name, event, _ = strings.Cut(typ, ".")
	return name, event
}
