package console

import (
	"net/http"
	"strings"

	"github.com/hookhub/hookhub"
)

type eventsData struct {
	Type   string
	Range  timeRange
	Events []*hookhub.Event
	Pager  pager
	Errors formErrors
}

// events lists the tenant's events, newest first, by type and time.
func (h *handler) events(w http.ResponseWriter, r *http.Request) error {
	d := &eventsData{Type: strings.TrimSpace(r.URL.Query().Get("type"))}
	var err error
	if d.Range, err = readRange(r); err != nil {
		d.Errors, _ = problems(err, []string{"since", "until"}, nil)
		return h.render(w, r, http.StatusBadRequest, "events", d)
	}
	f := hookhub.EventFilter{Type: d.Type, Since: d.Range.Since, Until: d.Range.Until, Page: pageOf(r)}
	list, err := h.svc.ListEvents(r.Context(), actor(r), f)
	if err != nil {
		return err
	}
	d.Events, d.Pager = paged(r, list, func(e *hookhub.Event) int64 { return e.ID })
	return h.ok(w, r, "events", d)
}
