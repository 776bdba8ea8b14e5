package console

import "net/http"

// routes is the console's route table. Read it top to bottom: every page
// (GET) and action (POST) with the function that serves it. Actions answer
// with a redirect to a page, or with a page that shows a secret once.
func (h *handler) routes() {
	m, in := h.mux, h.signedIn
	m.Handle("GET /static/", h.static())
	m.HandleFunc("GET /signin", h.public(h.signInPage, signInCSRF))
	m.HandleFunc("POST /signin", h.public(h.signIn, signInCSRF))
	m.HandleFunc("POST /signout", in(h.signOut))

	m.HandleFunc("GET /{$}", in(h.dashboard))

	m.HandleFunc("GET /webhooks", in(h.webhooks))
	m.HandleFunc("GET /webhooks/new", in(h.newWebhook))
	m.HandleFunc("POST /webhooks", in(h.createWebhook))
	m.HandleFunc("GET /webhooks/{id}", in(h.webhook))
	m.HandleFunc("GET /webhooks/{id}/edit", in(h.editWebhook))
	m.HandleFunc("POST /webhooks/{id}", in(h.saveWebhook))
	m.HandleFunc("POST /webhooks/{id}/state", in(h.setWebhookState))
	m.HandleFunc("POST /webhooks/{id}/rotate-secret", in(h.rotateSecret))
	m.HandleFunc("POST /webhooks/{id}/test", in(h.sendTestEvent))
	m.HandleFunc("POST /webhooks/{id}/keys", in(h.createKey))
	m.HandleFunc("POST /webhooks/{id}/keys/{keyID}/delete", in(h.deleteKey))
	m.HandleFunc("GET /webhooks/{id}/delete", in(h.confirmDeleteWebhook))
	m.HandleFunc("POST /webhooks/{id}/delete", in(h.deleteWebhook))
	m.HandleFunc("GET /webhooks/{id}/deliveries", in(h.deliveries))
	m.HandleFunc("POST /webhooks/{id}/recover", in(h.recoverDeliveries))

	m.HandleFunc("GET /deliveries/{id}", in(h.delivery))
	m.HandleFunc("POST /deliveries/{id}/retry", in(h.retryDelivery))

	m.HandleFunc("GET /events", in(h.events))
	m.HandleFunc("GET /events/{id}", in(h.event))

	m.HandleFunc("GET /integrations", in(h.integrations))
	m.HandleFunc("GET /integrations/add", in(h.addIntegration))
	m.HandleFunc("GET /integrations/new", in(h.newIntegration))
	m.HandleFunc("POST /integrations", in(h.createIntegration))
	m.HandleFunc("GET /integrations/{id}", in(h.integration))
	m.HandleFunc("POST /integrations/{id}", in(h.saveIntegration))
	m.HandleFunc("POST /integrations/{id}/rotate-url", in(h.rotateIntegrationURL))
	m.HandleFunc("POST /integrations/{id}/delete", in(h.deleteIntegration))

	m.HandleFunc("GET /contacts", in(h.contacts))
	m.HandleFunc("GET /contacts/{id}", in(h.contact))
	m.HandleFunc("GET /orders", in(h.orders))
	m.HandleFunc("GET /orders/{id}", in(h.order))

	m.HandleFunc("GET /mail", in(h.mail))

	m.HandleFunc("GET /tokens", in(h.tokens))
	m.HandleFunc("POST /tokens", in(h.createToken))
	m.HandleFunc("POST /tokens/{id}/revoke", in(h.revokeToken))

	m.HandleFunc("GET /event-types", in(h.eventTypes))
	m.HandleFunc("POST /event-types", in(h.saveEventType))
	m.HandleFunc("POST /event-types/{name}/delete", in(h.deleteEventType))

	p := h.portalIn // the app portal of one application (portal.go)
	m.HandleFunc("GET /portal/signin", h.public(h.portalSignIn, noForm))
	m.HandleFunc("GET /portal/{$}", p(h.portalEndpoints))
	m.HandleFunc("POST /portal/endpoints", p(h.portalCreateEndpoint))
	m.HandleFunc("GET /portal/endpoints/{id}", p(h.portalEndpointPage))
	m.HandleFunc("POST /portal/endpoints/{id}/{action}", p(h.portalAction))
	m.HandleFunc("GET /portal/messages", p(h.portalMessages))
	m.HandleFunc("POST /portal/signout", p(h.signOut))

	m.HandleFunc("/", h.public(h.notFound, noForm))
}

// noForm is the CSRF secret of pages that take no form: none, so any POST
// to them is refused.
func noForm(*http.Request) string { return "" }
