package console

import (
	"net/http"

	"github.com/hookhub/hookhub"
)

type mailData struct {
	Mail  []*hookhub.Mail
	Pager pager
}

// mail is the outbox: the e-mails hookhub sent or will send, newest first.
func (h *handler) mail(w http.ResponseWriter, r *http.Request) error {
	list, err := h.svc.ListMail(r.Context(), actor(r), pageOf(r))
	if err != nil {
		return err
	}
	var d mailData
	d.Mail, d.Pager = paged(r, list, func(m *hookhub.Mail) int64 { return m.ID })
	return h.ok(w, r, "mail", d)
}
