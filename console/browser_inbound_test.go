package console_test

import (
	"fmt"
	"net/url"

	"github.com/hookhub/hookhub/crm360"
	"github.com/hookhub/hookhub/hookhubtest"
)

// failedInboundFlow has a CRM360 source receive an Rnvp for a contact
// that does not exist: accepted, then failed for good. The dashboard says
// so with the reason; its link opens the source's failed requests, where
// the message shows its body.
func failedInboundFlow(b *tab, hh *program) {
	t := b.t
	// svixCall sends any call with the tenant's token.
	api := func(method, path, body string, out any) { t.Helper(); svixCall(t, hh, method, path, body, out) }
	api("PUT", "/v1/crm360/account", `{"customer_name": "Acme", "database_alias": "Prod"}`, nil)
	var src struct{ ID int64 }
	api("POST", "/v1/integrations", `{"kind": "crm360-elfy76310", "name": "Elfy addresses"}`, &src)
	q := url.Values{"CustomerName": {"Acme"}, "DatabaseAlias": {"Prod"}, "SourceId": {fmt.Sprint(src.ID)},
		"ExternalPlatform": {"elfy76310"}, "ExternalEntity": {"process"}, "ExternalAction": {"Rnvp"}}
	var queued struct{ MessageID int64 }
	api("POST", crm360.Path+"?"+q.Encode(), `{"ContactId": 424242}`, &queued)
	var m struct{ Status string }
	hookhubtest.Eventually(t, "the message processed", func() bool {
		api("GET", fmt.Sprintf("/v1/inbound-messages/%d", queued.MessageID), "", &m)
		return m.Status == "failed"
	})

	b.open("/")
	b.text(id("inbound-failed-list"), "contact 424242 not found")
	b.text(id("inbound-failed-list"), "Elfy addresses")
	b.shot("dashboard-inbound-failed")
	b.click(fmt.Sprintf(`#inbound-failed-%d a`, queued.MessageID))
	b.text("//h1", "Elfy addresses")
	b.text(id("requests-list")+`//summary//*[contains(@class, "error-text")]`, "contact 424242 not found")
	b.click(fmt.Sprintf(`#message-%d summary`, queued.MessageID))
	b.visible(`//details[@open]//pre[contains(., "424242")]`)
}
