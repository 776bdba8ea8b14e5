// Package thiio is the Thiio integration kind: a shop posts an order, or a
// new customer, to an integration's URL in the payload of the CRM's Thiio
// guide, checked field by field with the guide's rules and answered with
// {"success", "msg", "err", "data"}; the customer becomes a contact (lead)
// matched by e-mail, the order an order of that contact. docs/inbound.md
// is the user's guide, with the door and its integrations, and says how
// the guide's loose ends were decided.
package thiio
