package superoffice

import (
	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/service"
)

// Rules are SuperOffice's rules for its webhooks, which the service applies
// on every save, the native API's included: a webhook goes to TooManyErrors
// after 9 failed tries in a row, as SuperOffice's documentation says.
type Rules struct{}

var _ service.FormatRules = Rules{}

// CheckWebhook reports what in w breaks SuperOffice's rules.
func (Rules) CheckWebhook(p *hookhub.Problems, w, old *hookhub.Webhook) {
	if w.FailureThreshold != failureThreshold {
		p.Add("failure_threshold", "must stay %d: a SuperOffice webhook has too many errors after %d failed tries in a row", failureThreshold, failureThreshold)
	}
}
