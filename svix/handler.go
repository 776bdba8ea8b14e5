package svix

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/httpstatus"
	"github.com/hookhub/hookhub/service"
	"github.com/hookhub/hookhub/textcheck"
)

// Options configure the handler.
type Options struct {
	// MaxBody is the largest request body accepted, in bytes (default 1 MiB).
	MaxBody int64
	// Logger receives internal errors; the service's logger when nil.
	Logger *slog.Logger
}

// prefixes are the paths Register mounts; SuperOffice owns the rest of
// /api/v1 (/api/v1/Agents/Webhook/ and /api/v1/Webhook).
var prefixes = []string{"/api/v1/app", "/api/v1/app/", "/api/v1/event-type", "/api/v1/event-type/", "/api/v1/auth/", "/api/v1/health"}

// handler serves Svix's API.
type handler struct {
	svc     *service.Service
	log     *slog.Logger
	maxBody int64
	mux     *http.ServeMux
}

// Register mounts Svix's API on mux under the paths of prefixes.
func Register(mux *http.ServeMux, svc *service.Service, opts Options) {
	h := New(svc, opts)
	for _, p := range prefixes {
		mux.Handle(p, h)
	}
}

// New returns Svix's API as a handler of its own, for the paths Register
// mounts.
func New(svc *service.Service, opts Options) http.Handler {
	if opts.MaxBody <= 0 {
		opts.MaxBody = 1 << 20
	}
	if opts.Logger == nil {
		opts.Logger = svc.Logger()
	}
	h := &handler{svc: svc, log: opts.Logger, maxBody: opts.MaxBody, mux: http.NewServeMux()}
	h.routes()
	return h
}

// routes is the route table, in the order of Svix's API reference.
func (h *handler) routes() {
	h.mux.HandleFunc("GET /api/v1/health", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })

	h.handle("GET /api/v1/app", h.listApps)
	h.handle("POST /api/v1/app", h.createApp)
	h.handle("GET /api/v1/app/{app_id}", h.getApp)
	h.handle("PUT /api/v1/app/{app_id}", h.putApp)
	h.handle("PATCH /api/v1/app/{app_id}", h.patchApp)
	h.handle("DELETE /api/v1/app/{app_id}", h.deleteApp)

	h.handle("GET /api/v1/event-type", h.listEventTypes)
	h.handle("POST /api/v1/event-type", h.createEventType)
	h.handle("GET /api/v1/event-type/{name}", h.getEventType)
	h.handle("PUT /api/v1/event-type/{name}", h.putEventType)
	h.handle("PATCH /api/v1/event-type/{name}", h.patchEventType)
	h.handle("DELETE /api/v1/event-type/{name}", h.deleteEventType)

	h.handle("GET /api/v1/app/{app_id}/endpoint", h.listEndpoints)
	h.handle("POST /api/v1/app/{app_id}/endpoint", h.createEndpoint)
	h.handle("GET /api/v1/app/{app_id}/endpoint/{endpoint_id}", h.getEndpoint)
	h.handle("PUT /api/v1/app/{app_id}/endpoint/{endpoint_id}", h.putEndpoint)
	h.handle("PATCH /api/v1/app/{app_id}/endpoint/{endpoint_id}", h.patchEndpoint)
	h.handle("DELETE /api/v1/app/{app_id}/endpoint/{endpoint_id}", h.deleteEndpoint)
	h.handle("GET /api/v1/app/{app_id}/endpoint/{endpoint_id}/secret", h.getSecret)
	h.handle("POST /api/v1/app/{app_id}/endpoint/{endpoint_id}/secret/rotate", h.rotateSecret)
	h.handle("GET /api/v1/app/{app_id}/endpoint/{endpoint_id}/headers", h.getHeaders)
	h.handle("PUT /api/v1/app/{app_id}/endpoint/{endpoint_id}/headers", h.putHeaders)
	h.handle("PATCH /api/v1/app/{app_id}/endpoint/{endpoint_id}/headers", h.patchHeaders)
	h.handle("POST /api/v1/app/{app_id}/endpoint/{endpoint_id}/recover", h.recoverEndpoint)
	h.handle("GET /api/v1/app/{app_id}/endpoint/{endpoint_id}/stats", h.endpointStats)
	h.handle("POST /api/v1/app/{app_id}/endpoint/{endpoint_id}/send-example", h.sendExample)

	h.handle("GET /api/v1/app/{app_id}/msg", h.listMessages)
	h.handle("POST /api/v1/app/{app_id}/msg", h.createMessage)
	h.handle("GET /api/v1/app/{app_id}/msg/{msg_id}", h.getMessage)

	h.handle("GET /api/v1/app/{app_id}/attempt/msg/{msg_id}", h.listAttemptsByMsg)
	h.handle("GET /api/v1/app/{app_id}/msg/{msg_id}/attempt", h.listAttemptsByMsg) // Svix's older path
	h.handle("GET /api/v1/app/{app_id}/attempt/endpoint/{endpoint_id}", h.listAttemptsByEndpoint)
	h.handle("GET /api/v1/app/{app_id}/msg/{msg_id}/attempt/{attempt_id}", h.getAttempt)
	h.handle("POST /api/v1/app/{app_id}/msg/{msg_id}/endpoint/{endpoint_id}/resend", h.resend)

	h.handle("POST /api/v1/auth/app-portal-access/{app_id}", h.appPortalAccess)
	h.handle("POST /api/v1/auth/dashboard-access/{app_id}", h.dashboardAccess)
	h.handle("GET /api/v1/app/{app_id}/msg/{msg_id}/endpoint", h.listDestinations)
	h.handle("GET /api/v1/app/{app_id}/endpoint/{endpoint_id}/msg", h.listEndpointMessages)
}

// call is one request as a route handler sees it.
type call struct {
	r     *http.Request
	actor *hookhub.Token
	body  []byte
}

// reply is a route's answer: a status and a value to encode as JSON (nil
// for no body).
type reply struct {
	status int
	v      any
}

type routeFunc func(context.Context, *call) (reply, error)

func (h *handler) handle(pattern string, fn routeFunc) {
	h.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, h.maxBody)
		status, body, err := h.serve(r, fn)
		if err != nil {
			h.writeError(w, r, err)
			return
		}
		if body == nil {
			w.WriteHeader(status)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(status)
		_, _ = w.Write(body) // the client went away
	})
}

// serve authenticates the caller, reads the body and runs fn. A POST with
// an Idempotency-Key is answered once: a retry of the same request gets
// the first answer again, and the key used for another request is 409.
func (h *handler) serve(r *http.Request, fn routeFunc) (int, []byte, error) {
	ctx := r.Context()
	actor, err := h.authenticate(ctx, r)
	if err != nil {
		return 0, nil, err
	}
	c := &call{r: r, actor: actor}
	if c.body, err = io.ReadAll(r.Body); err != nil {
		return 0, nil, err
	}
	if e := textcheck.Request(r, "Idempotency-Key"); e != nil {
		if e.In != "header" {
			e.Field = e.In + "." + e.Field // location: ["path", "app_id"]
		}
		return 0, nil, e.Invalid()
	}
	if e := textcheck.JSON(c.body); e != nil {
		return 0, nil, e.Invalid()
	}
	key := r.Header.Get("Idempotency-Key")
	if r.Method != http.MethodPost || key == "" {
		return h.run(ctx, c, fn)
	}
	if len(key) > 256 {
		return 0, nil, hookhub.Invalid("Idempotency-Key", "must be at most 256 characters")
	}
	sum := sha256.Sum256(c.body)
	request := r.Method + " " + r.URL.Path + " " + hex.EncodeToString(sum[:])
	key = "svix:" + key
	saved, err := h.svc.SavedResponse(ctx, actor, key)
	switch {
	case err == nil && saved.Request == request:
		return saved.Status, saved.Body, nil
	case err == nil:
		return 0, nil, hookhub.Errorf(hookhub.ECONFLICT, "the Idempotency-Key was used for another request")
	case hookhub.ErrorCode(err) != hookhub.ENOTFOUND:
		return 0, nil, err
	}
	status, body, err := h.run(ctx, c, fn)
	if err == nil && status < 300 {
		err := h.svc.SaveResponse(ctx, actor, &hookhub.SavedResponse{Key: key, Request: request, Status: status, Body: body})
		if err != nil && hookhub.ErrorCode(err) != hookhub.ECONFLICT { // a concurrent retry saved its answer first
			h.log.WarnContext(ctx, "svix: save idempotent answer", "err", err)
		}
	}
	return status, body, err
}

func (h *handler) run(ctx context.Context, c *call, fn routeFunc) (int, []byte, error) {
	rep, err := fn(ctx, c)
	if err != nil {
		return 0, nil, err
	}
	if rep.v == nil {
		return rep.status, nil, nil
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(rep.v); err != nil {
		return 0, nil, fmt.Errorf("encode answer: %w", err)
	}
	return rep.status, b.Bytes(), nil
}

// authenticate reads Authorization: Bearer with a hookhub token.
func (h *handler) authenticate(ctx context.Context, r *http.Request) (*hookhub.Token, error) {
	scheme, cred, _ := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(cred) == "" {
		return nil, hookhub.Errorf(hookhub.EUNAUTHORIZED, "authentication is required: Authorization: Bearer <a hookhub token>")
	}
	return h.svc.Authenticate(ctx, cred)
}

// decode reads the JSON body into v; a body that is not JSON, or a field
// of the wrong type, is a validation error naming the field.
func (c *call) decode(v any) error {
	if len(bytes.TrimSpace(c.body)) == 0 {
		return hookhub.Invalid("body", "a JSON body is required")
	}
	err := json.Unmarshal(c.body, v)
	var te *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &te) && te.Field != "":
		return hookhub.Invalid(te.Field, "must be of type %s", jsonType(te.Type.Kind().String()))
	default:
		return hookhub.Invalid("body", "is not valid JSON: %s", err.Error())
	}
}

func jsonType(kind string) string {
	switch kind {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "map", "struct":
		return "object"
	case "slice", "array":
		return "array"
	}
	return "number"
}

// ServeHTTP answers the routes; any other path under the mounted prefixes
// is 404, or 405 when the path exists with another method.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if _, pattern := h.mux.Handler(r); pattern != "" {
		h.mux.ServeHTTP(w, r)
		return
	}
	var allowed []string
	for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := h.mux.Handler(probe); pattern != "" {
			allowed = append(allowed, m)
		}
	}
	if len(allowed) > 0 {
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		h.writeError(w, r, hookhub.Errorf(hookhub.EMETHOD, "%s %s is not allowed; use %s", r.Method, r.URL.Path, strings.Join(allowed, " or ")))
		return
	}
	h.writeError(w, r, hookhub.Errorf(hookhub.ENOTFOUND, "there is no %s in hookhub's Svix API; docs/svix.md lists what is supported", r.URL.Path))
}

// errorOut is Svix's HttpErrorOut.
type errorOut struct {
	Code   string `json:"code"`
	Detail string `json:"detail"`
}

// validationOut is Svix's HTTPValidationError: one entry a field.
type validationOut struct {
	Detail []validationError `json:"detail"`
}

type validationError struct {
	Loc  []string `json:"loc"`
	Msg  string   `json:"msg"`
	Type string   `json:"type"`
}

// codes are Svix's names of hookhub's error codes, in the "code" of its
// errors; the statuses are httpstatus's table, which Svix's match (422 for
// a broken rule).
var codes = map[hookhub.Code]string{
	hookhub.ENOTFOUND:     "not_found",
	hookhub.EUNAUTHORIZED: "authentication_failed",
	hookhub.EFORBIDDEN:    "insufficient_access",
	hookhub.ECONFLICT:     "conflict",
	hookhub.ETOOLARGE:     "payload_too_large",
	hookhub.EUNAVAILABLE:  "unavailable",
	hookhub.EUNSUPPORTED:  "not_supported",
	hookhub.ERATELIMITED:  "rate_limited",
	hookhub.EGONE:         "gone",
	hookhub.EUPSTREAM:     "receiver_error",
	hookhub.EMETHOD:       "method_not_allowed",
	hookhub.EMEDIATYPE:    "unsupported_media_type",
	hookhub.ENOTACCEPT:    "not_acceptable",
}

// writeError answers err in Svix's shape: 422 with the fields at fault
// (Svix's names, as locations in the body) for validation errors, else
// {code, detail}. Internal errors are logged and answered with a generic
// detail.
func (h *handler) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, v := http.StatusInternalServerError, any(errorOut{Code: "internal", Detail: "internal error; the details are in hookhub's log"})
	var he *hookhub.Error
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		status, v = http.StatusRequestEntityTooLarge, errorOut{Code: "payload_too_large", Detail: "the body is larger than the limit of " + strconv.FormatInt(mbe.Limit, 10) + " bytes"}
	case errors.As(err, &he) && he.Code == hookhub.EINVALID: // 422, as httpstatus has it
		out := validationOut{Detail: []validationError{}}
		for _, f := range he.Fields {
			out.Detail = append(out.Detail, validationError{Loc: location(f.Field), Msg: f.Reason, Type: "value_error"})
		}
		if len(he.Fields) == 0 {
			out.Detail = append(out.Detail, validationError{Loc: []string{"body"}, Msg: he.Message, Type: "value_error"})
		}
		status, v = http.StatusUnprocessableEntity, out
	case errors.As(err, &he) && codes[he.Code] != "":
		status, v = httpstatus.Of(he.Code), errorOut{Code: codes[he.Code], Detail: he.Error()}
	case errors.Is(err, context.Canceled):
		status, v = 499, errorOut{Code: "canceled", Detail: "request canceled"}
	default:
		h.log.ErrorContext(r.Context(), "svix: internal error", "err", err, "path", r.URL.Path)
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="hookhub"`)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // plain structs of strings always encode
	w.Header().Set("Content-Type", "application/json")
	httpstatus.SetRetryAfter(w.Header(), status)
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}

// fieldNames maps the core's field names onto Svix's.
var fieldNames = map[string]string{
	"events": "filterTypes", "state": "disabled", "rate_limit_per_s": "rateLimit", "apps": "app_id",
	"type": "eventType", "data": "payload", "idempotency_key": "eventId", "name": "name",
}

// location turns a field name ("events[1]", "url") into Svix's location of
// it: ["body", "filterTypes", "1"]. Headers and query parameters keep
// their own names.
func location(field string) []string {
	switch {
	case field == "Idempotency-Key":
		return []string{"header", field}
	case strings.HasPrefix(field, "query."):
		return []string{"query", strings.TrimPrefix(field, "query.")}
	case strings.HasPrefix(field, "path."):
		return []string{"path", strings.TrimPrefix(field, "path.")}
	}
	name, index, _ := strings.Cut(field, "[")
	if n, ok := fieldNames[name]; ok {
		name = n
	}
	loc := []string{"body", name}
	if index != "" {
		loc = append(loc, strings.TrimSuffix(index, "]"))
	}
	return loc
}
