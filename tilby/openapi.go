package tilby

import (
	"github.com/danielgtaylor/huma/v2"

	"github.com/hookhub/hookhub/apidoc"
)

// OpenAPI adds Tilby's webhook API, as routes serves it, to doc.
func OpenAPI(doc *huma.OpenAPI) {
	answers := map[int]string{200: "The webhook, or the list of them.", 400: "A field is wrong; the error names it.",
		401: "No token, or not a valid one.", 404: "No such webhook."}
	op := func(method, path, id, summary, desc string) apidoc.Op {
		return apidoc.Op{Method: method, Path: path, ID: "tilby-" + id, Tag: "tilby", Summary: summary, Description: desc,
			Security: []string{"tilby"}, Responses: answers}
	}
	create := op("POST", "/v2/webhooks", "create-webhook", "Create a webhook (Tilby)", "Creates a webhook for one of Tilby's events (the entity and the action) and its URL.")
	create.Body = []string{"application/json"}
	noUpdate := map[int]string{405: "A webhook cannot be changed: delete it and create another, as Tilby documents.", 401: "No token, or not a valid one."}
	put := op("PUT", "/v2/webhooks/{id}", "put-webhook", "Update a webhook: not offered (Tilby)", "Answers that a webhook cannot be changed; delete it and create another.")
	patch := op("PATCH", "/v2/webhooks/{id}", "patch-webhook", "Update a webhook: not offered (Tilby)", "Answers that a webhook cannot be changed, as PUT does.")
	put.Responses, patch.Responses = noUpdate, noUpdate
	apidoc.Add(doc, map[string]*huma.SecurityScheme{
		"tilby": {Type: "http", Scheme: "bearer", Description: "The shop's static token, a hookhub token, as Bearer <token> or bare."},
	},
		create,
		op("GET", "/v2/webhooks", "list-webhooks", "List webhooks (Tilby)", "Lists the shop's webhooks."),
		op("GET", "/v2/webhooks/{id}", "get-webhook", "Get a webhook (Tilby)", "Gets one webhook."),
		op("DELETE", "/v2/webhooks/{id}", "delete-webhook", "Delete a webhook (Tilby)", "Deletes a webhook."),
		put, patch,
	)
}
