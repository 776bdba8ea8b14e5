package console

import (
	"net/http"
	"strings"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/crm"
)

type contactsData struct {
	Q        string
	Contacts []*crm.Contact
	Pager    pager
}

// contacts lists the contacts inbound requests made, newest first, found
// by name or e-mail. They are read-only here.
func (h *handler) contacts(w http.ResponseWriter, r *http.Request) error {
	d := contactsData{Q: strings.TrimSpace(r.URL.Query().Get("q"))}
	list, err := h.svc.ListContacts(r.Context(), actor(r), crm.ContactFilter{Search: d.Q, Page: pageOf(r)})
	if err != nil {
		return err
	}
	d.Contacts, d.Pager = paged(r, list, func(c *crm.Contact) int64 { return c.ID })
	return h.ok(w, r, "contacts", d)
}

type contactData struct {
	C      *crm.Contact
	Orders []*crm.Order
}

// contact shows a contact and its orders.
func (h *handler) contact(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var d contactData
	if d.C, err = h.svc.GetContact(r.Context(), actor(r), id); err != nil {
		return err
	}
	if d.Orders, err = h.svc.ListOrders(r.Context(), actor(r), crm.OrderFilter{ContactID: id, Page: hookhub.Page{Limit: 100}}); err != nil {
		return err
	}
	return h.ok(w, r, "contact", d)
}
