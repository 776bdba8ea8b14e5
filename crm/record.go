package crm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/mail"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hookhub/hookhub"
)

// The CRM records: what inbound messages write and what raises events. A
// record's JSON form (its field tags) is both the API's answer and the
// data of its events, so that a subscriber reads what the API shows.

// Contact is a person the CRM knows: a lead. Within a tenant a contact is
// one e-mail address, in any case; a contact without one (a source's
// phone-only customer) is known by the source's id for it, or by its
// phone among the contacts without an address.
type Contact struct {
	ID              int64    `json:"id"`
	TenantID        string   `json:"-"`
	FirstName       string   `json:"first_name"`
	LastName        string   `json:"last_name"`
	Email           string   `json:"email"`
	Phone           Phone    `json:"phone"`
	BillingAddress  *Address `json:"billing_address"`
	ShippingAddress *Address `json:"shipping_address"`
	// Source and IntegrationID say where the contact first came from (a
	// Thiio payload's source, and the integration that received it; 0 for
	// none); later messages about the same person do not change them.
	Source        string `json:"source"`
	IntegrationID int64  `json:"integration_id"`
	// ZoneID, BrandID and AddressTypeID attach the contact to a zone, a
	// brand and a kind of address of the CRM (CRM360's ZoneId, BrandId
	// and ContactAddressTypeId); 0 for none. A later message that names
	// others moves the contact.
	ZoneID        int64 `json:"zone_id"`
	BrandID       int64 `json:"brand_id"`
	AddressTypeID int64 `json:"contact_address_type_id"`
	// EmailConsent and SMSConsent say whether the contact may be sent
	// marketing e-mail and SMS (consent.go).
	EmailConsent Consent   `json:"email_consent"`
	SMSConsent   Consent   `json:"sms_consent"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	// SourceUpdatedAt is when the source last changed the person it knows
	// by an id (its payload's updated_at), by the source's clock; zero
	// when it does not say. It is kept with that id, not on the contact:
	// each source has its own clock. A report older than the one kept
	// changes nothing.
	SourceUpdatedAt time.Time `json:"-"`
}

// Phone is a phone number and the country it belongs to.
type Phone struct {
	Country string `json:"country"` // ISO 3166 alpha-2 ("US") or a calling code ("+1")
	Number  string `json:"number"`  // as the source gave it
}

// DefaultPhoneCountry is the country of a phone number given without one.
const DefaultPhoneCountry = "US"

// Address is a postal address.
type Address struct {
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Line1     string `json:"line1"`
	Line2     string `json:"line2"`
	City      string `json:"city"`
	State     string `json:"state"`
	ZipCode   string `json:"zip_code"`
	Country   string `json:"country"`
}

// OrderType is the state of an order as its shop reports it.
type OrderType string

// The order types.
const (
	OrderSuccess OrderType = "success"
	OrderPending OrderType = "pending"
	OrderVoid    OrderType = "void"
	OrderRefund  OrderType = "refund"
)

// OrderTypes lists the order types.
var OrderTypes = []OrderType{OrderSuccess, OrderPending, OrderVoid, OrderRefund}

// Valid reports whether t is one of the order types.
func (t OrderType) Valid() bool { return slices.Contains(OrderTypes, t) }

// Order is a purchase of a contact, as a shop reported it. Within a tenant
// an order is one external id of one integration: reported again, it is
// updated.
type Order struct {
	ID            int64       `json:"id"`
	TenantID      string      `json:"-"`
	ContactID     int64       `json:"contact_id"`
	IntegrationID int64       `json:"integration_id"`
	ExternalID    string      `json:"external_id"` // the shop's order id
	Type          OrderType   `json:"type"`
	UserID        string      `json:"user_id"` // the shop's id of its customer
	Date          time.Time   `json:"date"`    // when the shop took the order
	Shipping      Decimal     `json:"shipping"`
	Taxes         Decimal     `json:"taxes"`
	Total         Decimal     `json:"total"`
	Items         []OrderItem `json:"items"`
	Currency      string      `json:"currency"` // ISO 4217 ("EUR"); "" when the shop did not say
	Store         string      `json:"store"`    // the shop's store or till the order was taken at
	ZoneID        int64       `json:"zone_id"`
	BrandID       int64       `json:"brand_id"`
	CreatedAt     time.Time   `json:"created_at"`
	UpdatedAt     time.Time   `json:"updated_at"`
	// SourceUpdatedAt is when the source last changed the order, by the
	// source's clock (its payload's updated_at); zero when it does not say.
	// A report older than the stored one changes nothing (see Merge).
	SourceUpdatedAt time.Time `json:"-"`
}

// OrderItem is one line of an order.
type OrderItem struct {
	Name     string  `json:"name"`
	Title    string  `json:"title"`
	Quantity Decimal `json:"quantity"`
	Price    Decimal `json:"price"`
}

// Decimal is an exact decimal number written out ("120", "-3.50"); "" is
// no value. Its JSON form is a number, or null when empty.
type Decimal string

var decimalText = regexp.MustCompile(`^-?[0-9]{1,20}(\.[0-9]{1,10})?$`)

// ParseDecimal reads a decimal number in plain notation (no exponent), of
// at most 20 digits before the point and 10 after it, and drops leading
// zeros. It reports false for anything else.
func ParseDecimal(s string) (Decimal, bool) {
	if !decimalText.MatchString(s) {
		return "", false
	}
	sign, digits := "", s
	if rest, ok := strings.CutPrefix(s, "-"); ok {
		sign, digits = "-", rest
	}
	whole, frac, hasFrac := strings.Cut(digits, ".")
	whole = strings.TrimLeft(whole, "0")
	if whole == "" {
		whole = "0"
	}
	if hasFrac {
		whole += "." + frac
	}
	return Decimal(sign + whole), true
}

// Equal reports whether d and e are the same number (or both empty).
func (d Decimal) Equal(e Decimal) bool {
	if d == "" || e == "" {
		return d == e
	}
	x, okx := new(big.Rat).SetString(string(d))
	y, oky := new(big.Rat).SetString(string(e))
	if !okx || !oky {
		return d == e
	}
	return x.Cmp(y) == 0
}

// SumDecimals adds decimals exactly, with as many digits after the point
// as the most precise of them; "" when there are none to add.
func SumDecimals(ds ...Decimal) Decimal {
	sum, digits, some := new(big.Rat), 0, false
	for _, d := range ds {
		r, ok := new(big.Rat).SetString(string(d))
		if d == "" || !ok {
			continue
		}
		if _, frac, ok := strings.Cut(string(d), "."); ok {
			digits = max(digits, len(frac))
		}
		sum.Add(sum, r)
		some = true
	}
	if !some {
		return ""
	}
	return Decimal(sum.FloatString(digits))
}

// MarshalJSON writes the number, or null.
func (d Decimal) MarshalJSON() ([]byte, error) {
	if d == "" {
		return []byte("null"), nil
	}
	if _, ok := ParseDecimal(string(d)); !ok {
		return nil, fmt.Errorf("decimal %q is not a number", string(d))
	}
	return []byte(d), nil
}

// UnmarshalJSON reads a number, a string holding one, or null.
func (d *Decimal) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		*d = ""
		return nil
	}
	s := string(b)
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
	}
	v, ok := ParseDecimal(s)
	if !ok {
		return fmt.Errorf("%s is not a decimal number", b)
	}
	*d = v
	return nil
}

// EmailKey is the form in which e-mail addresses are matched: trimmed and
// in lower case.
func EmailKey(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// CheckEmail returns a reason when s is not a bare e-mail address
// (local@domain, without a display name or angle brackets).
func CheckEmail(s string) string {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return "must be a valid email address"
	}
	return ""
}

// MaxRecordText is the longest text field of a record, in characters.
const MaxRecordText = 255

// MaxOrderItems is the most items an order has.
const MaxOrderItems = 1000

// Normalize trims c's text and gives a phone number without a country the
// default country.
func (c *Contact) Normalize() {
	for _, s := range []*string{&c.FirstName, &c.LastName, &c.Email, &c.Phone.Country, &c.Phone.Number, &c.Source} {
		*s = strings.TrimSpace(*s)
	}
	c.Phone.Country = strings.ToUpper(c.Phone.Country)
	if c.Phone.Number != "" && c.Phone.Country == "" {
		c.Phone.Country = DefaultPhoneCountry
	}
	for _, a := range []*Address{c.BillingAddress, c.ShippingAddress} {
		if a != nil {
			for _, s := range a.fields() {
				*s = strings.TrimSpace(*s)
			}
			a.Country, a.State = strings.ToUpper(a.Country), strings.ToUpper(a.State)
		}
	}
}

func (a *Address) fields() []*string {
	return []*string{&a.FirstName, &a.LastName, &a.Line1, &a.Line2, &a.City, &a.State, &a.ZipCode, &a.Country}
}

var addressFieldNames = []string{"first_name", "last_name", "line1", "line2", "city", "state", "zip_code", "country"}

// Validate checks a contact before it is saved. Fields are named as in
// its JSON form. The e-mail address may be empty: what else identifies the
// contact is the caller's to check (RecordChange needs the address, a
// CRMOp the address, the source's id or a phone).
func (c *Contact) Validate() error {
	var p hookhub.Problems
	if c.Email != "" {
		if r := CheckEmail(c.Email); r != "" {
			p.Add("email", "%s", r)
		}
	}
	checkLen(&p, "first_name", c.FirstName)
	checkLen(&p, "last_name", c.LastName)
	checkLen(&p, "email", c.Email)
	checkLen(&p, "source", c.Source)
	checkLen(&p, "phone.number", c.Phone.Number)
	if utf8.RuneCountInString(c.Phone.Country) > 3 {
		p.Add("phone.country", "must be at most 3 characters")
	}
	if !c.EmailConsent.Valid() {
		p.Add("email_consent", "must be one of %s", joinConsents())
	}
	if !c.SMSConsent.Valid() {
		p.Add("sms_consent", "must be one of %s", joinConsents())
	}
	for i, a := range []*Address{c.BillingAddress, c.ShippingAddress} {
		if a == nil {
			continue
		}
		name := [...]string{"billing_address", "shipping_address"}[i]
		for j, s := range a.fields() {
			checkLen(&p, name+"."+addressFieldNames[j], *s)
		}
	}
	return p.Err()
}

// Validate checks an order before it is saved.
func (o *Order) Validate() error {
	var p hookhub.Problems
	if o.ExternalID == "" {
		p.Add("external_id", "is required")
	}
	checkLen(&p, "external_id", o.ExternalID)
	checkLen(&p, "user_id", o.UserID)
	if !o.Type.Valid() {
		p.Add("type", "must be one of %s", joinTypes())
	}
	if o.Date.IsZero() {
		p.Add("date", "is required")
	}
	if o.Total == "" {
		p.Add("total", "is required")
	}
	checkDecimal(&p, "total", o.Total)
	checkDecimal(&p, "shipping", o.Shipping)
	checkDecimal(&p, "taxes", o.Taxes)
	if o.Currency != "" && !ValidCurrency(o.Currency) {
		p.Add("currency", "must be an ISO 4217 code of three capital letters, such as EUR")
	}
	checkLen(&p, "store", o.Store)
	if len(o.Items) > MaxOrderItems {
		p.Add("items", "must have at most %d entries", MaxOrderItems)
	}
	for i, it := range o.Items {
		prefix := "items[" + strconv.Itoa(i) + "]."
		checkLen(&p, prefix+"name", it.Name)
		checkLen(&p, prefix+"title", it.Title)
		checkDecimal(&p, prefix+"quantity", it.Quantity)
		checkDecimal(&p, prefix+"price", it.Price)
	}
	return p.Err()
}

func checkLen(p *hookhub.Problems, field, s string) {
	if utf8.RuneCountInString(s) > MaxRecordText {
		p.Add(field, "must be at most %d characters", MaxRecordText)
	}
}

func checkDecimal(p *hookhub.Problems, field string, d Decimal) {
	if _, ok := ParseDecimal(string(d)); d != "" && !ok {
		p.Add(field, "must be a decimal number")
	}
}

func joinTypes() string {
	s := make([]string, len(OrderTypes))
	for i, t := range OrderTypes {
		s[i] = string(t)
	}
	return strings.Join(s, ", ")
}

// Merge updates c, a stored contact, with what in says about the same
// person, and returns the JSON names of the fields that changed. Empty
// fields of in change nothing, so a message without an address keeps the
// one known; the e-mail keeps its first spelling, and the source and
// integration stay those of the first message.
func (c *Contact) Merge(in *Contact) []string {
	var changed []string
	set := func(name string, dst *string, v string) {
		if v != "" && *dst != v {
			*dst, changed = v, append(changed, name)
		}
	}
	set("first_name", &c.FirstName, in.FirstName)
	set("last_name", &c.LastName, in.LastName)
	if in.Phone.Number != "" && in.Phone != c.Phone {
		c.Phone, changed = in.Phone, append(changed, "phone")
	}
	for _, a := range []struct {
		name    string
		dst     **Address
		address *Address
	}{{"billing_address", &c.BillingAddress, in.BillingAddress}, {"shipping_address", &c.ShippingAddress, in.ShippingAddress}} {
		if a.address != nil && (*a.dst == nil || **a.dst != *a.address) {
			v := *a.address
			*a.dst, changed = &v, append(changed, a.name)
		}
	}
	if c.Source == "" && in.Source != "" {
		c.Source, changed = in.Source, append(changed, "source")
	}
	setID := func(name string, dst *int64, v int64) {
		if v != 0 && *dst != v {
			*dst, changed = v, append(changed, name)
		}
	}
	setID("zone_id", &c.ZoneID, in.ZoneID)
	setID("brand_id", &c.BrandID, in.BrandID)
	setID("contact_address_type_id", &c.AddressTypeID, in.AddressTypeID)
	setConsent := func(name string, dst *Consent, v Consent) {
		if v != "" && *dst != v {
			*dst, changed = v, append(changed, name)
		}
	}
	setConsent("email_consent", &c.EmailConsent, in.EmailConsent)
	setConsent("sms_consent", &c.SMSConsent, in.SMSConsent)
	return changed
}

// Merge updates o, a stored order, with in, the same order reported
// again, and returns the JSON names of the fields that changed. A report
// older than what o holds (both with a source time, in's before o's) is
// out of order and changes nothing: a late "paid" does not undo a refund.
// A newer source time is kept without counting as a change.
func (o *Order) Merge(in *Order) []string {
	if in.Stale(o) {
		return nil
	}
	if in.SourceUpdatedAt.After(o.SourceUpdatedAt) {
		o.SourceUpdatedAt = in.SourceUpdatedAt
	}
	var changed []string
	// 0: a sale reported without a customer says nothing of who bought.
	if in.ContactID != 0 && o.ContactID != in.ContactID {
		o.ContactID, changed = in.ContactID, append(changed, "contact_id")
	}
	if o.Type != in.Type {
		o.Type, changed = in.Type, append(changed, "type")
	}
	if o.UserID != in.UserID {
		o.UserID, changed = in.UserID, append(changed, "user_id")
	}
	if !o.Date.Equal(in.Date) {
		o.Date, changed = in.Date, append(changed, "date")
	}
	for _, d := range []struct {
		name    string
		dst     *Decimal
		decimal Decimal
	}{{"shipping", &o.Shipping, in.Shipping}, {"taxes", &o.Taxes, in.Taxes}, {"total", &o.Total, in.Total}} {
		if !d.dst.Equal(d.decimal) {
			*d.dst, changed = d.decimal, append(changed, d.name)
		}
	}
	if !slices.EqualFunc(o.Items, in.Items, OrderItem.equal) {
		o.Items, changed = slices.Clone(in.Items), append(changed, "items")
	}
	for _, f := range []struct {
		name string
		dst  *string
		v    string
	}{{"currency", &o.Currency, in.Currency}, {"store", &o.Store, in.Store}} {
		if f.v != "" && *f.dst != f.v {
			*f.dst, changed = f.v, append(changed, f.name)
		}
	}
	for _, f := range []struct {
		name string
		dst  *int64
		v    int64
	}{{"zone_id", &o.ZoneID, in.ZoneID}, {"brand_id", &o.BrandID, in.BrandID}} {
		if f.v != 0 && *f.dst != f.v {
			*f.dst, changed = f.v, append(changed, f.name)
		}
	}
	return changed
}

// Stale reports whether in, a report of the stored order o, is older than
// what o holds, by the source's clock.
func (in *Order) Stale(o *Order) bool { return Stale(in.SourceUpdatedAt, o.SourceUpdatedAt) }

// Stale reports whether a report made at reported, by its source's clock,
// is older than the one stored, made at stored: both are known (not zero)
// and reported is before stored. A report as old as the stored one is not
// stale: it is applied, and changes nothing when it says the same.
func Stale(reported, stored time.Time) bool {
	return !reported.IsZero() && !stored.IsZero() && reported.Before(stored)
}

func (it OrderItem) equal(o OrderItem) bool {
	return it.Name == o.Name && it.Title == o.Title && it.Quantity.Equal(o.Quantity) && it.Price.Equal(o.Price)
}

// The events records raise.
const (
	EventContactCreated = "contact.created"
	EventContactChanged = "contact.changed"
	EventContactDeleted = "contact.deleted"
	EventContactMerged  = "contact.merged"
	EventOrderCreated   = "order.created"
	EventOrderChanged   = "order.changed"
	EventOrderDeleted   = "order.deleted"
)

// recordEventTypes are the events contacts and orders raise.
var recordEventTypes = []hookhub.EventType{
	{Name: EventContactCreated, Description: "A contact (lead) was created.", Example: json.RawMessage(exampleContact)},
	{Name: EventContactChanged, Description: "A contact's fields changed.", Example: json.RawMessage(exampleContact)},
	{Name: EventOrderCreated, Description: "An order was received from a shop.", Example: json.RawMessage(exampleOrder)},
	{Name: EventOrderChanged, Description: "An order's fields changed (its type, amounts or items).", Example: json.RawMessage(exampleOrder)},
}

const (
	exampleAddress = `{"first_name":"John","last_name":"Doe","line1":"11801 Stonehollow Drive","line2":"line two","city":"Austin","state":"TX","zip_code":"78758","country":"US"}`
	exampleContact = `{"id":1,"first_name":"John","last_name":"Doe","email":"john.doe@example.com",` +
		`"phone":{"country":"US","number":"+15124713434"},"billing_address":` + exampleAddress + `,"shipping_address":` + exampleAddress + `,` +
		`"source":"Thiio Custom","integration_id":1,"zone_id":0,"brand_id":0,"contact_address_type_id":0,"email_consent":"","sms_consent":"",` +
		`"created_at":"2026-05-01T13:45:10Z","updated_at":"2026-05-01T13:45:10Z"}`
	exampleOrder = `{"id":1,"contact_id":1,"integration_id":1,"external_id":"123","type":"success","user_id":"10",` +
		`"date":"2026-05-01T13:45:10Z","shipping":10,"taxes":10,"total":120,"items":[` +
		`{"name":"Product one","title":"Product one Red","quantity":1,"price":50},` +
		`{"name":"Product two","title":"Product two White","quantity":1,"price":50}],` +
		`"currency":"USD","store":"","zone_id":0,"brand_id":0,"created_at":"2026-05-01T13:45:10Z","updated_at":"2026-05-01T13:45:10Z"}`
)

// Event returns the event of type typ about c, with c as its data.
func (c *Contact) Event(typ string, modified []string) (*hookhub.Event, error) {
	return recordEvent(c.TenantID, typ, "contact", c.ID, c, modified)
}

// Event returns the event of type typ about o, with o as its data.
func (o *Order) Event(typ string, modified []string) (*hookhub.Event, error) {
	return recordEvent(o.TenantID, typ, "order", o.ID, o, modified)
}

func recordEvent(tenantID, typ, entity string, id int64, record any, modified []string) (*hookhub.Event, error) {
	data, err := json.Marshal(record)
	if err != nil {
		return nil, fmt.Errorf("encode %s %d: %w", entity, id, err)
	}
	return &hookhub.Event{
		TenantID: tenantID, Type: typ, EntityType: entity, EntityID: strconv.FormatInt(id, 10),
		Data: data, ModifiedFields: slices.Clone(modified),
	}, nil
}

// RecordChange is what one inbound message does to a tenant's records: a
// contact to create, or to update when the tenant has one with its e-mail,
// and optionally an order of that contact to create, or to update when the
// integration reported its external id before.
type RecordChange struct {
	TenantID      string
	IntegrationID int64
	Contact       *Contact
	Order         *Order // nil: none
	// MessageID, when not 0, is the inbound message the change comes
	// from: it is marked done in the same transaction, with Answer (when
	// not 0) as the HTTP status its sender got.
	MessageID int64
	Answer    int
}

// Validate checks a change before it is saved; fields are named
// "contact.email", "order.total".
func (ch *RecordChange) Validate() error {
	var p hookhub.Problems
	add := func(prefix string, err error) {
		var e *hookhub.Error
		if errors.As(err, &e) {
			for _, f := range e.Fields {
				p.Add(prefix+f.Field, "%s", f.Reason)
			}
		}
	}
	if ch.Contact == nil {
		p.Add("contact", "is required")
	} else {
		if ch.Contact.Email == "" {
			p.Add("contact.email", "is required")
		}
		add("contact.", ch.Contact.Validate())
	}
	if ch.Order != nil {
		add("order.", ch.Order.Validate())
	}
	return p.Err()
}

// RecordResult is what saving a RecordChange did.
type RecordResult struct {
	Contact        *Contact
	ContactCreated bool
	ContactChanged []string // the fields that changed, when it was updated
	Order          *Order   // nil when the change had none
	OrderCreated   bool
	OrderChanged   []string
	Events         []hookhub.PublishResult // the events raised, in the same transaction
}

// Deliveries counts the deliveries the result's events made.
func (r *RecordResult) Deliveries() int { return countDeliveries(r.Events) }

func countDeliveries(events []hookhub.PublishResult) int {
	n := 0
	for _, e := range events {
		n += e.Deliveries
	}
	return n
}

// ContactFilter narrows a list of contacts. Empty fields match anything.
type ContactFilter struct {
	Email         string // the address, in any case
	Search        string // a substring of the name or e-mail, in any case
	Source        string
	IntegrationID int64
	Since, Until  time.Time // created at or after Since, before Until
	hookhub.Page
}

// OrderFilter narrows a list of orders. Empty fields match anything.
type OrderFilter struct {
	ContactID     int64
	IntegrationID int64
	ExternalID    string
	Type          OrderType
	Since, Until  time.Time // dated at or after Since, before Until
	hookhub.Page
}

// RecordStore keeps the CRM records. Part of Store.
type RecordStore interface {
	// SaveRecords applies a change in one transaction: the contact and
	// order created or updated, the events that says (contact.created or
	// contact.changed, order.created or order.changed; none when nothing
	// changed) published with their deliveries, and the message marked
	// done.
	SaveRecords(ctx context.Context, now time.Time, ch *RecordChange) (*RecordResult, error)
	GetContact(ctx context.Context, tenantID string, id int64) (*Contact, error)
	// ListContacts lists a tenant's contacts, newest first.
	ListContacts(ctx context.Context, tenantID string, f ContactFilter) ([]*Contact, error)
	GetOrder(ctx context.Context, tenantID string, id int64) (*Order, error)
	// ListOrders lists a tenant's orders, newest first.
	ListOrders(ctx context.Context, tenantID string, f OrderFilter) ([]*Order, error)
}
