package salesiq

import (
	"context"
	"encoding/json"
	"errors"
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

// handler serves SalesIQ's webhook API.
type handler struct {
	svc      *service.Service
	log      *slog.Logger
	maxBody  int64
	mux      *http.ServeMux // the routes, without the catch-all
	patterns []string       // every route, for Routes
	client   *http.Client   // for the HEAD request that checks a new URL
}

// New returns SalesIQ's webhook API, to mount at /api/v2/.
func New(svc *service.Service, opts Options) http.Handler {
	if opts.MaxBody <= 0 {
		opts.MaxBody = 1 << 20
	}
	if opts.Logger == nil {
		opts.Logger = svc.Logger()
	}
	h := &handler{svc: svc, log: opts.Logger, maxBody: opts.MaxBody, mux: http.NewServeMux(), client: svc.Egress().Client(nil)}
	h.routes()
	return h
}

// routes is the route table: method and path, the scope (SalesIQ's name of
// it in errors), the handler.
func (h *handler) routes() {
	const hooks = "/api/v2/{screenname}/webhooks"
	h.handle("POST "+hooks, hookhub.ScopeWebhooksCreate, h.createWebhook)
	h.handle("GET "+hooks, hookhub.ScopeWebhooksRead, h.listWebhooks)
	h.handle("GET "+hooks+"/{id}", hookhub.ScopeWebhooksRead, h.getWebhook)
	h.handle("PUT "+hooks+"/{id}", hookhub.ScopeWebhooksUpdate, h.updateWebhook)
	h.handle("PATCH "+hooks+"/{id}", hookhub.ScopeWebhooksUpdate, h.updateWebhook)
	h.handle("DELETE "+hooks+"/{id}", hookhub.ScopeWebhooksDelete, h.deleteWebhook)
	h.handle("POST "+hooks+"/{id}/keys", hookhub.ScopeWebhooksCreate, h.createKey)
	h.handle("GET "+hooks+"/{id}/keys", hookhub.ScopeWebhooksRead, h.listKeys)
	h.handle("DELETE "+hooks+"/{id}/keys/{keyid}", hookhub.ScopeWebhooksDelete, h.deleteKey)
	h.handle("GET "+hooks+"/{id}/errorlogs", hookhub.ScopeWebhooksRead, h.errorLogs)
}

// call is one request as a route handler sees it.
type call struct {
	r     *http.Request
	actor *hookhub.Token
	scope hookhub.Scope
	flat  bool // the body has the REST API v2's flat shape: the URL is url, not webhook.url
}

// answer is what a route handler returns: SalesIQ's object type and data.
type answer struct {
	object string
	data   any
}

func (h *handler) handle(pattern string, scope hookhub.Scope, fn func(context.Context, *call) (answer, error)) {
	h.patterns = append(h.patterns, pattern)
	h.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, h.maxBody)
		c := &call{r: r, scope: scope}
		out, err := h.serve(r.Context(), c, fn)
		if err != nil {
			h.writeError(w, r, c, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"url": r.URL.Path, "object": out.object, "data": out.data})
	})
}

// serve authenticates the caller, checks that the path names its portal,
// and runs fn.
func (h *handler) serve(ctx context.Context, c *call, fn func(context.Context, *call) (answer, error)) (answer, error) {
	tok, err := h.authenticate(ctx, c.r)
	if err != nil {
		return answer{}, err
	}
	c.actor = tok
	if e := textcheck.Request(c.r); e != nil {
		return answer{}, e.Invalid()
	}
	ten, err := h.svc.Tenant(ctx, tok)
	if err != nil {
		return answer{}, err
	}
	if name := c.r.PathValue("screenname"); name != ten.ID && !strings.EqualFold(name, ten.Name) {
		return answer{}, errPortal
	}
	return fn(ctx, c)
}

// authenticate reads the token from Authorization: Zoho-oauthtoken (as
// SalesIQ's clients send it) or Bearer.
func (h *handler) authenticate(ctx context.Context, r *http.Request) (*hookhub.Token, error) {
	scheme, secret, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Zoho-oauthtoken") && !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(secret) == "" {
		return nil, errAuthHeader
	}
	return h.svc.Authenticate(ctx, secret)
}

// ServeHTTP answers the routes, and SalesIQ's errors for any other path
// under /api/v2/: 1004 when the path exists with another method, 1006
// otherwise.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if _, pattern := h.mux.Handler(r); pattern != "" {
		h.mux.ServeHTTP(w, r)
		return
	}
	err := errURL
	for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := h.mux.Handler(probe); pattern != "" {
			err = errMethod
			break
		}
	}
	h.writeError(w, r, &call{r: r}, err)
}

// apiError is an error of this API with SalesIQ's code.
type apiError struct {
	status int
	code   int
	msg    string
}

func (e *apiError) Error() string { return e.msg }

// SalesIQ's codes for the errors of its own (1001 to 1006), and hookhub's
// for the others.
var (
	errAuthHeader = &apiError{http.StatusUnauthorized, 1002, "Invalid authorization header."}
	errMethod     = &apiError{http.StatusMethodNotAllowed, 1004, "Invalid Request Type."}
	errPortal     = &apiError{http.StatusNotFound, 1005, "Invalid portal or wrong screen name."}
	errURL        = &apiError{http.StatusNotFound, 1006, "Invalid URL"}
)

// codes maps hookhub's error codes onto SalesIQ's codes; any other is
// 1001. The status is httpstatus.SalesIQ's.
var codes = map[hookhub.Code]int{
	hookhub.EUNAUTHORIZED: 1002,
	hookhub.EFORBIDDEN:    1007,
	hookhub.EINVALID:      1008,
	hookhub.ETOOLARGE:     1008,
	hookhub.ENOTFOUND:     1009,
	hookhub.ECONFLICT:     1010,
	hookhub.EUNAVAILABLE:  1001,
}

// errorJSON is SalesIQ's error object.
type errorJSON struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	JSONKey string `json:"json_key,omitempty"`
}

// writeError answers err in SalesIQ's shape: {"url", "error": {"code",
// "message", "json_key"}}, with an HTTP status that says the same.
func (h *handler) writeError(w http.ResponseWriter, r *http.Request, c *call, err error) {
	var ae *apiError
	var he *hookhub.Error
	var mbe *http.MaxBytesError
	out := errorJSON{Code: 1001, Message: "Unknown error, contact the hookhub operator."}
	status := http.StatusInternalServerError
	switch {
	case errors.As(err, &ae):
		status, out.Code, out.Message = ae.status, ae.code, ae.msg
	case errors.As(err, &mbe):
		status, out.Code = http.StatusRequestEntityTooLarge, 1008
		out.Message = "the request body is larger than the limit of " + strconv.FormatInt(mbe.Limit, 10) + " bytes"
	case errors.As(err, &he) && httpstatus.SalesIQ.Status(he.Code) != http.StatusInternalServerError:
		status = httpstatus.SalesIQ.Status(he.Code)
		if code, ok := codes[he.Code]; ok {
			out.Code = code
		}
		fields := make([]hookhub.FieldError, len(he.Fields))
		for i, f := range he.Fields {
			fields[i] = hookhub.FieldError{Field: f.Field, Reason: f.Reason}
			if !c.flat {
				fields[i].Field = jsonKey(f.Field)
			}
		}
		out.Message = (&hookhub.Error{Message: he.Message, Fields: fields}).Error()
		if len(fields) > 0 {
			out.JSONKey = fields[0].Field
		}
		if he.Code == hookhub.EFORBIDDEN && c.scope != "" && strings.Contains(he.Message, string(c.scope)) {
			out.Message = "this token lacks the " + scopeName(c.scope) + " scope (" + string(c.scope) + ")"
		}
	case errors.Is(err, context.Canceled):
		status, out.Message = 499, "request canceled"
	default:
		h.log.ErrorContext(r.Context(), "salesiq: internal error", "err", err, "path", r.URL.Path)
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Zoho-oauthtoken realm="hookhub"`)
	}
	httpstatus.SetRetryAfter(w.Header(), status)
	writeJSON(w, status, map[string]any{"url": r.URL.Path, "error": out})
}

// jsonKey names a field of the service's in this API's terms.
func jsonKey(field string) string {
	for native, ours := range map[string]string{"url": "webhook.url", "apps": "app_ids", "state": "published"} {
		if field == native || strings.HasPrefix(field, native+"[") {
			return ours + strings.TrimPrefix(field, native)
		}
	}
	return field
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // the client went away, or a bug caught by the tests
}

// Routes lists the API's routes ("METHOD /path"), so that a test can call
// every one of them.
func Routes() []string {
	h := &handler{mux: http.NewServeMux()}
	h.routes()
	return h.patterns
}
