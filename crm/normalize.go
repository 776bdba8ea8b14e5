package crm

import (
	"slices"
	"strings"
	"unicode"
)

// The rules that put contact data in one form, so that the same person
// written twice is found once: phone numbers in international form,
// e-mail addresses without what mail servers ignore, and postal addresses
// standardised the way French postal processing (RNVP: restructuring,
// normalisation and validation of postal addresses) writes them.

// callingCodes maps ISO 3166 alpha-2 codes to international calling codes,
// for the countries hookhub's sources are in.
var callingCodes = map[string]string{
	"FR": "33", "US": "1", "CA": "1", "GB": "44", "BE": "32", "CH": "41", "DE": "49", "ES": "34", "IT": "39",
	"NL": "31", "LU": "352", "PT": "351", "IE": "353", "AT": "43", "MC": "377", "RE": "262", "GP": "590", "MQ": "596",
}

// alpha3 maps ISO 3166 alpha-3 codes to alpha-2, for the same countries.
var alpha3 = map[string]string{
	"FRA": "FR", "USA": "US", "CAN": "CA", "GBR": "GB", "BEL": "BE", "CHE": "CH", "DEU": "DE", "ESP": "ES", "ITA": "IT",
	"NLD": "NL", "LUX": "LU", "PRT": "PT", "IRL": "IE", "AUT": "AT", "MCO": "MC", "REU": "RE", "GLP": "GP", "MTQ": "MQ",
}

// countryNames maps country names, in English and French and in capitals
// without accents, to alpha-2 codes.
var countryNames = map[string]string{
	"FRANCE": "FR", "UNITED STATES": "US", "UNITED STATES OF AMERICA": "US", "ETATS-UNIS": "US", "CANADA": "CA",
	"UNITED KINGDOM": "GB", "UK": "GB", "GREAT BRITAIN": "GB", "ROYAUME-UNI": "GB", "BELGIUM": "BE", "BELGIQUE": "BE",
	"SWITZERLAND": "CH", "SUISSE": "CH", "GERMANY": "DE", "ALLEMAGNE": "DE", "DEUTSCHLAND": "DE", "SPAIN": "ES",
	"ESPAGNE": "ES", "ESPANA": "ES", "ITALY": "IT", "ITALIE": "IT", "NETHERLANDS": "NL", "PAYS-BAS": "NL",
	"LUXEMBOURG": "LU", "PORTUGAL": "PT", "IRELAND": "IE", "IRLANDE": "IE", "AUSTRIA": "AT", "AUTRICHE": "AT",
	"MONACO": "MC",
}

// CountryCode returns the ISO 3166 alpha-2 code of a country written as
// alpha-2, alpha-3 ("FRA") or by name ("France", "États-Unis"), or ""
// when it is none of the countries hookhub knows.
func CountryCode(s string) string {
	s = unaccent(strings.ToUpper(collapse(s)))
	if _, ok := callingCodes[s]; ok {
		return s
	}
	if c, ok := alpha3[s]; ok {
		return c
	}
	return countryNames[s]
}

// PhoneKey returns the form in which phone numbers are matched: the
// international form "+33600000000" when the number is international
// ("+…", "00…") or its country is known (a national number loses its
// leading 0), else the number's digits; "" for no number.
func PhoneKey(p Phone) string {
	number := strings.TrimSpace(p.Number)
	digits := onlyDigits(number)
	switch {
	case digits == "":
		return ""
	case strings.HasPrefix(number, "+"):
		return "+" + digits
	case strings.HasPrefix(digits, "00"):
		return "+" + digits[2:]
	}
	code := ""
	if cc, ok := strings.CutPrefix(strings.TrimSpace(p.Country), "+"); ok {
		code = onlyDigits(cc)
	} else {
		code = callingCodes[CountryCode(p.Country)]
	}
	switch {
	case code == "":
		return digits
	case strings.HasPrefix(digits, "0"):
		return "+" + code + digits[1:]
	case strings.HasPrefix(digits, code) && len(digits) >= 11:
		return "+" + digits // already with its calling code, without the +
	}
	return "+" + code + digits
}

func onlyDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// EmailDedupKey is the form in which e-mail addresses are compared when
// looking for duplicate contacts: EmailKey without a "+tag" in the local
// part, and for Gmail without dots and with googlemail.com as gmail.com,
// since those all reach the same mailbox.
func EmailDedupKey(email string) string {
	k := EmailKey(email)
	at := strings.LastIndexByte(k, '@')
	if at < 0 {
		return k
	}
	local, domain := k[:at], k[at+1:]
	local, _, _ = strings.Cut(local, "+")
	if domain == "googlemail.com" {
		domain = "gmail.com"
	}
	if domain == "gmail.com" {
		local = strings.ReplaceAll(local, ".", "")
	}
	return local + "@" + domain
}

// DuplicateGroups groups the contacts that are the same person: the same
// EmailDedupKey, or the same PhoneKey when they have a phone number,
// directly or through another contact of the group. Each group holds at
// least two contacts, oldest (lowest id) first; groups come in the order
// of their oldest contact.
func DuplicateGroups(cs []*Contact) [][]*Contact {
	sorted := slices.Clone(cs)
	slices.SortFunc(sorted, func(a, b *Contact) int { return compareInt(a.ID, b.ID) })
	parent := make([]int, len(sorted))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		if parent[i] != i {
			parent[i] = find(parent[i])
		}
		return parent[i]
	}
	union := func(a, b int) {
		ra, rb := find(a), find(b)
		if ra > rb {
			ra, rb = rb, ra
		}
		parent[rb] = ra // the oldest contact is the root
	}
	first := map[string]int{}
	for i, c := range sorted {
		for _, key := range []string{"e:" + EmailDedupKey(c.Email), "p:" + PhoneKey(c.Phone)} {
			if key == "e:" || key == "p:" {
				continue
			}
			if j, ok := first[key]; ok {
				union(j, i)
			} else {
				first[key] = i
			}
		}
	}
	groups := map[int][]*Contact{}
	var roots []int
	for i, c := range sorted {
		r := find(i)
		if _, ok := groups[r]; !ok {
			roots = append(roots, r)
		}
		groups[r] = append(groups[r], c)
	}
	var out [][]*Contact
	for _, r := range roots {
		if len(groups[r]) > 1 {
			out = append(out, groups[r])
		}
	}
	return out
}

func compareInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Absorb merges dup, a duplicate of c, into c, which stays: c's empty
// fields take dup's values, and each consent becomes the stricter of the
// two, so that a duplicate that opted out keeps the merged contact out.
// It returns the JSON names of c's fields that changed.
func (c *Contact) Absorb(dup *Contact) []string {
	var changed []string
	fill := func(name string, dst *string, v string) {
		if *dst == "" && v != "" {
			*dst, changed = v, append(changed, name)
		}
	}
	fill("first_name", &c.FirstName, dup.FirstName)
	fill("last_name", &c.LastName, dup.LastName)
	fill("source", &c.Source, dup.Source)
	if c.Phone.Number == "" && dup.Phone.Number != "" {
		c.Phone, changed = dup.Phone, append(changed, "phone")
	}
	if c.BillingAddress == nil && dup.BillingAddress != nil {
		a := *dup.BillingAddress
		c.BillingAddress, changed = &a, append(changed, "billing_address")
	}
	if c.ShippingAddress == nil && dup.ShippingAddress != nil {
		a := *dup.ShippingAddress
		c.ShippingAddress, changed = &a, append(changed, "shipping_address")
	}
	for _, f := range []struct {
		name string
		dst  *int64
		v    int64
	}{{"zone_id", &c.ZoneID, dup.ZoneID}, {"brand_id", &c.BrandID, dup.BrandID}, {"contact_address_type_id", &c.AddressTypeID, dup.AddressTypeID}} {
		if *f.dst == 0 && f.v != 0 {
			*f.dst, changed = f.v, append(changed, f.name)
		}
	}
	if s := Stricter(c.EmailConsent, dup.EmailConsent); s != c.EmailConsent {
		c.EmailConsent, changed = s, append(changed, "email_consent")
	}
	if s := Stricter(c.SMSConsent, dup.SMSConsent); s != c.SMSConsent {
		c.SMSConsent, changed = s, append(changed, "sms_consent")
	}
	return changed
}

// Standardize writes a postal address the way RNVP does: spaces trimmed
// and collapsed everywhere; street lines and city in capitals without
// accents or punctuation other than hyphens and apostrophes; the country
// as its alpha-2 code when hookhub knows it; and the postcode in its
// country's format (France: five digits, a lost leading zero put back;
// United States: 12345 or 12345-6789; United Kingdom and Canada: capitals
// with the space before the last three characters; Netherlands: "1234
// AB"). It returns the JSON names of the fields that changed.
func (a *Address) Standardize() []string {
	before := *a
	for _, s := range a.fields() {
		*s = collapse(*s)
	}
	for _, s := range []*string{&a.Line1, &a.Line2, &a.City} {
		*s = postalText(*s)
	}
	a.State = strings.ToUpper(a.State)
	if c := CountryCode(a.Country); c != "" {
		a.Country = c
	} else {
		a.Country = strings.ToUpper(a.Country)
	}
	a.ZipCode = postcode(a.ZipCode, a.Country)
	var changed []string
	old, now := before.fields(), a.fields()
	for i := range old {
		if *old[i] != *now[i] {
			changed = append(changed, addressFieldNames[i])
		}
	}
	return changed
}

// StandardizeAddresses standardises the contact's addresses and returns
// the JSON names of those that changed.
func (c *Contact) StandardizeAddresses() []string {
	var changed []string
	if c.BillingAddress != nil && len(c.BillingAddress.Standardize()) > 0 {
		changed = append(changed, "billing_address")
	}
	if c.ShippingAddress != nil && len(c.ShippingAddress.Standardize()) > 0 {
		changed = append(changed, "shipping_address")
	}
	return changed
}

// collapse trims s and makes each run of spaces one space.
func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

var accents = strings.NewReplacer(
	"À", "A", "Á", "A", "Â", "A", "Ã", "A", "Ä", "A", "Å", "A", "Æ", "AE", "Ç", "C",
	"È", "E", "É", "E", "Ê", "E", "Ë", "E", "Ì", "I", "Í", "I", "Î", "I", "Ï", "I",
	"Ñ", "N", "Ò", "O", "Ó", "O", "Ô", "O", "Õ", "O", "Ö", "O", "Ø", "O", "Œ", "OE",
	"Ù", "U", "Ú", "U", "Û", "U", "Ü", "U", "Ý", "Y", "Ÿ", "Y", "ß", "SS",
)

// unaccent replaces the accented capitals of western European languages
// with plain ones.
func unaccent(s string) string { return accents.Replace(s) }

// postalText is s in capitals without accents, with punctuation other
// than hyphens and apostrophes made spaces.
func postalText(s string) string {
	s = unaccent(strings.ToUpper(s))
	s = strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '\'' || r == ' ' {
			return r
		}
		return ' '
	}, s)
	return collapse(s)
}

// postcode writes a postcode in its country's format; one that does not
// fit the format is only put in capitals.
func postcode(z, country string) string {
	z = strings.ToUpper(collapse(z))
	compact := strings.ReplaceAll(z, " ", "")
	digits := onlyDigits(compact)
	switch country {
	case "FR", "MC", "RE", "GP", "MQ":
		if digits == compact && len(digits) == 4 {
			return "0" + digits
		}
		if digits == compact && len(digits) == 5 {
			return digits
		}
	case "US":
		d := strings.ReplaceAll(compact, "-", "")
		if onlyDigits(d) == d && len(d) == 5 {
			return d
		}
		if onlyDigits(d) == d && len(d) == 9 {
			return d[:5] + "-" + d[5:]
		}
	case "GB", "CA":
		if len(compact) >= 5 && len(compact) <= 7 {
			return compact[:len(compact)-3] + " " + compact[len(compact)-3:]
		}
	case "NL":
		if len(compact) == 6 && onlyDigits(compact[:4]) == compact[:4] {
			return compact[:4] + " " + compact[4:]
		}
	case "BE", "CH", "AT", "LU":
		if digits == compact && len(digits) == 4 {
			return digits
		}
	}
	return z
}

// ValidCurrency reports whether s is written as an ISO 4217 code: three
// capital letters.
func ValidCurrency(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}
