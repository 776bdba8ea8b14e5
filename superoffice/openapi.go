package superoffice

import (
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/hookhub/hookhub/apidoc"
)

// OpenAPI adds SuperOffice's webhook API, as routes serves it, to doc: the
// Webhook agent's methods and the REST resource.
func OpenAPI(doc *huma.OpenAPI) {
	answers := map[int]string{200: "The webhook, the list of them, or the result; XML when Accept asks for it.",
		400: "A field is wrong; the error names it.", 401: "No credentials, or not valid ones.", 404: "No such webhook."}
	var ops []apidoc.Op
	add := func(methods, path, id, summary, desc string) {
		for _, m := range strings.Fields(methods) {
			o := apidoc.Op{Method: m, Path: path, ID: "superoffice-" + strings.ToLower(m) + "-" + id, Tag: "superoffice",
				Summary: summary + " (SuperOffice)", Description: desc + " SO-TimeZone sets the zone of the dates in the answer.",
				Security: []string{"basic", "bearer"}, Responses: answers}
			if m == "POST" || m == "PUT" {
				o.Body = []string{"application/json", "application/xml"}
			}
			ops = append(ops, o)
		}
	}
	agent := agentPrefix
	add("POST", agent+"SaveWebhook", "save-webhook", "Save a webhook", "The agent's SaveWebhook: creates the webhook, or changes it when the body has its WebhookId.")
	add("GET POST", agent+"GetWebhook", "get-webhook", "Get a webhook", "The agent's GetWebhook: the webhook whose id the query or body names.")
	add("POST DELETE", agent+"DeleteWebhook", "delete-webhook", "Delete a webhook", "The agent's DeleteWebhook: deletes the webhook whose id the query or body names.")
	add("GET POST", agent+"GetAllWebhooks", "get-all-webhooks", "List webhooks", "The agent's GetAllWebhooks, filtered by name, event and state when asked.")
	add("GET POST", agent+"CreateDefaultWebhook", "create-default-webhook", "Get a default webhook", "The agent's CreateDefaultWebhook: a new webhook's defaults, not saved.")
	add("POST", agent+"TestWebhook", "test-webhook", "Test a webhook", "The agent's TestWebhook: posts a test event to the webhook's URL and returns how it answered.")
	add("GET", restPath, "list-webhooks", "List webhooks", "The REST resource's list.")
	add("POST", restPath, "create-webhook", "Create a webhook", "Creates a webhook from SuperOffice's WebhookEntity.")
	add("GET", restPath+"/default", "default-webhook", "Get a default webhook", "A new webhook's defaults, not saved.")
	add("GET", restPath+"/{id}", "get-webhook-by-id", "Get a webhook", "Gets one webhook.")
	add("PUT", restPath+"/{id}", "put-webhook", "Update a webhook", "Replaces a webhook's settings.")
	add("DELETE", restPath+"/{id}", "delete-webhook-by-id", "Delete a webhook", "Deletes a webhook.")
	apidoc.Add(doc, map[string]*huma.SecurityScheme{
		"basic":  {Type: "http", Scheme: "basic", Description: "Any user name, a hookhub token as the password (SuperOffice's Basic)."},
		"bearer": {Type: "http", Scheme: "bearer", Description: "An API token of the tenant (hh_…)."},
	}, ops...)
}
