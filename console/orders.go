package console

import (
	"net/http"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/crm"
)

type ordersData struct {
	Type   string
	Types  []crm.OrderType
	Orders []*crm.Order
	Pager  pager
}

// orders lists the orders inbound requests made, newest first, by type.
func (h *handler) orders(w http.ResponseWriter, r *http.Request) error {
	d := ordersData{Type: r.URL.Query().Get("type"), Types: crm.OrderTypes}
	list, err := h.svc.ListOrders(r.Context(), actor(r), crm.OrderFilter{Type: crm.OrderType(d.Type), Page: pageOf(r)})
	if err != nil {
		return err
	}
	d.Orders, d.Pager = paged(r, list, func(o *crm.Order) int64 { return o.ID })
	return h.ok(w, r, "orders", d)
}

type orderData struct {
	O *crm.Order
	C *crm.Contact
}

// order shows an order with its items and contact.
func (h *handler) order(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var d orderData
	if d.O, err = h.svc.GetOrder(r.Context(), actor(r), id); err != nil {
		return err
	}
	if d.C, err = h.svc.GetContact(r.Context(), actor(r), d.O.ContactID); err != nil && hookhub.ErrorCode(err) != hookhub.ENOTFOUND {
		return err
	}
	return h.ok(w, r, "order", d)
}
