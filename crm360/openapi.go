package crm360

import (
	"github.com/danielgtaylor/huma/v2"

	"github.com/hookhub/hookhub/apidoc"
)

// OpenAPI adds QueueProcess, as the handler serves it, to doc.
func OpenAPI(doc *huma.OpenAPI) {
	q := func(name, desc string, required bool) apidoc.Param {
		return apidoc.Param{Name: name, Description: desc, Required: required}
	}
	apidoc.Add(doc, nil, apidoc.Op{
		Method: "POST", Path: Path, ID: "crm360-queue-process", Tag: "crm360",
		Summary: "Queue a platform's message for CRM360 (QueueProcess)",
		Description: "CRM360's inbound webhook: a platform (Shopify, Zendesk, SMS providers, Mailjet…) posts an entity and an action; " +
			"the message is queued, answered at once with its id and a status URL (/v1/inbound-messages/{id}), and turned into CRM records by the inbound worker. " +
			"The source authenticates as put-crm360-source-auth set: Authorization: Bearer and a hookhub token with the inbound.send scope, " +
			"Shopify's HMAC header or Zendesk's signature headers; so the operation declares no scheme of its own.",
		Query: []apidoc.Param{
			q("CustomerName", "The tenant's CustomerName (see get-crm360-account).", true),
			q("DatabaseAlias", "The tenant's DatabaseAlias.", true),
			q("SourceId", "The source: the integration's id.", true),
			q("ExternalPlatform", "The platform, as the source's kind (Shopify, Zendesk…).", true),
			q("ExternalEntity", "The entity (Customer, Order, Sms…).", true),
			q("ExternalAction", "The action (Insert, Update, Delete, Callback…).", true),
			q("BatchMode", "true: the body is an array of entities, or the platform's own bulk object.", false),
			q("secondsOfInvisibility", "Seconds before the message is processed (at most a week).", false),
			q("ZoneId", "The CRM zone the records go to, for the routes that need it.", false),
			q("BrandId", "The CRM brand, for the routes that need it.", false),
			q("ContactAddressTypeId", "The address type of contacts' addresses, for the routes that need it.", false),
			q("Email", "The e-mail address, for the routes that need it.", false),
			q("store", "The shop, for the routes that need it.", false),
			q("currency", "The currency of amounts, for the routes that need it.", false),
		},
		Body: []string{"application/json", "application/x-www-form-urlencoded"},
		Responses: map[int]string{
			200: "Queued: the message's id, the number of items and its status URL.", 400: "A parameter or the body is wrong; the answer names it.",
			401: "The source's token or signature is missing or wrong.", 404: "No tenant or source matches the parameters.",
			413: "The body is too large.", 500: "The message could not be queued; send it again.",
		},
	})
}
