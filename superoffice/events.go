package superoffice

import (
	"strings"

	"github.com/hookhub/hookhub"
)

// events is SuperOffice's catalogue of webhook events: entity.action for
// the entities its documentation lists. sale.sold and sale.lost (in the
// seed's sample) and the contact and sale events are built into hookhub
// already.
var events = []struct{ name, description string }{
	{"activity.created", "An activity (appointment, document, e-mail) was created."},
	{"activity.changed", "An activity changed."},
	{"activity.deleted", "An activity was deleted."},
	{"associate.created", "An associate (user) was created."},
	{"associate.changed", "An associate changed."},
	{"associate.deleted", "An associate was deleted."},
	{"contact.created", "A contact (company) was created."},
	{"contact.changed", "A contact's fields changed."},
	{"contact.softdeleted", "A contact was deleted in the user interface (it can be restored)."},
	{"contact.deleted", "A contact was deleted for good."},
	{"document.created", "A document was created."},
	{"document.changed", "A document changed."},
	{"document.deleted", "A document was deleted."},
	{"person.created", "A person was created."},
	{"person.changed", "A person's fields changed."},
	{"person.softdeleted", "A person was deleted in the user interface (it can be restored)."},
	{"person.deleted", "A person was deleted for good."},
	{"project.created", "A project was created."},
	{"project.changed", "A project changed."},
	{"project.deleted", "A project was deleted."},
	{"projectmember.created", "A member was added to a project."},
	{"projectmember.changed", "A project member changed."},
	{"projectmember.deleted", "A member was removed from a project."},
	{"sale.created", "A sale was registered."},
	{"sale.changed", "A sale's fields changed."},
	{"sale.sold", "A sale was won."},
	{"sale.lost", "A sale was lost."},
	{"sale.deleted", "A sale was deleted."},
	{"salestakeholder.created", "A stakeholder was added to a sale."},
	{"salestakeholder.changed", "A sale stakeholder changed."},
	{"salestakeholder.deleted", "A stakeholder was removed from a sale."},
}

// Product is what SuperOffice adds to hookhub's catalogue: its event
// names, so that SaveWebhook knows every one (types hookhub has already
// keep their description).
var Product = hookhub.Product{Name: "SuperOffice", EventTypes: eventTypes()}

func eventTypes() []hookhub.EventType {
	out := make([]hookhub.EventType, len(events))
	for i, e := range events {
		out[i] = hookhub.EventType{Name: e.name, Description: e.description}
	}
	return out
}

// EventTypes lists SuperOffice's event names.
func EventTypes() []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.name
	}
	return out
}

// entityOf is the entity an event type is about: its first word.
func entityOf(eventType string) string {
	entity, _, _ := strings.Cut(eventType, ".")
	return entity
}
