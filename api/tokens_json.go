package api

import (
	"time"

	"github.com/hookhub/hookhub"
)

// The JSON shapes of API tokens.

type tokenCreateJSON struct {
	Name      string          `json:"name,omitempty" maxLength:"255"`
	Scopes    []hookhub.Scope `json:"scopes" doc:"Scopes the token carries; only scopes the caller has: webhooks.read, webhooks.create, webhooks.update, webhooks.delete, events.read, events.publish, event_types.write, tokens.manage, integrations.manage, records.read, mail.read."`
	ExpiresAt time.Time       `json:"expires_at,omitzero" doc:"When the token stops working; never when absent."`
}

type tokenJSON struct {
	ID        string          `json:"id"`
	Name      string          `json:"name"`
	Scopes    []hookhub.Scope `json:"scopes"`
	Token     string          `json:"token,omitempty" doc:"The secret to send as Authorization: Bearer; only in the answer that creates the token."`
	CreatedAt time.Time       `json:"created_at"`
	ExpiresAt *time.Time      `json:"expires_at"`
	RevokedAt *time.Time      `json:"revoked_at"`
}

func toToken(t *hookhub.Token) tokenJSON {
	return tokenJSON{
		ID: t.ID, Name: t.Name, Scopes: t.Scopes, CreatedAt: t.CreatedAt,
		ExpiresAt: timeOrNil(t.ExpiresAt), RevokedAt: timeOrNil(t.RevokedAt),
	}
}
