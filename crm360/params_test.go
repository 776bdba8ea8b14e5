package crm360_test

import (
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/crm"
	"github.com/hookhub/hookhub/crm360"
)

const base = "CustomerName=FTS&DatabaseAlias=Prod&SourceId=7&"

func fields(err error) []string {
	var out []string
	if e, ok := err.(*hookhub.Error); ok {
		for _, f := range e.Fields {
			out = append(out, f.Field)
		}
	}
	return out
}

func TestParseParams(t *testing.T) {
	t.Parallel()
	p, err := crm360.ParseParams("customername=FTS&DATABASEALIAS=Prod&externalplatform=shopify&ExternalEntity=CUSTOMER&externalaction=insert" +
		"&sourceid=7&zoneid=1&BrandID=2&contactaddresstypeid=3&batchmode=True&EMAIL=ops@example.com&SecondsOfInvisibility=60&topic=customers%2Fcreate")
	if err != nil {
		t.Fatal(err)
	}
	if p.CustomerName != "FTS" || p.DatabaseAlias != "Prod" || p.Route.Platform != "Shopify" || p.Route.Entity != "Customer" || p.Route.Action != "Insert" ||
		p.SourceID != 7 || p.ZoneID != 1 || p.BrandID != 2 || p.AddressTypeID != 3 || !p.BatchMode || p.Email != "ops@example.com" ||
		p.Invisibility != 60 || p.Extra.Get("topic") != "customers/create" {
		t.Errorf("params = %+v", p)
	}
	for _, tt := range []struct {
		name, query string
		code        hookhub.Code
		fields      []string
	}{
		{"Nothing", "", hookhub.EINVALID, []string{"CustomerName", "DatabaseAlias", "ExternalPlatform", "ExternalEntity", "ExternalAction", "SourceId"}},
		{"Malformed", base + "ExternalPlatform=Shopify&ExternalEntity=Customer&ExternalAction=Insert&ZoneId=1.5&BrandId=x&ContactAddressTypeId=-1&BatchMode=yes&Email=a%20b&secondsOfInvisibility=ten",
			hookhub.EINVALID, []string{"ZoneId", "BrandId", "ContactAddressTypeId", "BatchMode", "Email", "secondsOfInvisibility"}},
		{"SourceIdNotANumber", "CustomerName=a&DatabaseAlias=b&SourceId=seven&ExternalPlatform=Shopify&ExternalEntity=Customer&ExternalAction=Insert", hookhub.EINVALID, []string{"SourceId"}},
		{"Unsupported", base + "ExternalPlatform=Shopify&ExternalEntity=Customer&ExternalAction=Merge", hookhub.EUNSUPPORTED, nil},
		{"TabologyNeedsStoreAndCurrency", base + "ExternalPlatform=Tabology&ExternalEntity=Ticket&ExternalAction=Create", hookhub.EINVALID, []string{"store", "currency"}},
		{"TabologyCurrency", base + "ExternalPlatform=Tabology&ExternalEntity=Ticket&ExternalAction=Update&store=s&currency=EURO", hookhub.EINVALID, []string{"currency"}},
		{"Semicolon", "a=1;b=2", hookhub.EINVALID, []string{"query"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := crm360.ParseParams(tt.query)
			if hookhub.ErrorCode(err) != tt.code || !slices.Equal(fields(err), tt.fields) {
				t.Errorf("ParseParams(%q) = %v, want %s naming %v", tt.query, err, tt.code, tt.fields)
			}
		})
	}
}

func TestEveryCombinationRoutes(t *testing.T) {
	t.Parallel()
	want := []string{
		"Shopify Customer Insert", "Shopify Customer Update", "Shopify Customer Delete", "Shopify Product Insert", "Shopify Product Update",
		"Shopify Product Delete", "Shopify Order Insert", "Shopify Order Update", "Shopify Order Delete", "Adictiz User Participate",
		"Primotexto Sms Callback", "Smsbox Sms Callback", "Smsbox Sms CallbackStop", "Mailjet email Callback", "elfy76310 process Rnvp",
		"elfy76310 process RnvpDedup", "Zendesk Ticket Update", "Tabology Ticket Update", "Tabology Ticket Create", "Crm360 Sms Send",
		"Crm360 Email Send", "CaptainWallet LoyaltyCard SendUpdate",
	}
	var got []string
	for _, c := range crm360.Supported() {
		got = append(got, c.ExternalPlatform+" "+c.ExternalEntity+" "+c.ExternalAction)
	}
	if !slices.Equal(got, want) {
		t.Errorf("combinations =\n%v\nwant the seed's\n%v", got, want)
	}
	kinds := map[string]bool{}
	for _, k := range crm360.Product.IntegrationKinds {
		kinds[k.Name] = true
	}
	for _, r := range crm360.Routes {
		if !kinds[r.Kind()] {
			t.Errorf("kind %s of %s is not in the catalogue", r.Kind(), r.Platform)
		}
	}
}

func TestDecode(t *testing.T) {
	t.Parallel()
	jsonHeader := http.Header{"Content-Type": {"application/json; charset=utf-8"}}
	for _, tt := range []struct {
		name, combo, body string
		header            http.Header
		kinds             []crm.OpKind
		fields            []string
	}{
		// Shopify's customers may have a phone and no e-mail, and a point of
		// sale's orders no customer at all
		// (https://shopify.dev/docs/api/admin-rest/latest/resources/customer,
		// https://shopify.dev/docs/api/admin-rest/latest/resources/order).
		{"ShopifyCustomerWithoutEmail", "Shopify Customer Insert", `{"id": 1, "phone": "+33600000000"}`, jsonHeader, []crm.OpKind{crm.OpSaveContact}, nil},
		{"ShopifyCustomerWithoutID", "Shopify Customer Insert", `{"phone": "+33600000000"}`, jsonHeader, nil, []string{"id"}},
		{"ShopifyCustomerBadUpdatedAt", "Shopify Customer Update", `{"id": 1, "updated_at": "today"}`, jsonHeader, nil, []string{"updated_at"}},
		{"ShopifyIDAboveFloat", "Shopify Customer Delete", `{"id": 9007199254740993}`, jsonHeader, []crm.OpKind{crm.OpDeleteContact}, nil},
		{"ShopifyPriceNotANumber", "Shopify Product Insert", `{"id": 1, "variants": [{"id": 2, "price": "cheap"}]}`, jsonHeader, nil, []string{"variants.price"}},
		{"ShopifyOrderWithoutCustomer", "Shopify Order Insert", `{"id": 1, "total_price": "1.00", "created_at": "2026-03-14T10:00:00Z", "customer": null, "source_name": "pos"}`, jsonHeader, []crm.OpKind{crm.OpSaveOrder}, nil},
		{"ShopifyOrderCustomerBadUpdatedAt", "Shopify Order Insert", `{"id": 1, "total_price": "1.00", "created_at": "2026-03-14T10:00:00Z", "customer": {"id": 2, "updated_at": "x"}}`, jsonHeader, nil, []string{"customer.updated_at"}},
		{"ShopifyOrderBadDate", "Shopify Order Insert", `{"id": 1, "email": "a@example.com", "total_price": "1.00", "created_at": "yesterday"}`, jsonHeader, nil, []string{"created_at"}},
		{"MailjetUnknownEvent", "Mailjet email Callback", `{"event": "forward", "MessageID": 1, "email": "a@example.com"}`, jsonHeader, nil, []string{"event"}},
		{"MailjetWrongType", "Mailjet email Callback", `{"event": "open", "MessageID": 1, "email": "a@example.com", "time": "noon"}`, jsonHeader, nil, []string{"time"}},
		{"PrimotextoForm", "Primotexto Sms Callback", "id=5&identifier=0600000000&state=delivered", http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, []crm.OpKind{crm.OpReport}, nil},
		{"PrimotextoUnknownState", "Primotexto Sms Callback", `{"id": "5", "identifier": "+33600000000", "state": "lost"}`, jsonHeader, nil, []string{"state"}},
		{"SmsboxMissing", "Smsbox Sms Callback", `{"numero": "33600000000"}`, jsonHeader, nil, []string{"reference", "accuse"}},
		{"SmsboxNested", "Smsbox Sms Callback", `{"reference": {"id": 1}}`, jsonHeader, nil, []string{"reference"}},
		{"RnvpBadID", "elfy76310 process Rnvp", `{"ContactId": "twelve"}`, jsonHeader, nil, []string{"ContactId"}},
		{"RnvpDedupEmpty", "elfy76310 process RnvpDedup", ``, jsonHeader, []crm.OpKind{crm.OpDedup}, nil},
		{"ZendeskNoRequester", "Zendesk Ticket Update", `{"id": "1"}`, jsonHeader, nil, []string{"requester.email"}},
		{"SmsSenderTooLong", "Crm360 Sms Send", `{"MobilePhoneNumber": "0600000000", "Message": "x", "Sender": "ABCDEFGHIJKL"}`, jsonHeader, nil, []string{"Sender"}},
		{"SmsUnknownCountry", "Crm360 Sms Send", `{"MobilePhoneNumber": "0600000000", "Message": "x", "MobilePhoneCountryIso3": "ZZZ"}`, jsonHeader, nil, []string{"MobilePhoneCountryIso3"}},
		{"EmailFields", "Crm360 Email Send", `{"EmailTo": "nope", "ReplyTo": "also nope"}`, jsonHeader, nil, []string{"EmailTo", "SenderEmail", "ReplyTo", "TextMessage"}},
		{"EmailVariablesAsString", "Crm360 Email Send", `{"EmailTo": "a@example.com", "SenderEmail": "b@example.com", "TextMessage": "Hi {{var:N}}", "VariablePersoJson": "{\"N\": 3}"}`, jsonHeader, []crm.OpKind{crm.OpSend}, nil},
		{"EmailVariablesNotObject", "Crm360 Email Send", `{"EmailTo": "a@example.com", "SenderEmail": "b@example.com", "TextMessage": "x", "VariablePersoJson": [1]}`, jsonHeader, nil, []string{"VariablePersoJson"}},
		{"WalletNumberID", "CaptainWallet LoyaltyCard SendUpdate", `{"LoyaltyCardId": 12345}`, jsonHeader, []crm.OpKind{crm.OpSend}, nil},
		{"WalletNoID", "CaptainWallet LoyaltyCard SendUpdate", `{}`, jsonHeader, nil, []string{"LoyaltyCardId"}},
		{"NotAnObject", "Adictiz User Participate", `"hello"`, jsonHeader, nil, []string{"body"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var platform, entity, action string
			fmt.Sscan(tt.combo, &platform, &entity, &action)
			p, err := crm360.ParseParams(base + "ExternalPlatform=" + platform + "&ExternalEntity=" + entity + "&ExternalAction=" + action)
			if err != nil {
				t.Fatal(err)
			}
			ops, err := crm360.Decode(p, tt.header, []byte(tt.body))
			var kinds []crm.OpKind
			for _, op := range ops {
				kinds = append(kinds, op.Kind)
			}
			if !slices.Equal(fields(err), tt.fields) || !slices.Equal(kinds, tt.kinds) {
				t.Errorf("Decode(%s) = %v, %v; want %v naming %v", tt.body, kinds, err, tt.kinds, tt.fields)
			}
		})
	}
}

// TestDecodeVariables fills the e-mail's templates from a
// VariablePersoJson sent as a string holding JSON, numbers included.
func TestDecodeVariables(t *testing.T) {
	t.Parallel()
	p, _ := crm360.ParseParams(base + "ExternalPlatform=Crm360&ExternalEntity=Email&ExternalAction=Send")
	ops, err := crm360.Decode(p, http.Header{}, []byte(`{"EmailTo": "a@example.com", "SenderEmail": "b@example.com", "SenderAlias": "Équipe FTS",
		"Subject": "{{var:N}} points", "HtmlMessage": "<b>{{var:Who}}</b>", "VariablePersoJson": "{\"N\": 3, \"Who\": \"<Bob>\"}"}`))
	if err != nil {
		t.Fatal(err)
	}
	mail := ops[0].Mail
	if mail.Subject != "3 points" || mail.HTML != "<b>&lt;Bob&gt;</b>" || mail.From != "=?utf-8?q?=C3=89quipe_FTS?= <b@example.com>" {
		t.Errorf("mail = %+v", mail)
	}
}
