package api

// descriptions describe each operation in the OpenAPI document, by
// operation id; op takes its description from here. Every operation has
// one: server's TestOpenAPIComplete fails for one without.
var descriptions = map[string]string{
	"create-token": "Makes an API token of the caller's tenant with the scopes asked for (never more than the caller's own). " +
		"The secret is in this answer only; keep it.",
	"list-tokens":  "Lists the tenant's tokens: names, scopes, expiry and last use, never the secrets.",
	"revoke-token": "Revokes a token at once: requests that carry it are answered 401 from then on.",

	"list-event-types":  "Lists the event types a webhook may subscribe to: the built-in catalogue of every product served, and the tenant's own.",
	"put-event-type":    "Defines an event type of the tenant's own, or changes its description and example. Built-in types cannot be redefined.",
	"delete-event-type": "Deletes an event type of the tenant's own. Webhooks subscribed to it keep the name and receive nothing more for it.",

	"create-webhook": "Registers a URL to receive the events it subscribes to, signed with Standard Webhooks signatures. " +
		"The secret is returned here and by rotate-secret only. A private or loopback URL is refused unless the operator allows it.",
	"list-webhooks":         "Lists the tenant's webhooks, newest first, a page at a time.",
	"get-webhook":           "Gets one webhook: its URL, subscriptions, state and failure counts, without the secret.",
	"update-webhook":        "Changes the fields given and keeps the others. Re-enabling a webhook the failures disabled resets its failure count.",
	"delete-webhook":        "Deletes the webhook; deliveries still queued for it are dropped.",
	"rotate-webhook-secret": "Gives the webhook a new signing secret, returned once. The old one is no longer used for new attempts.",
	"test-webhook":          "Queues a test event (webhook.test) for this webhook alone, delivered and signed like any other.",
	"recover-webhook":       "Queues again, now, the webhook's deliveries that failed for good since the given time (the last day by default).",

	"publish-event": "Publishes an event: one delivery is queued for each active webhook subscribed to its type. " +
		"An idempotency key makes a repeated publish return the first event instead of a new one.",
	"publish-batch":         "Publishes many entities of one type as batch events of at most 80 entities each, as the CRM's bulk changes do.",
	"list-events":           "Lists the tenant's events, newest first, filtered by type and time when asked.",
	"get-event":             "Gets one event with its data.",
	"list-event-deliveries": "Lists the deliveries of one event: one per webhook it was sent to, with their states.",

	"list-deliveries":        "Lists deliveries, newest first, filtered by webhook, event or state.",
	"get-delivery":           "Gets one delivery: its state, the number of attempts and when the next one is due.",
	"list-delivery-attempts": "Lists the attempts of one delivery: the request's status, duration and the start of the answer.",
	"retry-delivery":         "Queues a delivery again to be sent at once, whatever its state.",

	"list-attempts": "Lists the tenant's attempts across deliveries, newest first, filtered by webhook and success.",
	"list-mail":     "Lists the e-mails hookhub sent to the tenant's contacts about its webhooks (failures, disabling), with their state.",
	"get-stats":     "Counts the tenant's deliveries by state: pending, succeeded, failed, held.",

	"list-products":   "Lists the products the tenant's shops sent, a page at a time.",
	"get-product":     "Gets one product with its variants.",
	"list-tickets":    "Lists the help-desk tickets the tenant's integrations received.",
	"get-ticket":      "Gets one ticket with its comments.",
	"list-activities": "Lists contacts' activities (participations, e-mail events, address checks…), filtered by contact.",
	"list-messages":   "Lists the SMS, e-mails and wallet updates made for the tenant; status queued means still in the outbox.",
	"get-message":     "Gets one message and the events its provider reported (delivered, bounced, stop…).",

	"get-crm360-account":     "Gets the CustomerName and DatabaseAlias that CRM360's QueueProcess requests must carry to reach this tenant.",
	"put-crm360-account":     "Sets the CustomerName and DatabaseAlias this tenant answers to at QueueProcess; each pair names one tenant.",
	"get-crm360-source":      "Gets a CRM360 source (an integration): its SourceId, how its callers authenticate, and its QueueProcess URL.",
	"put-crm360-source-auth": "Sets how a source's callers authenticate: the token in the URL, Shopify's HMAC or Zendesk's signature, with the secret for those.",
	"get-inbound-message":    "Gets a message QueueProcess queued, and how its processing went: queued, processed, or failed with the reason.",

	"list-integration-kinds":    "Lists the kinds of integration hookhub receives webhooks from, with the fields each needs.",
	"create-integration":        "Adds an integration and returns the URL its platform posts its webhooks to (/in/{token}).",
	"list-integrations":         "Lists the tenant's integrations.",
	"get-integration":           "Gets one integration with its URL and counts of the requests it received.",
	"update-integration":        "Renames, activates or deactivates an integration; an inactive one answers its platform 404.",
	"delete-integration":        "Deletes an integration and the requests it received; its URL stops working.",
	"rotate-integration-url":    "Gives an integration a new URL; requests to the old one are answered 404.",
	"list-integration-requests": "Lists the requests an integration received, with how each was handled.",

	"list-contacts": "Lists the contacts (leads) the integrations made or changed.",
	"get-contact":   "Gets one contact.",
	"list-orders":   "Lists the orders the integrations received.",
	"get-order":     "Gets one order with its lines.",

	// The admin API and hookhub listen (issue 18, on their own branch).
	"create-tenant":       "Creates a tenant with a unique name and its first token, which carries every scope: {tenant_id, token}. Admin token only.",
	"list-tenants":        "Lists tenants. Admin token only.",
	"get-tenant":          "Gets one tenant. Admin token only.",
	"update-tenant":       "Renames, disables or enables a tenant; a disabled tenant's tokens stop working and its deliveries are held. Admin token only.",
	"delete-tenant":       "Deletes a tenant and all its data. Admin token only.",
	"create-tenant-token": "Makes a token for a tenant, returned once. Admin token only.",
	"open-listen":         "Opens a listening session for hookhub listen: a temporary webhook whose deliveries are streamed to the caller.",
	"stream-listen":       "Streams the session's deliveries as Server-Sent Events, over a connection the caller opened.",
	"answer-listen":       "Tells hookhub how the local server answered a streamed delivery, which becomes the attempt's outcome.",
	"close-listen":        "Closes a listening session and deletes its temporary webhook.",
}
