package crm

import (
	"encoding/json"
	"slices"
	"strconv"
	"time"

	"github.com/hookhub/hookhub"
)

// The CRM records besides contacts and orders (record.go) and messages
// (message.go): products of a shop, help-desk tickets, and the activities
// of a contact. Like contacts and orders, their JSON form is both the
// API's answer and their events' data.

// Product is an item a shop sells. Within a tenant a product is one
// external id of one integration: reported again, it is updated.
type Product struct {
	ID            int64            `json:"id"`
	TenantID      string           `json:"-"`
	IntegrationID int64            `json:"integration_id"`
	ExternalID    string           `json:"external_id"`
	Title         string           `json:"title"`
	Vendor        string           `json:"vendor"`
	Type          string           `json:"product_type"`
	Handle        string           `json:"handle"`
	Status        string           `json:"status"` // the shop's word: active, draft, archived
	Tags          []string         `json:"tags"`
	Variants      []ProductVariant `json:"variants"`
	ZoneID        int64            `json:"zone_id"`
	BrandID       int64            `json:"brand_id"`
	CreatedAt     time.Time        `json:"created_at"`
	UpdatedAt     time.Time        `json:"updated_at"`
	// SourceUpdatedAt is when the shop last changed the product, by its
	// clock (its payload's updated_at); zero when it does not say. A report
	// older than the stored one changes nothing (see Merge).
	SourceUpdatedAt time.Time `json:"-"`
}

// ProductVariant is one version of a product (a size, a colour) with its
// own price.
type ProductVariant struct {
	ExternalID string  `json:"external_id"`
	Title      string  `json:"title"`
	SKU        string  `json:"sku"`
	Price      Decimal `json:"price"`
}

// MaxProductVariants is the most variants a product has.
const MaxProductVariants = 1000

// Validate checks a product before it is saved.
func (p *Product) Validate() error {
	var pr hookhub.Problems
	if p.ExternalID == "" {
		pr.Add("external_id", "is required")
	}
	for name, s := range map[string]string{"external_id": p.ExternalID, "title": p.Title, "vendor": p.Vendor,
		"product_type": p.Type, "handle": p.Handle, "status": p.Status} {
		checkLen(&pr, name, s)
	}
	if len(p.Variants) > MaxProductVariants {
		pr.Add("variants", "must have at most %d entries", MaxProductVariants)
	}
	for i, v := range p.Variants {
		prefix := "variants[" + strconv.Itoa(i) + "]."
		checkLen(&pr, prefix+"external_id", v.ExternalID)
		checkLen(&pr, prefix+"title", v.Title)
		checkLen(&pr, prefix+"sku", v.SKU)
		checkDecimal(&pr, prefix+"price", v.Price)
	}
	for i, t := range p.Tags {
		checkLen(&pr, "tags["+strconv.Itoa(i)+"]", t)
	}
	return pr.Err()
}

// Merge updates p, a stored product, with in, the same product reported
// again, and returns the JSON names of the fields that changed. A product
// report is whole: every field takes the new value. A report older than
// what p holds, by the shop's clock, changes nothing; a newer source time
// is kept without counting as a change.
func (p *Product) Merge(in *Product) []string {
	if Stale(in.SourceUpdatedAt, p.SourceUpdatedAt) {
		return nil
	}
	if in.SourceUpdatedAt.After(p.SourceUpdatedAt) {
		p.SourceUpdatedAt = in.SourceUpdatedAt
	}
	var changed []string
	for _, f := range []struct {
		name string
		dst  *string
		v    string
	}{{"title", &p.Title, in.Title}, {"vendor", &p.Vendor, in.Vendor}, {"product_type", &p.Type, in.Type},
		{"handle", &p.Handle, in.Handle}, {"status", &p.Status, in.Status}} {
		if *f.dst != f.v {
			*f.dst, changed = f.v, append(changed, f.name)
		}
	}
	if !slices.Equal(p.Tags, in.Tags) {
		p.Tags, changed = slices.Clone(in.Tags), append(changed, "tags")
	}
	if !slices.EqualFunc(p.Variants, in.Variants, func(a, b ProductVariant) bool {
		return a.ExternalID == b.ExternalID && a.Title == b.Title && a.SKU == b.SKU && a.Price.Equal(b.Price)
	}) {
		p.Variants, changed = slices.Clone(in.Variants), append(changed, "variants")
	}
	changed = mergeIDs(changed, &p.ZoneID, in.ZoneID, &p.BrandID, in.BrandID)
	return changed
}

// mergeIDs sets the zone and brand ids that in names (not 0) and appends
// the names of those that changed.
func mergeIDs(changed []string, zone *int64, inZone int64, brand *int64, inBrand int64) []string {
	if inZone != 0 && *zone != inZone {
		*zone, changed = inZone, append(changed, "zone_id")
	}
	if inBrand != 0 && *brand != inBrand {
		*brand, changed = inBrand, append(changed, "brand_id")
	}
	return changed
}

// Ticket is a help-desk ticket of a contact. Within a tenant a ticket is
// one external id of one integration.
type Ticket struct {
	ID            int64     `json:"id"`
	TenantID      string    `json:"-"`
	IntegrationID int64     `json:"integration_id"`
	ExternalID    string    `json:"external_id"`
	ContactID     int64     `json:"contact_id"` // the requester
	Title         string    `json:"title"`
	Status        string    `json:"status"` // the help desk's word, in lower case: new, open, pending, solved, closed
	Type          string    `json:"type"`   // question, incident, problem, task
	Via           string    `json:"via"`    // the channel it came through (web form, mail)
	Link          string    `json:"link"`
	Comments      string    `json:"comments"`
	ZoneID        int64     `json:"zone_id"`
	BrandID       int64     `json:"brand_id"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// MaxTicketComments is the longest comments text of a ticket, in bytes.
const MaxTicketComments = 256 << 10

// Validate checks a ticket before it is saved.
func (t *Ticket) Validate() error {
	var p hookhub.Problems
	if t.ExternalID == "" {
		p.Add("id", "is required")
	}
	for name, s := range map[string]string{"id": t.ExternalID, "title": t.Title, "status": t.Status, "type": t.Type, "via": t.Via} {
		checkLen(&p, name, s)
	}
	if len(t.Link) > 2048 {
		p.Add("link", "must be at most 2048 bytes")
	}
	if len(t.Comments) > MaxTicketComments {
		p.Add("comments", "must be at most %d bytes", MaxTicketComments)
	}
	return p.Err()
}

// Merge updates t, a stored ticket, with in, the same ticket reported
// again, and returns the JSON names of the fields that changed.
func (t *Ticket) Merge(in *Ticket) []string {
	var changed []string
	if t.ContactID != in.ContactID {
		t.ContactID, changed = in.ContactID, append(changed, "contact_id")
	}
	for _, f := range []struct {
		name string
		dst  *string
		v    string
	}{{"title", &t.Title, in.Title}, {"status", &t.Status, in.Status}, {"type", &t.Type, in.Type},
		{"via", &t.Via, in.Via}, {"link", &t.Link, in.Link}, {"comments", &t.Comments, in.Comments}} {
		if *f.dst != f.v {
			*f.dst, changed = f.v, append(changed, f.name)
		}
	}
	return mergeIDs(changed, &t.ZoneID, in.ZoneID, &t.BrandID, in.BrandID)
}

// Activity is something a contact did or that happened to them: a
// participation in a game, a merge with a duplicate. Activities are only
// added, never changed.
type Activity struct {
	ID            int64           `json:"id"`
	TenantID      string          `json:"-"`
	ContactID     int64           `json:"contact_id"`
	IntegrationID int64           `json:"integration_id"`
	Type          string          `json:"type"`
	Data          json.RawMessage `json:"data"` // what the source said about it
	OccurredAt    time.Time       `json:"occurred_at"`
	ZoneID        int64           `json:"zone_id"`
	BrandID       int64           `json:"brand_id"`
	CreatedAt     time.Time       `json:"created_at"`
}

// The activity types.
const (
	ActivityParticipation = "participation" // the contact took part in a game or contest
	ActivityMerge         = "merge"         // a duplicate contact was merged into this one; Data holds it
)

// MaxActivityData is the largest data of an activity, in bytes.
const MaxActivityData = 256 << 10

// Validate checks an activity before it is saved.
func (a *Activity) Validate() error {
	var p hookhub.Problems
	if a.Type == "" {
		p.Add("type", "is required")
	}
	checkLen(&p, "type", a.Type)
	if len(a.Data) > MaxActivityData {
		p.Add("data", "must be at most %d bytes", MaxActivityData)
	} else if len(a.Data) > 0 && !json.Valid(a.Data) {
		p.Add("data", "must be JSON")
	}
	return p.Err()
}

// The events these records raise.
const (
	EventProductCreated  = "product.created"
	EventProductChanged  = "product.changed"
	EventProductDeleted  = "product.deleted"
	EventTicketCreated   = "ticket.created"
	EventTicketChanged   = "ticket.changed"
	EventActivityCreated = "activity.created"
)

// changeEventTypes are the events the other records raise.
var changeEventTypes = []hookhub.EventType{
	{Name: EventContactDeleted, Description: "A contact was deleted (its source deleted the customer); its orders, tickets and activities stay.", Example: json.RawMessage(exampleContact)},
	{Name: EventContactMerged, Description: "Duplicate contacts were merged into this one; merged_ids names those that are gone.", Example: json.RawMessage(`{"contact":` + exampleContact + `,"merged_ids":[2]}`)},
	{Name: EventOrderDeleted, Description: "An order was deleted by its shop.", Example: json.RawMessage(exampleOrder)},
	{Name: EventProductCreated, Description: "A product was received from a shop.", Example: json.RawMessage(exampleProduct)},
	{Name: EventProductChanged, Description: "A product's fields changed.", Example: json.RawMessage(exampleProduct)},
	{Name: EventProductDeleted, Description: "A product was deleted by its shop.", Example: json.RawMessage(exampleProduct)},
	{Name: EventTicketCreated, Description: "A help-desk ticket was received.", Example: json.RawMessage(exampleTicket)},
	{Name: EventTicketChanged, Description: "A ticket's fields changed (its status, its comments).", Example: json.RawMessage(exampleTicket)},
	{Name: EventActivityCreated, Description: "An activity of a contact was recorded (a participation in a game).", Example: json.RawMessage(exampleActivity)},
	{Name: EventMessageCreated, Description: "An SMS, e-mail or wallet update was queued, or first reported by its provider.", Example: json.RawMessage(exampleMessage)},
	{Name: EventMessageChanged, Description: "A message's status changed (sent, delivered, opened, bounced…).", Example: json.RawMessage(exampleMessage)},
}

const (
	exampleProduct = `{"id":1,"integration_id":1,"external_id":"632910392","title":"IPod Nano - 8GB","vendor":"Apple",` +
		`"product_type":"Cult Products","handle":"ipod-nano","status":"active","tags":["Emotive"],` +
		`"variants":[{"external_id":"808950810","title":"Pink","sku":"IPOD2008PINK","price":199}],"zone_id":0,"brand_id":0,` +
		`"created_at":"2026-05-01T13:45:10Z","updated_at":"2026-05-01T13:45:10Z"}`
	exampleTicket = `{"id":1,"integration_id":1,"external_id":"35436","contact_id":1,"title":"Help, my printer is on fire!",` +
		`"status":"open","type":"incident","via":"web form","link":"https://example.zendesk.com/agent/tickets/35436",` +
		`"comments":"…","zone_id":0,"brand_id":0,"created_at":"2026-05-01T13:45:10Z","updated_at":"2026-05-01T13:45:10Z"}`
	exampleActivity = `{"id":1,"contact_id":1,"integration_id":1,"type":"participation","data":{"game_id":"g-12"},` +
		`"occurred_at":"2026-05-01T13:45:10Z","zone_id":0,"brand_id":0,"created_at":"2026-05-01T13:45:10Z"}`
	exampleMessage = `{"id":1,"integration_id":1,"contact_id":1,"channel":"sms","provider":"smsbox","provider_id":"ref-1",` +
		`"to":"+33600000000","from":"CRM360","subject":"","text":"Mon SMS","data":null,"status":"delivered","reason":"",` +
		`"events":[{"type":"0","status":"delivered","at":"2026-05-01T13:45:10Z"}],"attempts":1,"mail_id":0,"zone_id":0,"brand_id":0,` +
		`"created_at":"2026-05-01T13:45:10Z","updated_at":"2026-05-01T13:45:10Z","sent_at":"2026-05-01T13:45:10Z"}`
)

// Event returns the event of type typ about p, with p as its data.
func (p *Product) Event(typ string, modified []string) (*hookhub.Event, error) {
	return recordEvent(p.TenantID, typ, "product", p.ID, p, modified)
}

// Event returns the event of type typ about t, with t as its data.
func (t *Ticket) Event(typ string, modified []string) (*hookhub.Event, error) {
	return recordEvent(t.TenantID, typ, "ticket", t.ID, t, modified)
}

// Event returns the event of type typ about a, with a as its data.
func (a *Activity) Event(typ string) (*hookhub.Event, error) {
	return recordEvent(a.TenantID, typ, "activity", a.ID, a, nil)
}

// MergedEvent returns the contact.merged event of c, into which the
// contacts with the given ids were merged.
func (c *Contact) MergedEvent(mergedIDs []int64, modified []string) (*hookhub.Event, error) {
	return recordEvent(c.TenantID, EventContactMerged, "contact", c.ID, struct {
		Contact   *Contact `json:"contact"`
		MergedIDs []int64  `json:"merged_ids"`
	}{c, mergedIDs}, modified)
}

// ProductFilter narrows a list of products.
type ProductFilter struct {
	IntegrationID int64
	ExternalID    string
	hookhub.Page
}

// TicketFilter narrows a list of tickets.
type TicketFilter struct {
	ContactID     int64
	IntegrationID int64
	ExternalID    string
	Status        string
	hookhub.Page
}

// ActivityFilter narrows a list of activities.
type ActivityFilter struct {
	ContactID int64
	Type      string
	hookhub.Page
}

// MessageFilter narrows a list of messages.
type MessageFilter struct {
	Channel   Channel
	Status    MessageStatus
	ContactID int64
	hookhub.Page
}
