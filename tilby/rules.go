package tilby

import (
	"net/http"
	"slices"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/service"
)

// Rules are Tilby's rules for its webhooks, which the service applies on
// every save, the native API's included: one entity and event type, which
// never changes (a change is a delete and a new create), and only HTTP 200
// counts as success.
type Rules struct{}

var _ service.FormatRules = Rules{}

// HTTPSOnly says Tilby webhooks post to https URLs only.
func (Rules) HTTPSOnly() bool { return true }

// CheckWebhook reports what in w breaks Tilby's rules.
func (Rules) CheckWebhook(p *hookhub.Problems, w, old *hookhub.Webhook) {
	switch {
	case old != nil && !slices.Equal(w.Events, old.Events):
		p.Add("events", "cannot change: a Tilby webhook's entity_name and event_type are fixed; delete it and create it again")
	case len(w.Events) != 1:
		p.Add("events", "must be one entity_name.event_type pair")
	default:
		name, event := splitType(w.Events[0])
		var q hookhub.Problems
		checkPair(&q, name, event)
		for _, f := range q {
			p.Add("events[0]", "%s", f.Reason)
		}
	}
	if !slices.Equal(w.SuccessCodes, []int{http.StatusOK}) {
		p.Add("success_codes", "must stay [200]: for Tilby only HTTP 200 is a success")
	}
}
