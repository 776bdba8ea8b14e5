package console

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/hookhub/hookhub"
)

type eventTypesData struct {
	Types []*hookhub.EventType
	Form  eventTypeForm
}

type eventTypeForm struct {
	Name, Description, Example string
	Errors                     formErrors
}

// eventTypes is the catalogue: the built-in types and the tenant's own,
// with the form that defines one.
func (h *handler) eventTypes(w http.ResponseWriter, r *http.Request) error {
	return h.showEventTypes(w, r, http.StatusOK, eventTypeForm{})
}

func (h *handler) showEventTypes(w http.ResponseWriter, r *http.Request, status int, f eventTypeForm) error {
	list, err := h.svc.ListEventTypes(r.Context(), actor(r))
	if err != nil {
		return err
	}
	return h.render(w, r, status, "event_types", eventTypesData{Types: list, Form: f})
}

// saveEventType defines or redefines one of the tenant's event types.
func (h *handler) saveEventType(w http.ResponseWriter, r *http.Request) error {
	f := eventTypeForm{Name: strings.TrimSpace(r.PostFormValue("name")), Description: r.PostFormValue("description"),
		Example: strings.TrimSpace(r.PostFormValue("example"))}
	t := &hookhub.EventType{Name: f.Name, Description: f.Description}
	if f.Example != "" {
		t.Example = json.RawMessage(f.Example)
	}
	if _, err := h.svc.PutEventType(r.Context(), actor(r), t); err != nil {
		var ok bool
		if hookhub.ErrorCode(err) == hookhub.ECONFLICT { // a built-in name
			f.Errors.add("name", hookhub.ErrorMessage(err))
		} else if f.Errors, ok = problems(err, []string{"name", "description", "example"}, nil); !ok {
			return err
		}
		return h.showEventTypes(w, r, http.StatusUnprocessableEntity, f)
	}
	return h.seeOther(w, r, "/event-types", "Event type "+f.Name+" saved.")
}

// deleteEventType removes one of the tenant's event types.
func (h *handler) deleteEventType(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("name")
	if err := h.svc.DeleteEventType(r.Context(), actor(r), name); err != nil {
		return err
	}
	return h.seeOther(w, r, "/event-types", "Event type "+name+" deleted.")
}
