package crm

import "github.com/hookhub/hookhub"

// Records is what the CRM's records add to hookhub's catalogue: the events
// they raise. (Product, in this package, is a shop's product.)
var Records = hookhub.Product{
	Name:       "CRM",
	EventTypes: append(append([]hookhub.EventType(nil), recordEventTypes...), changeEventTypes...),
}
