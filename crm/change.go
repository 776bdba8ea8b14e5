package crm

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/hookhub/hookhub"
)

// CRMChange is what one inbound message does to a tenant's records, as a
// list of operations applied in one transaction together with the events
// they raise and the message's status: a message in batch mode is many
// operations, all or none.
type CRMChange struct {
	TenantID      string
	IntegrationID int64
	// MessageID, when not 0, is the inbound message the change comes
	// from: it is marked done in the same transaction. MessageTry, when
	// not 0, is the claim's try: when the message is no longer processing
	// at that try (another worker claimed it again), nothing is applied
	// and the error is ECONFLICT.
	MessageID  int64
	MessageTry int
	// Attribution is stored on every record the change touches.
	Attribution Attribution
	Ops         []CRMOp
}

// Attribution attaches records to a zone, a brand and, for contacts, a
// kind of address of the CRM (CRM360's ZoneId, BrandId and
// ContactAddressTypeId). Zero values attach nothing.
type Attribution struct {
	ZoneID, BrandID, AddressTypeID int64
}

// OpKind says what an operation does.
type OpKind string

// The operations. Each names the fields of CRMOp it reads.
const (
	// OpSaveContact creates or updates Contact: the contact the source
	// knows by Ref (its customer id), else the one with its e-mail, else,
	// for a contact without one, the oldest contact without an e-mail
	// that has its phone. A report older than the last one of Ref, by
	// Contact.SourceUpdatedAt, changes nothing.
	OpSaveContact OpKind = "save_contact"
	// OpDeleteContact deletes the contact the source knows by Ref; its
	// orders, tickets and activities stay. An unknown Ref changes nothing.
	OpDeleteContact OpKind = "delete_contact"
	// OpSaveProduct creates Product, or updates the one with its
	// integration and external id.
	OpSaveProduct OpKind = "save_product"
	// OpDeleteProduct deletes the product with external id Ref.
	OpDeleteProduct OpKind = "delete_product"
	// OpSaveOrder saves Contact (as OpSaveContact, by Ref) and Order as
	// one of its orders, created or updated by external id. Without
	// Contact (a sale to nobody known) the order has none.
	OpSaveOrder OpKind = "save_order"
	// OpDeleteOrder deletes the order with external id Ref.
	OpDeleteOrder OpKind = "delete_order"
	// OpAddActivity saves Contact and adds Activity to it.
	OpAddActivity OpKind = "add_activity"
	// OpSaveTicket saves Contact (the requester) and Ticket as its ticket.
	OpSaveTicket OpKind = "save_ticket"
	// OpReport records a provider's news of a message (Report): the
	// message with its provider id is created or updated, its status
	// moved on, and the consent of its contact changed when the news
	// says so (ConsentAfter).
	OpReport OpKind = "report"
	// OpOptOut withdraws the consent of every contact with the address
	// of OptOut on its channel; ENOTFOUND when none has it.
	OpOptOut OpKind = "opt_out"
	// OpStandardize standardises the postal addresses of the contact
	// Select names (Address.Standardize); ENOTFOUND when there is none.
	OpStandardize OpKind = "standardize"
	// OpDedup merges duplicate contacts (DuplicateGroups): the duplicates
	// of the contact Select names, or all the tenant's when Select is
	// empty. The oldest of a group absorbs the others (Absorb), which are
	// deleted after their orders, tickets, activities, messages and
	// external ids move to it; an activity of type merge keeps each.
	OpDedup OpKind = "dedup"
	// OpSend queues Message for its channel, linked to the contact with
	// its address; with Mail (e-mail), Mail is put in the mail outbox.
	// A message to a contact whose consent does not allow it is stored
	// blocked and not sent (Message.Block).
	OpSend OpKind = "send"
)

// CRMOp is one operation of a change; Kind says which fields it uses.
type CRMOp struct {
	Kind     OpKind
	Ref      string // an external id
	Contact  *Contact
	Order    *Order
	Product  *Product
	Ticket   *Ticket
	Activity *Activity
	Report   *MessageReport
	OptOut   *OptOut
	Select   ContactSelector
	Message  *Message
	Mail     *hookhub.Mail
}

// MessageReport is a provider's news of a message it carries.
type MessageReport struct {
	Channel    Channel
	Provider   string
	ProviderID string
	To         string // the recipient; for SMS in the form PhoneKey gives
	Event      MessageEvent
}

// OptOut is a person's wish to receive no more messages on a channel.
type OptOut struct {
	Channel Channel
	Address string // a phone number in the form PhoneKey gives, or an e-mail address
}

// ContactSelector names one contact by id or by e-mail; empty, it names
// none (for OpDedup: all of them).
type ContactSelector struct {
	ID    int64
	Email string
}

// IsZero reports whether the selector names no contact.
func (s ContactSelector) IsZero() bool { return s.ID == 0 && s.Email == "" }

// Prepare puts the change's records in the form they are stored in:
// contacts normalised, times at the store's precision, and the
// attribution set on each record.
func (ch *CRMChange) Prepare() {
	a := ch.Attribution
	attach := func(zone, brand *int64) {
		if a.ZoneID != 0 {
			*zone = a.ZoneID
		}
		if a.BrandID != 0 {
			*brand = a.BrandID
		}
	}
	for i := range ch.Ops {
		op := &ch.Ops[i]
		if c := op.Contact; c != nil {
			c.Normalize()
			c.SourceUpdatedAt = storeTime(c.SourceUpdatedAt)
			attach(&c.ZoneID, &c.BrandID)
			if a.AddressTypeID != 0 {
				c.AddressTypeID = a.AddressTypeID
			}
		}
		if o := op.Order; o != nil {
			o.Date = o.Date.UTC().Truncate(time.Millisecond)
			o.SourceUpdatedAt = storeTime(o.SourceUpdatedAt)
			attach(&o.ZoneID, &o.BrandID)
		}
		if p := op.Product; p != nil {
			p.SourceUpdatedAt = storeTime(p.SourceUpdatedAt)
			attach(&p.ZoneID, &p.BrandID)
		}
		if t := op.Ticket; t != nil {
			attach(&t.ZoneID, &t.BrandID)
		}
		if act := op.Activity; act != nil {
			act.OccurredAt = act.OccurredAt.UTC().Truncate(time.Millisecond)
			attach(&act.ZoneID, &act.BrandID)
		}
		if m := op.Message; m != nil {
			attach(&m.ZoneID, &m.BrandID)
		}
		if r := op.Report; r != nil {
			r.Event.At = r.Event.At.UTC().Truncate(time.Millisecond)
		}
	}
}

// storeTime is t at the store's precision (milliseconds, UTC); zero stays
// zero.
func storeTime(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Millisecond)
}

// MaxCRMOps is the most operations one change has.
const MaxCRMOps = 1000

// Validate checks a change before it is applied. Fields are named after
// the operation's index in a batch ("[2].contact.email"), or without it
// for a change of one operation ("contact.email").
func (ch *CRMChange) Validate() error {
	var p hookhub.Problems
	if len(ch.Ops) == 0 {
		p.Add("ops", "must not be empty")
	}
	if len(ch.Ops) > MaxCRMOps {
		p.Add("ops", "must have at most %d entries", MaxCRMOps)
	}
	for i := range ch.Ops {
		prefix := ""
		if len(ch.Ops) > 1 {
			prefix = "[" + strconv.Itoa(i) + "]."
		}
		ch.Ops[i].validate(&p, prefix)
	}
	return p.Err()
}

func (op *CRMOp) validate(p *hookhub.Problems, prefix string) {
	add := func(name string, err error) {
		var e *hookhub.Error
		if errors.As(err, &e) {
			for _, f := range e.Fields {
				p.Add(prefix+name+"."+f.Field, "%s", f.Reason)
			}
		}
	}
	need := func(name string, ok bool) bool {
		if !ok {
			p.Add(strings.TrimSuffix(prefix+name, "."), "is required")
		}
		return ok
	}
	switch op.Kind {
	case OpSaveContact, OpSaveOrder, OpAddActivity, OpSaveTicket:
		// An order may have no contact: a sale at a till to nobody known.
		if op.Kind == OpSaveOrder && op.Contact == nil || need("contact", op.Contact != nil) {
			if c := op.Contact; c != nil {
				add("contact", c.Validate())
				if c.Email == "" && op.Ref == "" && PhoneKey(c.Phone) == "" {
					p.Add(prefix+"contact.email", "is required when the source gives neither its id for the contact nor a phone number")
				}
			}
		}
		switch op.Kind {
		case OpSaveOrder:
			if need("order", op.Order != nil) {
				add("order", op.Order.Validate())
			}
		case OpAddActivity:
			if need("activity", op.Activity != nil) {
				add("activity", op.Activity.Validate())
			}
		case OpSaveTicket:
			if need("ticket", op.Ticket != nil) {
				add("ticket", op.Ticket.Validate())
			}
		}
	case OpDeleteContact, OpDeleteProduct, OpDeleteOrder:
		need("id", op.Ref != "")
	case OpSaveProduct:
		if need("product", op.Product != nil) {
			add("product", op.Product.Validate())
		}
	case OpReport:
		if need("report", op.Report != nil) {
			r := op.Report
			need("id", r.ProviderID != "")
			if !r.Channel.Valid() || !r.Event.Status.Valid() || r.Provider == "" {
				p.Add(prefix+"report", "must name a channel, a provider and a message status")
			}
		}
	case OpOptOut:
		if need("opt_out", op.OptOut != nil) {
			need("address", op.OptOut.Address != "")
		}
	case OpStandardize:
		need("contact", !op.Select.IsZero())
	case OpDedup:
	case OpSend:
		if need("message", op.Message != nil) {
			add("message", op.Message.Validate())
			if op.Message.Channel == ChannelEmail && op.Mail == nil {
				p.Add(prefix+"mail", "is required for an e-mail")
			}
		}
	default:
		p.Add(prefix+"kind", "unknown operation %q", op.Kind)
	}
}

// CRMResult is what applying a change did.
type CRMResult struct {
	Effects []Effect
	Events  []hookhub.PublishResult // the events raised, in the same transaction
}

// Effect is what one operation did to one record.
type Effect struct {
	Op      int    // the operation's index
	Entity  string // contact, order, product, ticket, activity, message
	ID      int64
	Created bool
	Deleted bool
	Changed []string // the fields that changed, when it was updated
}

// Deliveries counts the deliveries the result's events made.
func (r *CRMResult) Deliveries() int { return countDeliveries(r.Events) }

// ChangeStore applies CRM changes and keeps the records they make besides
// contacts and orders, and the outbox of SMS and wallet updates. Part of
// Store.
type ChangeStore interface {
	// ApplyCRM applies a change in one transaction: its operations, the
	// events they raise with their deliveries, and the message marked
	// done. Validate it first.
	ApplyCRM(ctx context.Context, now time.Time, ch *CRMChange) (*CRMResult, error)

	GetProduct(ctx context.Context, tenantID string, id int64) (*Product, error)
	ListProducts(ctx context.Context, tenantID string, f ProductFilter) ([]*Product, error)
	GetTicket(ctx context.Context, tenantID string, id int64) (*Ticket, error)
	ListTickets(ctx context.Context, tenantID string, f TicketFilter) ([]*Ticket, error)
	ListActivities(ctx context.Context, tenantID string, f ActivityFilter) ([]*Activity, error)
	GetMessage(ctx context.Context, tenantID string, id int64) (*Message, error)
	ListMessages(ctx context.Context, tenantID string, f MessageFilter) ([]*Message, error)

	// ClaimOutbox leases up to limit due queued SMS and wallet updates
	// for lease, counting a try on each. Concurrent claimers never get
	// the same message.
	ClaimOutbox(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]*Message, error)
	// FinishOutbox records how handing a message to its provider went
	// and, when its status changed, raises message.changed, in one
	// transaction. An outcome whose Try is stale changes nothing and is
	// ECONFLICT.
	FinishOutbox(ctx context.Context, now time.Time, tenantID string, id int64, o OutboxOutcome) error

	// QueueInboundMessage stores a queued message and, in the same
	// transaction, an e-mail to each address of copyTo with the
	// message's content (InboundCopyMail).
	QueueInboundMessage(ctx context.Context, m *hookhub.InboundMessage, copyTo []string) error
}
