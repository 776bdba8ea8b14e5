package svix

import (
	"net/http"
	"net/textproto"
	"strconv"
	"sync"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/delivery"
	"github.com/hookhub/hookhub/signature"
)

// Format is the name of Svix's wire format (hookhub.Webhook.Format).
const Format = "svix"

// The request headers of the format: the Standard Webhooks headers under
// Svix's names.
const (
	HeaderID        = "svix-id"
	HeaderTimestamp = "svix-timestamp"
	HeaderSignature = "svix-signature"
)

// Product is Svix as hookhub knows it. Svix has no event types of its own:
// each tenant defines its catalogue through the API.
var Product = hookhub.Product{Name: "Svix"}

// Formatter posts a message's payload as it was given, signed with the
// endpoint's whsec_ secret (and, during a rotation's grace period, the
// previous one too) in Svix's headers.
type Formatter struct {
	signers sync.Map // [2]string{secret, previous} → signature.Signer
}

var _ delivery.Formatter = (*Formatter)(nil)

// Format builds the request.
func (f *Formatter) Format(w *hookhub.Webhook, c *hookhub.Claim, now time.Time) ([]byte, http.Header, error) {
	signer, err := f.signer(w, now)
	if err != nil {
		return nil, nil, err
	}
	body := c.Event.Data
	h := make(http.Header, 6+len(w.Headers))
	for k, v := range w.Headers {
		h.Set(k, v)
	}
	h.Set("Content-Type", "application/json")
	h.Set("User-Agent", delivery.UserAgent)
	id := c.Event.MessageID()
	h.Set(HeaderID, id)
	h.Set(HeaderTimestamp, strconv.FormatInt(now.Unix(), 10))
	h.Set(HeaderSignature, signer.Sign(id, now, body))
	return body, h, nil
}

func (f *Formatter) signer(w *hookhub.Webhook, now time.Time) (signature.Signer, error) {
	k := [2]string{w.Secret}
	if w.PreviousSecret != "" && now.Before(w.PreviousUntil) {
		k[1] = w.PreviousSecret
	}
	if s, ok := f.signers.Load(k); ok {
		return s.(signature.Signer), nil
	}
	var keys []signature.Key
	for _, secret := range k {
		if secret == "" {
			continue
		}
		key, err := delivery.ParseKey(secret)
		if err != nil {
			return signature.Signer{}, err
		}
		keys = append(keys, key)
	}
	s := signature.NewSigner(keys...)
	f.signers.Store(k, s)
	return s, nil
}

// Rules are what an endpoint needs beyond the core's rules: one
// application, a whsec_ secret, and none of Svix's headers among its own.
type Rules struct{}

// CheckWebhook implements service.FormatRules.
func (Rules) CheckWebhook(p *hookhub.Problems, w, old *hookhub.Webhook) {
	if len(w.Apps) != 1 {
		p.Add("apps", "a svix endpoint belongs to exactly one application")
	} else if old != nil && (len(old.Apps) != 1 || old.Apps[0] != w.Apps[0]) {
		p.Add("apps", "a svix endpoint cannot move to another application")
	}
	if _, err := signature.ParseSecret(w.Secret); err != nil {
		p.Add("secret", "must be a whsec_ secret: %s", err.Error())
	}
	for k := range w.Headers {
		switch textproto.CanonicalMIMEHeaderKey(k) {
		case "Svix-Id", "Svix-Timestamp", "Svix-Signature":
			p.Add("headers", "%q is set by hookhub and cannot be overridden", k)
		}
	}
}
