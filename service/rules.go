package service

import (
	"net/url"
	"strings"

	"github.com/hookhub/hookhub"
)

// FormatRules are what an adapter's wire format requires of its webhooks
// beyond the core's rules (SalesIQ: the events of one module, apps for data
// webhooks only, SalesIQ's retry policy; Tilby: one entity and event that
// never changes, only 200 succeeds). The service applies them on every
// save, whoever makes it: the adapter's own API or the native one, so that
// a native PATCH cannot make a webhook its product would refuse.
type FormatRules interface {
	// CheckWebhook adds to p what w, about to be saved, breaks of the
	// format's rules; old is the stored webhook on an update, nil on a
	// create. Fields are named as the native API names them.
	CheckWebhook(p *hookhub.Problems, w, old *hookhub.Webhook)
}

// checkFormat applies the rules every non-standard format shares, then the
// format's own.
func (s *Service) checkFormat(p *hookhub.Problems, w, old *hookhub.Webhook) {
	if old != nil && w.Format != old.Format {
		p.Add("format", "cannot be changed; make a new webhook")
		return
	}
	if w.Format == hookhub.FormatStandard {
		return
	}
	if old != nil && w.SigningScheme != old.SigningScheme {
		p.Add("signing_scheme", "applies to webhooks of the standard format only; a %s webhook is signed as its product does", w.Format)
	}
	r, ok := s.rules[w.Format]
	if !ok {
		return
	}
	r.CheckWebhook(p, w, old)
	if h, ok := r.(HTTPSOnly); ok && h.HTTPSOnly() && !w.IsScript() && (old == nil || w.URL != old.URL) {
		if reason := s.CheckHTTPS(w.URL); reason != "" && !hasField(*p, "url") {
			p.Add("url", "%s", reason)
		}
	}
}

// HTTPSOnly is implemented by FormatRules whose product posts to https
// URLs only (SuperOffice, Tilby); CheckHTTPS then holds for their
// webhooks on every save.
type HTTPSOnly interface {
	HTTPSOnly() bool
}

// CheckHTTPS returns a reason when raw is not an https URL while the egress
// policy refuses private targets: products whose documentation requires
// https targets (SuperOffice, Tilby) require it in production, and accept
// http in a development set-up that allows private targets.
func (s *Service) CheckHTTPS(raw string) string {
	if s.egress.AllowPrivate {
		return ""
	}
	if u, err := url.Parse(strings.TrimSpace(raw)); err == nil && !strings.EqualFold(u.Scheme, "https") {
		return "must be an https URL; http is accepted only when hookhub allows private targets (a development set-up)"
	}
	return ""
}
