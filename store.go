package hookhub

import (
	"context"
	"time"
)

// Store keeps everything: objects, the delivery queue and the outbox, in one
// database so that a change and the work it causes commit together. SQLite
// and PostgreSQL implement it and pass the same test suite (storetest).
//
// Every method that takes a tenantID only sees that tenant's objects: an id
// of another tenant's object is ENOTFOUND, exactly like an unknown one.
// Methods return *Error with ENOTFOUND or ECONFLICT where the caller can act
// on it; other errors are internal.
type Store interface {
	CreateTenant(ctx context.Context, t *Tenant) error
	GetTenant(ctx context.Context, id string) (*Tenant, error)
	TenantStore // the operator's side: list, rename, disable, delete; admin tokens (admin.go)

	CreateToken(ctx context.Context, t *Token) error
	// TokenByHash finds a token of any tenant by the hash of its secret.
	TokenByHash(ctx context.Context, hash []byte) (*Token, error)
	ListTokens(ctx context.Context, tenantID string) ([]*Token, error)
	RevokeToken(ctx context.Context, tenantID, id string, at time.Time) error

	// PutEventType creates or replaces a tenant-defined event type.
	PutEventType(ctx context.Context, t *EventType) error
	ListEventTypes(ctx context.Context, tenantID string) ([]*EventType, error)
	DeleteEventType(ctx context.Context, tenantID, name string) error

	// CreateWebhook stores w and sets w.ID.
	CreateWebhook(ctx context.Context, w *Webhook) error
	// CreateWebhookWithin is CreateWebhook under a limit: it counts the
	// tenant's webhooks and creates w in one transaction that excludes
	// other creates of the tenant's (on any node), so that two creates
	// cannot pass the limit together.
	CreateWebhookWithin(ctx context.Context, w *Webhook, l WebhookLimit) error
	GetWebhook(ctx context.Context, tenantID string, id int64) (*Webhook, error)
	ListWebhooks(ctx context.Context, tenantID string, f WebhookFilter) ([]*Webhook, error)
	// UpdateWebhook saves w's settings (not its statistics). from is the
	// state the caller read before it changed w: when w.State is still
	// from, the caller did not change the state, and the stored state is
	// kept (the engine may have switched the webhook to too_many_errors
	// meanwhile); an empty from writes w.State whatever is stored. When w
	// becomes active, its held deliveries are released and its failure
	// streak is cleared in the same transaction. w.State is set to the
	// state saved.
	UpdateWebhook(ctx context.Context, w *Webhook, from WebhookState) error
	// DeleteWebhook removes the webhook and its unsent deliveries; the
	// events and past attempts stay until retention removes them.
	DeleteWebhook(ctx context.Context, tenantID string, id int64) error

	// Publish stores events and a delivery for each subscribed webhook, all
	// in one transaction: a pending delivery for an active webhook, a held
	// one for any other. An event whose idempotency key its tenant used
	// before is not stored again; its result names the first event.
	Publish(ctx context.Context, now time.Time, reqs ...PublishRequest) ([]PublishResult, error)
	// PublishLeased is Publish that also leases up to lease.Max of the new
	// pending deliveries to the caller, in the same transaction, as Claim
	// would (in flight until now+lease.For, their first try counted), and
	// returns them in their results' Claims. A publishing node hands them
	// to its own workers at once, without a claim's round trip; if it dies
	// first, they are claimed again when the lease runs out, as any claim.
	PublishLeased(ctx context.Context, now time.Time, lease Lease, reqs ...PublishRequest) ([]PublishResult, error)
	GetEvent(ctx context.Context, tenantID string, id int64) (*Event, error)
	ListEvents(ctx context.Context, tenantID string, f EventFilter) ([]*Event, error)

	// Claim leases up to limit due deliveries (pending ones whose time has
	// come, and in-flight ones whose lease ran out) for lease, counting a
	// try on each. Concurrent claimers never get the same delivery.
	Claim(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]*Claim, error)
	// Complete applies workers' outcomes: records attempts, moves the
	// deliveries on, updates the webhooks' statistics, and switches a
	// webhook to too_many_errors (queueing its e-mail) when its streak of
	// failures reaches its threshold, in one transaction.
	Complete(ctx context.Context, now time.Time, outcomes []Outcome) error
	GetDelivery(ctx context.Context, tenantID string, id int64) (*Delivery, error)
	ListDeliveries(ctx context.Context, tenantID string, f DeliveryFilter) ([]*Delivery, error)
	ListAttempts(ctx context.Context, tenantID string, f AttemptFilter) ([]*Attempt, error)
	// RetryDelivery makes a finished or waiting delivery due now. An in-flight
	// one is ECONFLICT.
	RetryDelivery(ctx context.Context, tenantID string, id int64, now time.Time) (*Delivery, error)
	// RecoverDeliveries makes every failed delivery of a webhook created
	// since the given time due now, and returns how many.
	RecoverDeliveries(ctx context.Context, tenantID string, webhookID int64, since, now time.Time) (int, error)

	EnqueueMail(ctx context.Context, m *Mail) error
	// ClaimMail leases queued e-mails for sending.
	ClaimMail(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]*Mail, error)
	// FinishMail records how sending went. A MailQueued state with an error
	// means try again at retryAt.
	FinishMail(ctx context.Context, id int64, state MailState, errMsg string, now, retryAt time.Time) error
	ListMail(ctx context.Context, tenantID string, p Page) ([]*Mail, error)

	// Purge deletes attempts, finished deliveries, events and sent or
	// failed e-mails created before the given time; events with unfinished
	// deliveries stay.
	Purge(ctx context.Context, before time.Time) (PurgeResult, error)
	// Stats counts a tenant's deliveries by state since the given time, and
	// the queue depth.
	Stats(ctx context.Context, tenantID string, since time.Time) (Stats, error)

	InboundStore // integrations and inbound messages (integration.go)

	SessionStore // console sign-ins (session.go)

	ApplicationStore // Svix's applications and idempotent answers (application.go)

	Ping(ctx context.Context) error
	Close() error
}

// WebhookLimit caps how many webhooks of one kind a tenant may have: a
// create under it is ECONFLICT, with Message, when the tenant has Max
// webhooks for which Counts reports true already (SalesIQ's three
// administration webhooks a portal, Tilby's one webhook an entity and
// event).
type WebhookLimit struct {
	Max     int
	Counts  func(*Webhook) bool
	Message string
}

// PublishRequest is one event to publish. WebhookID, when set, sends the
// event to that webhook only, subscribed or not (test events).
type PublishRequest struct {
	Event     *Event
	WebhookID int64
}

// Lease is how many of a publish's new deliveries the publisher takes for
// its own workers, and for how long.
type Lease struct {
	Max int
	For time.Duration
}

// Page selects a page of a list ordered newest first: at most Limit items
// with an id below Before (0: from the newest).
type Page struct {
	Limit  int
	Before int64
}

// Limited returns the page's limit within [1, max], def when unset.
func (p Page) Limited(def, max int) int {
	switch {
	case p.Limit <= 0:
		return def
	case p.Limit > max:
		return max
	}
	return p.Limit
}

// WebhookFilter narrows a list of webhooks. Empty fields match anything.
type WebhookFilter struct {
	Name   string // substring, case-insensitive
	Event  string // webhooks subscribed to this event type
	State  WebhookState
	Format string
}

// EventFilter narrows a list of events.
type EventFilter struct {
	Type         string
	AppID        string // events of this app only
	Channel      string // events in this channel only
	Since, Until time.Time
	Page
}

// DeliveryFilter narrows a list of deliveries.
type DeliveryFilter struct {
	WebhookID    int64
	EventID      int64
	State        DeliveryState
	Since, Until time.Time
	Page
}

// AttemptFilter narrows a list of attempts.
type AttemptFilter struct {
	DeliveryID   int64
	EventID      int64
	WebhookID    int64
	FailedOnly   bool
	Since, Until time.Time
	Page
}

// PurgeResult counts what Purge deleted.
type PurgeResult struct {
	Attempts, Deliveries, Events, Mail int64
}

// Stats are a tenant's delivery figures.
type Stats struct {
	Succeeded, Failed, Pending, Held, InFlight int64 // deliveries updated since the given time, by state
	QueueDepth                                 int64 // pending and in-flight deliveries, any age
}

// Notifier is implemented by stores shared by several nodes that can wake
// the others when work becomes due (PostgreSQL's LISTEN/NOTIFY). The store
// notifies by itself when it commits new due work; Listen calls wake each
// time any node did, until ctx ends. Polling stays the fallback.
type Notifier interface {
	Listen(ctx context.Context, wake func()) error
}

// Leader is implemented by stores shared by several nodes, to choose the one
// node that runs periodic upkeep. Lead reports whether this node leads now,
// taking the leadership when nobody holds it; a dead leader's leadership
// passes on.
type Leader interface {
	Lead(ctx context.Context) bool
}

// LeaseTaker is implemented by stores whose queues lease work to nodes.
// Each claim records the claiming node; a node that starts calls TakeBack
// so that what it held when its earlier run ended (killed, crashed, the
// machine lost) is tried again at once instead of after its leases run
// out. Other nodes' leases run out as before.
type LeaseTaker interface {
	// TakeBack makes due now the leases this node holds: its deliveries in
	// flight, inbound messages being processed and e-mails being sent. A
	// store only one node opens (SQLite) takes back every lease. It also
	// records that the node started.
	TakeBack(ctx context.Context, now time.Time) (TakenBack, error)
}

// TakenBack counts what TakeBack made due again.
type TakenBack struct {
	Deliveries, Inbound, Mail int64
}

// WriteChecker is implemented by stores that can tell whether their
// database takes writes now, for readiness checks. CheckWrites returns nil
// at once unless a storage fault was seen since the last check that passed;
// then it tries a write, and returns its error (EUNAVAILABLE) if it failed.
type WriteChecker interface {
	CheckWrites(ctx context.Context, now time.Time) error
}
