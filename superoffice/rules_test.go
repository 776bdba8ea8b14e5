package superoffice_test

import (
	"fmt"
	"net/http"
	"testing"
)

// The native API cannot change what SuperOffice fixes: a webhook has too
// many errors after 9 failed tries in a row.
func TestNativeAPIKeepsSuperOfficeRules(t *testing.T) {
	t.Parallel()
	e := setup(t, true)
	rcv := newReceiver(t)
	w := e.save(t, map[string]any{"Name": "crm", "Events": []string{"contact.created"}, "TargetUrl": rcv.srv.URL + "/so"})
	path := fmt.Sprintf("/v1/webhooks/%d", w.WebhookID)
	e.native(t, "PATCH", path, map[string]any{"failure_threshold": 3}, http.StatusUnprocessableEntity, nil)
	e.native(t, "PATCH", path, map[string]any{"name": "renamed"}, http.StatusOK, nil)
}
