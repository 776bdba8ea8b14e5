package crm

import (
	"encoding/json"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hookhub/hookhub"
)

// Channel is how a message reaches a person.
type Channel string

// The channels.
const (
	ChannelSMS    Channel = "sms"
	ChannelEmail  Channel = "email"
	ChannelWallet Channel = "wallet" // an update of a loyalty card in a phone's wallet
)

// Channels lists the channels.
var Channels = []Channel{ChannelSMS, ChannelEmail, ChannelWallet}

// Valid reports whether c is one of the channels.
func (c Channel) Valid() bool { return slices.Contains(Channels, c) }

// MessageStatus is where a message is, as hookhub and its provider know it.
type MessageStatus string

// The statuses of a message. Queued, sent, delivered, opened and clicked
// are steps forward; the others are outcomes that end its progress.
const (
	MessageQueued       MessageStatus = "queued"    // in the outbox, not yet handed to its provider
	MessageSent         MessageStatus = "sent"      // handed to the provider (or the operator)
	MessageLogged       MessageStatus = "logged"    // no provider is configured: written to the log
	MessageDelivered    MessageStatus = "delivered" // the provider reported it delivered
	MessageOpened       MessageStatus = "opened"
	MessageClicked      MessageStatus = "clicked"
	MessageFailed       MessageStatus = "failed"  // the provider refused it, or it was not delivered
	MessageBounced      MessageStatus = "bounced" // the address refused it
	MessageBlocked      MessageStatus = "blocked" // not sent: the recipient opted out, or the provider blocked it
	MessageSpam         MessageStatus = "spam"    // the recipient reported it as spam
	MessageUnsubscribed MessageStatus = "unsubscribed"
)

// MessageStatuses lists the statuses.
var MessageStatuses = []MessageStatus{
	MessageQueued, MessageSent, MessageLogged, MessageDelivered, MessageOpened, MessageClicked,
	MessageFailed, MessageBounced, MessageBlocked, MessageSpam, MessageUnsubscribed,
}

// Valid reports whether s is one of the statuses.
func (s MessageStatus) Valid() bool { return slices.Contains(MessageStatuses, s) }

// step is how far along a status is: 0 for none, a positive rank for the
// steps forward, -1 for the outcomes that end progress.
func (s MessageStatus) step() int {
	switch s {
	case MessageQueued:
		return 1
	case MessageSent, MessageLogged:
		return 2
	case MessageDelivered:
		return 3
	case MessageOpened:
		return 4
	case MessageClicked:
		return 5
	case "":
		return 0
	}
	return -1
}

// Advance returns a message's status after news of status next: an
// outcome (failed, bounced, blocked, spam, unsubscribed) replaces any
// status; a step forward replaces an earlier step only, so that a late
// "sent" after "delivered" changes nothing, nor an "open" after a bounce.
func (s MessageStatus) Advance(next MessageStatus) MessageStatus {
	switch {
	case next.step() < 0:
		return next
	case s.step() < 0 || next.step() <= s.step():
		return s
	}
	return next
}

// MessageEvent is one thing that happened to a message: its provider's
// name for it (Mailjet's "open", Smsbox's code "0"), the status it means,
// when, and what the provider said about it (a clicked URL, an error).
type MessageEvent struct {
	Type   string        `json:"type"`
	Status MessageStatus `json:"status"`
	At     time.Time     `json:"at"`
	Detail string        `json:"detail,omitempty"`
	// Hard is set on a bounce that will not go away (the address does
	// not exist).
	Hard bool `json:"hard,omitempty"`
}

// Message is an SMS, an e-mail or a wallet update, sent by hookhub or
// reported on by a provider. Queued SMS and wallet updates are the
// outbox; e-mails are sent through the mail outbox (MailID).
type Message struct {
	ID            int64   `json:"id"`
	TenantID      string  `json:"-"`
	IntegrationID int64   `json:"integration_id"`
	ContactID     int64   `json:"contact_id"` // 0 when no contact has its address
	Channel       Channel `json:"channel"`
	// Provider and ProviderID name the message at the service that
	// carries it ("mailjet" and its MessageID); a report with the same
	// pair is news of the same message.
	Provider   string `json:"provider"`
	ProviderID string `json:"provider_id"`
	To         string `json:"to"`   // a phone number in international form, an e-mail address, a card id
	From       string `json:"from"` // the sender name or address
	Subject    string `json:"subject"`
	Text       string `json:"text"`
	// Data is what else the message carries for its channel: an SMS's
	// CRM360 channel and category ids, the wallet update's fields.
	Data      json.RawMessage `json:"data"`
	Status    MessageStatus   `json:"status"`
	Reason    string          `json:"reason"` // why it failed or was blocked
	Events    []MessageEvent  `json:"events"`
	Attempts  int             `json:"attempts"` // tries to hand it to its provider
	MailID    int64           `json:"mail_id"`  // the outbox e-mail that sends it; 0 for none
	ZoneID    int64           `json:"zone_id"`
	BrandID   int64           `json:"brand_id"`
	RunAt     time.Time       `json:"-"` // when a queued message is next tried
	CreatedAt time.Time       `json:"created_at"`
	UpdatedAt time.Time       `json:"updated_at"`
	SentAt    time.Time       `json:"sent_at"`
}

// MarshalJSON writes a message as the API shows it: sent_at null until it
// was sent, events an array.
func (m Message) MarshalJSON() ([]byte, error) {
	type plain Message
	out := struct {
		plain
		Events []MessageEvent `json:"events"`
		SentAt *time.Time     `json:"sent_at"`
	}{plain: plain(m), Events: m.Events}
	if out.Events == nil {
		out.Events = []MessageEvent{}
	}
	if !m.SentAt.IsZero() {
		out.SentAt = &m.SentAt
	}
	return json.Marshal(out)
}

// MaxMessageText is the longest text of a message, in bytes.
const MaxMessageText = 100 << 10

// Validate checks a message before it is saved.
func (m *Message) Validate() error {
	var p hookhub.Problems
	if !m.Channel.Valid() {
		p.Add("channel", "must be one of sms, email, wallet")
	}
	if strings.TrimSpace(m.To) == "" {
		p.Add("to", "is required")
	}
	checkLen(&p, "to", m.To)
	checkLen(&p, "from", m.From)
	checkLen(&p, "provider", m.Provider)
	checkLen(&p, "provider_id", m.ProviderID)
	if utf8.RuneCountInString(m.Subject) > 998 {
		p.Add("subject", "must be at most 998 characters")
	}
	if len(m.Text) > MaxMessageText {
		p.Add("text", "must be at most %d bytes", MaxMessageText)
	}
	if len(m.Data) > 0 && !json.Valid(m.Data) {
		p.Add("data", "must be JSON")
	}
	if m.Status != "" && !m.Status.Valid() {
		p.Add("status", "is not a message status")
	}
	return p.Err()
}

// Record adds a provider's event to the message and moves its status on
// (Advance). It reports whether the status changed.
func (m *Message) Record(ev MessageEvent) bool {
	m.Events = append(m.Events, ev)
	next := m.Status.Advance(ev.Status)
	if next == m.Status {
		return false
	}
	m.Status = next
	if ev.Status.step() < 0 && ev.Detail != "" {
		m.Reason = ev.Detail
	}
	return true
}

// Block keeps a queued message from being sent to a contact whose consent
// for its channel does not allow it, and reports whether it did.
func (m *Message) Block(c *Contact) bool {
	if c == nil {
		return false
	}
	consent := c.EmailConsent
	if m.Channel == ChannelSMS {
		consent = c.SMSConsent
	} else if m.Channel != ChannelEmail {
		return false
	}
	if consent.Allows() {
		return false
	}
	m.Status, m.Reason = MessageBlocked, "the recipient's "+string(m.Channel)+" consent is "+string(consent)+": not sent"
	return true
}

// OutboxOutcome is how handing a queued message to its provider went: the
// status it reached (sent, logged, failed, or queued again at RetryAt),
// the provider's id for it and its error.
type OutboxOutcome struct {
	Status     MessageStatus
	Provider   string // the provider's name, when it was handed to one
	ProviderID string
	Error      string
	RetryAt    time.Time
	Try        int // the claim's attempt count: a stale claim changes nothing
}

// The events messages raise.
const (
	EventMessageCreated = "message.created"
	EventMessageChanged = "message.changed"
)

// Event returns the event of type typ about m, with m as its data.
func (m *Message) Event(typ string, modified []string) (*hookhub.Event, error) {
	return recordEvent(m.TenantID, typ, "message", m.ID, m, modified)
}
