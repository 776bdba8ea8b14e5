package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/crm"
)

// ApplyCRM applies a change's operations, publishes the events they raise
// and marks its message done, in one transaction.
func (s *Store) ApplyCRM(ctx context.Context, now time.Time, ch *crm.CRMChange) (*crm.CRMResult, error) {
	now = fromMSv(msv(now)) // what a read will give back
	var res *crm.CRMResult
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		a := &applier{s: s, tx: tx, now: now, ch: ch, res: &crm.CRMResult{}}
		if ch.MessageID != 0 {
			// First, so that a stale claim stops before it changes anything.
			o := hookhub.InboundOutcome{Status: hookhub.InboundDone, Try: ch.MessageTry}
			if err := s.finishInbound(ctx, tx, ch.TenantID, ch.MessageID, o, now); err != nil {
				return err
			}
		}
		for i := range ch.Ops {
			a.op = i
			if err := a.apply(ctx, &ch.Ops[i]); err != nil {
				return opError(i, len(ch.Ops), err)
			}
		}
		if len(a.reqs) > 0 {
			var err error
			if a.res.Events, err = s.publishTx(ctx, tx, now, hookhub.Lease{}, a.reqs); err != nil {
				return err
			}
		}
		res = a.res
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// opError names the operation of a batch an error came from, keeping its
// code.
func opError(i, n int, err error) error {
	var e *hookhub.Error
	if n == 1 || !errors.As(err, &e) {
		return err
	}
	return &hookhub.Error{Code: e.Code, Message: fmt.Sprintf("[%d]: %s", i, e.Message), Fields: e.Fields}
}

// applier applies the operations of one change in its transaction.
type applier struct {
	s    *Store
	tx   *sql.Tx
	now  time.Time
	ch   *crm.CRMChange
	op   int
	res  *crm.CRMResult
	reqs []hookhub.PublishRequest
}

func (a *applier) apply(ctx context.Context, op *crm.CRMOp) error {
	switch op.Kind {
	case crm.OpSaveContact:
		_, err := a.saveContact(ctx, op.Contact, op.Ref)
		return err
	case crm.OpDeleteContact:
		return a.deleteContact(ctx, op.Ref)
	case crm.OpSaveProduct:
		return a.saveProduct(ctx, op.Product)
	case crm.OpDeleteProduct:
		return a.deleteByRef(ctx, "product", op.Ref)
	case crm.OpSaveOrder:
		return a.saveOrder(ctx, op.Contact, op.Ref, op.Order)
	case crm.OpDeleteOrder:
		return a.deleteByRef(ctx, "order", op.Ref)
	case crm.OpAddActivity:
		c, err := a.saveContact(ctx, op.Contact, op.Ref)
		if err != nil {
			return err
		}
		return a.addActivity(ctx, c.ID, op.Activity)
	case crm.OpSaveTicket:
		return a.saveTicket(ctx, op.Contact, op.Ticket)
	case crm.OpReport:
		return a.report(ctx, op.Report)
	case crm.OpOptOut:
		return a.optOut(ctx, op.OptOut)
	case crm.OpStandardize:
		return a.standardize(ctx, op.Select)
	case crm.OpDedup:
		return a.dedup(ctx, op.Select)
	case crm.OpSend:
		return a.send(ctx, op.Message, op.Mail)
	}
	return hookhub.Invalid("kind", "unknown operation %q", op.Kind)
}

// raise queues an event to publish when the operations are done.
func (a *applier) raise(e *hookhub.Event, err error) error {
	if err != nil {
		return err
	}
	a.reqs = append(a.reqs, hookhub.PublishRequest{Event: e})
	return nil
}

func (a *applier) effect(entity string, id int64, created, deleted bool, changed []string) {
	a.res.Effects = append(a.res.Effects, crm.Effect{Op: a.op, Entity: entity, ID: id, Created: created, Deleted: deleted, Changed: changed})
}

// saved records the effect of saving a record and raises its created or
// changed event (none when nothing changed).
func (a *applier) saved(entity string, id int64, created bool, changed []string, event func(string, []string) (*hookhub.Event, error)) error {
	a.effect(entity, id, created, false, changed)
	switch {
	case created:
		return a.raise(event(entity+".created", nil))
	case len(changed) > 0:
		return a.raise(event(entity+".changed", changed))
	}
	return nil
}

// saveContact saves a contact: the one the source knows by ref, when it
// has one, else the one with its e-mail, else (without an e-mail) the
// oldest contact without one that has its phone; and then remembers ref,
// with the source's time of the report.
func (a *applier) saveContact(ctx context.Context, in *crm.Contact, ref string) (*crm.Contact, error) {
	c, created, changed, err := a.contactByRef(ctx, in, ref)
	if err != nil {
		return nil, err
	}
	if c == nil && ref != "" {
		// An id not seen yet: claim it before looking further, so that a
		// report of the same id in another transaction waits for this one
		// and then finds its contact. Without an e-mail nothing else would
		// make the two meet.
		claimed, err := a.claimRef(ctx, ref)
		if err != nil {
			return nil, err
		}
		if !claimed {
			if c, created, changed, err = a.contactByRef(ctx, in, ref); err != nil {
				return nil, err
			}
		}
	}
	if c == nil && in.Email == "" {
		if c, err = a.phoneOnlyContact(ctx, in.Phone); err != nil {
			return nil, err
		}
		if c != nil {
			if changed = c.Merge(in); len(changed) > 0 {
				if err := a.s.updateContact(ctx, a.tx, a.now, c); err != nil {
					return nil, err
				}
			}
		}
	}
	if c == nil {
		if c, created, changed, err = a.s.saveContact(ctx, a.tx, a.now, a.ch.TenantID, a.ch.IntegrationID, in); err != nil {
			return nil, err
		}
	}
	if ref != "" {
		// The ref's time only moves forward: a late report that reached
		// here (its contact was found otherwise) does not turn it back.
		_, err := a.tx.ExecContext(ctx, `INSERT INTO contact_refs (tenant_id, integration_id, external_id, contact_id, source_updated_at)
			VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (tenant_id, integration_id, external_id) DO UPDATE SET contact_id = excluded.contact_id,
			source_updated_at = CASE WHEN excluded.source_updated_at > contact_refs.source_updated_at
				THEN excluded.source_updated_at ELSE contact_refs.source_updated_at END`,
			a.ch.TenantID, a.ch.IntegrationID, ref, c.ID, sourceMS(in.SourceUpdatedAt))
		if err != nil {
			return nil, fmt.Errorf("save contact ref: %w", err)
		}
	}
	return c, a.saved("contact", c.ID, created, changed, c.Event)
}

// claimRef records ref with no contact yet, and reports false when the
// source already has it (made by another transaction, waited for).
func (a *applier) claimRef(ctx context.Context, ref string) (bool, error) {
	var one int
	err := a.tx.QueryRowContext(ctx, `INSERT INTO contact_refs (tenant_id, integration_id, external_id, contact_id)
		VALUES ($1, $2, $3, 0) ON CONFLICT (tenant_id, integration_id, external_id) DO NOTHING RETURNING 1`,
		a.ch.TenantID, a.ch.IntegrationID, ref).Scan(&one)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("claim contact ref: %w", err)
	}
	return true, nil
}

// phoneOnlyContact is the tenant's oldest contact without an e-mail that
// has the phone, locked; nil when there is none or the phone is empty. A
// phone alone never finds a contact with an e-mail: people share phones
// (a household, a desk), not addresses.
func (a *applier) phoneOnlyContact(ctx context.Context, p crm.Phone) (*crm.Contact, error) {
	key := crm.PhoneKey(p)
	if key == "" {
		return nil, nil
	}
	c, err := scanContact(a.tx.QueryRowContext(ctx, `SELECT `+contactColumns+` FROM contacts
		WHERE tenant_id = $1 AND phone_key = $2 AND phone_key <> '' AND email_key = '' ORDER BY id LIMIT 1`+a.s.forUpdate(),
		a.ch.TenantID, key))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("get contact by phone: %w", err)
	}
	return c, nil
}

// contactByRef updates the contact the source knows by ref with in, and
// returns nil when it knows none. A report older than the last one of ref
// (by the source's clock) changes nothing. A new e-mail address is taken
// when no other contact has it; when another has it, a contact that had
// no address is merged into that one (contact.merged), and in is saved
// into that one.
func (a *applier) contactByRef(ctx context.Context, in *crm.Contact, ref string) (*crm.Contact, bool, []string, error) {
	if ref == "" {
		return nil, false, nil, nil
	}
	old, seen, err := a.refContact(ctx, ref)
	if old == nil || err != nil {
		return nil, false, nil, err
	}
	if crm.Stale(in.SourceUpdatedAt, seen) {
		return old, false, nil, nil
	}
	var changed []string
	if in.Email != "" && crm.EmailKey(in.Email) != crm.EmailKey(old.Email) {
		other, err := a.contactByEmail(ctx, in.Email)
		if err != nil {
			return nil, false, nil, err
		}
		if other != nil {
			if old.Email == "" {
				// The source's phone-only customer now gives the address of
				// a contact hookhub knows: they are one person.
				if err := a.merge(ctx, other, []*crm.Contact{old}); err != nil {
					return nil, false, nil, err
				}
			}
			return nil, false, nil, nil // the address is another contact's: save into that one
		}
		old.Email, changed = in.Email, append(changed, "email")
	}
	changed = append(changed, old.Merge(in)...)
	if len(changed) == 0 {
		return old, false, nil, nil
	}
	if err := a.s.updateContact(ctx, a.tx, a.now, old); err != nil {
		return nil, false, nil, err
	}
	return old, false, changed, nil
}

// contactByEmail is the tenant's contact with the address, locked; nil
// when there is none.
func (a *applier) contactByEmail(ctx context.Context, email string) (*crm.Contact, error) {
	c, err := scanContact(a.tx.QueryRowContext(ctx, `SELECT `+contactColumns+` FROM contacts
		WHERE tenant_id = $1 AND email_key = $2 AND email_key <> ''`+a.s.forUpdate(), a.ch.TenantID, crm.EmailKey(email)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("get contact by email: %w", err)
	}
	return c, nil
}

// refContact is the contact the source knows by ref, locked, and the
// source's time of the last report of it (zero when unknown); nil when
// there is none.
func (a *applier) refContact(ctx context.Context, ref string) (*crm.Contact, time.Time, error) {
	var seen int64
	row := a.tx.QueryRowContext(ctx, `SELECT `+prefixed("c.", contactColumns)+`, r.source_updated_at FROM contact_refs r
		JOIN contacts c ON c.id = r.contact_id AND c.tenant_id = r.tenant_id
		WHERE r.tenant_id = $1 AND r.integration_id = $2 AND r.external_id = $3`+a.s.forUpdateOf("c"),
		a.ch.TenantID, a.ch.IntegrationID, ref)
	c, err := scanContact(scanFunc(func(dest ...any) error { return row.Scan(append(dest, &seen)...) }))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, time.Time{}, nil
	}
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("get contact by ref: %w", err)
	}
	if seen == 0 {
		return c, time.Time{}, nil
	}
	return c, fromMSv(seen), nil
}

// scanFunc is a scanner made of a function.
type scanFunc func(dest ...any) error

// Scan calls f.
func (f scanFunc) Scan(dest ...any) error { return f(dest...) }

// prefixed puts prefix before each column of a column list.
func prefixed(prefix, cols string) string {
	fields := strings.Split(cols, ",")
	for i, f := range fields {
		fields[i] = prefix + strings.TrimSpace(f)
	}
	return strings.Join(fields, ", ")
}

// forUpdateOf locks the rows of one table of a join, on PostgreSQL.
func (s *Store) forUpdateOf(table string) string {
	if s.Dialect.Name == "postgres" {
		return " FOR UPDATE OF " + table
	}
	return ""
}

// deleteContact deletes the contact the source knows by ref, and its refs.
func (a *applier) deleteContact(ctx context.Context, ref string) error {
	c, _, err := a.refContact(ctx, ref)
	if c == nil || err != nil {
		a.effect("contact", 0, false, false, nil)
		return err
	}
	// The contact's orders, tickets, activities and messages stay, as the
	// records they are, but no longer point at it.
	for _, q := range []string{
		`DELETE FROM contacts WHERE tenant_id = $1 AND id = $2`,
		`DELETE FROM contact_refs WHERE tenant_id = $1 AND contact_id = $2`,
		`UPDATE orders SET contact_id = 0 WHERE tenant_id = $1 AND contact_id = $2`,
		`UPDATE tickets SET contact_id = 0 WHERE tenant_id = $1 AND contact_id = $2`,
		`UPDATE activities SET contact_id = 0 WHERE tenant_id = $1 AND contact_id = $2`,
		`UPDATE messages SET contact_id = 0 WHERE tenant_id = $1 AND contact_id = $2`,
	} {
		if _, err := a.tx.ExecContext(ctx, q, a.ch.TenantID, c.ID); err != nil {
			return fmt.Errorf("delete contact: %w", err)
		}
	}
	a.effect("contact", c.ID, false, true, nil)
	return a.raise(c.Event(crm.EventContactDeleted, nil))
}

// saveOrder saves the order's contact, when it has one, and the order. An
// order without a contact (a sale to nobody known) has contact_id 0, and
// keeps the contact it had when a report names none.
func (a *applier) saveOrder(ctx context.Context, contact *crm.Contact, ref string, in *crm.Order) error {
	var contactID int64
	if contact != nil {
		c, err := a.saveContact(ctx, contact, ref)
		if err != nil {
			return err
		}
		contactID = c.ID
	}
	o, created, changed, err := a.s.saveOrder(ctx, a.tx, a.now, a.ch.TenantID, a.ch.IntegrationID, in, contactID)
	if err != nil {
		return err
	}
	return a.saved("order", o.ID, created, changed, o.Event)
}

// deleteByRef deletes the product or order with the integration and
// external id; none changes nothing.
func (a *applier) deleteByRef(ctx context.Context, entity, ref string) error {
	table, cols := entity+"s", orderColumns
	if entity == "product" {
		cols = productColumns
	}
	row := a.tx.QueryRowContext(ctx, `SELECT `+cols+` FROM `+table+`
		WHERE tenant_id = $1 AND integration_id = $2 AND external_id = $3`+a.s.forUpdate(), a.ch.TenantID, a.ch.IntegrationID, ref)
	var id int64
	var event func(string, []string) (*hookhub.Event, error)
	var err error
	if entity == "product" {
		var p *crm.Product
		if p, err = scanProduct(row); err == nil {
			id, event = p.ID, p.Event
		}
	} else {
		var o *crm.Order
		if o, err = scanOrder(row); err == nil {
			id, event = o.ID, o.Event
		}
	}
	if errors.Is(err, sql.ErrNoRows) {
		a.effect(entity, 0, false, false, nil)
		return nil
	}
	if err != nil {
		return fmt.Errorf("get %s to delete: %w", entity, err)
	}
	if _, err := a.tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE id = $1`, id); err != nil {
		return fmt.Errorf("delete %s: %w", entity, err)
	}
	a.effect(entity, id, false, true, nil)
	return a.raise(event(entity+".deleted", nil))
}

const productColumns = `id, tenant_id, integration_id, external_id, title, vendor, product_type, handle, status, tags, variants,
	zone_id, brand_id, created_at, updated_at, source_updated_at`

func scanProduct(sc scanner) (*crm.Product, error) {
	var p crm.Product
	var tags, variants string
	var created, updated, sourceUpdated int64
	if err := sc.Scan(&p.ID, &p.TenantID, &p.IntegrationID, &p.ExternalID, &p.Title, &p.Vendor, &p.Type, &p.Handle, &p.Status,
		&tags, &variants, &p.ZoneID, &p.BrandID, &created, &updated, &sourceUpdated); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(tags), &p.Tags); err != nil {
		return nil, fmt.Errorf("decode tags of product %d: %w", p.ID, err)
	}
	if err := json.Unmarshal([]byte(variants), &p.Variants); err != nil {
		return nil, fmt.Errorf("decode variants of product %d: %w", p.ID, err)
	}
	p.CreatedAt, p.UpdatedAt = fromMSv(created), fromMSv(updated)
	if sourceUpdated != 0 {
		p.SourceUpdatedAt = fromMSv(sourceUpdated)
	}
	return &p, nil
}

var productFields = []string{"title", "vendor", "product_type", "handle", "status", "tags", "variants", "zone_id", "brand_id", "updated_at",
	"source_updated_at"}

func productArgs(p *crm.Product) ([]any, error) {
	if p.Tags == nil {
		p.Tags = []string{}
	}
	if p.Variants == nil {
		p.Variants = []crm.ProductVariant{}
	}
	tags, err := json.Marshal(p.Tags)
	if err != nil {
		return nil, fmt.Errorf("encode tags: %w", err)
	}
	variants, err := json.Marshal(p.Variants)
	if err != nil {
		return nil, fmt.Errorf("encode variants: %w", err)
	}
	return []any{p.Title, p.Vendor, p.Type, p.Handle, p.Status, string(tags), string(variants), p.ZoneID, p.BrandID, msv(p.UpdatedAt),
		sourceMS(p.SourceUpdatedAt)}, nil
}

func (a *applier) saveProduct(ctx context.Context, in *crm.Product) error {
	p := *in
	p.CreatedAt, p.UpdatedAt = a.now, a.now
	rec, created, changed, err := upsertByRef(ctx, a, products, &p, p.ExternalID)
	if err != nil {
		return err
	}
	return a.saved("product", rec.ID, created, changed, rec.Event)
}

// record is a product or a ticket: a record of an integration with an
// external id.
type record interface {
	*crm.Product | *crm.Ticket
}

// refTable is how a record is stored: its table, the columns a read
// returns, and those its writes set, in the order args gives them.
type refTable[T record] struct {
	name, columns string
	fields        []string
	args          func(T) ([]any, error)
	scan          func(scanner) (T, error)
	id            func(T) int64
	stamp         func(rec T, tenantID string, integrationID, id int64) // sets a new record's ids
	merge         func(old, in T) []string                              // the record's Merge
	touch         func(rec T, now time.Time)                            // sets its UpdatedAt
	// source is the record's source time (nil: the table keeps none).
	source func(rec T) time.Time
}

var products = refTable[*crm.Product]{
	name: "products", columns: productColumns, fields: productFields, args: productArgs, scan: scanProduct,
	id:     func(p *crm.Product) int64 { return p.ID },
	stamp:  func(p *crm.Product, ten string, in, id int64) { p.TenantID, p.IntegrationID, p.ID = ten, in, id },
	merge:  (*crm.Product).Merge,
	touch:  func(p *crm.Product, now time.Time) { p.UpdatedAt = now },
	source: func(p *crm.Product) time.Time { return p.SourceUpdatedAt },
}

var tickets = refTable[*crm.Ticket]{
	name: "tickets", columns: ticketColumns, fields: ticketFields, args: ticketArgs, scan: scanTicket,
	id:    func(t *crm.Ticket) int64 { return t.ID },
	stamp: func(t *crm.Ticket, ten string, in, id int64) { t.TenantID, t.IntegrationID, t.ID = ten, in, id },
	merge: (*crm.Ticket).Merge,
	touch: func(t *crm.Ticket, now time.Time) { t.UpdatedAt = now },
}

// upsertByRef inserts a record of the change's integration, or merges it
// into the one with its external id and saves what changed.
func upsertByRef[T record](ctx context.Context, a *applier, tb refTable[T], in T, externalID string) (T, bool, []string, error) {
	args, err := tb.args(in)
	if err != nil {
		return nil, false, nil, err
	}
	args = append(args, a.ch.TenantID, a.ch.IntegrationID, externalID, msv(a.now))
	var id int64
	err = a.tx.QueryRowContext(ctx, `INSERT INTO `+tb.name+` (`+strings.Join(tb.fields, ", ")+`, tenant_id, integration_id, external_id, created_at)
		VALUES (`+placeholders(1, len(args))+`) ON CONFLICT (tenant_id, integration_id, external_id) DO NOTHING RETURNING id`, args...).Scan(&id)
	if err == nil {
		tb.stamp(in, a.ch.TenantID, a.ch.IntegrationID, id)
		return in, true, nil, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil, fmt.Errorf("insert into %s: %w", tb.name, err)
	}
	old, err := tb.scan(a.tx.QueryRowContext(ctx, `SELECT `+tb.columns+` FROM `+tb.name+`
		WHERE tenant_id = $1 AND integration_id = $2 AND external_id = $3`+a.s.forUpdate(), a.ch.TenantID, a.ch.IntegrationID, externalID))
	if err != nil {
		return nil, false, nil, fmt.Errorf("get from %s by external id: %w", tb.name, err)
	}
	var was time.Time
	if tb.source != nil {
		was = tb.source(old)
	}
	changed := tb.merge(old, in)
	switch {
	case len(changed) > 0:
		tb.touch(old, a.now)
		if err := update(ctx, a, tb.name, tb.fields, tb.id(old), tb.args, old); err != nil {
			return nil, false, nil, err
		}
	case tb.source != nil && tb.source(old).After(was):
		// Nothing changed but the source's time: kept, so that a report
		// older than this one is known to be stale.
		if _, err := a.tx.ExecContext(ctx, `UPDATE `+tb.name+` SET source_updated_at = $1 WHERE id = $2`,
			sourceMS(tb.source(old)), tb.id(old)); err != nil {
			return nil, false, nil, fmt.Errorf("update %s source time: %w", tb.name, err)
		}
	}
	return old, false, changed, nil
}

// update saves a record's fields, as args gives them, in the row with id.
func update[T any](ctx context.Context, a *applier, table string, fields []string, id int64, args func(T) ([]any, error), v T) error {
	vals, err := args(v)
	if err != nil {
		return err
	}
	vals = append(vals, id)
	if _, err := a.tx.ExecContext(ctx, `UPDATE `+table+` SET `+setList(fields)+fmt.Sprintf(` WHERE id = $%d`, len(vals)), vals...); err != nil {
		return fmt.Errorf("update %s: %w", table, err)
	}
	return nil
}

const ticketColumns = `id, tenant_id, integration_id, external_id, contact_id, title, status, type, via, link, comments,
	zone_id, brand_id, created_at, updated_at`

func scanTicket(sc scanner) (*crm.Ticket, error) {
	var t crm.Ticket
	var created, updated int64
	if err := sc.Scan(&t.ID, &t.TenantID, &t.IntegrationID, &t.ExternalID, &t.ContactID, &t.Title, &t.Status, &t.Type, &t.Via,
		&t.Link, &t.Comments, &t.ZoneID, &t.BrandID, &created, &updated); err != nil {
		return nil, err
	}
	t.CreatedAt, t.UpdatedAt = fromMSv(created), fromMSv(updated)
	return &t, nil
}

var ticketFields = []string{"contact_id", "title", "status", "type", "via", "link", "comments", "zone_id", "brand_id", "updated_at"}

func ticketArgs(t *crm.Ticket) ([]any, error) {
	return []any{t.ContactID, t.Title, t.Status, t.Type, t.Via, t.Link, t.Comments, t.ZoneID, t.BrandID, msv(t.UpdatedAt)}, nil
}

func (a *applier) saveTicket(ctx context.Context, requester *crm.Contact, in *crm.Ticket) error {
	c, err := a.saveContact(ctx, requester, "")
	if err != nil {
		return err
	}
	t := *in
	t.ContactID, t.CreatedAt, t.UpdatedAt = c.ID, a.now, a.now
	rec, created, changed, err := upsertByRef(ctx, a, tickets, &t, t.ExternalID)
	if err != nil {
		return err
	}
	return a.saved("ticket", rec.ID, created, changed, rec.Event)
}

const activityColumns = `id, tenant_id, contact_id, integration_id, type, data, occurred_at, zone_id, brand_id, created_at`

func scanActivity(sc scanner) (*crm.Activity, error) {
	var act crm.Activity
	var data sql.NullString
	var occurred, created int64
	if err := sc.Scan(&act.ID, &act.TenantID, &act.ContactID, &act.IntegrationID, &act.Type, &data, &occurred, &act.ZoneID, &act.BrandID, &created); err != nil {
		return nil, err
	}
	if data.Valid {
		act.Data = json.RawMessage(data.String)
	}
	act.OccurredAt, act.CreatedAt = fromMSv(occurred), fromMSv(created)
	return &act, nil
}

// insertActivity adds an activity of the contact and sets its id.
func (a *applier) insertActivity(ctx context.Context, act *crm.Activity) error {
	var data sql.NullString
	if len(act.Data) > 0 {
		data = sql.NullString{String: string(act.Data), Valid: true}
	}
	if act.OccurredAt.IsZero() {
		act.OccurredAt = a.now
	}
	err := a.tx.QueryRowContext(ctx, `INSERT INTO activities (tenant_id, contact_id, integration_id, type, data, occurred_at, zone_id, brand_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		act.TenantID, act.ContactID, act.IntegrationID, act.Type, data, msv(act.OccurredAt), act.ZoneID, act.BrandID, msv(act.CreatedAt)).Scan(&act.ID)
	if err != nil {
		return fmt.Errorf("insert activity: %w", err)
	}
	return nil
}

func (a *applier) addActivity(ctx context.Context, contactID int64, in *crm.Activity) error {
	act := *in
	act.TenantID, act.ContactID, act.IntegrationID, act.CreatedAt = a.ch.TenantID, contactID, a.ch.IntegrationID, a.now
	if err := a.insertActivity(ctx, &act); err != nil {
		return err
	}
	a.effect("activity", act.ID, true, false, nil)
	return a.raise(act.Event(crm.EventActivityCreated))
}

// selectContact loads and locks the contact sel names; ENOTFOUND when the
// tenant has none.
func (a *applier) selectContact(ctx context.Context, sel crm.ContactSelector) (*crm.Contact, error) {
	q, arg := `SELECT `+contactColumns+` FROM contacts WHERE tenant_id = $1 AND id = $2`, any(sel.ID)
	if sel.ID == 0 {
		q, arg = `SELECT `+contactColumns+` FROM contacts WHERE tenant_id = $1 AND email_key = $2`, crm.EmailKey(sel.Email)
	}
	c, err := scanContact(a.tx.QueryRowContext(ctx, q+a.s.forUpdate(), a.ch.TenantID, arg))
	if errors.Is(err, sql.ErrNoRows) {
		if sel.ID != 0 {
			return nil, notFound("contact", sel.ID)
		}
		return nil, hookhub.Errorf(hookhub.ENOTFOUND, "no contact has the e-mail address %s", sel.Email)
	}
	if err != nil {
		return nil, fmt.Errorf("get contact: %w", err)
	}
	return c, nil
}

func (a *applier) standardize(ctx context.Context, sel crm.ContactSelector) error {
	c, err := a.selectContact(ctx, sel)
	if err != nil {
		return err
	}
	changed := c.StandardizeAddresses()
	if len(changed) > 0 {
		if err := a.s.updateContact(ctx, a.tx, a.now, c); err != nil {
			return err
		}
	}
	return a.saved("contact", c.ID, false, changed, c.Event)
}

// dedup merges each group of duplicates into its oldest contact: the
// others' records and external ids move to it, an activity keeps each as
// it was, and they are deleted.
func (a *applier) dedup(ctx context.Context, sel crm.ContactSelector) error {
	var only int64
	if !sel.IsZero() {
		c, err := a.selectContact(ctx, sel)
		if err != nil {
			return err
		}
		only = c.ID
	}
	all, err := collect(ctx, a.tx, scanContact, `SELECT `+contactColumns+` FROM contacts WHERE tenant_id = $1 ORDER BY id`+a.s.forUpdate(), a.ch.TenantID)
	if err != nil {
		return fmt.Errorf("list contacts to dedup: %w", err)
	}
	for _, g := range crm.DuplicateGroups(all) {
		if only != 0 && !slices.ContainsFunc(g, func(c *crm.Contact) bool { return c.ID == only }) {
			continue
		}
		if err := a.merge(ctx, g[0], g[1:]); err != nil {
			return err
		}
	}
	return nil
}

func (a *applier) merge(ctx context.Context, keep *crm.Contact, dups []*crm.Contact) error {
	var changed []string
	var merged []int64
	for _, d := range dups {
		for _, f := range keep.Absorb(d) {
			if !slices.Contains(changed, f) {
				changed = append(changed, f)
			}
		}
		for _, table := range []string{"orders", "tickets", "activities", "messages", "contact_refs"} {
			if _, err := a.tx.ExecContext(ctx, `UPDATE `+table+` SET contact_id = $1 WHERE tenant_id = $2 AND contact_id = $3`,
				keep.ID, a.ch.TenantID, d.ID); err != nil {
				return fmt.Errorf("move %s of contact %d: %w", table, d.ID, err)
			}
		}
		data, err := json.Marshal(d)
		if err != nil {
			return fmt.Errorf("encode merged contact: %w", err)
		}
		act := &crm.Activity{TenantID: a.ch.TenantID, ContactID: keep.ID, IntegrationID: a.ch.IntegrationID, Type: crm.ActivityMerge,
			Data: data, OccurredAt: a.now, CreatedAt: a.now}
		if err := a.insertActivity(ctx, act); err != nil {
			return err
		}
		if _, err := a.tx.ExecContext(ctx, `DELETE FROM contacts WHERE id = $1`, d.ID); err != nil {
			return fmt.Errorf("delete merged contact %d: %w", d.ID, err)
		}
		a.effect("contact", d.ID, false, true, nil)
		merged = append(merged, d.ID)
	}
	if len(changed) > 0 {
		if err := a.s.updateContact(ctx, a.tx, a.now, keep); err != nil {
			return err
		}
	}
	a.effect("contact", keep.ID, false, false, changed)
	return a.raise(keep.MergedEvent(merged, changed))
}

// GetProduct finds one of a tenant's products.
func (s *Store) GetProduct(ctx context.Context, tenantID string, id int64) (*crm.Product, error) {
	return getOne(ctx, s, scanProduct, "product", `SELECT `+productColumns+` FROM products WHERE tenant_id = $1 AND id = $2`, tenantID, id)
}

// ListProducts lists a tenant's products, newest first.
func (s *Store) ListProducts(ctx context.Context, tenantID string, f crm.ProductFilter) ([]*crm.Product, error) {
	var w where
	w.add("tenant_id = %s", tenantID)
	if f.IntegrationID != 0 {
		w.add("integration_id = %s", f.IntegrationID)
	}
	if f.ExternalID != "" {
		w.add("external_id = %s", f.ExternalID)
	}
	return listOf(ctx, s, scanProduct, "products", productColumns, &w, f.Page)
}

// GetTicket finds one of a tenant's tickets.
func (s *Store) GetTicket(ctx context.Context, tenantID string, id int64) (*crm.Ticket, error) {
	return getOne(ctx, s, scanTicket, "ticket", `SELECT `+ticketColumns+` FROM tickets WHERE tenant_id = $1 AND id = $2`, tenantID, id)
}

// ListTickets lists a tenant's tickets, newest first.
func (s *Store) ListTickets(ctx context.Context, tenantID string, f crm.TicketFilter) ([]*crm.Ticket, error) {
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
	if f.Status != "" {
		w.add("status = %s", f.Status)
	}
	return listOf(ctx, s, scanTicket, "tickets", ticketColumns, &w, f.Page)
}

// ListActivities lists a tenant's activities, newest first.
func (s *Store) ListActivities(ctx context.Context, tenantID string, f crm.ActivityFilter) ([]*crm.Activity, error) {
	var w where
	w.add("tenant_id = %s", tenantID)
	if f.ContactID != 0 {
		w.add("contact_id = %s", f.ContactID)
	}
	if f.Type != "" {
		w.add("type = %s", f.Type)
	}
	return listOf(ctx, s, scanActivity, "activities", activityColumns, &w, f.Page)
}

// getOne reads one record of a tenant; ENOTFOUND when there is none.
func getOne[T any](ctx context.Context, s *Store, scan func(scanner) (T, error), what, query string, tenantID string, id int64) (T, error) {
	v, err := scan(s.R.QueryRowContext(ctx, query, tenantID, id))
	if errors.Is(err, sql.ErrNoRows) {
		var zero T
		return zero, notFound(what, id)
	}
	if err != nil {
		var zero T
		return zero, fmt.Errorf("get %s: %w", what, err)
	}
	return v, nil
}

// listOf reads a page of a table, newest first.
func listOf[T any](ctx context.Context, s *Store, scan func(scanner) (T, error), table, cols string, w *where, p hookhub.Page) ([]T, error) {
	tail := w.page(p, "id")
	out, err := collect(ctx, s.R, scan, `SELECT `+cols+` FROM `+table+tail, w.args...)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", table, err)
	}
	return out, nil
}
