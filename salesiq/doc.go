// Package salesiq is hookhub's Zoho SalesIQ surface: the webhook API at
// /api/v2/{screenname}/webhooks (a portal is a tenant; its screen name is
// the tenant's name or id), with its keys and error logs, answered in
// SalesIQ's {"data": …} and {"error": …} shapes; and the "salesiq" wire
// format, SalesIQ's envelope signed with RSA-SHA256 in x-siqsignature. It
// also gives SalesIQ's event types their example entities and lets tokens
// be made with SalesIQ's scope names. docs/salesiq.md is the user's guide.
package salesiq
