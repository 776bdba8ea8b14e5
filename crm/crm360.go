package crm

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hookhub/hookhub"
)

// CRM360 callers name a tenant with two words, CustomerName and
// DatabaseAlias, and a source of theirs with a number, SourceId: one of
// the tenant's integrations of a CRM360 kind. These types say how hookhub
// finds both and how a source's callers prove who they are.

// CRM360Account is the name a tenant answers to at CRM360's QueueProcess:
// its CustomerName and DatabaseAlias, matched in any case. Two tenants
// cannot share a name.
type CRM360Account struct {
	TenantID      string
	CustomerName  string
	DatabaseAlias string
	UpdatedAt     time.Time
}

// CRM360Key is the form in which a CustomerName or a DatabaseAlias is
// matched: trimmed and in lower case.
func CRM360Key(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Validate checks an account name before it is saved.
func (a *CRM360Account) Validate() error {
	var p hookhub.Problems
	for _, f := range []struct{ name, v string }{{"customer_name", a.CustomerName}, {"database_alias", a.DatabaseAlias}} {
		switch {
		case strings.TrimSpace(f.v) == "":
			p.Add(f.name, "is required")
		case utf8.RuneCountInString(f.v) > MaxRecordText:
			p.Add(f.name, "must be at most %d characters", MaxRecordText)
		}
	}
	return p.Err()
}

// SourceAuth is how the callers of a CRM360 source prove who they are.
type SourceAuth string

// The ways to authenticate. A source without settings takes tokens.
const (
	// AuthToken: a hookhub API token of the tenant with the inbound.send
	// scope, as "Authorization: Bearer hh_…", or as the password of Basic
	// authentication for platforms that can only put credentials in the
	// URL (https://any:hh_…@host/…).
	AuthToken SourceAuth = "token"
	// AuthShopify: Shopify's X-Shopify-Hmac-Sha256, the Base64 HMAC-SHA256
	// of the raw body keyed with the app's secret.
	AuthShopify SourceAuth = "shopify_hmac"
	// AuthZendesk: Zendesk's X-Zendesk-Webhook-Signature, the Base64
	// HMAC-SHA256 of X-Zendesk-Webhook-Signature-Timestamp followed by the
	// raw body, keyed with the webhook's signing secret.
	AuthZendesk SourceAuth = "zendesk_signature"
)

// SourceAuths lists the ways to authenticate.
var SourceAuths = []SourceAuth{AuthToken, AuthShopify, AuthZendesk}

// CRM360Source is how the callers of one CRM360 integration authenticate.
type CRM360Source struct {
	IntegrationID int64
	TenantID      string
	Auth          SourceAuth
	// Secret is the platform's signing secret (encrypted at rest); empty
	// with AuthToken.
	Secret    string
	UpdatedAt time.Time
	UpdatedBy string
}

// Validate checks a source's settings for an integration of kind, the
// platform a CRM360 kind is for ("shopify" for "crm360-shopify").
func (s *CRM360Source) Validate(platform string) error {
	var p hookhub.Problems
	switch {
	case !slices.Contains(SourceAuths, s.Auth):
		p.Add("auth", "must be one of token, shopify_hmac, zendesk_signature")
	case s.Auth == AuthShopify && platform != "shopify":
		p.Add("auth", "shopify_hmac is for Shopify sources; this one is %s", platform)
	case s.Auth == AuthZendesk && platform != "zendesk":
		p.Add("auth", "zendesk_signature is for Zendesk sources; this one is %s", platform)
	case s.Auth == AuthToken && s.Secret != "":
		p.Add("secret", "is for signatures; a token source has none")
	case s.Auth != AuthToken && s.Secret == "":
		p.Add("secret", "is required: the platform's signing secret")
	case len(s.Secret) > 1024:
		p.Add("secret", "must be at most 1024 bytes")
	}
	return p.Err()
}

// CRM360KindPrefix starts the name of each CRM360 integration kind
// ("crm360-shopify").
const CRM360KindPrefix = "crm360-"

// CRM360Platform is the platform of a CRM360 kind ("shopify" for
// "crm360-shopify"), and whether kind is one.
func CRM360Platform(kind string) (string, bool) {
	return strings.CutPrefix(kind, CRM360KindPrefix)
}

// CRM360Store keeps CRM360 account names and sources' settings. Part of
// Store.
type CRM360Store interface {
	// PutCRM360Account sets a tenant's name; ECONFLICT when another
	// tenant has it.
	PutCRM360Account(ctx context.Context, a *CRM360Account) error
	GetCRM360Account(ctx context.Context, tenantID string) (*CRM360Account, error)
	// CRM360AccountByName finds the tenant of a name, in any case.
	CRM360AccountByName(ctx context.Context, customerName, databaseAlias string) (*CRM360Account, error)
	// PutCRM360Source sets the settings of one of a tenant's integrations;
	// ENOTFOUND when the tenant has no such integration.
	PutCRM360Source(ctx context.Context, s *CRM360Source) error
	// GetCRM360Source returns the settings of one of a tenant's
	// integrations; ENOTFOUND when it has none.
	GetCRM360Source(ctx context.Context, tenantID string, integrationID int64) (*CRM360Source, error)
}

// MaxCopyBody is how much of a message's body its copy by e-mail holds.
const MaxCopyBody = 256 << 10

// MailInboundCopy is the kind of e-mail that copies an inbound message.
const MailInboundCopy = "inbound.copy"

// InboundCopyMail is the e-mail that sends a copy of an inbound message
// to an address (CRM360's Email parameter): what it is, its query, its
// headers (without credentials) and its body.
func InboundCopyMail(m *hookhub.InboundMessage, to string, now time.Time) hookhub.Mail {
	var b strings.Builder
	fmt.Fprintf(&b, "hookhub received this webhook and queued it as message %d.\n\n", m.ID)
	fmt.Fprintf(&b, "Received: %s\n", m.ReceivedAt.UTC().Format(time.RFC3339))
	fmt.Fprintf(&b, "What: %s %s %s\n", m.Kind, m.Entity, m.Action)
	fmt.Fprintf(&b, "Query: %s\n\nHeaders:\n", m.Query)
	names := make([]string, 0, len(m.Header))
	for k := range m.Header {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		v := strings.Join(m.Header[k], ", ")
		if strings.EqualFold(k, "Authorization") {
			v = "(hidden)"
		}
		fmt.Fprintf(&b, "  %s: %s\n", k, v)
	}
	body := m.Body
	cut := len(body) > MaxCopyBody
	if cut {
		body = body[:MaxCopyBody]
	}
	b.WriteString("\nBody:\n")
	b.Write(body)
	if cut {
		fmt.Fprintf(&b, "\n… (cut at %d bytes)", MaxCopyBody)
	}
	b.WriteString("\n")
	return hookhub.Mail{
		TenantID: m.TenantID, Kind: MailInboundCopy, To: to,
		Subject: fmt.Sprintf("Webhook %s %s %s (message %d)", strings.TrimPrefix(m.Kind, CRM360KindPrefix), m.Entity, m.Action, m.ID),
		Text:    b.String(), State: hookhub.MailQueued, CreatedAt: now,
	}
}
