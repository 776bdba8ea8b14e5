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
)

// SaveRecords applies a change to a tenant's records, publishes the events
// it raises and marks its message done, in one transaction.
func (s *Store) SaveRecords(ctx context.Context, now time.Time, ch *hookhub.RecordChange) (*hookhub.RecordResult, error) {
	now = fromMSv(msv(now)) // what a read will give back
	var res *hookhub.RecordResult
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res = &hookhub.RecordResult{}
		var reqs []hookhub.PublishRequest
		raise := func(e *hookhub.Event, err error) error {
			if err != nil {
				return err
			}
			reqs = append(reqs, hookhub.PublishRequest{Event: e})
			return nil
		}
		c, created, changed, err := s.upsertContact(ctx, tx, now, ch)
		if err != nil {
			return err
		}
		res.Contact, res.ContactCreated, res.ContactChanged = c, created, changed
		switch {
		case created:
			err = raise(c.Event(hookhub.EventContactCreated, nil))
		case len(changed) > 0:
			err = raise(c.Event(hookhub.EventContactChanged, changed))
		}
		if err != nil {
			return err
		}
		if ch.Order != nil {
			o, created, changed, err := s.upsertOrder(ctx, tx, now, ch, c.ID)
			if err != nil {
				return err
			}
			res.Order, res.OrderCreated, res.OrderChanged = o, created, changed
			switch {
			case created:
				err = raise(o.Event(hookhub.EventOrderCreated, nil))
			case len(changed) > 0:
				err = raise(o.Event(hookhub.EventOrderChanged, changed))
			}
			if err != nil {
				return err
			}
		}
		if ch.MessageID != 0 {
			o := hookhub.InboundOutcome{Status: hookhub.InboundDone, Answer: ch.Answer}
			if err := s.finishInbound(ctx, tx, ch.TenantID, ch.MessageID, o, now); err != nil {
				return err
			}
		}
		if len(reqs) == 0 {
			return nil
		}
		res.Events, err = s.publishTx(ctx, tx, now, reqs)
		return err
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

const contactColumns = `id, tenant_id, first_name, last_name, email, phone_country, phone_number,
	billing_address, shipping_address, source, integration_id, created_at, updated_at`

func scanContact(sc scanner) (*hookhub.Contact, error) {
	var c hookhub.Contact
	var billing, shipping sql.NullString
	var created, updated int64
	err := sc.Scan(&c.ID, &c.TenantID, &c.FirstName, &c.LastName, &c.Email, &c.Phone.Country, &c.Phone.Number,
		&billing, &shipping, &c.Source, &c.IntegrationID, &created, &updated)
	if err != nil {
		return nil, err
	}
	for _, a := range []struct {
		col sql.NullString
		dst **hookhub.Address
	}{{billing, &c.BillingAddress}, {shipping, &c.ShippingAddress}} {
		if a.col.Valid {
			if err := json.Unmarshal([]byte(a.col.String), a.dst); err != nil {
				return nil, fmt.Errorf("decode address of contact %d: %w", c.ID, err)
			}
		}
	}
	c.CreatedAt, c.UpdatedAt = fromMSv(created), fromMSv(updated)
	return &c, nil
}

// contactArgs are a contact's columns from first_name to source, with the
// keys it is matched and searched by.
func contactArgs(c *hookhub.Contact) ([]any, error) {
	billing, err := nullJSON(c.BillingAddress, c.BillingAddress == nil)
	if err != nil {
		return nil, fmt.Errorf("encode billing address: %w", err)
	}
	shipping, err := nullJSON(c.ShippingAddress, c.ShippingAddress == nil)
	if err != nil {
		return nil, fmt.Errorf("encode shipping address: %w", err)
	}
	nameKey := strings.ToLower(strings.TrimSpace(c.FirstName + " " + c.LastName))
	return []any{c.FirstName, c.LastName, c.Email, hookhub.EmailKey(c.Email), nameKey, c.Phone.Country, c.Phone.Number,
		billing, shipping, c.Source}, nil
}

// forUpdate locks the rows a SELECT reads until the transaction ends, on
// PostgreSQL; SQLite has one writer, so its transactions need no lock.
func (s *Store) forUpdate() string {
	if s.Dialect.Name == "postgres" {
		return " FOR UPDATE"
	}
	return ""
}

// upsertContact creates the change's contact or merges it into the one
// with its e-mail. Inserting first, with ON CONFLICT DO NOTHING, makes two
// transactions that bring the same new address meet at the unique index:
// the second waits for the first and then updates its contact.
func (s *Store) upsertContact(ctx context.Context, tx *sql.Tx, now time.Time, ch *hookhub.RecordChange) (*hookhub.Contact, bool, []string, error) {
	in := *ch.Contact
	in.TenantID, in.CreatedAt, in.UpdatedAt = ch.TenantID, now, now
	if in.IntegrationID == 0 {
		in.IntegrationID = ch.IntegrationID
	}
	args, err := contactArgs(&in)
	if err != nil {
		return nil, false, nil, err
	}
	args = append([]any{in.TenantID}, append(args, in.IntegrationID, msv(now), msv(now))...)
	err = tx.QueryRowContext(ctx, `INSERT INTO contacts (tenant_id, first_name, last_name, email, email_key, name_key, phone_country, phone_number,
			billing_address, shipping_address, source, integration_id, created_at, updated_at)
		VALUES (`+placeholders(1, len(args))+`)
		ON CONFLICT (tenant_id, email_key) DO NOTHING RETURNING id`, args...).Scan(&in.ID)
	if err == nil {
		return &in, true, nil, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil, fmt.Errorf("insert contact: %w", err)
	}
	old, err := scanContact(tx.QueryRowContext(ctx, `SELECT `+contactColumns+` FROM contacts WHERE tenant_id = $1 AND email_key = $2`+s.forUpdate(),
		in.TenantID, hookhub.EmailKey(in.Email)))
	if err != nil {
		return nil, false, nil, fmt.Errorf("get contact by email: %w", err)
	}
	changed := old.Merge(&in)
	if len(changed) == 0 {
		return old, false, nil, nil
	}
	old.UpdatedAt = now
	args, err = contactArgs(old)
	if err != nil {
		return nil, false, nil, err
	}
	args = append(args, msv(now), old.ID)
	_, err = tx.ExecContext(ctx, `UPDATE contacts SET first_name = $1, last_name = $2, email = $3, email_key = $4, name_key = $5,
		phone_country = $6, phone_number = $7, billing_address = $8, shipping_address = $9, source = $10, updated_at = $11
		WHERE id = $12`, args...)
	if err != nil {
		return nil, false, nil, fmt.Errorf("update contact: %w", err)
	}
	return old, false, changed, nil
}

const orderColumns = `id, tenant_id, contact_id, integration_id, external_id, type, user_id, ordered_at,
	shipping, taxes, total, items, created_at, updated_at`

func scanOrder(sc scanner) (*hookhub.Order, error) {
	var o hookhub.Order
	var typ, shipping, taxes, total, items string
	var date, created, updated int64
	err := sc.Scan(&o.ID, &o.TenantID, &o.ContactID, &o.IntegrationID, &o.ExternalID, &typ, &o.UserID, &date,
		&shipping, &taxes, &total, &items, &created, &updated)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(items), &o.Items); err != nil {
		return nil, fmt.Errorf("decode items of order %d: %w", o.ID, err)
	}
	o.Type, o.Shipping, o.Taxes, o.Total = hookhub.OrderType(typ), hookhub.Decimal(shipping), hookhub.Decimal(taxes), hookhub.Decimal(total)
	o.Date, o.CreatedAt, o.UpdatedAt = fromMSv(date), fromMSv(created), fromMSv(updated)
	return &o, nil
}

// orderArgs are an order's columns from contact_id to items.
func orderArgs(o *hookhub.Order) ([]any, error) {
	items := o.Items
	if items == nil {
		items = []hookhub.OrderItem{}
	}
	b, err := json.Marshal(items)
	if err != nil {
		return nil, fmt.Errorf("encode items: %w", err)
	}
	return []any{o.ContactID, o.IntegrationID, o.ExternalID, string(o.Type), o.UserID, msv(o.Date),
		string(o.Shipping), string(o.Taxes), string(o.Total), string(b)}, nil
}

// upsertOrder creates the change's order for the contact, or merges it
// into the one with its integration and external id.
func (s *Store) upsertOrder(ctx context.Context, tx *sql.Tx, now time.Time, ch *hookhub.RecordChange, contactID int64) (*hookhub.Order, bool, []string, error) {
	in := *ch.Order
	in.TenantID, in.ContactID, in.CreatedAt, in.UpdatedAt = ch.TenantID, contactID, now, now
	if in.IntegrationID == 0 {
		in.IntegrationID = ch.IntegrationID
	}
	in.Date = fromMSv(msv(in.Date))
	if in.Items == nil {
		in.Items = []hookhub.OrderItem{}
	}
	args, err := orderArgs(&in)
	if err != nil {
		return nil, false, nil, err
	}
	args = append([]any{in.TenantID}, append(args, msv(now), msv(now))...)
	err = tx.QueryRowContext(ctx, `INSERT INTO orders (tenant_id, contact_id, integration_id, external_id, type, user_id, ordered_at,
			shipping, taxes, total, items, created_at, updated_at)
		VALUES (`+placeholders(1, len(args))+`)
		ON CONFLICT (tenant_id, integration_id, external_id) DO NOTHING RETURNING id`, args...).Scan(&in.ID)
	if err == nil {
		return &in, true, nil, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil, fmt.Errorf("insert order: %w", err)
	}
	old, err := scanOrder(tx.QueryRowContext(ctx, `SELECT `+orderColumns+` FROM orders
		WHERE tenant_id = $1 AND integration_id = $2 AND external_id = $3`+s.forUpdate(), in.TenantID, in.IntegrationID, in.ExternalID))
	if err != nil {
		return nil, false, nil, fmt.Errorf("get order by external id: %w", err)
	}
	changed := old.Merge(&in)
	if len(changed) == 0 {
		return old, false, nil, nil
	}
	old.UpdatedAt = now
	args, err = orderArgs(old)
	if err != nil {
		return nil, false, nil, err
	}
	args = append(args, msv(now), old.ID)
	_, err = tx.ExecContext(ctx, `UPDATE orders SET contact_id = $1, integration_id = $2, external_id = $3, type = $4, user_id = $5,
		ordered_at = $6, shipping = $7, taxes = $8, total = $9, items = $10, updated_at = $11 WHERE id = $12`, args...)
	if err != nil {
		return nil, false, nil, fmt.Errorf("update order: %w", err)
	}
	return old, false, changed, nil
}

// GetContact finds one of a tenant's contacts.
func (s *Store) GetContact(ctx context.Context, tenantID string, id int64) (*hookhub.Contact, error) {
	c, err := scanContact(s.R.QueryRowContext(ctx, `SELECT `+contactColumns+` FROM contacts WHERE tenant_id = $1 AND id = $2`, tenantID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("contact", id)
	}
	if err != nil {
		return nil, fmt.Errorf("get contact: %w", err)
	}
	return c, nil
}

// ListContacts lists a tenant's contacts, newest first.
func (s *Store) ListContacts(ctx context.Context, tenantID string, f hookhub.ContactFilter) ([]*hookhub.Contact, error) {
	var w where
	w.add("tenant_id = %s", tenantID)
	if f.Email != "" {
		w.add("email_key = %s", hookhub.EmailKey(f.Email))
	}
	if q := strings.ToLower(strings.TrimSpace(f.Search)); q != "" {
		w.add(`(name_key LIKE %[1]s ESCAPE '\' OR email_key LIKE %[1]s ESCAPE '\')`, "%"+escapeLike(q)+"%")
	}
	if f.Source != "" {
		w.add("source = %s", f.Source)
	}
	if f.IntegrationID != 0 {
		w.add("integration_id = %s", f.IntegrationID)
	}
	if !f.Since.IsZero() {
		w.add("created_at >= %s", msv(f.Since))
	}
	if !f.Until.IsZero() {
		w.add("created_at < %s", msv(f.Until))
	}
	tail := w.page(f.Page, "id")
	cs, err := collect(ctx, s.R, scanContact, `SELECT `+contactColumns+` FROM contacts`+tail, w.args...)
	if err != nil {
		return nil, fmt.Errorf("list contacts: %w", err)
	}
	return cs, nil
}

// escapeLike escapes LIKE's wildcards (and its escape character) in s.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// GetOrder finds one of a tenant's orders.
func (s *Store) GetOrder(ctx context.Context, tenantID string, id int64) (*hookhub.Order, error) {
	o, err := scanOrder(s.R.QueryRowContext(ctx, `SELECT `+orderColumns+` FROM orders WHERE tenant_id = $1 AND id = $2`, tenantID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("order", id)
	}
	if err != nil {
		return nil, fmt.Errorf("get order: %w", err)
	}
	return o, nil
}

// ListOrders lists a tenant's orders, newest first.
func (s *Store) ListOrders(ctx context.Context, tenantID string, f hookhub.OrderFilter) ([]*hookhub.Order, error) {
	var w where
	w.add("tenant_id = %s", tenantID)
	if f.ContactID != 0 {
		w.add("contact_id = %s", f.ContactID)
	}
	if f.IntegrationID != 0 {
		w.add("integration_id = %s", f.IntegrationID)
	}
	if f.ExternalID != "" {
		w.add("external_id = %s", f.ExternalID)
	}
	if f.Type != "" {
		w.add("type = %s", string(f.Type))
	}
	if !f.Since.IsZero() {
		w.add("ordered_at >= %s", msv(f.Since))
	}
	if !f.Until.IsZero() {
		w.add("ordered_at < %s", msv(f.Until))
	}
	tail := w.page(f.Page, "id")
	orders, err := collect(ctx, s.R, scanOrder, `SELECT `+orderColumns+` FROM orders`+tail, w.args...)
	if err != nil {
		return nil, fmt.Errorf("list orders: %w", err)
	}
	return orders, nil
}
