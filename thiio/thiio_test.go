package thiio

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/crm"
)

// Sample is the guide's sample payload with a real date in place of the
// format's placeholder.
const Sample = `{ "event": "order", "source": "Thiio Custom", "contact": { "first_name": "John", "last_name": "Doe", "email": "john.doe@example.com" }, "phone": { "country": "US", "number": "+15124713434" }, "billing_address": { "first_name": "John", "last_name": "Doe", "line1": "11801 Stonehollow Drive", "line2": "line two", "city": "Austin", "state": "TX", "zip_code": "78758", "country": "US" }, "shipping_address": { "first_name": "John", "last_name": "Doe", "line1": "11801 Stonehollow Drive", "line2": "line two", "city": "Austin", "state": "TX", "zip_code": "78758", "country": "US" }, "order": { "id": 123, "type": "success", "user_id": 10, "date": "2024-05-01 13:45:10", "shipping": 10, "taxes": 10, "total": 120, "items": [ { "name": "Product one", "title": "Product one Red", "quantity": 1, "price": 50 }, { "name": "Product two", "title": "Product two White", "quantity": 1, "price": 50 } ] } }`

var jsonHeader = http.Header{"Content-Type": {"application/json"}}

// edit returns the sample with each path ("order.items.0.price") set to
// its value, or removed when the value is the remove marker.
func edit(t *testing.T, changes map[string]any) []byte {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal([]byte(Sample), &doc); err != nil {
		t.Fatal(err)
	}
	for path, v := range changes {
		keys := strings.Split(path, ".")
		var parent any = doc
		for _, k := range keys[:len(keys)-1] {
			switch p := parent.(type) {
			case map[string]any:
				parent = p[k]
			case []any:
				parent = p[atoi(t, k)]
			}
		}
		last := keys[len(keys)-1]
		switch p := parent.(type) {
		case map[string]any:
			if v == remove {
				delete(p, last)
			} else {
				p[last] = v
			}
		case []any:
			p[atoi(t, last)] = v
		default:
			t.Fatalf("edit: no object at %s", path)
		}
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type removeMarker struct{}

var remove = removeMarker{}

func atoi(t *testing.T, s string) int {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			t.Fatalf("edit: %q is not an index", s)
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// long is 256 characters, 512 bytes.
var long = strings.Repeat("é", 256)

// rules are the sample broken one rule at a time, with the err message of
// the answer.
var rules = []struct {
	name    string
	changes map[string]any
	err     string
}{
	{"EventMissing", map[string]any{"event": remove}, "the event field is required"},
	{"EventEmpty", map[string]any{"event": "  "}, "the event field is required"},
	{"EventNull", map[string]any{"event": nil}, "the event field is required"},
	{"EventWrongType", map[string]any{"event": 1}, "the event field must be a string"},
	{"EventBadEnum", map[string]any{"event": "refund"}, "the event field must be one of: order, customer"},
	{"SourceMissing", map[string]any{"source": remove}, "the source field is required"},
	{"SourceWrongType", map[string]any{"source": []any{"a"}}, "the source field must be a string"},
	{"SourceTooLong", map[string]any{"source": long}, "the source field must not be greater than 255 characters"},
	{"ContactMissing", map[string]any{"contact": remove}, "the contact.first_name field is required"},
	{"ContactWrongType", map[string]any{"contact": "John"}, "the contact field must be an object"},
	{"FirstNameMissing", map[string]any{"contact.first_name": remove}, "the contact.first_name field is required"},
	{"FirstNameWrongType", map[string]any{"contact.first_name": 7}, "the contact.first_name field must be a string"},
	{"FirstNameTooLong", map[string]any{"contact.first_name": long}, "the contact.first_name field must not be greater than 255 characters"},
	{"LastNameMissing", map[string]any{"contact.last_name": ""}, "the contact.last_name field is required"},
	{"LastNameWrongType", map[string]any{"contact.last_name": true}, "the contact.last_name field must be a string"},
	{"LastNameTooLong", map[string]any{"contact.last_name": long}, "the contact.last_name field must not be greater than 255 characters"},
	{"EmailMissing", map[string]any{"contact.email": remove}, "the contact.email field is required"},
	{"EmailWrongType", map[string]any{"contact.email": 1}, "the contact.email field must be a string"},
	{"EmailBad", map[string]any{"contact.email": "john.doe@"}, "the contact.email field must be a valid email address"},
	{"EmailWithName", map[string]any{"contact.email": "John <john.doe@example.com>"}, "the contact.email field must be a valid email address"},
	{"EmailTooLong", map[string]any{"contact.email": strings.Repeat("a", 250) + "@example.com"}, "the contact.email field must not be greater than 255 characters"},
	{"PhoneCountryTooLong", map[string]any{"phone.country": "USAA"}, "the phone.country field must not be greater than 3 characters"},
	{"PhoneCountryWrongType", map[string]any{"phone.country": 1}, "the phone.country field must be a string"},
	{"PhoneMissing", map[string]any{"phone": remove}, "the phone.number field is required"},
	{"PhoneWrongType", map[string]any{"phone": "+15124713434"}, "the phone field must be an object"},
	{"PhoneNumberMissing", map[string]any{"phone.number": remove}, "the phone.number field is required"},
	{"PhoneNumberWrongType", map[string]any{"phone.number": map[string]any{}}, "the phone.number field must be a string"},
	{"BillingAddressWrongType", map[string]any{"billing_address": "Austin"}, "the billing_address field must be an object"},
	{"BillingAddressWithoutState", map[string]any{"billing_address.state": remove}, "the billing_address.state field is required"},
	{"BillingAddressWithoutCountry", map[string]any{"billing_address.country": remove}, "the billing_address.country field is required"},
	{"ShippingAddressWithoutState", map[string]any{"shipping_address.state": ""}, "the shipping_address.state field is required"},
	{"ShippingAddressStateTooLong", map[string]any{"shipping_address.state": "TEXAS"}, "the shipping_address.state field must be 2 or 3 characters"},
	{"ShippingAddressCountryTooShort", map[string]any{"shipping_address.country": "U"}, "the shipping_address.country field must be 2 or 3 characters"},
	{"ShippingAddressCityWrongType", map[string]any{"shipping_address.city": 5}, "the shipping_address.city field must be a string"},
	{"ShippingAddressLine1TooLong", map[string]any{"shipping_address.line1": long}, "the shipping_address.line1 field must not be greater than 255 characters"},
	{"OrderMissing", map[string]any{"order": remove}, "the order field is required when event is order"},
	{"OrderWrongType", map[string]any{"order": []any{1}}, "the order field must be an object"},
	{"OrderIDMissing", map[string]any{"order.id": remove}, "the order.id field is required"},
	{"OrderIDWrongType", map[string]any{"order.id": true}, "the order.id field must be a string"},
	{"OrderIDTooLong", map[string]any{"order.id": long}, "the order.id field must not be greater than 255 characters"},
	{"OrderTypeMissing", map[string]any{"order.type": remove}, "the order.type field is required"},
	{"OrderTypeWrongType", map[string]any{"order.type": 1}, "the order.type field must be a string"},
	{"OrderTypeBadEnum", map[string]any{"order.type": "paid"}, "the order.type field must be one of: success, pending, void, refund"},
	{"OrderTypeTooLong", map[string]any{"order.type": long}, "the order.type field must not be greater than 255 characters"},
	{"OrderDateMissing", map[string]any{"order.date": remove}, "the order.date field is required"},
	{"OrderDateWrongType", map[string]any{"order.date": 1714571110}, "the order.date field must be a string"},
	{"OrderDatePlaceholder", map[string]any{"order.date": "yyyy-mm-dd h:m:s"}, "the order.date field must match the format yyyy-mm-dd h:m:s"},
	{"OrderDateISO", map[string]any{"order.date": "2024-05-01T13:45:10Z"}, "the order.date field must match the format yyyy-mm-dd h:m:s"},
	{"OrderDateNoTime", map[string]any{"order.date": "2024-05-01"}, "the order.date field must match the format yyyy-mm-dd h:m:s"},
	{"OrderDateNoSuchDay", map[string]any{"order.date": "2024-02-30 10:00:00"}, "the order.date field must match the format yyyy-mm-dd h:m:s"},
	{"OrderDateNoSuchHour", map[string]any{"order.date": "2024-05-01 24:00:00"}, "the order.date field must match the format yyyy-mm-dd h:m:s"},
	{"OrderDateYearZero", map[string]any{"order.date": "0000-01-01 0:0:0"}, "the order.date field must be a date after or equal to 1970-01-01 00:00:00"},
	{"OrderDateZeroTime", map[string]any{"order.date": "0001-01-01 00:00:00"}, "the order.date field must be a date after or equal to 1970-01-01 00:00:00"},
	{"OrderDateBeforeEpoch", map[string]any{"order.date": "1969-12-31 23:59:59"}, "the order.date field must be a date after or equal to 1970-01-01 00:00:00"},
	{"OrderUserIDMissing", map[string]any{"order.user_id": remove}, "the order.user_id field is required"},
	{"OrderUserIDWrongType", map[string]any{"order.user_id": []any{10}}, "the order.user_id field must be a string"},
	{"OrderUserIDTooLong", map[string]any{"order.user_id": long}, "the order.user_id field must not be greater than 255 characters"},
	{"OrderShippingWrongType", map[string]any{"order.shipping": "ten"}, "the order.shipping field must be a number"},
	{"OrderTaxesWrongType", map[string]any{"order.taxes": true}, "the order.taxes field must be a number"},
	{"OrderTotalMissing", map[string]any{"order.total": remove}, "the order.total field is required"},
	{"OrderTotalNull", map[string]any{"order.total": nil}, "the order.total field is required"},
	{"OrderTotalWrongType", map[string]any{"order.total": map[string]any{"amount": 1}}, "the order.total field must be a number"},
	{"OrderTotalExponent", map[string]any{"order.total": json.Number("1e3")}, "the order.total field must be a number"},
	{"OrderItemsMissing", map[string]any{"order.items": remove}, "the order.items field is required"},
	{"OrderItemsWrongType", map[string]any{"order.items": map[string]any{"name": "x"}}, "the order.items field must be an array"},
	{"OrderItemsEmpty", map[string]any{"order.items": []any{}}, "the order.items field must have at least 1 item"},
	{"OrderItemWrongType", map[string]any{"order.items.0": "Product one"}, "the order.items.0 field must be an object"},
	{"OrderItemPriceWrongType", map[string]any{"order.items.1.price": "fifty"}, "the order.items.1.price field must be a number"},
	{"OrderItemNameTooLong", map[string]any{"order.items.1.name": long}, "the order.items.1.name field must not be greater than 255 characters"},
	{"FirstRuleWins", map[string]any{"order.items": []any{}, "source": remove, "contact.email": "x"}, "the source field is required"},
}

// TestRules sends the sample broken one rule at a time and checks the
// exact err of the answer, and its status.
func TestRules(t *testing.T) {
	t.Parallel()
	for _, tt := range rules {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			body := edit(t, tt.changes)
			_, err := Kind{}.Decode(jsonHeader, body)
			if err == nil {
				t.Fatalf("Decode(%s) accepted it, want %q", body, tt.err)
			}
			ans := Kind{}.Answer(body, err)
			if ans.Status != http.StatusUnprocessableEntity || ans.ContentType != "application/json" {
				t.Errorf("answer status %d, content type %q; want 422, application/json", ans.Status, ans.ContentType)
			}
			wantFailure(t, ans.Body, "WebforceCustomExternalException | "+tt.err)
			if ans.Reason != "WebforceCustomExternalException | "+tt.err {
				t.Errorf("reason %q, want the err", ans.Reason)
			}
		})
	}
}

// wantFailure checks a failure answer: exactly success false, msg and err.
func wantFailure(t *testing.T, body []byte, wantErr string) {
	t.Helper()
	var got map[string]any
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("answer %s is not JSON: %v", body, err)
	}
	want := map[string]any{"success": false, "msg": "an error occurred", "err": wantErr}
	if len(got) != len(want) || got["success"] != false || got["msg"] != want["msg"] || got["err"] != wantErr {
		t.Errorf("answer = %s\nwant err %q", body, wantErr)
	}
}

// TestAccepted checks payloads that pass, and how they are read.
func TestAccepted(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name    string
		changes map[string]any
		check   func(t *testing.T, p *payload)
	}{
		{"Sample", nil, func(t *testing.T, p *payload) {
			c, o := p.Contact, p.Order
			if p.Event != "order" || c.FirstName != "John" || c.LastName != "Doe" || c.Email != "john.doe@example.com" ||
				c.Source != "Thiio Custom" || c.Phone != (crm.Phone{Country: "US", Number: "+15124713434"}) ||
				c.BillingAddress == nil || c.BillingAddress.State != "TX" || c.ShippingAddress == nil || c.ShippingAddress.ZipCode != "78758" {
				t.Errorf("contact = %+v", c)
			}
			if o == nil || o.ExternalID != "123" || o.UserID != "10" || o.Type != crm.OrderSuccess ||
				!o.Date.Equal(time.Date(2024, 5, 1, 13, 45, 10, 0, time.UTC)) || o.Shipping != "10" || o.Taxes != "10" || o.Total != "120" ||
				len(o.Items) != 2 || o.Items[1] != (crm.OrderItem{Name: "Product two", Title: "Product two White", Quantity: "1", Price: "50"}) {
				t.Errorf("order = %+v", o)
			}
		}},
		{"CustomerWithoutOrder", map[string]any{"event": "customer", "order": remove}, func(t *testing.T, p *payload) {
			if p.Event != "customer" || p.Order != nil {
				t.Errorf("payload = %+v, want a customer without order", p)
			}
		}},
		{"CustomerIgnoresOrder", map[string]any{"event": "customer", "order.items": []any{}}, func(t *testing.T, p *payload) {
			if p.Order != nil {
				t.Errorf("order = %+v, want none for a customer event", p.Order)
			}
		}},
		{"NoAddresses", map[string]any{"billing_address": remove, "shipping_address": nil}, func(t *testing.T, p *payload) {
			if p.Contact.BillingAddress != nil || p.Contact.ShippingAddress != nil {
				t.Errorf("addresses = %+v, %+v; want none", p.Contact.BillingAddress, p.Contact.ShippingAddress)
			}
		}},
		{"EmptyArrayAddress", map[string]any{"billing_address": []any{}}, func(t *testing.T, p *payload) {
			if p.Contact.BillingAddress != nil {
				t.Errorf("billing address = %+v, want none (PHP's empty array)", p.Contact.BillingAddress)
			}
		}},
		{"PhoneWithoutCountry", map[string]any{"phone.country": remove, "phone.number": json.Number("5124713434")}, func(t *testing.T, p *payload) {
			if p.Contact.Phone != (crm.Phone{Number: "5124713434"}) {
				t.Errorf("phone = %+v, want the number as written and no country (the service makes it US)", p.Contact.Phone)
			}
		}},
		{"StringsForNumbers", map[string]any{"order.id": "A-123", "order.user_id": "u10", "order.total": "120.50", "order.shipping": nil, "order.taxes": remove},
			func(t *testing.T, p *payload) {
				if o := p.Order; o.ExternalID != "A-123" || o.UserID != "u10" || o.Total != "120.50" || o.Shipping != "" || o.Taxes != "" {
					t.Errorf("order = %+v", o)
				}
			}},
		{"Epoch", map[string]any{"order.date": "1970-01-01 00:00:00"}, func(t *testing.T, p *payload) {
			if !p.Order.Date.Equal(MinDate) {
				t.Errorf("date = %v, want the epoch", p.Order.Date)
			}
		}},
		{"ShortTime", map[string]any{"order.date": "2024-05-01 9:5:3"}, func(t *testing.T, p *payload) {
			if !p.Order.Date.Equal(time.Date(2024, 5, 1, 9, 5, 3, 0, time.UTC)) {
				t.Errorf("date = %v", p.Order.Date)
			}
		}},
		{"ThreeLetterCodes", map[string]any{"billing_address.country": "USA", "billing_address.state": "ATX"}, func(t *testing.T, p *payload) {
			if a := p.Contact.BillingAddress; a.Country != "USA" || a.State != "ATX" {
				t.Errorf("address = %+v", a)
			}
		}},
		{"ItemFieldsOptional", map[string]any{"order.items": []any{map[string]any{}}}, func(t *testing.T, p *payload) {
			if len(p.Order.Items) != 1 || p.Order.Items[0] != (crm.OrderItem{}) {
				t.Errorf("items = %+v", p.Order.Items)
			}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			body := []byte(Sample)
			if tt.changes != nil {
				body = edit(t, tt.changes)
			}
			d, err := Kind{}.Decode(jsonHeader, body)
			if err != nil {
				t.Fatalf("Decode(%s): %v", body, err)
			}
			tt.check(t, d.Value.(*payload))
			if d.Entity != d.Value.(*payload).Event {
				t.Errorf("entity %q, want the event", d.Entity)
			}
		})
	}
}

// TestAnswer checks the success answer: the guide's, with the payload as
// received.
func TestAnswer(t *testing.T) {
	t.Parallel()
	ans := Kind{}.Answer([]byte(Sample+"\n"), nil)
	if ans.Status != 200 || ans.ContentType != "application/json" || ans.Reason != "" {
		t.Errorf("answer %d %q %q, want 200 application/json", ans.Status, ans.ContentType, ans.Reason)
	}
	want := `{"success":true,"msg":"received successfully","err":"","data":` + Sample + "}\n"
	if string(ans.Body) != want {
		t.Errorf("answer =\n%s\nwant\n%s", ans.Body, want)
	}
}

// TestRequestFaults checks the answers to requests that cannot be read,
// and those the endpoint refuses before reading.
func TestRequestFaults(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name        string
		contentType string
		body        string
		status      int
		err         string // a prefix of err
	}{
		{"NotJSON", "application/json", `{"event": "order",`, 400, "WebforceCustomExternalException | the request body is not valid JSON: unexpected end of JSON input"},
		{"TrailingData", "application/json", `{"event": "order"} {}`, 400, "WebforceCustomExternalException | the request body is not valid JSON: invalid character '{' after top-level value"},
		{"Empty", "application/json", ``, 400, "WebforceCustomExternalException | the request body is empty; it must be a JSON object"},
		{"Array", "application/json", `[1, 2]`, 400, "WebforceCustomExternalException | the request body must be a JSON object"},
		{"Form", "application/x-www-form-urlencoded", `event=order`, 415, "WebforceCustomExternalException | the Content-Type header must be application/json, not application/x-www-form-urlencoded"},
		{"Text", "text/plain", Sample, 415, "WebforceCustomExternalException | the Content-Type header must be application/json"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Kind{}.Decode(http.Header{"Content-Type": {tt.contentType}}, []byte(tt.body))
			ans := Kind{}.Answer([]byte(tt.body), err)
			var got struct{ Err string }
			_ = json.Unmarshal(ans.Body, &got)
			if ans.Status != tt.status || !strings.HasPrefix(got.Err, tt.err) {
				t.Errorf("answer %d %s, want %d with err %q…", ans.Status, ans.Body, tt.status, tt.err)
			}
		})
	}
	for _, ct := range []string{"", "application/json; charset=utf-8", "application/vnd.thiio+json"} {
		if _, err := (Kind{}).Decode(http.Header{"Content-Type": {ct}}, []byte(Sample)); err != nil {
			t.Errorf("Content-Type %q: %v, want it accepted", ct, err)
		}
	}
	for _, tt := range []struct {
		err    error
		status int
		want   string
	}{
		{hookhub.Errorf(hookhub.EFORBIDDEN, "the integration is deactivated; activate it to receive requests"), 403,
			"WebforceIntegrationInactiveException | the integration is deactivated; activate it to receive requests"},
		{hookhub.Errorf(hookhub.ETOOLARGE, "the request body must not be greater than 1024 bytes"), 413,
			"WebforceCustomExternalException | the request body must not be greater than 1024 bytes"},
		{hookhub.Errorf(hookhub.EUNAVAILABLE, "the request could not be stored; send it again later"), 503,
			"WebforceServerException | the request could not be stored; send it again later"},
		{http.ErrHandlerTimeout, 500, "WebforceServerException | the request could not be processed; send it again later"},
		{hookhub.Invalid("contact.email", "must be a valid email address"), 422,
			"WebforceCustomExternalException | the contact.email field must be a valid email address"},
	} {
		ans := Kind{}.Answer(nil, tt.err)
		if ans.Status != tt.status {
			t.Errorf("Answer(%v) status %d, want %d", tt.err, ans.Status, tt.status)
		}
		wantFailure(t, ans.Body, tt.want)
	}
}

// TestCoreProblems checks that a rule of the core broken, should one ever
// get past the decoder, reaches the sender in the guide's words and names
// the payload's field, as the decoder's own problems do.
func TestCoreProblems(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 256)
	for _, tt := range []struct {
		name   string
		change func(ch *crm.RecordChange)
		err    string
	}{
		{"NoContact", func(ch *crm.RecordChange) { ch.Contact = nil }, "the contact field is required"},
		{"FirstName", func(ch *crm.RecordChange) { ch.Contact.FirstName = long }, "the contact.first_name field must not be greater than 255 characters"},
		{"Email", func(ch *crm.RecordChange) { ch.Contact.Email = "john" }, "the contact.email field must be a valid email address"},
		{"Source", func(ch *crm.RecordChange) { ch.Contact.Source = long }, "the source field must not be greater than 255 characters"},
		{"PhoneNumber", func(ch *crm.RecordChange) { ch.Contact.Phone.Number = long }, "the phone.number field must not be greater than 255 characters"},
		{"PhoneCountry", func(ch *crm.RecordChange) { ch.Contact.Phone.Country = "USAA" }, "the phone.country field must not be greater than 3 characters"},
		{"BillingCity", func(ch *crm.RecordChange) { ch.Contact.BillingAddress.City = long }, "the billing_address.city field must not be greater than 255 characters"},
		{"ShippingZip", func(ch *crm.RecordChange) { ch.Contact.ShippingAddress.ZipCode = long }, "the shipping_address.zip_code field must not be greater than 255 characters"},
		{"OrderIDMissing", func(ch *crm.RecordChange) { ch.Order.ExternalID = "" }, "the order.id field is required"},
		{"OrderIDTooLong", func(ch *crm.RecordChange) { ch.Order.ExternalID = long }, "the order.id field must not be greater than 255 characters"},
		{"UserID", func(ch *crm.RecordChange) { ch.Order.UserID = long }, "the order.user_id field must not be greater than 255 characters"},
		{"Type", func(ch *crm.RecordChange) { ch.Order.Type = "paid" }, "the order.type field must be one of: success, pending, void, refund"},
		{"Date", func(ch *crm.RecordChange) { ch.Order.Date = time.Time{} }, "the order.date field is required"},
		{"Total", func(ch *crm.RecordChange) { ch.Order.Total = "" }, "the order.total field is required"},
		{"Taxes", func(ch *crm.RecordChange) { ch.Order.Taxes = "1e3" }, "the order.taxes field must be a number"},
		{"TooManyItems", func(ch *crm.RecordChange) { ch.Order.Items = make([]crm.OrderItem, crm.MaxOrderItems+1) }, "the order.items field must not have more than 1000 items"},
		{"ItemName", func(ch *crm.RecordChange) { ch.Order.Items[1].Name = long }, "the order.items.1.name field must not be greater than 255 characters"},
		{"ItemPrice", func(ch *crm.RecordChange) { ch.Order.Items[0].Price = "fifty" }, "the order.items.0.price field must be a number"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d, err := Kind{}.Decode(jsonHeader, []byte(Sample))
			if err != nil {
				t.Fatal(err)
			}
			ch := d.Value.(*payload).change(1)
			tt.change(ch)
			err = ch.Validate()
			if err == nil {
				t.Fatal("the core accepted the change")
			}
			ans := Kind{}.Answer(nil, err)
			if ans.Status != http.StatusUnprocessableEntity {
				t.Errorf("status %d, want 422", ans.Status)
			}
			wantFailure(t, ans.Body, "WebforceCustomExternalException | "+tt.err)
		})
	}
}
