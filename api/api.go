package api

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"reflect"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/listen"
	"github.com/hookhub/hookhub/service"
	"github.com/hookhub/hookhub/textcheck"
)

// Options configure the API.
type Options struct {
	// MaxBody is the largest request body accepted, in bytes (default
	// DefaultMaxBody); larger ones are answered 413.
	MaxBody int64
	// Logger receives internal errors; the service's logger when nil.
	Logger *slog.Logger
	// Listen holds the listening sessions of "hookhub listen"; nil: the
	// /v1/listen routes are not offered.
	Listen *listen.Hub
}

// DefaultMaxBody is the default Options.MaxBody: 1 MiB.
const DefaultMaxBody = 1 << 20

// New returns the API as a handler of its own.
func New(svc *service.Service, opts Options) http.Handler {
	mux := http.NewServeMux()
	Register(mux, svc, opts)
	return mux
}

// Register adds the /v1 routes and /openapi.json (also /openapi.yaml and
// the 3.0 downgrades /openapi-3.0.json and /openapi-3.0.yaml) to mux, and
// returns the huma API, whose OpenAPI method gives the document.
func Register(mux *http.ServeMux, svc *service.Service, opts Options) huma.API {
	if opts.MaxBody <= 0 {
		opts.MaxBody = DefaultMaxBody
	}
	if opts.Logger == nil {
		opts.Logger = svc.Logger()
	}
	h := &handlers{svc: svc, log: opts.Logger, maxBody: opts.MaxBody, listen: opts.Listen}
	api := humago.New(mux, config())
	api.UseMiddleware(h.authenticate(api))
	h.routes(api)
	return api
}

// handlers holds what the route handlers share.
type handlers struct {
	svc     *service.Service
	log     *slog.Logger
	maxBody int64
	listen  *listen.Hub // nil: no /v1/listen

	// the schemas of the quick routes' bodies, and where their references
	// lead (quickbody.go)
	quickSchemas map[reflect.Type]*huma.Schema
	registry     huma.Registry
}

// routes is the route table, one line per route.
func (h *handlers) routes(api huma.API) {
	route(api, h, h.op("POST /v1/tokens", "create-token", "Create an API token", 201), h.createToken)
	route(api, h, h.op("GET /v1/tokens", "list-tokens", "List API tokens", 200), h.listTokens)
	route(api, h, h.op("DELETE /v1/tokens/{id}", "revoke-token", "Revoke an API token", 204), h.revokeToken)

	route(api, h, h.op("GET /v1/event-types", "list-event-types", "List the event type catalogue", 200), h.listEventTypes)
	route(api, h, h.op("POST /v1/event-types", "put-event-type", "Define or redefine an event type", 200), h.putEventType)
	route(api, h, h.op("DELETE /v1/event-types/{name}", "delete-event-type", "Delete an event type", 204), h.deleteEventType)

	route(api, h, h.op("POST /v1/webhooks", "create-webhook", "Register a webhook", 201), h.createWebhook)
	route(api, h, h.op("GET /v1/webhooks", "list-webhooks", "List webhooks", 200), h.listWebhooks)
	route(api, h, h.op("GET /v1/webhooks/{id}", "get-webhook", "Get a webhook", 200), h.getWebhook)
	route(api, h, h.op("PATCH /v1/webhooks/{id}", "update-webhook", "Change some of a webhook's settings", 200), h.updateWebhook)
	route(api, h, h.op("DELETE /v1/webhooks/{id}", "delete-webhook", "Delete a webhook", 204), h.deleteWebhook)
	route(api, h, h.op("POST /v1/webhooks/{id}/rotate-secret", "rotate-webhook-secret", "Give a webhook a new secret", 200), h.rotateSecret)
	route(api, h, h.op("POST /v1/webhooks/{id}/test", "test-webhook", "Send a test event to a webhook", 202), h.testWebhook)
	route(api, h, h.op("POST /v1/webhooks/{id}/recover", "recover-webhook", "Send a webhook's failed deliveries again", 202), h.recoverWebhook)

	route(api, h, h.quickOp(api, h.op("POST /v1/events", "publish-event", "Publish an event", 202)), h.publish)
	h.learnQuick(api, "/v1/events", reflect.TypeFor[eventPublishJSON]())
	route(api, h, h.quickOp(api, h.op("POST /v1/events/batch", "publish-batch", "Publish many entities as batch events of at most 80", 202)), h.publishBatch)
	h.learnQuick(api, "/v1/events/batch", reflect.TypeFor[batchPublishJSON]())
	route(api, h, h.op("GET /v1/events", "list-events", "List events", 200), h.listEvents)
	route(api, h, h.op("GET /v1/events/{id}", "get-event", "Get an event", 200), h.getEvent)
	route(api, h, h.op("GET /v1/events/{id}/deliveries", "list-event-deliveries", "List an event's deliveries", 200), h.listEventDeliveries)

	route(api, h, h.op("GET /v1/deliveries", "list-deliveries", "List deliveries", 200), h.listDeliveries)
	route(api, h, h.op("GET /v1/deliveries/{id}", "get-delivery", "Get a delivery", 200), h.getDelivery)
	route(api, h, h.op("GET /v1/deliveries/{id}/attempts", "list-delivery-attempts", "List a delivery's attempts", 200), h.listDeliveryAttempts)
	route(api, h, h.op("POST /v1/deliveries/{id}/retry", "retry-delivery", "Send a delivery again now", 202), h.retryDelivery)

	route(api, h, h.op("GET /v1/attempts", "list-attempts", "List delivery attempts", 200), h.listAttempts)
	route(api, h, h.op("GET /v1/mail", "list-mail", "List the e-mails hookhub sent", 200), h.listMail)
	route(api, h, h.op("GET /v1/stats", "get-stats", "Count deliveries by state", 200), h.stats)

	h.integrationRoutes(api) // integrations.go: /v1/integrations…, /v1/integration-kinds
	h.recordRoutes(api)      // records.go: /v1/contacts…, /v1/orders…
	h.crmRoutes(api)         // crm.go: /v1/products…, /v1/tickets…, /v1/activities, /v1/messages…
	h.crm360Routes(api)      // crm360.go: /v1/crm360/…, /v1/inbound-messages/{id}
	h.tenantRoutes(api)      // tenants.go: /v1/tenants… (the admin API)
	if h.listen != nil {
		h.listenRoutes(api) // listen.go: /v1/listen… ("hookhub listen")
	}
}

// op describes one route; pattern is "METHOD /path".
func (h *handlers) op(pattern, id, summary string, status int) huma.Operation {
	method, path, _ := strings.Cut(pattern, " ")
	tag, _, _ := strings.Cut(strings.TrimPrefix(path, "/v1/"), "/")
	errs := []int{400, 401, 403, 422, 500} // 400: text that cannot be stored, in the path or query too
	if strings.Contains(path, "{") {
		errs = append(errs, 404)
	}
	if method != http.MethodGet {
		errs = append(errs, 409, 413)
	}
	return huma.Operation{
		Method: method, Path: path, OperationID: id, Summary: summary, Description: descriptions[id], Tags: []string{tag},
		DefaultStatus: status, Errors: errs,
		// huma refuses a body that reaches MaxBodyBytes, so allow one more
		// byte to accept exactly maxBody.
		MaxBodyBytes: h.maxBody + 1,
	}
}

// route registers fn for op, turning the errors it returns into problems.
func route[I, O any](api huma.API, h *handlers, op huma.Operation, fn func(context.Context, *I) (*O, error)) {
	huma.Register(api, op, func(ctx context.Context, in *I) (*O, error) {
		out, err := fn(ctx, in)
		if err != nil {
			return nil, h.problem(ctx, err)
		}
		return out, nil
	})
}

// config is huma's configuration: OpenAPI 3.1 with bearer security, JSON
// only, no docs page, and no $schema links in the answers.
func config() huma.Config {
	cfg := huma.DefaultConfig("hookhub", "1")
	cfg.CreateHooks = nil
	cfg.DocsPath = ""
	cfg.SchemasPath = ""
	cfg.Info.Description = "The native API of hookhub: webhooks out, with Standard Webhooks signatures. " +
		"Authenticate with an API token: Authorization: Bearer hh_…. " +
		"Errors are RFC 9457 problem details; a body that is not JSON is 400, one that breaks a rule is 422. " +
		"Text that cannot be stored as it was sent (a NUL character, bytes that are not UTF-8, an escaped lone surrogate) " +
		"is 400 wherever it is, body, path, query or Idempotency-Key, and its location names it (body.contact.email, query.type)."
	cfg.Components.Schemas = huma.NewMapRegistry("#/components/schemas/", schemaName)
	cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"bearer": {Type: "http", Scheme: "bearer", Description: "An API token of the tenant (hh_…)."},
		"admin":  {Type: "http", Scheme: "bearer", Description: "An admin token (HOOKHUB_ADMIN_TOKEN, or hha_… from hookhub admin-token create): the /v1/tenants routes only."},
	}
	cfg.Security = []map[string][]string{{"bearer": {}}}
	cfg.Formats = map[string]huma.Format{"application/json": jsonFormat, "json": jsonFormat}
	cfg.Transformers = []huma.Transformer{tidyProblem}
	return cfg
}

// schemaName names the JSON types of convert.go without their JSON suffix.
func schemaName(t reflect.Type, hint string) string {
	return strings.ReplaceAll(huma.DefaultSchemaNamer(t, hint), "JSON", "")
}

type actorKey struct{}

// authenticate is the middleware that turns the bearer token into the
// acting *hookhub.Token in the context, or answers 401.
func (h *handlers) authenticate(api huma.API) func(huma.Context, func(huma.Context)) {
	return func(ctx huma.Context, next func(huma.Context)) {
		if loc, e := checkText(ctx); e != nil {
			_ = huma.WriteErr(api, ctx, http.StatusBadRequest, "invalid request: "+e.Error(), &huma.ErrorDetail{Location: loc, Message: e.Reason})
			return
		}
		if isAdminRoute(ctx.Operation()) {
			h.authenticateAdmin(api, ctx, next)
			return
		}
		secret := bearer(ctx)
		var tok *hookhub.Token
		var err error
		if secret != "" {
			tok, err = h.svc.Authenticate(ctx.Context(), secret)
		} else {
			err = hookhub.Errorf(hookhub.EUNAUTHORIZED, "invalid or expired token")
		}
		if err != nil && secret != "" && hookhub.ErrorCode(err) == hookhub.EUNAUTHORIZED {
			if _, aerr := h.svc.AuthenticateAdmin(ctx.Context(), secret); aerr == nil {
				err = hookhub.Errorf(hookhub.EFORBIDDEN, "an admin token manages tenants only (/v1/tenants); use a tenant's token")
			}
		}
		if err != nil {
			if hookhub.ErrorCode(err) == hookhub.EUNAUTHORIZED {
				ctx.SetHeader("WWW-Authenticate", `Bearer realm="hookhub"`)
			}
			h.writeProblem(api, ctx, err)
			return
		}
		next(withValue(ctx, actorKey{}, tok))
	}
}

// withValue is huma.WithValue for a request that goes on to its handler:
// the handler and middlewares read the value from ctx.Context(), so unlike
// huma.WithValue it does not also copy the *http.Request (a few hundred
// bytes) to put the value in the request's own context.
func withValue(ctx huma.Context, key, value any) huma.Context {
	return &valueContext{humaContext: ctx, ctx: context.WithValue(ctx.Context(), key, value)}
}

// valueContext is a request whose Context holds one more value.
type valueContext struct {
	humaContext
	ctx context.Context
}

func (c *valueContext) Context() context.Context { return c.ctx }

// Unwrap lets humago.Unwrap reach the request and its writer.
func (c *valueContext) Unwrap() huma.Context { return c.humaContext }

// checkText finds a path parameter, query parameter or Idempotency-Key that
// cannot be stored as it came (textcheck), and its location as huma names
// it ("query.name"); the body is checked as it is decoded (jsonFormat).
// Both are answered 400, as a body that is not JSON is.
func checkText(ctx huma.Context) (string, *textcheck.Error) {
	for _, name := range textcheck.Wildcards(ctx.Operation().Path) {
		if e := textcheck.Field(name, ctx.Param(name)); e != nil {
			return "path." + name, e
		}
	}
	if raw := ctx.URL().RawQuery; raw != "" {
		q, _ := url.ParseQuery(raw)
		if e := textcheck.Values(q); e != nil {
			return "query." + e.Field, e
		}
	}
	if e := textcheck.Field("Idempotency-Key", ctx.Header("Idempotency-Key")); e != nil {
		return "header.Idempotency-Key", e
	}
	return "", nil
}

// actor is the token the request acts as; authenticate put it there.
func actor(ctx context.Context) *hookhub.Token {
	tok, _ := ctx.Value(actorKey{}).(*hookhub.Token)
	return tok
}
