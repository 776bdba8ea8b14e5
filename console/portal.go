package console

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/service"
	"github.com/hookhub/hookhub/svix"
)

// The app portal: what a tenant's customer sees of one application (Svix's
// app portal) when it follows a link from POST /api/v1/auth/app-portal-access.
// It shows and manages the application's endpoints and shows its messages
// and their attempts; nothing else of the tenant. A portal session acts as
// its token without the application limit (service.PortalActor), so every
// page here keeps to the application itself: another application's
// endpoint is not found.

var errPortalEnded = hookhub.Errorf(hookhub.EFORBIDDEN, "this app portal link is unknown or has expired: ask for a new one")

// portalSignIn opens a portal session for the link's key and goes to the
// portal. A key that is not a portal token's is refused.
func (h *handler) portalSignIn(w http.ResponseWriter, r *http.Request) error {
	key := r.URL.Query().Get("key")
	tok, err := h.svc.Authenticate(r.Context(), key)
	if hookhub.ErrorCode(err) == hookhub.EUNAUTHORIZED {
		return errPortalEnded
	}
	if err != nil {
		return err
	}
	if tok.AppID == "" {
		return hookhub.Errorf(hookhub.EFORBIDDEN, "this link is not an app portal link; sign in to the console at /signin")
	}
	if err := h.svc.SignOut(r.Context(), cookieValue(r, sessionCookie)); err != nil {
		return err
	}
	_, cookie, err := h.svc.SignIn(r.Context(), key, h.opts.Limits)
	if err != nil {
		return err
	}
	h.setCookie(w, r, sessionCookie, cookie, 0)
	http.Redirect(w, r, "/portal/", http.StatusSeeOther)
	return nil
}

// portalIn serves fn to portal sessions only, acting for their
// application; other sessions go to the console.
func (h *handler) portalIn(fn pageFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		se, tok, err := h.svc.Session(r.Context(), cookieValue(r, sessionCookie), h.opts.Limits)
		if err == nil && tok.AppID == "" {
			http.Redirect(w, r, "/", http.StatusSeeOther)
			return
		}
		var act *hookhub.Token
		var app *hookhub.Application
		if err == nil {
			if act, err = service.PortalActor(tok); err == nil {
				app, err = h.svc.GetApplication(r.Context(), act, tok.AppID)
			}
		}
		if err == nil {
			r = r.WithContext(context.WithValue(r.Context(), visitKey{}, &visit{session: se, actor: act, app: app}))
			err = h.checkForm(w, r, se.CSRF)
		}
		if err == nil {
			err = fn(w, r)
		}
		if hookhub.ErrorCode(err) == hookhub.EUNAUTHORIZED { // not the console's sign-in: the portal has none
			h.setCookie(w, r, sessionCookie, "", -1)
			err = errPortalEnded
		}
		if err != nil {
			h.fail(w, r, err)
		}
	}
}

// portalApp is the application of a portal request.
func portalApp(r *http.Request) *hookhub.Application { return visitOf(r).app }

type portalData struct {
	App       *hookhub.Application
	Endpoints []*hookhub.Webhook
	Types     []string
	Error     string
}

// portalEndpoints lists the application's endpoints, with a form to add
// one when the portal may write.
func (h *handler) portalEndpoints(w http.ResponseWriter, r *http.Request) error {
	app := portalApp(r)
	ws, err := h.svc.ListWebhooks(r.Context(), actor(r), hookhub.WebhookFilter{Format: svix.Format})
	if err != nil {
		return err
	}
	d := portalData{App: app}
	for _, wh := range ws {
		if service.IsAppEndpoint(wh, app.ID) {
			d.Endpoints = append(d.Endpoints, wh)
		}
	}
	return h.ok(w, r, "portal", d)
}

// portalEndpoint finds the application's endpoint the path names; any
// other webhook is not found.
func (h *handler) portalEndpoint(r *http.Request) (*hookhub.Webhook, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return nil, hookhub.Errorf(hookhub.ENOTFOUND, "endpoint %s not found", r.PathValue("id"))
	}
	wh, err := h.svc.GetWebhook(r.Context(), actor(r), id)
	if err != nil {
		return nil, err
	}
	if wh.Format != svix.Format || !service.IsAppEndpoint(wh, portalApp(r).ID) {
		return nil, hookhub.Errorf(hookhub.ENOTFOUND, "endpoint %d not found", id)
	}
	return wh, nil
}

// portalCreateEndpoint adds an endpoint from the form: its URL, a
// description and the event types it takes (all when none).
func (h *handler) portalCreateEndpoint(w http.ResponseWriter, r *http.Request) error {
	types := strings.FieldsFunc(r.PostFormValue("types"), func(c rune) bool { return c == ',' || c == ' ' })
	wh, err := svix.NewEndpoint(portalApp(r), strings.TrimSpace(r.PostFormValue("url")), strings.TrimSpace(r.PostFormValue("description")), types)
	if err == nil {
		wh, err = h.svc.CreateWebhook(r.Context(), actor(r), wh)
	}
	if err != nil {
		return err
	}
	return h.seeOther(w, r, "/portal/endpoints/"+strconv.FormatInt(wh.ID, 10), "The endpoint is added.")
}

type portalEndpointData struct {
	App         *hookhub.Application
	Endpoint    *hookhub.Webhook
	Description string
	Attempts    []*hookhub.Attempt
}

// portalEndpointPage shows an endpoint, its secret and its latest attempts.
func (h *handler) portalEndpointPage(w http.ResponseWriter, r *http.Request) error {
	wh, err := h.portalEndpoint(r)
	if err != nil {
		return err
	}
	as, err := h.svc.ListWebhookAttempts(r.Context(), actor(r), wh.ID, hookhub.AttemptFilter{Page: hookhub.Page{Limit: 50}})
	if err != nil {
		return err
	}
	return h.ok(w, r, "portal_endpoint", portalEndpointData{App: portalApp(r), Endpoint: wh, Description: svix.EndpointDescription(wh), Attempts: as})
}

// portalAction runs one of an endpoint's actions from its page.
func (h *handler) portalAction(w http.ResponseWriter, r *http.Request) error {
	wh, err := h.portalEndpoint(r)
	if err != nil {
		return err
	}
	ctx, act, to := r.Context(), actor(r), "/portal/endpoints/"+strconv.FormatInt(wh.ID, 10)
	notice := ""
	switch r.PathValue("action") {
	case "enable", "disable":
		state := hookhub.StateActive
		if r.PathValue("action") == "disable" {
			state = hookhub.StateStopped
		}
		_, err = h.svc.UpdateWebhook(ctx, act, wh.ID, func(w *hookhub.Webhook) error { w.State = state; return nil })
		notice = "The endpoint is " + map[hookhub.WebhookState]string{hookhub.StateActive: "enabled.", hookhub.StateStopped: "disabled."}[state]
	case "test":
		_, err = h.svc.SendTest(ctx, act, wh.ID)
		notice = "A test message is on its way."
	case "recover":
		days, _ := strconv.Atoi(r.PostFormValue("days"))
		var n int
		n, err = h.svc.RecoverDeliveries(ctx, act, wh.ID, time.Now().Add(-time.Duration(max(days, 1))*24*time.Hour))
		notice = strconv.Itoa(n) + " failed messages go out again."
	case "delete":
		err = h.svc.DeleteWebhook(ctx, act, wh.ID)
		to, notice = "/portal/", "The endpoint is deleted."
	default:
		return hookhub.Errorf(hookhub.ENOTFOUND, "no such action")
	}
	if err != nil {
		return err
	}
	return h.seeOther(w, r, to, notice)
}

type portalMessagesData struct {
	App      *hookhub.Application
	Messages []*hookhub.Event
}

// portalMessages lists the application's latest messages.
func (h *handler) portalMessages(w http.ResponseWriter, r *http.Request) error {
	app := portalApp(r)
	es, err := h.svc.ListEvents(r.Context(), actor(r), hookhub.EventFilter{AppID: app.ID, Page: hookhub.Page{Limit: 100}})
	if err != nil {
		return err
	}
	slices.SortFunc(es, func(a, b *hookhub.Event) int { return int(b.ID - a.ID) })
	return h.ok(w, r, "portal_messages", portalMessagesData{App: app, Messages: es})
}
