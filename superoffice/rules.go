package superoffice

import (
	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/service"
)

// Rules are SuperOffice's rules for its webhooks, which the service applies
// on every save, the native API's included: https targets, and
// TooManyErrors after 9 failed tries in a row, as SuperOffice's
// documentation says.
type Rules struct{}

var _ service.FormatRules = Rules{}

// CheckWebhook reports what in w breaks SuperOffice's rules. A threshold
// is refused only when it changes, so that a webhook saved with another
// one before this rule can still be saved.
func (Rules) CheckWebhook(p *hookhub.Problems, w, old *hookhub.Webhook) {
	if w.FailureThreshold != failureThreshold && (old == nil || w.FailureThreshold != old.FailureThreshold) {
		p.Add("failure_threshold", "must stay %d: a SuperOffice webhook has too many errors after %d failed tries in a row", failureThreshold, failureThreshold)
	}
}

// HTTPSOnly says SuperOffice webhooks post to https URLs only.
func (Rules) HTTPSOnly() bool { return true }
