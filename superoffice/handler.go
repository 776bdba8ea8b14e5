package superoffice

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

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

// The paths this API answers under.
const (
	agentPrefix = "/api/v1/Agents/Webhook/"
	restPath    = "/api/v1/Webhook"
)

// handler serves SuperOffice's webhook API.
type handler struct {
	svc      *service.Service
	log      *slog.Logger
	maxBody  int64
	mux      *http.ServeMux // the routes, without the catch-all
	patterns []string       // every route, for Routes
	agents   map[string]string
}

// Register mounts SuperOffice's webhook API on mux: the Webhook agent under
// /api/v1/Agents/Webhook/ and the REST resource at /api/v1/Webhook.
func Register(mux *http.ServeMux, svc *service.Service, opts Options) {
	h := New(svc, opts)
	mux.Handle(agentPrefix, h)
	mux.Handle(restPath, h)
	mux.Handle(restPath+"/", h)
}

// New returns SuperOffice's webhook API as a handler of its own, for the
// paths Register mounts.
func New(svc *service.Service, opts Options) http.Handler {
	if opts.MaxBody <= 0 {
		opts.MaxBody = 1 << 20
	}
	if opts.Logger == nil {
		opts.Logger = svc.Logger()
	}
	h := &handler{svc: svc, log: opts.Logger, maxBody: opts.MaxBody, mux: http.NewServeMux(), agents: map[string]string{}}
	h.routes()
	return h
}

// routes is the route table. The agent's methods are POSTs, as in
// SuperOffice; those that only read answer GET too.
func (h *handler) routes() {
	h.agent("POST", "SaveWebhook", h.saveWebhook)
	h.agent("GET POST", "GetWebhook", h.getWebhook)
	h.agent("POST DELETE", "DeleteWebhook", h.deleteWebhook)
	h.agent("GET POST", "GetAllWebhooks", h.getAllWebhooks)
	h.agent("GET POST", "CreateDefaultWebhook", h.createDefaultWebhook)
	h.agent("POST", "TestWebhook", h.testWebhook)

	h.handle("GET "+restPath, h.getAllWebhooks)
	h.handle("POST "+restPath, h.postWebhook)
	h.handle("GET "+restPath+"/default", h.createDefaultWebhook)
	h.handle("GET "+restPath+"/{id}", h.getWebhook)
	h.handle("PUT "+restPath+"/{id}", h.putWebhook)
	h.handle("DELETE "+restPath+"/{id}", h.deleteWebhook)
}

func (h *handler) agent(methods, name string, fn routeFunc) {
	h.agents[strings.ToLower(name)] = name
	for _, m := range strings.Fields(methods) {
		h.handle(m+" "+agentPrefix+name, fn)
	}
}

// call is one request as a route handler sees it.
type call struct {
	r     *http.Request
	op    string // the route, for ErrorSource
	actor *hookhub.Token
	who   string // the caller's name: Basic user name, else the token's name
	loc   *time.Location
	out   mediaType
}

// reply is what a route handler returns: a status and a value to encode
// (webhookJSON, []webhookJSON, resultJSON), nil for no body.
type reply struct {
	status int
	v      any
	header http.Header
}

type routeFunc func(context.Context, *call) (reply, error)

func (h *handler) handle(pattern string, fn routeFunc) {
	h.patterns = append(h.patterns, pattern)
	_, path, _ := strings.Cut(pattern, " ")
	op := strings.TrimPrefix(strings.TrimPrefix(path, "/api/v1/"), "Agents/")
	h.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, h.maxBody)
		c := &call{r: r, op: op, out: appJSON}
		rep, err := h.serve(r.Context(), c, fn)
		if err != nil {
			h.writeError(w, c, err)
			return
		}
		for k, vs := range rep.header {
			w.Header()[k] = vs
		}
		h.write(w, c, rep.status, rep.v)
	})
}

// serve negotiates the answer's type, authenticates the caller, reads
// SO-TimeZone and runs fn. Accept-Language, SO-Language and SO-Culture are
// accepted and change nothing: the API's texts are English and its dates
// ISO 8601.
func (h *handler) serve(ctx context.Context, c *call, fn routeFunc) (reply, error) {
	var err error
	if c.out, err = negotiate(c.r.Header.Get("Accept")); err != nil {
		return reply{}, err
	}
	if c.actor, c.who, err = h.authenticate(ctx, c.r); err != nil {
		return reply{}, err
	}
	if e := textcheck.Request(c.r); e != nil {
		return reply{}, e.Invalid()
	}
	if c.loc, err = timeZone(c.r.Header.Get("SO-TimeZone")); err != nil {
		return reply{}, err
	}
	return fn(ctx, c)
}

// authenticate reads Authorization: Basic with a hookhub token as the
// password (the user name is the caller's name), or Bearer with the token.
func (h *handler) authenticate(ctx context.Context, r *http.Request) (*hookhub.Token, string, error) {
	scheme, cred, _ := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	cred = strings.TrimSpace(cred)
	var secret, user string
	switch strings.ToLower(scheme) {
	case "":
		return nil, "", hookhub.Errorf(hookhub.EUNAUTHORIZED,
			"authentication is required: Authorization: Basic (any user name, a hookhub token as the password) or Bearer <token>")
	case "basic":
		raw, err := base64.StdEncoding.DecodeString(cred)
		if err != nil {
			return nil, "", hookhub.Errorf(hookhub.EUNAUTHORIZED, "the Basic credentials are not valid Base64")
		}
		var ok bool
		if user, secret, ok = strings.Cut(string(raw), ":"); !ok {
			return nil, "", hookhub.Errorf(hookhub.EUNAUTHORIZED, "the Basic credentials must be user:password, with a hookhub token as the password")
		}
	case "bearer":
		secret = cred
	default:
		return nil, "", hookhub.Errorf(hookhub.EUNAUTHORIZED,
			"the %s scheme is not supported; use Basic (a hookhub token as the password) or Bearer <token>", scheme)
	}
	tok, err := h.svc.Authenticate(ctx, secret)
	if err != nil {
		return nil, "", err
	}
	who := strings.TrimSpace(user)
	if who == "" {
		who = tok.Name
	}
	if who == "" {
		who = tok.ID
	}
	return tok, who, nil
}

// ServeHTTP answers the routes; any other path under the mounted prefixes
// is 404, or 405 when the path exists with another method. The agent's
// method names are matched without regard to case, as in SuperOffice.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if rest, ok := strings.CutPrefix(r.URL.Path, agentPrefix); ok {
		if name, ok := h.agents[strings.ToLower(rest)]; ok && name != rest {
			r = r.Clone(r.Context())
			r.URL.Path = agentPrefix + name
		}
	}
	if _, pattern := h.mux.Handler(r); pattern != "" {
		h.mux.ServeHTTP(w, r)
		return
	}
	c := &call{r: r, op: strings.TrimPrefix(r.URL.Path, "/api/v1/"), out: appJSON}
	c.out, _ = negotiate(r.Header.Get("Accept"))
	err := hookhub.Errorf(hookhub.ENOTFOUND, "there is no %s; the webhook API is /api/v1/Agents/Webhook/{SaveWebhook, GetWebhook, DeleteWebhook, GetAllWebhooks, CreateDefaultWebhook, TestWebhook} and /api/v1/Webhook[/{id}]", r.URL.Path)
	var allowed []string
	for _, m := range []string{"GET", "POST", "PUT", "DELETE"} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := h.mux.Handler(probe); pattern != "" {
			allowed = append(allowed, m)
		}
	}
	if len(allowed) > 0 {
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		err = hookhub.Errorf(hookhub.EMETHOD, "%s %s is not allowed; use %s", r.Method, r.URL.Path, strings.Join(allowed, " or "))
	}
	h.writeError(w, c, err)
}

// write encodes v in the negotiated type.
func (h *handler) write(w http.ResponseWriter, c *call, status int, v any) {
	if v == nil {
		w.WriteHeader(status)
		return
	}
	var body []byte
	if c.out.xml {
		x := newXMLWriter()
		var err error
		switch v := v.(type) {
		case webhookJSON:
			err = v.writeXML(x, "Webhook")
		case []webhookJSON:
			x.open("ArrayOfWebhook")
			for i := range v {
				if err = v[i].writeXML(x, "Webhook"); err != nil {
					break
				}
			}
			x.close("ArrayOfWebhook")
		case resultJSON:
			err = v.writeXML(x, "WebhookResult")
		case errorJSON:
			v.writeXML(x, "ErrorInfo")
		}
		if err != nil {
			h.log.ErrorContext(c.r.Context(), "superoffice: encode XML answer", "err", err)
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		body = x.b.Bytes()
	} else {
		var err error
		if body, err = marshalJSON(v); err != nil {
			h.log.ErrorContext(c.r.Context(), "superoffice: encode JSON answer", "err", err)
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
	}
	w.Header().Set("Content-Type", c.out.contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body) // the client went away
}

func marshalJSON(v any) ([]byte, error) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return []byte(b.String()), nil
}

// errorJSON is SuperOffice's error object (Error, ErrorType, ErrorSource),
// with hookhub's list of the fields at fault.
type errorJSON struct {
	Error       string       `json:"Error"`
	ErrorType   string       `json:"ErrorType"`
	ErrorSource string       `json:"ErrorSource"`
	Fields      []fieldError `json:"Fields,omitempty"`
}

type fieldError struct {
	Field   string `json:"Field"`
	Message string `json:"Message"`
}

func (e errorJSON) writeXML(x *xmlWriter, name string) {
	x.open(name)
	x.elem("Error", e.Error)
	x.elem("ErrorType", e.ErrorType)
	x.elem("ErrorSource", e.ErrorSource)
	if len(e.Fields) > 0 {
		x.open("Fields")
		for _, f := range e.Fields {
			x.open("FieldError")
			x.elem("Field", f.Field)
			x.elem("Message", f.Message)
			x.close("FieldError")
		}
		x.close("Fields")
	}
	x.close(name)
}

// errorTypes names each of hookhub's error codes as SuperOffice's ErrorType.
// The status is httpstatus.SuperOffice's.
var errorTypes = map[hookhub.Code]string{
	hookhub.EINVALID:      "ValidationError",
	hookhub.ENOTFOUND:     "NotFound",
	hookhub.EUNAUTHORIZED: "Unauthorized",
	hookhub.EFORBIDDEN:    "Forbidden",
	hookhub.ECONFLICT:     "Conflict",
	hookhub.ETOOLARGE:     "RequestTooLarge",
	hookhub.EUNAVAILABLE:  "Unavailable",
	hookhub.EUNSUPPORTED:  "NotSupported",
	hookhub.ERATELIMITED:  "TooManyRequests",
	hookhub.EGONE:         "Gone",
	hookhub.EUPSTREAM:     "ReceiverError",
	hookhub.EMETHOD:       "MethodNotAllowed",
	hookhub.EMEDIATYPE:    "UnsupportedMediaType",
	hookhub.ENOTACCEPT:    "NotAcceptable",
}

// writeError answers err in SuperOffice's error shape. Field names are
// SuperOffice's (TargetUrl, Events[1]), and so are the words of the core's
// reasons about State and Events (see reason); internal errors are logged and
// answered with a generic message.
func (h *handler) writeError(w http.ResponseWriter, c *call, err error) {
	out := errorJSON{Error: "internal error; the details are in hookhub's log", ErrorType: "InternalError", ErrorSource: c.op}
	status := http.StatusInternalServerError
	var he *hookhub.Error
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		status, out.ErrorType = http.StatusRequestEntityTooLarge, "RequestTooLarge"
		out.Error = "the body is larger than the limit of " + strconv.FormatInt(mbe.Limit, 10) + " bytes"
	case errors.As(err, &he) && httpstatus.SuperOffice.Status(he.Code) != http.StatusInternalServerError:
		status, out.ErrorType = httpstatus.SuperOffice.Status(he.Code), errorTypes[he.Code]
		named := &hookhub.Error{Message: he.Message}
		for _, f := range he.Fields {
			fe := hookhub.FieldError{Field: fieldName(f.Field), Reason: reason(f.Field, f.Reason)}
			named.Fields = append(named.Fields, fe)
			out.Fields = append(out.Fields, fieldError{Field: fe.Field, Message: fe.Reason})
		}
		out.Error = named.Error()
	case errors.Is(err, context.Canceled):
		status, out.Error, out.ErrorType = 499, "request canceled", "Canceled"
	default:
		h.log.ErrorContext(c.r.Context(), "superoffice: internal error", "err", err, "path", c.r.URL.Path)
	}
	if status == http.StatusUnauthorized {
		w.Header().Add("WWW-Authenticate", `Basic realm="hookhub"`)
		w.Header().Add("WWW-Authenticate", `Bearer realm="hookhub"`)
	}
	httpstatus.SetRetryAfter(w.Header(), status)
	h.write(w, c, status, out)
}

// Routes lists the API's routes ("METHOD /path"), so that a test can call
// every one of them.
func Routes() []string {
	h := &handler{mux: http.NewServeMux(), agents: map[string]string{}}
	h.routes()
	return h.patterns
}
