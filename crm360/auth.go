package crm360

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/crm"
	"github.com/hookhub/hookhub/secrets"
)

// The signature headers.
const (
	ShopifyHeader         = "X-Shopify-Hmac-Sha256"
	ZendeskHeader         = "X-Zendesk-Webhook-Signature"
	ZendeskTimestamp      = "X-Zendesk-Webhook-Signature-Timestamp"
	MaxZendeskClockSkew   = 5 * time.Minute // how far a Zendesk timestamp may be from hookhub's clock
	errSignatureMismatch  = "the signature does not match the body"
	errSignatureMalformed = "is not a Base64 HMAC-SHA256"
)

// tokenChecker checks a hookhub API token for a tenant (the service).
type tokenChecker interface {
	AuthenticateSource(ctx context.Context, tenantID, secret string) error
}

// authenticate checks that a request to a source comes from its caller:
// with the source's token auth, a hookhub token; with a platform's
// signature, that signature over the raw body. Failures are
// EUNAUTHORIZED (EFORBIDDEN for a token without the scope).
func authenticate(ctx context.Context, tc tokenChecker, src *crm.CRM360Source, header http.Header, body []byte, now time.Time) error {
	switch src.Auth {
	case crm.AuthShopify:
		return checkMAC(ShopifyHeader, header.Get(ShopifyHeader), src.Secret, body)
	case crm.AuthZendesk:
		ts := header.Get(ZendeskTimestamp)
		t, err := time.Parse(time.RFC3339, ts)
		switch {
		case ts == "":
			return unauthorized(ZendeskTimestamp, "is required: this source takes Zendesk's signed webhooks")
		case err != nil:
			return unauthorized(ZendeskTimestamp, "must be a time such as 2026-03-14T12:30:00Z, not %q", ts)
		case t.Sub(now) > MaxZendeskClockSkew || now.Sub(t) > MaxZendeskClockSkew:
			return unauthorized(ZendeskTimestamp, "is more than %s away from now: a replay, or a wrong clock", MaxZendeskClockSkew)
		}
		return checkMAC(ZendeskHeader, header.Get(ZendeskHeader), src.Secret, append([]byte(ts), body...))
	}
	secret, ok := credentials(header)
	if !ok {
		return unauthorized("Authorization", "is required: Bearer and a hookhub API token with the inbound.send scope")
	}
	return tc.AuthenticateSource(ctx, src.TenantID, secret)
}

// checkMAC compares, in constant time, a Base64 HMAC-SHA256 header with
// the one of msg keyed with secret.
func checkMAC(name, got, secret string, msg []byte) error {
	if got == "" {
		return unauthorized(name, "is required: this source takes signed webhooks only")
	}
	sig, err := base64.StdEncoding.DecodeString(strings.TrimSpace(got))
	if err != nil || len(sig) != sha256.Size {
		return unauthorized(name, "%s", errSignatureMalformed)
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(msg)
	if !hmac.Equal(sig, mac.Sum(nil)) {
		return unauthorized(name, "%s", errSignatureMismatch)
	}
	return nil
}

// credentials is the token of an Authorization header: Bearer's, or the
// password of Basic, for platforms that only let users put credentials
// in the URL.
func credentials(header http.Header) (string, bool) {
	scheme, rest, _ := strings.Cut(header.Get("Authorization"), " ")
	switch {
	case strings.EqualFold(scheme, "Bearer"):
		return strings.TrimSpace(rest), strings.TrimSpace(rest) != ""
	case strings.EqualFold(scheme, "Basic"):
		b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(rest))
		if err != nil {
			return "", false
		}
		_, pass, ok := strings.Cut(string(b), ":")
		return pass, ok && pass != ""
	}
	return "", false
}

func unauthorized(field, format string, args ...any) error {
	e := hookhub.Invalid(field, format, args...)
	e.Code, e.Message = hookhub.EUNAUTHORIZED, "the request could not be authenticated"
	return e
}

// redact hides the credentials of a request's headers before they are
// stored: the token after Authorization's scheme, and any other
// credential header (secrets.CredentialHeader). Signatures stay: they
// hold for their body only.
func redact(h http.Header) http.Header { return secrets.HideHeaders(h) }
