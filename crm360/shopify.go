package crm360

import (
	"errors"
	"strings"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/crm"
)

// Shopify's webhook bodies (customers/create, products/update,
// orders/delete…): the REST Admin API's resources, of which hookhub reads
// the fields below.

type shopifyAddress struct {
	FirstName   string `json:"first_name"`
	LastName    string `json:"last_name"`
	Address1    string `json:"address1"`
	Address2    string `json:"address2"`
	City        string `json:"city"`
	Province    string `json:"province"`
	Country     string `json:"country"`
	Zip         string `json:"zip"`
	Phone       string `json:"phone"`
	CountryCode string `json:"country_code"`
}

func (a *shopifyAddress) address() *crm.Address {
	if a == nil || *a == (shopifyAddress{}) {
		return nil
	}
	country := a.CountryCode
	if country == "" {
		country = a.Country
	}
	return &crm.Address{FirstName: a.FirstName, LastName: a.LastName, Line1: a.Address1, Line2: a.Address2,
		City: a.City, State: a.Province, ZipCode: a.Zip, Country: country}
}

type shopifyConsent struct {
	State string `json:"state"` // subscribed, not_subscribed, unsubscribed, pending, invalid, redacted
}

// consent is what a Shopify marketing consent says; nothing for the
// states that say nothing yet.
func (c *shopifyConsent) consent() crm.Consent {
	if c == nil {
		return ""
	}
	switch c.State {
	case "subscribed":
		return crm.ConsentGranted
	case "unsubscribed":
		return crm.ConsentWithdrawn
	case "invalid":
		return crm.ConsentBounced
	}
	return ""
}

type shopifyCustomerJSON struct {
	ID                    text            `json:"id"`
	Email                 string          `json:"email"`
	FirstName             string          `json:"first_name"`
	LastName              string          `json:"last_name"`
	Phone                 string          `json:"phone"`
	DefaultAddress        *shopifyAddress `json:"default_address"`
	EmailMarketingConsent *shopifyConsent `json:"email_marketing_consent"`
	SMSMarketingConsent   *shopifyConsent `json:"sms_marketing_consent"`
	UpdatedAt             string          `json:"updated_at"`
}

// contact is a Shopify customer as a contact; prefix names the fields of
// a customer inside an order ("customer."). A customer may have no e-mail
// (Shopify's phone-only customers): its id, or its phone, identifies it.
func (c *shopifyCustomerJSON) contact(prefix string, pr *hookhub.Problems) *crm.Contact {
	// Shopify does not deliver in order; updated_at tells a late report
	// from a new one.
	updated, err := parseTime(prefix+"updated_at", c.UpdatedAt)
	var e *hookhub.Error
	if errors.As(err, &e) {
		for _, f := range e.Fields {
			pr.Add(f.Field, "%s", f.Reason)
		}
	}
	out := &crm.Contact{FirstName: c.FirstName, LastName: c.LastName, Email: c.Email, Source: "Shopify", SourceUpdatedAt: updated,
		BillingAddress: c.DefaultAddress.address(), EmailConsent: c.EmailMarketingConsent.consent(), SMSConsent: c.SMSMarketingConsent.consent()}
	number, country := c.Phone, ""
	if a := c.DefaultAddress; a != nil {
		number, country = firstOf(number, a.Phone), a.CountryCode
	}
	out.Phone = phone(number, country)
	if out.SMSConsent == crm.ConsentBounced {
		out.SMSConsent = "" // an invalid number is not a consent
	}
	return out
}

func shopifyCustomer(it item, p *Params) ([]crm.CRMOp, error) {
	var c shopifyCustomerJSON
	if err := decodeJSON(it.raw, &c); err != nil {
		return nil, err
	}
	var pr hookhub.Problems
	need(&pr, "id", string(c.ID))
	contact := c.contact("", &pr)
	if err := pr.Err(); err != nil {
		return nil, err
	}
	return []crm.CRMOp{{Kind: crm.OpSaveContact, Ref: string(c.ID), Contact: contact}}, nil
}

// deleteByID reads a delete webhook's {"id": …}.
func deleteByID(kind crm.OpKind) func(item, *Params) ([]crm.CRMOp, error) {
	return func(it item, p *Params) ([]crm.CRMOp, error) {
		var v struct {
			ID text `json:"id"`
		}
		if err := decodeJSON(it.raw, &v); err != nil {
			return nil, err
		}
		if v.ID == "" {
			return nil, errorf("id", "is required")
		}
		return []crm.CRMOp{{Kind: kind, Ref: string(v.ID)}}, nil
	}
}

type shopifyProductJSON struct {
	ID          text   `json:"id"`
	Title       string `json:"title"`
	Vendor      string `json:"vendor"`
	ProductType string `json:"product_type"`
	Handle      string `json:"handle"`
	Status      string `json:"status"`
	Tags        string `json:"tags"` // "Barnes & Noble, Big Air, John's Fav"
	UpdatedAt   string `json:"updated_at"`
	Variants    []struct {
		ID    text   `json:"id"`
		Title string `json:"title"`
		SKU   string `json:"sku"`
		Price amount `json:"price"`
	} `json:"variants"`
}

func shopifyProduct(it item, p *Params) ([]crm.CRMOp, error) {
	var v shopifyProductJSON
	if err := decodeJSON(it.raw, &v); err != nil {
		return nil, err
	}
	if v.ID == "" {
		return nil, errorf("id", "is required")
	}
	updated, err := parseTime("updated_at", v.UpdatedAt)
	if err != nil {
		return nil, err
	}
	prod := &crm.Product{ExternalID: string(v.ID), Title: v.Title, Vendor: v.Vendor, Type: v.ProductType, Handle: v.Handle,
		Status: v.Status, Tags: []string{}, Variants: []crm.ProductVariant{}, SourceUpdatedAt: updated}
	for _, t := range strings.Split(v.Tags, ",") {
		if t = strings.TrimSpace(t); t != "" {
			prod.Tags = append(prod.Tags, t)
		}
	}
	for _, va := range v.Variants {
		prod.Variants = append(prod.Variants, crm.ProductVariant{ExternalID: string(va.ID), Title: va.Title, SKU: va.SKU, Price: va.Price.decimal()})
	}
	return []crm.CRMOp{{Kind: crm.OpSaveProduct, Product: prod}}, nil
}

type shopifyOrderJSON struct {
	ID              text                 `json:"id"`
	Email           string               `json:"email"`
	ContactEmail    string               `json:"contact_email"`
	Phone           string               `json:"phone"`
	SourceName      string               `json:"source_name"` // web, pos, …
	CreatedAt       string               `json:"created_at"`
	UpdatedAt       string               `json:"updated_at"`
	Currency        string               `json:"currency"`
	TotalPrice      amount               `json:"total_price"`
	TotalTax        amount               `json:"total_tax"`
	FinancialStatus string               `json:"financial_status"`
	CancelledAt     string               `json:"cancelled_at"`
	Customer        *shopifyCustomerJSON `json:"customer"`
	BillingAddress  *shopifyAddress      `json:"billing_address"`
	ShippingAddress *shopifyAddress      `json:"shipping_address"`
	LineItems       []struct {
		Title    string `json:"title"`
		Name     string `json:"name"`
		Quantity amount `json:"quantity"`
		Price    amount `json:"price"`
	} `json:"line_items"`
	ShippingLines []struct {
		Price amount `json:"price"`
	} `json:"shipping_lines"`
}

// orderType is what Shopify's financial status says of an order.
func orderType(financial, cancelledAt string) crm.OrderType {
	switch {
	case cancelledAt != "" || financial == "voided":
		return crm.OrderVoid
	case financial == "paid":
		return crm.OrderSuccess
	case financial == "refunded" || financial == "partially_refunded":
		return crm.OrderRefund
	}
	return crm.OrderPending // pending, authorized, partially_paid, expired
}

func shopifyOrder(it item, p *Params) ([]crm.CRMOp, error) {
	var v shopifyOrderJSON
	if err := decodeJSON(it.raw, &v); err != nil {
		return nil, err
	}
	var pr hookhub.Problems
	need(&pr, "id", string(v.ID), "total_price", string(v.TotalPrice.decimal()))
	date, err := parseTime("created_at", v.CreatedAt)
	if err != nil {
		return nil, err
	}
	if date.IsZero() {
		pr.Add("created_at", "is required")
	}
	// Shopify does not deliver in order; updated_at tells a late report
	// from a new one (crm.Order.Merge).
	updated, err := parseTime("updated_at", v.UpdatedAt)
	if err != nil {
		return nil, err
	}
	customer := v.Customer
	if customer == nil {
		customer = &shopifyCustomerJSON{}
	}
	if customer.Email == "" {
		customer.Email = firstOf(v.Email, v.ContactEmail)
	}
	if customer.Phone == "" {
		customer.Phone = v.Phone
	}
	contact := customer.contact("customer.", &pr)
	if contact.BillingAddress = v.BillingAddress.address(); contact.BillingAddress == nil {
		contact.BillingAddress = customer.DefaultAddress.address()
	}
	contact.ShippingAddress = v.ShippingAddress.address()
	if err := pr.Err(); err != nil {
		return nil, err
	}
	if customer.ID == "" && contact.Email == "" && crm.PhoneKey(contact.Phone) == "" {
		// A sale to nobody known (a point-of-sale order without a
		// customer, "customer": null): the order, without a contact.
		contact = nil
	}
	order := &crm.Order{ExternalID: string(v.ID), Type: orderType(v.FinancialStatus, v.CancelledAt), UserID: string(customer.ID),
		Date: date, Total: v.TotalPrice.decimal(), Taxes: v.TotalTax.decimal(), Currency: strings.ToUpper(v.Currency), Items: []crm.OrderItem{},
		SourceUpdatedAt: updated}
	var shipping []crm.Decimal
	for _, l := range v.ShippingLines {
		shipping = append(shipping, l.Price.decimal())
	}
	order.Shipping = crm.SumDecimals(shipping...)
	for _, l := range v.LineItems {
		order.Items = append(order.Items, crm.OrderItem{Name: l.Title, Title: firstOf(l.Name, l.Title), Quantity: l.Quantity.decimal(), Price: l.Price.decimal()})
	}
	return []crm.CRMOp{{Kind: crm.OpSaveOrder, Ref: string(customer.ID), Contact: contact, Order: order}}, nil
}

func firstOf(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
