package console

import (
	"net/http"

	"github.com/hookhub/hookhub"
)

type integrationsData struct {
	Integrations []*hookhub.Integration
	Kinds        map[string]hookhub.IntegrationKind
}

// integrations lists the tenant's integrations with their state.
func (h *handler) integrations(w http.ResponseWriter, r *http.Request) error {
	list, err := h.svc.ListIntegrations(r.Context(), actor(r), hookhub.IntegrationFilter{})
	if err != nil {
		return err
	}
	return h.ok(w, r, "integrations", integrationsData{Integrations: list, Kinds: h.kinds()})
}

// kinds is the catalogue of integration kinds by name.
func (h *handler) kinds() map[string]hookhub.IntegrationKind {
	m := map[string]hookhub.IntegrationKind{}
	for _, k := range h.svc.Catalog().IntegrationKinds() {
		m[k.Name] = k
	}
	return m
}
