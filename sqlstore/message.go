package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/crm"
)

const messageColumns = `id, tenant_id, integration_id, contact_id, channel, provider, provider_id, to_addr, from_addr, subject, body,
	data, status, reason, events, attempts, mail_id, zone_id, brand_id, run_at, created_at, updated_at, sent_at`

func scanMessage(sc scanner) (*crm.Message, error) {
	var m crm.Message
	var channel, status, events string
	var data sql.NullString
	var runAt, created, updated int64
	var sent sql.NullInt64
	if err := sc.Scan(&m.ID, &m.TenantID, &m.IntegrationID, &m.ContactID, &channel, &m.Provider, &m.ProviderID, &m.To, &m.From,
		&m.Subject, &m.Text, &data, &status, &m.Reason, &events, &m.Attempts, &m.MailID, &m.ZoneID, &m.BrandID,
		&runAt, &created, &updated, &sent); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(events), &m.Events); err != nil {
		return nil, fmt.Errorf("decode events of message %d: %w", m.ID, err)
	}
	if data.Valid {
		m.Data = json.RawMessage(data.String)
	}
	m.Channel, m.Status = crm.Channel(channel), crm.MessageStatus(status)
	m.RunAt, m.CreatedAt, m.UpdatedAt, m.SentAt = fromMSv(runAt), fromMSv(created), fromMSv(updated), fromMS(sent)
	return &m, nil
}

// messageFields are the columns a message's writes set, in messageArgs
// order.
var messageFields = []string{"contact_id", "provider", "provider_id", "to_addr", "from_addr", "subject", "body", "data",
	"status", "reason", "events", "attempts", "mail_id", "zone_id", "brand_id", "run_at", "updated_at", "sent_at"}

func messageArgs(m *crm.Message) ([]any, error) {
	if m.Events == nil {
		m.Events = []crm.MessageEvent{}
	}
	events, err := json.Marshal(m.Events)
	if err != nil {
		return nil, fmt.Errorf("encode message events: %w", err)
	}
	var data sql.NullString
	if len(m.Data) > 0 {
		data = sql.NullString{String: string(m.Data), Valid: true}
	}
	return []any{m.ContactID, m.Provider, m.ProviderID, m.To, m.From, m.Subject, m.Text, data, string(m.Status), m.Reason,
		string(events), m.Attempts, m.MailID, m.ZoneID, m.BrandID, msv(m.RunAt), msv(m.UpdatedAt), ms(m.SentAt)}, nil
}

// insertMessage stores m, stamped at now, and sets its id.
func (a *applier) insertMessage(ctx context.Context, m *crm.Message) error {
	m.TenantID, m.CreatedAt, m.UpdatedAt = a.ch.TenantID, a.now, a.now
	if m.IntegrationID == 0 {
		m.IntegrationID = a.ch.IntegrationID
	}
	if m.RunAt.IsZero() {
		m.RunAt = a.now
	}
	args, err := messageArgs(m)
	if err != nil {
		return err
	}
	args = append(args, m.TenantID, m.IntegrationID, string(m.Channel), msv(m.CreatedAt))
	err = a.tx.QueryRowContext(ctx, `INSERT INTO messages (`+strings.Join(messageFields, ", ")+`, tenant_id, integration_id, channel, created_at)
		VALUES (`+placeholders(1, len(args))+`) RETURNING id`, args...).Scan(&m.ID)
	if err != nil {
		return fmt.Errorf("insert message: %w", err)
	}
	return nil
}

// addressContacts are the tenant's contacts with an address on a channel
// (a phone number in the form PhoneKey gives, an e-mail address), oldest
// first, locked.
func (a *applier) addressContacts(ctx context.Context, ch crm.Channel, address string) ([]*crm.Contact, error) {
	col, key := "phone_key", crm.PhoneKey(crm.Phone{Number: address})
	switch ch {
	case crm.ChannelEmail:
		col, key = "email_key", crm.EmailKey(address)
	case crm.ChannelWallet:
		return nil, nil
	}
	if key == "" {
		return nil, nil
	}
	// "<> ''" lets the planner use the partial index contacts_phone.
	cs, err := collect(ctx, a.tx, scanContact, `SELECT `+contactColumns+` FROM contacts WHERE tenant_id = $1 AND `+col+` = $2 AND `+col+` <> '' ORDER BY id`+a.s.forUpdate(),
		a.ch.TenantID, key)
	if err != nil {
		return nil, fmt.Errorf("find contacts by address: %w", err)
	}
	return cs, nil
}

// report records a provider's news of a message: the message is created
// when it is the first news, its status moved on, and the consent of its
// recipients changed when the news says so.
func (a *applier) report(ctx context.Context, r *crm.MessageReport) error {
	m, err := scanMessage(a.tx.QueryRowContext(ctx, `SELECT `+messageColumns+` FROM messages
		WHERE tenant_id = $1 AND channel = $2 AND provider = $3 AND provider_id = $4 AND provider_id <> ''`+a.s.forUpdate(), // the partial index messages_provider
		a.ch.TenantID, string(r.Channel), r.Provider, r.ProviderID))
	created := errors.Is(err, sql.ErrNoRows)
	if err != nil && !created {
		return fmt.Errorf("get message by provider id: %w", err)
	}
	recipients, err := a.addressContacts(ctx, r.Channel, r.To)
	if err != nil {
		return err
	}
	if created {
		m = &crm.Message{Channel: r.Channel, Provider: r.Provider, ProviderID: r.ProviderID, To: r.To}
		if len(recipients) > 0 {
			m.ContactID = recipients[0].ID
		}
	}
	statusChanged := m.Record(r.Event)
	if created {
		if err := a.insertMessage(ctx, m); err != nil {
			return err
		}
		if err := a.saved("message", m.ID, true, nil, m.Event); err != nil {
			return err
		}
	} else {
		m.UpdatedAt = a.now
		if err := update(ctx, a, "messages", messageFields, m.ID, messageArgs, m); err != nil {
			return err
		}
		changed := []string{"events"}
		if statusChanged {
			changed = []string{"status", "events"}
		}
		if err := a.saved("message", m.ID, false, changed, m.Event); err != nil {
			return err
		}
	}
	field, consent, ok := crm.ConsentAfter(r.Channel, r.Event)
	if !ok {
		return nil
	}
	return a.setConsent(ctx, recipients, field, consent)
}

// setConsent sets a consent on contacts, raising contact.changed for
// those it changes.
func (a *applier) setConsent(ctx context.Context, cs []*crm.Contact, field string, v crm.Consent) error {
	for _, c := range cs {
		if !c.SetConsent(field, v) {
			continue
		}
		if err := a.s.updateContact(ctx, a.tx, a.now, c); err != nil {
			return err
		}
		if err := a.saved("contact", c.ID, false, []string{field}, c.Event); err != nil {
			return err
		}
	}
	return nil
}

// optOut withdraws the channel's consent of every contact with the
// address.
func (a *applier) optOut(ctx context.Context, o *crm.OptOut) error {
	cs, err := a.addressContacts(ctx, o.Channel, o.Address)
	if err != nil {
		return err
	}
	if len(cs) == 0 {
		what := "mobile number"
		if o.Channel == crm.ChannelEmail {
			what = "e-mail address"
		}
		return hookhub.Errorf(hookhub.ENOTFOUND, "no contact has the %s %s; nothing changed", what, o.Address)
	}
	field := "sms_consent"
	if o.Channel == crm.ChannelEmail {
		field = "email_consent"
	}
	for _, c := range cs {
		a.effect("contact", c.ID, false, false, nil)
	}
	return a.setConsent(ctx, cs, field, crm.ConsentWithdrawn)
}

// send queues a message, linked to the oldest contact with its address,
// or stores it blocked when that contact's consent does not allow it.
func (a *applier) send(ctx context.Context, in *crm.Message, mail *hookhub.Mail) error {
	m := *in
	m.Status, m.Events = crm.MessageQueued, nil
	cs, err := a.addressContacts(ctx, m.Channel, m.To)
	if err != nil {
		return err
	}
	if len(cs) > 0 {
		m.ContactID = cs[0].ID
	}
	blocked := false
	for _, c := range cs {
		blocked = blocked || m.Block(c)
	}
	if !blocked && mail != nil {
		ml := *mail
		ml.TenantID, ml.Kind, ml.State, ml.CreatedAt = a.ch.TenantID, hookhub.MailMessage, hookhub.MailQueued, a.now
		if err := insertMail(ctx, a.tx, &ml); err != nil {
			return err
		}
		m.MailID = ml.ID
	}
	if err := a.insertMessage(ctx, &m); err != nil {
		return err
	}
	if !blocked && m.Channel != crm.ChannelEmail {
		if err := a.s.notifyDue(ctx, a.tx); err != nil {
			return err
		}
	}
	return a.saved("message", m.ID, true, nil, m.Event)
}

// GetMessage finds one of a tenant's messages.
func (s *Store) GetMessage(ctx context.Context, tenantID string, id int64) (*crm.Message, error) {
	return getOne(ctx, s, scanMessage, "message", `SELECT `+messageColumns+` FROM messages WHERE tenant_id = $1 AND id = $2`, tenantID, id)
}

// ListMessages lists a tenant's messages, newest first.
func (s *Store) ListMessages(ctx context.Context, tenantID string, f crm.MessageFilter) ([]*crm.Message, error) {
	var w where
	w.add("tenant_id = %s", tenantID)
	if f.Channel != "" {
		w.add("channel = %s", string(f.Channel))
	}
	if f.Status != "" {
		w.add("status = %s", string(f.Status))
	}
	if f.ContactID != 0 {
		w.add("contact_id = %s", f.ContactID)
	}
	return listOf(ctx, s, scanMessage, "messages", messageColumns, &w, f.Page)
}

// ClaimOutbox leases due queued SMS and wallet updates.
func (s *Store) ClaimOutbox(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]*crm.Message, error) {
	lock := ""
	if s.Dialect.Name == "postgres" {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	msgs, err := collect(ctx, s.W, scanMessage, `UPDATE messages SET attempts = attempts + 1, run_at = $2
		WHERE id IN (SELECT id FROM messages WHERE status = 'queued' AND channel IN ('sms', 'wallet') AND run_at <= $1 ORDER BY run_at LIMIT $3`+lock+`)
			AND status = 'queued' AND run_at <= $1
		RETURNING `+messageColumns, msv(now), msv(now.Add(lease)), limit)
	if err != nil {
		return nil, fmt.Errorf("claim outbox: %w", err)
	}
	return msgs, nil
}

// FinishOutbox records how handing a message to its provider went.
func (s *Store) FinishOutbox(ctx context.Context, now time.Time, tenantID string, id int64, o crm.OutboxOutcome) error {
	now = fromMSv(msv(now))
	return s.inTx(ctx, func(tx *sql.Tx) error {
		m, err := scanMessage(tx.QueryRowContext(ctx, `SELECT `+messageColumns+` FROM messages WHERE tenant_id = $1 AND id = $2`+s.forUpdate(), tenantID, id))
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("message", id)
		}
		if err != nil {
			return fmt.Errorf("get message: %w", err)
		}
		if m.Status != crm.MessageQueued || o.Try != 0 && m.Attempts != o.Try {
			return hookhub.Errorf(hookhub.ECONFLICT, "message %d was claimed again or finished", id)
		}
		a := &applier{s: s, tx: tx, now: now, ch: &crm.CRMChange{TenantID: tenantID}, res: &crm.CRMResult{}}
		changed := []string{"attempts"}
		m.Reason, m.UpdatedAt = o.Error, now
		if o.Provider != "" && m.Provider == "" {
			m.Provider = o.Provider
		}
		if o.ProviderID != "" {
			m.ProviderID = o.ProviderID
		}
		if o.Status == crm.MessageQueued {
			m.RunAt = o.RetryAt
		} else {
			m.Status, changed = o.Status, []string{"status"}
			m.Events = append(m.Events, crm.MessageEvent{Type: "handoff", Status: o.Status, At: now, Detail: o.Error})
			if o.Status == crm.MessageSent || o.Status == crm.MessageLogged {
				m.SentAt = now
			}
		}
		if err := update(ctx, a, "messages", messageFields, m.ID, messageArgs, m); err != nil {
			return err
		}
		if o.Status == crm.MessageQueued {
			return nil
		}
		if err := a.saved("message", m.ID, false, changed, m.Event); err != nil {
			return err
		}
		_, err = s.publishTx(ctx, tx, now, hookhub.Lease{}, a.reqs)
		return err
	})
}

// followMail moves the message an outbox e-mail sends along with it.
func (s *Store) followMail(ctx context.Context, tx *sql.Tx, mailID int64, state hookhub.MailState, errMsg string, now time.Time, sent sql.NullInt64) error {
	status := map[hookhub.MailState]crm.MessageStatus{
		hookhub.MailSent: crm.MessageSent, hookhub.MailLogged: crm.MessageLogged, hookhub.MailFailed: crm.MessageFailed,
	}[state]
	if status == "" {
		status = crm.MessageQueued
	}
	if _, err := tx.ExecContext(ctx, `UPDATE messages SET status = $1, reason = $2, sent_at = $3, attempts = attempts + 1, updated_at = $4
		WHERE mail_id = $5 AND mail_id <> 0 AND status = 'queued'`, string(status), errMsg, sent, msv(now), mailID); err != nil {
		return fmt.Errorf("update the message of mail %d: %w", mailID, err)
	}
	return nil
}
