package console

import (
	"net/http"
	"strings"

	"github.com/hookhub/hookhub"
)

type integrationFormData struct {
	Kind   hookhub.IntegrationKind
	Name   string
	Errors formErrors
}

// newIntegration configures an integration of a kind: it asks for its name.
func (h *handler) newIntegration(w http.ResponseWriter, r *http.Request) error {
	k, ok := h.svc.Catalog().IntegrationKind(r.URL.Query().Get("kind"))
	if !ok {
		return hookhub.Errorf(hookhub.ENOTFOUND, "there is no integration kind %q: pick one from the list", r.URL.Query().Get("kind"))
	}
	return h.ok(w, r, "integration_new", integrationFormData{Kind: k})
}

// createIntegration saves a new integration, active, and shows it with its
// URL.
func (h *handler) createIntegration(w http.ResponseWriter, r *http.Request) error {
	d := integrationFormData{Name: strings.TrimSpace(r.PostFormValue("name"))}
	kind := r.PostFormValue("kind")
	d.Kind, _ = h.svc.Catalog().IntegrationKind(kind)
	in, err := h.svc.CreateIntegration(r.Context(), actor(r), &hookhub.Integration{Kind: kind, Name: d.Name, Active: true})
	if err != nil {
		var ok bool
		if d.Errors, ok = problems(err, []string{"name", "kind"}, nil); !ok {
			return err
		}
		return h.render(w, r, http.StatusUnprocessableEntity, "integration_new", d)
	}
	return h.seeOther(w, r, "/integrations/"+itoa(in.ID), "Integration saved. Copy its webhook URL into "+d.Kind.Title+".")
}
