package salesiq

import (
	"slices"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/service"
)

// Rules are SalesIQ's rules for its webhooks, which the service applies on
// every save, the native API's included: events of one module that never
// changes, apps for data webhooks only, SalesIQ's delivery policy (a 5 s
// timeout, 3 retries a minute apart), and a key for a secured webhook (the
// SalesIQ API makes it; no save may leave one without).
type Rules struct{}

var _ service.FormatRules = Rules{}

// CheckWebhook reports what in w breaks SalesIQ's rules.
func (Rules) CheckWebhook(p *hookhub.Problems, w, old *hookhub.Webhook) {
	m, err := readMeta(w)
	if err != nil {
		p.Add("meta", "is not a SalesIQ webhook's: %s", err.Error())
		return
	}
	want := m.Module
	if old != nil {
		if om, err := readMeta(old); err == nil && om.Module != "" {
			want = om.Module
		}
	}
	module := checkEvents(p, w.Events, want)
	if module == "" {
		module = want
	}
	checkApps(p, "apps", module, w.Apps)
	if w.Timeout != timeout {
		p.Add("timeout_ms", "must stay %d: SalesIQ waits %s for an answer", timeout.Milliseconds(), timeout)
	}
	if !slices.Equal(w.Retry.Schedule, retrySchedule) {
		p.Add("retry.schedule", "must stay SalesIQ's: the first try at once, then 3 retries a minute apart")
	}
	if m.Secured && (m.Key == nil || w.Secret == "") {
		p.Add("secret", "is missing: a secured SalesIQ webhook is always signed with its key; make it one with POST /api/v2/{screenname}/webhooks/%d/keys", w.ID)
	}
}
