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

// SaveRecords applies a change to a tenant's records, publishes the events
// it raises and marks its message done, in one transaction.
func (s *Store) SaveRecords(ctx context.Context, now time.Time, ch *crm.RecordChange) (*crm.RecordResult, error) {
	now = fromMSv(msv(now)) // what a read will give back
	var res *crm.RecordResult
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res = &crm.RecordResult{}
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
			err = raise(c.Event(crm.EventContactCreated, nil))
		case len(changed) > 0:
			err = raise(c.Event(crm.EventContactChanged, changed))
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
				err = raise(o.Event(crm.EventOrderCreated, nil))
			case len(changed) > 0:
				err = raise(o.Event(crm.EventOrderChanged, changed))
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
		res.Events, err = s.publishTx(ctx, tx, now, hookhub.Lease{}, reqs)
		return err
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

const contactColumns = `id, tenant_id, first_name, last_name, email, phone_country, phone_number,
	billing_address, shipping_address, source, integration_id, zone_id, brand_id, address_type_id,
	email_consent, sms_consent, created_at, updated_at`

func scanContact(sc scanner) (*crm.Contact, error) {
	var c crm.Contact
	var billing, shipping sql.NullString
	var emailConsent, smsConsent string
	var created, updated int64
	err := sc.Scan(&c.ID, &c.TenantID, &c.FirstName, &c.LastName, &c.Email, &c.Phone.Country, &c.Phone.Number,
		&billing, &shipping, &c.Source, &c.IntegrationID, &c.ZoneID, &c.BrandID, &c.AddressTypeID,
		&emailConsent, &smsConsent, &created, &updated)
	if err != nil {
		return nil, err
	}
	for _, a := range []struct {
		col sql.NullString
		dst **crm.Address
	}{{billing, &c.BillingAddress}, {shipping, &c.ShippingAddress}} {
		if a.col.Valid {
			if err := json.Unmarshal([]byte(a.col.String), a.dst); err != nil {
				return nil, fmt.Errorf("decode address of contact %d: %w", c.ID, err)
			}
		}
	}
	c.EmailConsent, c.SMSConsent = crm.Consent(emailConsent), crm.Consent(smsConsent)
	c.CreatedAt, c.UpdatedAt = fromMSv(created), fromMSv(updated)
	return &c, nil
}

// contactFields are the columns a contact's writes set, in contactArgs
// order.
var contactFields = []string{"first_name", "last_name", "email", "email_key", "name_key", "phone_country", "phone_number",
	"billing_address", "shipping_address", "source", "phone_key", "zone_id", "brand_id", "address_type_id",
	"email_consent", "sms_consent", "updated_at"}

// contactArgs are a contact's columns in contactFields order, with the
// keys it is matched and searched by.
func contactArgs(c *crm.Contact) ([]any, error) {
	billing, err := nullJSON(c.BillingAddress, c.BillingAddress == nil)
	if err != nil {
		return nil, fmt.Errorf("encode billing address: %w", err)
	}
	shipping, err := nullJSON(c.ShippingAddress, c.ShippingAddress == nil)
	if err != nil {
		return nil, fmt.Errorf("encode shipping address: %w", err)
	}
	nameKey := strings.ToLower(strings.TrimSpace(c.FirstName + " " + c.LastName))
	return []any{c.FirstName, c.LastName, c.Email, crm.EmailKey(c.Email), nameKey, c.Phone.Country, c.Phone.Number,
		billing, shipping, c.Source, crm.PhoneKey(c.Phone), c.ZoneID, c.BrandID, c.AddressTypeID,
		string(c.EmailConsent), string(c.SMSConsent), msv(c.UpdatedAt)}, nil
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
// with its e-mail.
func (s *Store) upsertContact(ctx context.Context, tx *sql.Tx, now time.Time, ch *crm.RecordChange) (*crm.Contact, bool, []string, error) {
	return s.saveContact(ctx, tx, now, ch.TenantID, ch.IntegrationID, ch.Contact)
}

// saveContact creates a contact of the tenant or merges it into the one
// with its e-mail. Inserting first, with ON CONFLICT DO NOTHING, makes two
// transactions that bring the same new address meet at the unique index:
// the second waits for the first and then updates its contact.
func (s *Store) saveContact(ctx context.Context, tx *sql.Tx, now time.Time, tenantID string, integrationID int64, c *crm.Contact) (*crm.Contact, bool, []string, error) {
	in := *c
	in.TenantID, in.CreatedAt, in.UpdatedAt = tenantID, now, now
	if in.IntegrationID == 0 {
		in.IntegrationID = integrationID
	}
	created, err := s.insertContact(ctx, tx, &in)
	if err != nil || created {
		return &in, created, nil, err
	}
	old, err := scanContact(tx.QueryRowContext(ctx, `SELECT `+contactColumns+` FROM contacts WHERE tenant_id = $1 AND email_key = $2`+s.forUpdate(),
		in.TenantID, crm.EmailKey(in.Email)))
	if err != nil {
		return nil, false, nil, fmt.Errorf("get contact by email: %w", err)
	}
	changed := old.Merge(&in)
	if len(changed) == 0 {
		return old, false, nil, nil
	}
	if err := s.updateContact(ctx, tx, now, old); err != nil {
		return nil, false, nil, err
	}
	return old, false, changed, nil
}

// insertContact inserts c and sets its id, unless the tenant has a
// contact with its e-mail: then it reports false. A contact without an
// e-mail is always inserted.
func (s *Store) insertContact(ctx context.Context, tx *sql.Tx, c *crm.Contact) (bool, error) {
	args, err := contactArgs(c)
	if err != nil {
		return false, err
	}
	args = append(args, c.TenantID, c.IntegrationID, msv(c.CreatedAt))
	cols := strings.Join(contactFields, ", ") + ", tenant_id, integration_id, created_at"
	// The index is on the contacts with an address (migration 0014); the
	// conflict target names its condition so that both databases find it.
	err = tx.QueryRowContext(ctx, `INSERT INTO contacts (`+cols+`) VALUES (`+placeholders(1, len(args))+`)
		ON CONFLICT (tenant_id, email_key) WHERE email_key <> '' DO NOTHING RETURNING id`, args...).Scan(&c.ID)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("insert contact: %w", err)
	}
	return true, nil
}

// updateContact saves c's fields, stamped updated at now.
func (s *Store) updateContact(ctx context.Context, tx *sql.Tx, now time.Time, c *crm.Contact) error {
	c.UpdatedAt = now
	args, err := contactArgs(c)
	if err != nil {
		return err
	}
	args = append(args, c.ID)
	if _, err := tx.ExecContext(ctx, `UPDATE contacts SET `+setList(contactFields)+fmt.Sprintf(` WHERE id = $%d`, len(args)), args...); err != nil {
		if s.Dialect.IsUniqueViolation(err) {
			return hookhub.Errorf(hookhub.ECONFLICT, "another contact has the e-mail address %s", c.Email)
		}
		return fmt.Errorf("update contact: %w", err)
	}
	return nil
}

const orderColumns = `id, tenant_id, contact_id, integration_id, external_id, type, user_id, ordered_at,
	shipping, taxes, total, items, currency, store, zone_id, brand_id, created_at, updated_at, source_updated_at`

func scanOrder(sc scanner) (*crm.Order, error) {
	var o crm.Order
	var typ, shipping, taxes, total, items string
	var date, created, updated, sourceUpdated int64
	err := sc.Scan(&o.ID, &o.TenantID, &o.ContactID, &o.IntegrationID, &o.ExternalID, &typ, &o.UserID, &date,
		&shipping, &taxes, &total, &items, &o.Currency, &o.Store, &o.ZoneID, &o.BrandID, &created, &updated, &sourceUpdated)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(items), &o.Items); err != nil {
		return nil, fmt.Errorf("decode items of order %d: %w", o.ID, err)
	}
	o.Type, o.Shipping, o.Taxes, o.Total = crm.OrderType(typ), crm.Decimal(shipping), crm.Decimal(taxes), crm.Decimal(total)
	o.Date, o.CreatedAt, o.UpdatedAt = fromMSv(date), fromMSv(created), fromMSv(updated)
	if sourceUpdated != 0 {
		o.SourceUpdatedAt = fromMSv(sourceUpdated)
	}
	return &o, nil
}

// orderFields are the columns an order's writes set, in orderArgs order.
var orderFields = []string{"contact_id", "integration_id", "external_id", "type", "user_id", "ordered_at",
	"shipping", "taxes", "total", "items", "currency", "store", "zone_id", "brand_id", "updated_at", "source_updated_at"}

// orderArgs are an order's columns in orderFields order.
func orderArgs(o *crm.Order) ([]any, error) {
	items := o.Items
	if items == nil {
		items = []crm.OrderItem{}
	}
	b, err := json.Marshal(items)
	if err != nil {
		return nil, fmt.Errorf("encode items: %w", err)
	}
	return []any{o.ContactID, o.IntegrationID, o.ExternalID, string(o.Type), o.UserID, msv(o.Date),
		string(o.Shipping), string(o.Taxes), string(o.Total), string(b), o.Currency, o.Store, o.ZoneID, o.BrandID, msv(o.UpdatedAt),
		sourceMS(o.SourceUpdatedAt)}, nil
}

// sourceMS is a source's time in milliseconds, 0 for none.
func sourceMS(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return msv(t)
}

// upsertOrder creates the change's order for the contact, or merges it
// into the one with its integration and external id.
func (s *Store) upsertOrder(ctx context.Context, tx *sql.Tx, now time.Time, ch *crm.RecordChange, contactID int64) (*crm.Order, bool, []string, error) {
	return s.saveOrder(ctx, tx, now, ch.TenantID, ch.IntegrationID, ch.Order, contactID)
}

// saveOrder creates an order of the contact, or merges it into the one
// with its integration and external id.
func (s *Store) saveOrder(ctx context.Context, tx *sql.Tx, now time.Time, tenantID string, integrationID int64, o *crm.Order, contactID int64) (*crm.Order, bool, []string, error) {
	in := *o
	in.TenantID, in.ContactID, in.CreatedAt, in.UpdatedAt = tenantID, contactID, now, now
	if in.IntegrationID == 0 {
		in.IntegrationID = integrationID
	}
	in.Date = fromMSv(msv(in.Date))
	if !in.SourceUpdatedAt.IsZero() {
		in.SourceUpdatedAt = fromMSv(msv(in.SourceUpdatedAt))
	}
	if in.Items == nil {
		in.Items = []crm.OrderItem{}
	}
	args, err := orderArgs(&in)
	if err != nil {
		return nil, false, nil, err
	}
	args = append(args, in.TenantID, msv(now))
	err = tx.QueryRowContext(ctx, `INSERT INTO orders (`+strings.Join(orderFields, ", ")+`, tenant_id, created_at)
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
	was := old.SourceUpdatedAt
	changed := old.Merge(&in)
	if len(changed) == 0 {
		if old.SourceUpdatedAt.After(was) {
			// Nothing changed but the source's time: kept, so that a report
			// older than this one is known to be stale.
			if _, err := tx.ExecContext(ctx, `UPDATE orders SET source_updated_at = $1 WHERE id = $2`, sourceMS(old.SourceUpdatedAt), old.ID); err != nil {
				return nil, false, nil, fmt.Errorf("update order source time: %w", err)
			}
		}
		return old, false, nil, nil
	}
	old.UpdatedAt = now
	args, err = orderArgs(old)
	if err != nil {
		return nil, false, nil, err
	}
	args = append(args, old.ID)
	if _, err := tx.ExecContext(ctx, `UPDATE orders SET `+setList(orderFields)+fmt.Sprintf(` WHERE id = $%d`, len(args)), args...); err != nil {
		return nil, false, nil, fmt.Errorf("update order: %w", err)
	}
	return old, false, changed, nil
}

// setList is "a = $1, b = $2, …" for the columns.
func setList(cols []string) string {
	sets := make([]string, len(cols))
	for i, c := range cols {
		sets[i] = fmt.Sprintf("%s = $%d", c, i+1)
	}
	return strings.Join(sets, ", ")
}

// GetContact finds one of a tenant's contacts.
func (s *Store) GetContact(ctx context.Context, tenantID string, id int64) (*crm.Contact, error) {
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
func (s *Store) ListContacts(ctx context.Context, tenantID string, f crm.ContactFilter) ([]*crm.Contact, error) {
	var w where
	w.add("tenant_id = %s", tenantID)
	if f.Email != "" {
		w.add("email_key = %s", crm.EmailKey(f.Email))
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
	w.between("created_at", f.Since, f.Until)
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
func (s *Store) GetOrder(ctx context.Context, tenantID string, id int64) (*crm.Order, error) {
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
func (s *Store) ListOrders(ctx context.Context, tenantID string, f crm.OrderFilter) ([]*crm.Order, error) {
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
	w.between("ordered_at", f.Since, f.Until)
	tail := w.page(f.Page, "id")
	orders, err := collect(ctx, s.R, scanOrder, `SELECT `+orderColumns+` FROM orders`+tail, w.args...)
	if err != nil {
		return nil, fmt.Errorf("list orders: %w", err)
	}
	return orders, nil
}
