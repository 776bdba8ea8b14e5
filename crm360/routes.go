package crm360

import (
	"strings"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/crm"
)

// Route is one combination of ExternalPlatform, ExternalEntity and
// ExternalAction the seed lists, with how its bodies read.
type Route struct {
	Platform, Entity, Action string // as the seed spells them
	// ListKey names the array of the platform's own bulk format, an
	// object holding it ({"customers": […]}), which BatchMode takes
	// besides a plain array.
	ListKey string
	// Fields: the platform sends flat fields, as a JSON object, a form,
	// or in the query string (SMS providers' callbacks).
	Fields bool
	// Empty: an empty body is one item without fields.
	Empty bool
	// Params checks the parameters the route needs besides the common
	// ones.
	Params func(p *Params, pr *hookhub.Problems)
	decode func(it item, p *Params) ([]crm.CRMOp, error)
}

// Kind is the integration kind of the route's platform.
func (r *Route) Kind() string { return crm.CRM360KindPrefix + strings.ToLower(r.Platform) }

func (r *Route) checkParams(p *Params, pr *hookhub.Problems) {
	if r.Params != nil {
		r.Params(p, pr)
	}
}

// Routes are the combinations, in the seed's order.
var Routes = []*Route{
	{Platform: "Shopify", Entity: "Customer", Action: "Insert", ListKey: "customers", decode: shopifyCustomer},
	{Platform: "Shopify", Entity: "Customer", Action: "Update", ListKey: "customers", decode: shopifyCustomer},
	{Platform: "Shopify", Entity: "Customer", Action: "Delete", ListKey: "customers", decode: deleteByID(crm.OpDeleteContact)},
	{Platform: "Shopify", Entity: "Product", Action: "Insert", ListKey: "products", decode: shopifyProduct},
	{Platform: "Shopify", Entity: "Product", Action: "Update", ListKey: "products", decode: shopifyProduct},
	{Platform: "Shopify", Entity: "Product", Action: "Delete", ListKey: "products", decode: deleteByID(crm.OpDeleteProduct)},
	{Platform: "Shopify", Entity: "Order", Action: "Insert", ListKey: "orders", decode: shopifyOrder},
	{Platform: "Shopify", Entity: "Order", Action: "Update", ListKey: "orders", decode: shopifyOrder},
	{Platform: "Shopify", Entity: "Order", Action: "Delete", ListKey: "orders", decode: deleteByID(crm.OpDeleteOrder)},

	{Platform: "Adictiz", Entity: "User", Action: "Participate", ListKey: "participations", decode: adictizParticipation},

	{Platform: "Primotexto", Entity: "Sms", Action: "Callback", Fields: true, decode: primotextoCallback},

	{Platform: "Smsbox", Entity: "Sms", Action: "Callback", Fields: true, decode: smsboxCallback},
	{Platform: "Smsbox", Entity: "Sms", Action: "CallbackStop", Fields: true, decode: smsboxStop},

	{Platform: "Mailjet", Entity: "email", Action: "Callback", decode: mailjetEvent},

	{Platform: "elfy76310", Entity: "process", Action: "Rnvp", decode: rnvp},
	{Platform: "elfy76310", Entity: "process", Action: "RnvpDedup", Empty: true, decode: rnvpDedup},

	{Platform: "Zendesk", Entity: "Ticket", Action: "Update", ListKey: "tickets", decode: zendeskTicket},

	{Platform: "Tabology", Entity: "Ticket", Action: "Update", ListKey: "tickets", Params: tabologyParams, decode: tabologyTicket},
	{Platform: "Tabology", Entity: "Ticket", Action: "Create", ListKey: "tickets", Params: tabologyParams, decode: tabologyTicket},

	{Platform: "Crm360", Entity: "Sms", Action: "Send", decode: crm360Sms},
	{Platform: "Crm360", Entity: "Email", Action: "Send", decode: crm360Email},

	{Platform: "CaptainWallet", Entity: "LoyaltyCard", Action: "SendUpdate", decode: loyaltyCardUpdate},
}

// lookup finds the route of a combination, in any case.
func lookup(platform, entity, action string) *Route {
	for _, r := range Routes {
		if strings.EqualFold(r.Platform, platform) && strings.EqualFold(r.Entity, entity) && strings.EqualFold(r.Action, action) {
			return r
		}
	}
	return nil
}

// routeOfKind finds the route of a stored message: its kind, entity and
// action.
func routeOfKind(kind, entity, action string) *Route {
	for _, r := range Routes {
		if r.Kind() == kind && r.Entity == entity && r.Action == action {
			return r
		}
	}
	return nil
}

// platforms are the kinds of CRM360 integration, one per platform, for
// the catalogue.
var platforms = []struct{ name, title, description string }{
	{"Shopify", "Shopify (CRM360)", "Customers, products and orders from a Shopify shop's webhooks, through CRM360's QueueProcess; signed with X-Shopify-Hmac-Sha256 or sent with a token."},
	{"Adictiz", "Adictiz (CRM360)", "Participations in Adictiz games: the player becomes a contact, the participation an activity."},
	{"Primotexto", "Primotexto (CRM360)", "Delivery reports of SMS sent through Primotexto."},
	{"Smsbox", "Smsbox (CRM360)", "Delivery reports of SMS sent through Smsbox, and STOP answers (SMS opt-out)."},
	{"Mailjet", "Mailjet (CRM360)", "Mailjet's e-mail events (sent, open, click, bounce, spam, unsub); unsubscribes and hard bounces change e-mail consent."},
	{"elfy76310", "elfy76310 (CRM360)", "Postal address standardisation (RNVP) and merging of duplicate contacts."},
	{"Zendesk", "Zendesk (CRM360)", "Zendesk tickets linked to their requester; signed with X-Zendesk-Webhook-Signature or sent with a token."},
	{"Tabology", "Tabology (CRM360)", "Sale receipts from Tabology tills, in the store's currency."},
	{"Crm360", "CRM360 messages", "SMS and e-mails to send, with {{var:Name}} personalisation."},
	{"CaptainWallet", "Captain Wallet (CRM360)", "Loyalty-card updates to push to the wallet provider."},
}

// Product is what CRM360 adds to hookhub's catalogue: an integration kind
// per platform, whose URL is QueueProcess's.
var Product = hookhub.Product{Name: "CRM360", IntegrationKinds: integrationKinds()}

func integrationKinds() []hookhub.IntegrationKind {
	out := make([]hookhub.IntegrationKind, len(platforms))
	for i, p := range platforms {
		out[i] = hookhub.IntegrationKind{
			Name: crm.CRM360KindPrefix + strings.ToLower(p.name), Title: p.title,
			Description: p.description + " Posted to " + Path + " with SourceId set to the integration's id.",
			// Posted to QueueProcess, not to a URL of its own; the source's
			// full URL (with the tenant's name) is at /v1/crm360/sources/{id}.
			URL: func(base string, in *hookhub.Integration) string { return SourceURL(base, in, nil) },
		}
	}
	return out
}

// Combination is a supported combination, in an unsupported one's answer.
type Combination struct {
	ExternalPlatform string
	ExternalEntity   string
	ExternalAction   string
}

// Supported lists the supported combinations.
func Supported() []Combination {
	out := make([]Combination, len(Routes))
	for i, r := range Routes {
		out[i] = Combination{r.Platform, r.Entity, r.Action}
	}
	return out
}
