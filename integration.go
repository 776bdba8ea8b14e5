package hookhub

import (
	"context"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// Integration is an inbound source: a platform (a shop, a help desk, an SMS
// provider) that posts its webhooks to the integration's own URL. The URL
// carries a secret token, so whoever knows it may post; requests to an
// integration that is not active are refused.
type Integration struct {
	ID       int64
	TenantID string
	Kind     string // the name of an IntegrationKind ("thiio")
	Name     string
	Active   bool
	// Token is the secret part of the integration's URL (/in/{token}). It
	// is encrypted at rest and found by its hash; rotating it makes the old
	// URL unknown at once.
	Token     string
	CreatedAt time.Time
	CreatedBy string // token id
	UpdatedAt time.Time
	UpdatedBy string
}

// InboundPath is the path of the URL an integration receives requests at.
func InboundPath(token string) string { return "/in/" + token }

// NewIntegrationToken returns a new secret for an integration's URL: 192
// random bits, URL-safe.
func NewIntegrationToken() string { return "in_" + RandomString(24) }

// MaxIntegrationName is the longest integration name, in characters.
const MaxIntegrationName = 255

// Validate checks an integration before it is saved: its kind must be
// one of the catalogue's.
func (in *Integration) Validate(c *Catalog) error {
	var p Problems
	if reason := c.CheckIntegrationKind(in.Kind); reason != "" {
		p.Add("kind", "%s", reason)
	}
	switch n := utf8.RuneCountInString(in.Name); {
	case strings.TrimSpace(in.Name) == "":
		p.Add("name", "is required")
	case n > MaxIntegrationName:
		p.Add("name", "must be at most %d characters", MaxIntegrationName)
	}
	if in.Token == "" {
		p.Add("token", "is required")
	}
	return p.Err()
}

// IntegrationFilter narrows a list of integrations. Empty fields match
// anything.
type IntegrationFilter struct {
	Kind   string // exact
	Name   string // substring, case-insensitive
	Active *bool
}

// Matches reports whether in passes the filter.
func (f IntegrationFilter) Matches(in *Integration) bool {
	return (f.Kind == "" || in.Kind == f.Kind) &&
		(f.Active == nil || in.Active == *f.Active) &&
		strings.Contains(strings.ToLower(in.Name), strings.ToLower(f.Name))
}

// IntegrationKind is an entry of the catalogue of integration kinds: what a
// console lists when a user adds an integration. Each kind comes from the
// product whose requests it reads (thiio.Product for "thiio").
type IntegrationKind struct {
	Name        string // lower case, as integrations name it ("thiio")
	Title       string // as people name it ("Thiio")
	Description string
	// URL, when set, makes the URL the kind's platforms post to for in,
	// below base (CRM360's QueueProcess, with the source's parameters).
	// Nil: the integration's own URL, base + InboundPath(in.Token).
	URL func(base string, in *Integration) string
}

// Search reports whether q (any case) is in the kind's name, title or
// description; an empty q matches every kind.
func (k IntegrationKind) Search(q string) bool {
	q = strings.ToLower(strings.TrimSpace(q))
	return strings.Contains(strings.ToLower(k.Name), q) || strings.Contains(strings.ToLower(k.Title), q) ||
		strings.Contains(strings.ToLower(k.Description), q)
}

// InboundStatus is where an inbound message is in its life.
type InboundStatus string

// The states of an inbound message. Queued and processing messages are the
// inbound queue: a queued one is due at RunAt (after its invisibility
// delay), a processing one is held by a worker until RunAt (its lease),
// after which any worker may claim it again.
const (
	InboundQueued     InboundStatus = "queued"
	InboundProcessing InboundStatus = "processing"
	InboundDone       InboundStatus = "done"
	InboundFailed     InboundStatus = "failed" // refused or not processed; Reason says why
)

// Valid reports whether s is one of the states.
func (s InboundStatus) Valid() bool {
	switch s {
	case InboundQueued, InboundProcessing, InboundDone, InboundFailed:
		return true
	}
	return false
}

// InboundMessage is one request received at an integration's URL, stored
// before it is answered, with what became of it.
type InboundMessage struct {
	ID            int64
	TenantID      string
	IntegrationID int64
	Kind          string // the integration's kind when the request came
	// Entity and Action say what the message is about as its kind reads
	// it (Thiio's event "order" or "customer"; a platform's entity and
	// action, such as "order" and "update"), for routing and for people;
	// empty when the request could not be read.
	Entity string
	Action string

	Method     string
	Query      string // the request URL's raw query; the token is in the path, never here
	Header     http.Header
	Body       []byte
	RemoteAddr string
	ReceivedAt time.Time

	Status   InboundStatus
	Reason   string // why a failed message failed, in the words its sender got
	Answer   int    // the HTTP status its sender got; 0 before it was answered
	Attempts int    // processing tries, counting one in progress
	RunAt    time.Time
	// UpdatedAt is when the status last changed.
	UpdatedAt time.Time
}

// MaxInboundReason is the longest reason kept with a message, in bytes.
const MaxInboundReason = 2000

// InboundOutcome is what became of a message: its new status and reason,
// the HTTP status its sender got (0 keeps the one recorded), and for a
// message queued again, when it is due.
type InboundOutcome struct {
	Status InboundStatus
	Reason string
	Answer int
	RunAt  time.Time
	// Try, when not 0, is the claim's try count (InboundMessage.Attempts):
	// the outcome applies only while the message is processing at that
	// try, so that a worker whose lease ran out cannot overwrite a newer
	// claim's result; otherwise it is ECONFLICT.
	Try int
}

// InboundFilter narrows a list of inbound messages.
type InboundFilter struct {
	IntegrationID int64
	Status        InboundStatus
	Tried         bool      // only messages the queue's workers tried (Attempts > 0)
	Since, Until  time.Time // received at or after Since, before Until
	Page
}

// InboundStore keeps integrations and the messages they receive. Part of
// Store.
type InboundStore interface {
	// CreateIntegration stores in and sets in.ID.
	CreateIntegration(ctx context.Context, in *Integration) error
	GetIntegration(ctx context.Context, tenantID string, id int64) (*Integration, error)
	// IntegrationByToken finds an integration of any tenant by its URL
	// token (the plain token: the store hashes it).
	IntegrationByToken(ctx context.Context, token string) (*Integration, error)
	// ListIntegrations lists a tenant's integrations, oldest first.
	ListIntegrations(ctx context.Context, tenantID string, f IntegrationFilter) ([]*Integration, error)
	// UpdateIntegration saves in's name, active flag and token.
	UpdateIntegration(ctx context.Context, in *Integration) error
	// DeleteIntegration removes an integration and its messages. The
	// records it made stay.
	DeleteIntegration(ctx context.Context, tenantID string, id int64) error

	// CreateInboundMessage stores m and sets m.ID.
	CreateInboundMessage(ctx context.Context, m *InboundMessage) error
	GetInboundMessage(ctx context.Context, tenantID string, id int64) (*InboundMessage, error)
	// ListInboundMessages lists a tenant's messages, newest first.
	ListInboundMessages(ctx context.Context, tenantID string, f InboundFilter) ([]*InboundMessage, error)
	// FinishInboundMessage records what became of one of a tenant's messages.
	FinishInboundMessage(ctx context.Context, tenantID string, id int64, o InboundOutcome, now time.Time) error
	// ClaimInboundMessages leases up to limit due messages (queued ones
	// whose RunAt has come, and processing ones whose lease ran out) for
	// lease, counting a try on each. Concurrent claimers never get the same
	// message.
	ClaimInboundMessages(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]*InboundMessage, error)
	// PurgeInboundMessages deletes finished messages (done or failed)
	// received before the given time, and returns how many.
	PurgeInboundMessages(ctx context.Context, before time.Time) (int64, error)
}
