package crm

import "strings"

// Consent is whether a contact may be sent marketing on a channel.
type Consent string

// The consents. The empty consent is "not known": the contact was never
// asked, or the source did not say.
const (
	ConsentGranted   Consent = "granted"
	ConsentWithdrawn Consent = "withdrawn" // unsubscribed, or answered STOP
	ConsentBounced   Consent = "bounced"   // the address does not exist (a hard bounce); e-mail only
)

// Consents lists the consents a contact can have besides the empty one.
var Consents = []Consent{ConsentGranted, ConsentWithdrawn, ConsentBounced}

// Valid reports whether c is a known consent or empty.
func (c Consent) Valid() bool {
	switch c {
	case "", ConsentGranted, ConsentWithdrawn, ConsentBounced:
		return true
	}
	return false
}

// Allows reports whether a contact with consent c may be sent a message:
// yes unless the consent was withdrawn or the address bounced.
func (c Consent) Allows() bool { return c != ConsentWithdrawn && c != ConsentBounced }

// Stricter returns the more restrictive of two consents: a withdrawal or
// a bounce wins over a consent given, and a consent given over none. When
// duplicates are merged, one that opted out keeps the merged contact out.
func Stricter(a, b Consent) Consent {
	rank := func(c Consent) int {
		switch c {
		case ConsentWithdrawn, ConsentBounced:
			return 2
		case ConsentGranted:
			return 1
		}
		return 0
	}
	if rank(b) > rank(a) {
		return b
	}
	return a
}

func joinConsents() string {
	s := make([]string, len(Consents))
	for i, c := range Consents {
		s[i] = string(c)
	}
	return strings.Join(s, ", ") + " or empty"
}

// ConsentAfter is the consent a provider's report on a message to the
// contact changes, and to what: an unsubscribe withdraws the channel's
// consent, a hard bounce marks the e-mail address bounced. ok is false
// when the report changes no consent.
func ConsentAfter(ch Channel, ev MessageEvent) (field string, c Consent, ok bool) {
	switch {
	case ev.Status == MessageUnsubscribed && ch == ChannelEmail:
		return "email_consent", ConsentWithdrawn, true
	case ev.Status == MessageUnsubscribed && ch == ChannelSMS:
		return "sms_consent", ConsentWithdrawn, true
	case ev.Status == MessageBounced && ev.Hard && ch == ChannelEmail:
		return "email_consent", ConsentBounced, true
	}
	return "", "", false
}

// SetConsent sets the consent field names ("email_consent" or
// "sms_consent") and reports whether it changed.
func (c *Contact) SetConsent(field string, v Consent) bool {
	dst := &c.EmailConsent
	if field == "sms_consent" {
		dst = &c.SMSConsent
	}
	if *dst == v {
		return false
	}
	*dst = v
	return true
}
