package console

import (
	"net/http"

	"github.com/hookhub/hookhub"
)

type integrationData struct {
	In       *hookhub.Integration
	Kind     hookhub.IntegrationKind
	URL      string
	Status   string
	Statuses []hookhub.InboundStatus
	Messages []*hookhub.InboundMessage
	Pager    pager
	Errors   formErrors
}

// integration shows an integration: its webhook URL with a copy button,
// its name and active switch with Save, and the requests it received, each
// with its payload, outcome and error.
func (h *handler) integration(w http.ResponseWriter, r *http.Request) error {
	in, err := h.loadIntegration(r)
	if err != nil {
		return err
	}
	return h.showIntegration(w, r, http.StatusOK, in, formErrors{})
}

func (h *handler) showIntegration(w http.ResponseWriter, r *http.Request, status int, in *hookhub.Integration, errs formErrors) error {
	d := integrationData{In: in, URL: h.svc.IntegrationURL(in), Status: r.URL.Query().Get("status"), Errors: errs,
		Statuses: []hookhub.InboundStatus{hookhub.InboundQueued, hookhub.InboundProcessing, hookhub.InboundDone, hookhub.InboundFailed}}
	d.Kind, _ = h.svc.Catalog().IntegrationKind(in.Kind)
	f := hookhub.InboundFilter{Status: hookhub.InboundStatus(d.Status), Page: pageOf(r)}
	list, err := h.svc.ListInboundMessages(r.Context(), actor(r), in.ID, f)
	if err != nil {
		return err
	}
	d.Messages, d.Pager = paged(r, list, func(m *hookhub.InboundMessage) int64 { return m.ID })
	return h.render(w, r, status, "integration", d)
}

func (h *handler) loadIntegration(r *http.Request) (*hookhub.Integration, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return h.svc.GetIntegration(r.Context(), actor(r), id)
}

// saveIntegration saves an integration's name and its active switch.
func (h *handler) saveIntegration(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	active := r.PostFormValue("active") != ""
	in, err := h.svc.UpdateIntegration(r.Context(), actor(r), id, func(in *hookhub.Integration) error {
		in.Name, in.Active = r.PostFormValue("name"), active
		return nil
	})
	if errs, ok := problems(err, []string{"name"}, nil); ok {
		if in, err = h.loadIntegration(r); err != nil {
			return err
		}
		in.Name, in.Active = r.PostFormValue("name"), active
		return h.showIntegration(w, r, http.StatusUnprocessableEntity, in, errs)
	}
	if err != nil {
		return err
	}
	notice := "Saved: the integration is inactive, and its URL refuses requests."
	if in.Active {
		notice = "Saved: the integration is active."
	}
	return h.seeOther(w, r, "/integrations/"+itoa(in.ID), notice)
}
