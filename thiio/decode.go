package thiio

import (
	"bytes"
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/crm"
	"github.com/hookhub/hookhub/inbound"
	"github.com/hookhub/hookhub/textcheck"
)

// payload is a request that passed every rule, as the CRM records it.
type payload struct {
	Event   string // "order" or "customer"
	Contact *crm.Contact
	Order   *crm.Order // nil for a customer event
}

// The events of a payload.
const (
	EventOrder    = "order"
	EventCustomer = "customer"
)

// maxText is the guide's "max 255", in characters.
const maxText = 255

// DateLayout is the guide's "yyyy-mm-dd h:m:s"; DateFormat is how its
// error names it.
const (
	DateFormat = "yyyy-mm-dd h:m:s"
	DateLayout = "2006-01-02 15:04:05"
)

// decode checks a request against the guide's rules and reads it. Every
// rule broken is a field of the error, in the order of the guide; the
// error's message is the first. When the body is a JSON object, what could
// be read of it comes back with the error (its event names the message).
func decode(header http.Header, body []byte) (*payload, error) {
	if err := inbound.RequireJSON(header); err != nil {
		return nil, err
	}
	var doc any
	if !json.Valid(body) {
		return nil, inbound.NotJSON(body, json.Unmarshal(body, &doc))
	}
	if e := textcheck.JSON(body); e != nil {
		return nil, hookhub.Invalid(e.Field, "the %s field %s", e.Field, e.Reason)
	}
	if path, dup := inbound.DuplicateKey(body); dup {
		return nil, hookhub.Invalid(path, "is given twice in the request body; name each member once")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber() // ids and amounts keep their digits
	if err := dec.Decode(&doc); err != nil {
		return nil, inbound.NotJSON(body, err)
	}
	root, ok := doc.(map[string]any)
	if !ok {
		return nil, hookhub.Invalid(inbound.BodyField, "the request body must be a JSON object")
	}
	var c checker
	p := &payload{Contact: &crm.Contact{}}
	p.Event = c.enum(root, "", "event", []string{EventOrder, EventCustomer})
	p.Contact.Source = c.text(root, "", "source", true)

	contact := c.object(root, "", "contact")
	p.Contact.FirstName = c.text(contact, "contact.", "first_name", true)
	p.Contact.LastName = c.text(contact, "contact.", "last_name", true)
	p.Contact.Email = c.email(contact, "contact.", "email")

	phone := c.object(root, "", "phone")
	p.Contact.Phone.Country = c.textMax(phone, "phone.", "country", false, 3)
	p.Contact.Phone.Number = c.id(phone, "phone.", "number", true)

	p.Contact.BillingAddress = c.address(root, "billing_address")
	p.Contact.ShippingAddress = c.address(root, "shipping_address")

	if p.Event == EventOrder {
		p.Order = c.order(root)
	}
	return p, c.err()
}

// checker collects broken rules with the guide's messages.
type checker struct{ problems hookhub.Problems }

func (c *checker) add(field, format string, args ...any) {
	c.problems.Add(field, "the "+field+" field "+format, args...)
}

func (c *checker) err() error {
	if len(c.problems) == 0 {
		return nil
	}
	return &hookhub.Error{Code: hookhub.EINVALID, Message: c.problems[0].Reason, Fields: c.problems}
}

// value returns o[key] and whether it is there: a key that is missing or
// null is not, nor is an empty string or an empty array (as Laravel's
// "required" sees them). o may be nil (its block is missing).
func value(o map[string]any, key string) (any, bool) {
	v, ok := o[key]
	switch x := v.(type) {
	case nil:
		return nil, false
	case string:
		return x, ok && strings.TrimSpace(x) != ""
	case []any:
		return x, ok && len(x) > 0
	}
	return v, ok
}

// object returns the block o[key]: nil when missing (its fields' own rules
// then say what is required), and a problem when it is not an object. An
// empty array counts as missing: PHP writes an empty object that way.
func (c *checker) object(o map[string]any, prefix, key string) map[string]any {
	v, ok := value(o, key)
	if !ok {
		return nil
	}
	m, isObject := v.(map[string]any)
	if !isObject {
		c.add(prefix+key, "must be an object")
		return nil
	}
	return m
}

// text checks a string field of at most 255 characters.
func (c *checker) text(o map[string]any, prefix, key string, required bool) string {
	return c.textMax(o, prefix, key, required, maxText)
}

func (c *checker) textMax(o map[string]any, prefix, key string, required bool, max int) string {
	v, ok := value(o, key)
	if !ok {
		if required {
			c.add(prefix+key, "is required")
		}
		return ""
	}
	s, isString := v.(string)
	if !isString {
		c.add(prefix+key, "must be a string")
		return ""
	}
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > max {
		c.add(prefix+key, "must not be greater than %d characters", max)
		return ""
	}
	return s
}

// id checks an identifier: a string of at most 255 characters, or a
// number, kept as written ("id": 123 is "123").
func (c *checker) id(o map[string]any, prefix, key string, required bool) string {
	if n, isNumber := o[key].(json.Number); isNumber {
		if utf8.RuneCountInString(n.String()) > maxText {
			c.add(prefix+key, "must not be greater than %d characters", maxText)
			return ""
		}
		return n.String()
	}
	return c.text(o, prefix, key, required)
}

// enum checks a required string field with one of the given values.
func (c *checker) enum(o map[string]any, prefix, key string, values []string) string {
	s := c.text(o, prefix, key, true)
	if s == "" {
		return ""
	}
	for _, v := range values {
		if s == v {
			return s
		}
	}
	c.add(prefix+key, "must be one of: %s", strings.Join(values, ", "))
	return ""
}

// email checks a required e-mail address: "required | valid email |
// string max 255", in that order.
func (c *checker) email(o map[string]any, prefix, key string) string {
	v, ok := value(o, key)
	if !ok {
		c.add(prefix+key, "is required")
		return ""
	}
	s, isString := v.(string)
	if !isString {
		c.add(prefix+key, "must be a string")
		return ""
	}
	s = strings.TrimSpace(s)
	if crm.CheckEmail(s) != "" {
		c.add(prefix+key, "must be a valid email address")
		return ""
	}
	if utf8.RuneCountInString(s) > maxText {
		c.add(prefix+key, "must not be greater than %d characters", maxText)
		return ""
	}
	return s
}

// address checks an optional address block: when it is there, its
// country and state are required and 2 or 3 characters long.
func (c *checker) address(o map[string]any, key string) *crm.Address {
	block := c.object(o, "", key)
	if block == nil {
		return nil
	}
	prefix := key + "."
	a := &crm.Address{
		FirstName: c.text(block, prefix, "first_name", false),
		LastName:  c.text(block, prefix, "last_name", false),
		Line1:     c.text(block, prefix, "line1", false),
		Line2:     c.text(block, prefix, "line2", false),
		City:      c.text(block, prefix, "city", false),
		State:     c.code(block, prefix, "state"),
		ZipCode:   c.id(block, prefix, "zip_code", false),
		Country:   c.code(block, prefix, "country"),
	}
	return a
}

// code checks a required string of 2 or 3 characters (a country or a
// state code).
func (c *checker) code(o map[string]any, prefix, key string) string {
	s := c.text(o, prefix, key, true)
	if n := utf8.RuneCountInString(s); s != "" && (n < 2 || n > 3) {
		c.add(prefix+key, "must be 2 or 3 characters")
		return ""
	}
	return s
}

// order checks the order block, required when the event is an order.
func (c *checker) order(root map[string]any) *crm.Order {
	if _, ok := value(root, "order"); !ok {
		c.add("order", "is required when event is %s", EventOrder)
		return nil
	}
	block := c.object(root, "", "order")
	if block == nil {
		return nil
	}
	const prefix = "order."
	o := &crm.Order{
		ExternalID: c.id(block, prefix, "id", true),
		Type:       crm.OrderType(c.orderType(block)),
		UserID:     c.id(block, prefix, "user_id", true),
		Date:       c.date(block, prefix, "date"),
		Shipping:   c.decimal(block, prefix, "shipping", false),
		Taxes:      c.decimal(block, prefix, "taxes", false),
		Total:      c.decimal(block, prefix, "total", true),
		Items:      c.items(block),
	}
	return o
}

func (c *checker) orderType(block map[string]any) string {
	values := make([]string, len(crm.OrderTypes))
	for i, t := range crm.OrderTypes {
		values[i] = string(t)
	}
	return c.enum(block, "order.", "type", values)
}

var dateText = regexp.MustCompile(`^([0-9]{4})-([0-9]{2})-([0-9]{2}) ([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})$`)

// MinDate is the earliest order date accepted. Earlier ones are a shop's
// empty date rather than an order's (0001-01-01 00:00:00 is Go's and
// .NET's zero time, which the core reads as no date at all); they are
// refused with a message of their own.
var MinDate = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)

// date checks a required date in the format yyyy-mm-dd h:m:s (hours,
// minutes and seconds with one digit or two), read as UTC: a real day and
// time, not before MinDate.
func (c *checker) date(o map[string]any, prefix, key string) time.Time {
	s := c.text(o, prefix, key, true)
	if s == "" {
		return time.Time{}
	}
	m := dateText.FindStringSubmatch(s)
	var n [6]int
	for i := range n {
		if m != nil {
			n[i], _ = strconv.Atoi(m[i+1])
		}
	}
	t := time.Date(n[0], time.Month(n[1]), n[2], n[3], n[4], n[5], 0, time.UTC)
	if m == nil || t.Year() != n[0] || int(t.Month()) != n[1] || t.Day() != n[2] || t.Hour() != n[3] || t.Minute() != n[4] || t.Second() != n[5] {
		c.add(prefix+key, "must match the format %s", DateFormat)
		return time.Time{}
	}
	if t.Before(MinDate) {
		c.add(prefix+key, "must be a date after or equal to %s", MinDate.Format(DateLayout))
		return time.Time{}
	}
	return t
}

// decimal checks a number: a JSON number or a string holding one, in plain
// notation; null or missing is no value.
func (c *checker) decimal(o map[string]any, prefix, key string, required bool) crm.Decimal {
	v, ok := value(o, key)
	if !ok {
		if required {
			c.add(prefix+key, "is required")
		}
		return ""
	}
	var text string
	switch x := v.(type) {
	case json.Number:
		text = x.String()
	case string:
		text = strings.TrimSpace(x)
	default:
		c.add(prefix+key, "must be a number")
		return ""
	}
	d, valid := crm.ParseDecimal(text)
	switch {
	case !valid && plainNumber.MatchString(text):
		c.add(prefix+key, "must have at most 20 digits before the decimal point and 10 after it")
		return ""
	case !valid:
		c.add(prefix+key, "must be a number")
		return ""
	}
	return d
}

// plainNumber is a number in plain notation of any length.
var plainNumber = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

// items checks the order's items: an array of at least one object, whose
// fields are optional (name and title strings of at most 255 characters,
// quantity and price numbers).
func (c *checker) items(block map[string]any) []crm.OrderItem {
	v, present := block["items"]
	if !present || v == nil {
		c.add("order.items", "is required")
		return nil
	}
	list, isArray := v.([]any)
	switch {
	case !isArray:
		c.add("order.items", "must be an array")
		return nil
	case len(list) == 0:
		c.add("order.items", "must have at least 1 item")
		return nil
	case len(list) > crm.MaxOrderItems:
		c.add("order.items", "must not have more than %d items", crm.MaxOrderItems)
		return nil
	}
	items := make([]crm.OrderItem, 0, len(list))
	for i, v := range list {
		prefix := "order.items." + strconv.Itoa(i) + "."
		it, isObject := v.(map[string]any)
		if !isObject {
			c.add(strings.TrimSuffix(prefix, "."), "must be an object")
			continue
		}
		items = append(items, crm.OrderItem{
			Name:     c.text(it, prefix, "name", false),
			Title:    c.text(it, prefix, "title", false),
			Quantity: c.decimal(it, prefix, "quantity", false),
			Price:    c.decimal(it, prefix, "price", false),
		})
	}
	return items
}
