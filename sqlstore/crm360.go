package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/crm"
)

const crm360AccountColumns = `tenant_id, customer_name, database_alias, updated_at`

func scanCRM360Account(sc scanner) (*crm.CRM360Account, error) {
	var a crm.CRM360Account
	var updated int64
	if err := sc.Scan(&a.TenantID, &a.CustomerName, &a.DatabaseAlias, &updated); err != nil {
		return nil, err
	}
	a.UpdatedAt = fromMSv(updated)
	return &a, nil
}

// PutCRM360Account sets a tenant's CRM360 name.
func (s *Store) PutCRM360Account(ctx context.Context, a *crm.CRM360Account) error {
	_, err := s.W.ExecContext(ctx, `INSERT INTO crm360_accounts (tenant_id, customer_name, database_alias, customer_key, alias_key, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (tenant_id) DO UPDATE SET customer_name = excluded.customer_name, database_alias = excluded.database_alias,
			customer_key = excluded.customer_key, alias_key = excluded.alias_key, updated_at = excluded.updated_at`,
		a.TenantID, a.CustomerName, a.DatabaseAlias, crm.CRM360Key(a.CustomerName), crm.CRM360Key(a.DatabaseAlias), msv(a.UpdatedAt))
	if err != nil {
		if s.Dialect.IsUniqueViolation(err) {
			return hookhub.Errorf(hookhub.ECONFLICT, "another tenant has CustomerName %q and DatabaseAlias %q", a.CustomerName, a.DatabaseAlias)
		}
		return fmt.Errorf("put crm360 account: %w", err)
	}
	return nil
}

// GetCRM360Account returns a tenant's CRM360 name.
func (s *Store) GetCRM360Account(ctx context.Context, tenantID string) (*crm.CRM360Account, error) {
	a, err := scanCRM360Account(s.R.QueryRowContext(ctx, `SELECT `+crm360AccountColumns+` FROM crm360_accounts WHERE tenant_id = $1`, tenantID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, hookhub.Errorf(hookhub.ENOTFOUND, "the tenant has no CRM360 name yet")
	}
	if err != nil {
		return nil, fmt.Errorf("get crm360 account: %w", err)
	}
	return a, nil
}

// CRM360AccountByName finds the tenant of a CRM360 name, in any case.
func (s *Store) CRM360AccountByName(ctx context.Context, customerName, databaseAlias string) (*crm.CRM360Account, error) {
	a, err := scanCRM360Account(s.R.QueryRowContext(ctx, `SELECT `+crm360AccountColumns+` FROM crm360_accounts
		WHERE customer_key = $1 AND alias_key = $2`, crm.CRM360Key(customerName), crm.CRM360Key(databaseAlias)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, hookhub.Errorf(hookhub.ENOTFOUND, "no customer has CustomerName %q and DatabaseAlias %q", customerName, databaseAlias)
	}
	if err != nil {
		return nil, fmt.Errorf("find crm360 account: %w", err)
	}
	return a, nil
}

// PutCRM360Source sets the settings of one of a tenant's integrations.
func (s *Store) PutCRM360Source(ctx context.Context, src *crm.CRM360Source) error {
	var secret []byte
	if src.Secret != "" {
		secret = s.Sealer.Seal([]byte(src.Secret))
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM integrations WHERE tenant_id = $1 AND id = $2`, src.TenantID, src.IntegrationID).Scan(&n); err != nil {
			return fmt.Errorf("find integration: %w", err)
		}
		if n == 0 {
			return notFound("integration", src.IntegrationID)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO crm360_sources (integration_id, tenant_id, auth, secret, updated_at, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (integration_id) DO UPDATE SET auth = excluded.auth, secret = excluded.secret,
				updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
			src.IntegrationID, src.TenantID, string(src.Auth), secret, msv(src.UpdatedAt), src.UpdatedBy)
		if err != nil {
			return fmt.Errorf("put crm360 source: %w", err)
		}
		return nil
	})
}

// GetCRM360Source returns the settings of one of a tenant's integrations.
func (s *Store) GetCRM360Source(ctx context.Context, tenantID string, integrationID int64) (*crm.CRM360Source, error) {
	src := crm.CRM360Source{IntegrationID: integrationID, TenantID: tenantID}
	var auth string
	var secret []byte
	var updated int64
	err := s.R.QueryRowContext(ctx, `SELECT auth, secret, updated_at, updated_by FROM crm360_sources WHERE tenant_id = $1 AND integration_id = $2`,
		tenantID, integrationID).Scan(&auth, &secret, &updated, &src.UpdatedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, hookhub.Errorf(hookhub.ENOTFOUND, "integration %d has no CRM360 settings", integrationID)
	}
	if err != nil {
		return nil, fmt.Errorf("get crm360 source: %w", err)
	}
	if len(secret) > 0 {
		plain, err := s.Sealer.Open(secret)
		if err != nil {
			return nil, fmt.Errorf("open secret of integration %d: %w", integrationID, err)
		}
		src.Secret = string(plain)
	}
	src.Auth, src.UpdatedAt = crm.SourceAuth(auth), fromMSv(updated)
	return &src, nil
}

// QueueInboundMessage stores a queued inbound message and the e-mails
// that copy it, in one transaction.
func (s *Store) QueueInboundMessage(ctx context.Context, m *hookhub.InboundMessage, copyTo []string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := insertInbound(ctx, tx, m); err != nil {
			return err
		}
		for _, to := range copyTo {
			mail := crm.InboundCopyMail(m, to, m.ReceivedAt)
			if err := insertMail(ctx, tx, &mail); err != nil {
				return err
			}
		}
		return s.notifyDue(ctx, tx)
	})
}
