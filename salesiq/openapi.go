package salesiq

import (
	"github.com/danielgtaylor/huma/v2"

	"github.com/hookhub/hookhub/apidoc"
)

// OpenAPI adds SalesIQ's webhook API, as routes serves it, to doc.
func OpenAPI(doc *huma.OpenAPI) {
	const hooks = "/api/v2/{screenname}/webhooks"
	answers := map[int]string{200: "SalesIQ's envelope: {url, object, data}.", 400: "A field is wrong; SalesIQ's error object names it.",
		401: "No token, or not a valid one.", 403: "The token lacks the scope, or the screen name is not the tenant's.", 404: "No such webhook."}
	op := func(method, path, id, summary, desc string) apidoc.Op {
		o := apidoc.Op{Method: method, Path: path, ID: "salesiq-" + id, Tag: "salesiq", Summary: summary, Security: []string{"zoho"},
			Description: desc + " The screen name is the tenant's name or id.", Responses: answers}
		if method == "POST" || method == "PUT" || method == "PATCH" {
			o.Body = []string{"application/json"}
		}
		return o
	}
	apidoc.Add(doc, map[string]*huma.SecurityScheme{
		"zoho": {Type: "apiKey", In: "header", Name: "Authorization", Description: "Zoho-oauthtoken <token> (or Bearer <token>), a hookhub token; SalesIQ's scope names (SalesIQ.webhooks.CREATE…) are accepted."},
	},
		op("POST", hooks, "create-webhook", "Create a webhook (Zoho SalesIQ)", "Creates a webhook in SalesIQ's format: its url, events and, for visitor events, the app."),
		op("GET", hooks, "list-webhooks", "List webhooks (Zoho SalesIQ)", "Lists the tenant's SalesIQ webhooks."),
		op("GET", hooks+"/{id}", "get-webhook", "Get a webhook (Zoho SalesIQ)", "Gets one SalesIQ webhook."),
		op("PUT", hooks+"/{id}", "put-webhook", "Update a webhook (Zoho SalesIQ)", "Changes the fields given of a SalesIQ webhook."),
		op("PATCH", hooks+"/{id}", "patch-webhook", "Update a webhook (Zoho SalesIQ)", "Changes the fields given of a SalesIQ webhook, as PUT does."),
		op("DELETE", hooks+"/{id}", "delete-webhook", "Delete a webhook (Zoho SalesIQ)", "Deletes a SalesIQ webhook."),
		op("POST", hooks+"/{id}/keys", "create-key", "Make a signing key (Zoho SalesIQ)", "Makes an RSA key pair for the webhook; its deliveries are then signed with it, and the public key is returned."),
		op("GET", hooks+"/{id}/keys", "list-keys", "List signing keys (Zoho SalesIQ)", "Lists the webhook's public keys."),
		op("DELETE", hooks+"/{id}/keys/{keyid}", "delete-key", "Delete a signing key (Zoho SalesIQ)", "Deletes one of the webhook's keys."),
		op("GET", hooks+"/{id}/errorlogs", "error-logs", "List failed deliveries (Zoho SalesIQ)", "Lists the webhook's failed attempts, newest first, as SalesIQ's error logs."),
	)
}
