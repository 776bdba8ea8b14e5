package crm

import (
	"slices"
	"testing"
)

func TestPhoneKey(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		country, number, want string
	}{
		{"FR", "06 00 00 00 00", "+33600000000"},
		{"FRA", "0600000000", "+33600000000"},
		{"fr", "600000000", "+33600000000"},
		{"FR", "33600000000", "+33600000000"},
		{"", "+33 6 00 00 00 00", "+33600000000"},
		{"US", "0033600000000", "+33600000000"},
		{"US", "(512) 471-3434", "+15124713434"},
		{"+1", "512 471 3434", "+15124713434"},
		{"US", "+15124713434", "+15124713434"},
		{"GB", "07700 900123", "+447700900123"},
		{"ZZ", "0600000000", "0600000000"},
		{"FR", "", ""},
		{"FR", "n/a", ""},
	} {
		if got := PhoneKey(Phone{Country: tt.country, Number: tt.number}); got != tt.want {
			t.Errorf("PhoneKey(%q, %q) = %q, want %q", tt.country, tt.number, got, tt.want)
		}
	}
}

func TestEmailDedupKey(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ in, want string }{
		{" John.Doe@Example.com ", "john.doe@example.com"},
		{"john.doe+shop@example.com", "john.doe@example.com"},
		{"J.O.H.N+news@googlemail.com", "john@gmail.com"},
		{"jo.hn@gmail.com", "john@gmail.com"},
		{"no-at-sign", "no-at-sign"},
	} {
		if got := EmailDedupKey(tt.in); got != tt.want {
			t.Errorf("EmailDedupKey(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCountryCode(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"fr": "FR", "FRA": "FR", " France ": "FR", "États-Unis": "US", "Royaume-Uni": "GB", "Narnia": ""} {
		if got := CountryCode(in); got != want {
			t.Errorf("CountryCode(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestStandardize(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name    string
		in      Address
		want    Address
		changed []string
	}{
		{
			"France",
			Address{FirstName: " Jean ", Line1: "  12, rue   de l'Église ", Line2: "Bât. B", City: "saint-étienne", ZipCode: "4200", Country: "france"},
			Address{FirstName: "Jean", Line1: "12 RUE DE L'EGLISE", Line2: "BAT B", City: "SAINT-ETIENNE", ZipCode: "04200", Country: "FR"},
			[]string{"first_name", "line1", "line2", "city", "zip_code", "country"},
		},
		{
			"UnitedStates",
			Address{Line1: "11801 Stonehollow Drive", City: "Austin", State: "tx", ZipCode: "787581234", Country: "USA"},
			Address{Line1: "11801 STONEHOLLOW DRIVE", City: "AUSTIN", State: "TX", ZipCode: "78758-1234", Country: "US"},
			[]string{"line1", "city", "state", "zip_code", "country"},
		},
		{
			"UnitedKingdom",
			Address{Line1: "10 DOWNING STREET", City: "LONDON", ZipCode: "sw1a2aa", Country: "GB"},
			Address{Line1: "10 DOWNING STREET", City: "LONDON", ZipCode: "SW1A 2AA", Country: "GB"},
			[]string{"zip_code"},
		},
		{
			"Netherlands",
			Address{Line1: "DAMRAK 1", City: "AMSTERDAM", ZipCode: "1012lg", Country: "NL"},
			Address{Line1: "DAMRAK 1", City: "AMSTERDAM", ZipCode: "1012 LG", Country: "NL"},
			[]string{"zip_code"},
		},
		{
			"AlreadyStandard",
			Address{Line1: "1 RUE DE RIVOLI", City: "PARIS", ZipCode: "75001", Country: "FR"},
			Address{Line1: "1 RUE DE RIVOLI", City: "PARIS", ZipCode: "75001", Country: "FR"},
			nil,
		},
		{
			"UnknownPostcodeFormat",
			Address{Line1: "x", ZipCode: "ab-12", Country: "Narnia"},
			Address{Line1: "X", ZipCode: "AB-12", Country: "NARNIA"},
			[]string{"line1", "zip_code", "country"},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := tt.in
			changed := a.Standardize()
			if a != tt.want {
				t.Errorf("Standardize =\n%+v\nwant\n%+v", a, tt.want)
			}
			if !slices.Equal(changed, tt.changed) {
				t.Errorf("changed = %v, want %v", changed, tt.changed)
			}
		})
	}
}

func TestDuplicateGroups(t *testing.T) {
	t.Parallel()
	cs := []*Contact{
		{ID: 5, Email: "jo.hn@gmail.com"},
		{ID: 1, Email: "john@gmail.com", Phone: Phone{Country: "FR", Number: "0600000000"}},
		{ID: 3, Email: "other@example.com", Phone: Phone{Number: "+33600000000"}}, // same phone as 1
		{ID: 2, Email: "alone@example.com"},
		{ID: 4, Email: "a@example.com", Phone: Phone{Country: "US", Number: "5124713434"}},
		{ID: 6, Email: "a+b@example.com"},
		{ID: 7, Email: "nophone@example.com", Phone: Phone{Number: ""}},
	}
	var got [][]int64
	for _, g := range DuplicateGroups(cs) {
		var ids []int64
		for _, c := range g {
			ids = append(ids, c.ID)
		}
		got = append(got, ids)
	}
	want := [][]int64{{1, 3, 5}, {4, 6}}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("DuplicateGroups = %v, want %v", got, want)
	}
}

func TestAbsorb(t *testing.T) {
	t.Parallel()
	addr := &Address{Line1: "1 RUE DE RIVOLI", City: "PARIS"}
	c := &Contact{ID: 1, FirstName: "John", Email: "john@example.com", EmailConsent: ConsentGranted}
	dup := &Contact{ID: 2, FirstName: "Johnny", LastName: "Doe", Email: "john+x@example.com", Phone: Phone{Country: "FR", Number: "0600000000"},
		BillingAddress: addr, ZoneID: 3, EmailConsent: ConsentWithdrawn, SMSConsent: ConsentGranted}
	changed := c.Absorb(dup)
	if want := []string{"last_name", "phone", "billing_address", "zone_id", "email_consent", "sms_consent"}; !slices.Equal(changed, want) {
		t.Errorf("changed = %v, want %v", changed, want)
	}
	if c.FirstName != "John" || c.LastName != "Doe" || c.Email != "john@example.com" || c.Phone.Number != "0600000000" ||
		c.BillingAddress == nil || c.BillingAddress == addr || c.ZoneID != 3 || c.EmailConsent != ConsentWithdrawn || c.SMSConsent != ConsentGranted {
		t.Errorf("after Absorb: %+v", c)
	}
}

func TestStricter(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ a, b, want Consent }{
		{"", ConsentGranted, ConsentGranted},
		{ConsentGranted, "", ConsentGranted},
		{ConsentGranted, ConsentWithdrawn, ConsentWithdrawn},
		{ConsentBounced, ConsentGranted, ConsentBounced},
		{ConsentWithdrawn, ConsentBounced, ConsentWithdrawn},
	} {
		if got := Stricter(tt.a, tt.b); got != tt.want {
			t.Errorf("Stricter(%q, %q) = %q, want %q", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestConsentAfter(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		ch    Channel
		ev    MessageEvent
		field string
		want  Consent
		ok    bool
	}{
		{ChannelEmail, MessageEvent{Status: MessageUnsubscribed}, "email_consent", ConsentWithdrawn, true},
		{ChannelSMS, MessageEvent{Status: MessageUnsubscribed}, "sms_consent", ConsentWithdrawn, true},
		{ChannelEmail, MessageEvent{Status: MessageBounced, Hard: true}, "email_consent", ConsentBounced, true},
		{ChannelEmail, MessageEvent{Status: MessageBounced}, "", "", false}, // a soft bounce
		{ChannelEmail, MessageEvent{Status: MessageSpam}, "", "", false},
		{ChannelEmail, MessageEvent{Status: MessageOpened}, "", "", false},
	} {
		field, c, ok := ConsentAfter(tt.ch, tt.ev)
		if field != tt.field || c != tt.want || ok != tt.ok {
			t.Errorf("ConsentAfter(%s, %+v) = %q %q %v, want %q %q %v", tt.ch, tt.ev, field, c, ok, tt.field, tt.want, tt.ok)
		}
	}
}

func TestMessageAdvance(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ from, next, want MessageStatus }{
		{"", MessageSent, MessageSent},
		{MessageQueued, MessageSent, MessageSent},
		{MessageSent, MessageDelivered, MessageDelivered},
		{MessageDelivered, MessageSent, MessageDelivered},
		{MessageOpened, MessageDelivered, MessageOpened},
		{MessageOpened, MessageClicked, MessageClicked},
		{MessageClicked, MessageOpened, MessageClicked},
		{MessageClicked, MessageUnsubscribed, MessageUnsubscribed},
		{MessageBounced, MessageOpened, MessageBounced},
		{MessageSpam, MessageBounced, MessageBounced},
		{MessageDelivered, MessageFailed, MessageFailed},
	} {
		if got := tt.from.Advance(tt.next); got != tt.want {
			t.Errorf("%q.Advance(%q) = %q, want %q", tt.from, tt.next, got, tt.want)
		}
	}
}

func TestMessageBlock(t *testing.T) {
	t.Parallel()
	sms := &Message{Channel: ChannelSMS, Status: MessageQueued}
	if sms.Block(&Contact{SMSConsent: ConsentGranted, EmailConsent: ConsentWithdrawn}) || sms.Status != MessageQueued {
		t.Errorf("SMS to a contact who allows SMS was blocked: %+v", sms)
	}
	if !sms.Block(&Contact{SMSConsent: ConsentWithdrawn}) || sms.Status != MessageBlocked || sms.Reason == "" {
		t.Errorf("SMS to a contact who withdrew was not blocked: %+v", sms)
	}
	mail := &Message{Channel: ChannelEmail, Status: MessageQueued}
	if !mail.Block(&Contact{EmailConsent: ConsentBounced}) {
		t.Errorf("e-mail to a bounced address was not blocked")
	}
	wallet := &Message{Channel: ChannelWallet, Status: MessageQueued}
	if wallet.Block(&Contact{EmailConsent: ConsentWithdrawn, SMSConsent: ConsentWithdrawn}) || (&Message{}).Block(nil) {
		t.Errorf("a wallet update, or a message without contact, was blocked")
	}
}

func TestSumDecimals(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   []Decimal
		want Decimal
	}{
		{nil, ""},
		{[]Decimal{"", ""}, ""},
		{[]Decimal{"10"}, "10"},
		{[]Decimal{"4.90", "0.1"}, "5.00"},
		{[]Decimal{"0.1", "0.2"}, "0.3"},
		{[]Decimal{"-3.5", "1"}, "-2.5"},
	} {
		if got := SumDecimals(tt.in...); got != tt.want {
			t.Errorf("SumDecimals(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
