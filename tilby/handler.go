package tilby

import (
	"context"
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
	// Timeout is how long hookhub waits for a receiver's answer, to the
	// verification request and to every delivery (default 5 s).
	Timeout time.Duration
	// Now is the clock of the verification request's time (default
	// time.Now).
	Now func() time.Time
}

// handler serves Tilby's webhook API.
type handler struct {
	svc      *service.Service
	log      *slog.Logger
	opts     Options
	mux      *http.ServeMux
	patterns []string // every route, for Routes
}

// New returns Tilby's webhook API, to mount at /v2/.
func New(svc *service.Service, opts Options) http.Handler {
	if opts.MaxBody <= 0 {
		opts.MaxBody = 1 << 20
	}
	if opts.Logger == nil {
		opts.Logger = svc.Logger()
	}
	if opts.Timeout <= 0 {
		opts.Timeout = hookhub.DefaultTimeout
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	h := &handler{svc: svc, log: opts.Logger, opts: opts, mux: http.NewServeMux()}
	h.routes()
	return h
}

// routes is the route table. There is no update: a change is a delete and
// a new create, as Tilby documents; PUT and PATCH say so to an
// authenticated caller.
func (h *handler) routes() {
	h.handle("POST /v2/webhooks", h.createWebhook)
	h.handle("GET /v2/webhooks", h.listWebhooks)
	h.handle("GET /v2/webhooks/{id}", h.getWebhook)
	h.handle("DELETE /v2/webhooks/{id}", h.deleteWebhook)
	h.handle("PUT /v2/webhooks/{id}", h.noUpdate)
	h.handle("PATCH /v2/webhooks/{id}", h.noUpdate)
}

// call is one request as a route handler sees it.
type call struct {
	r      *http.Request
	actor  *hookhub.Token
	secret string      // the static token as the caller sent it: Tilby signs with it
	header http.Header // the answer's
}

// handle registers fn, which answers a status and a value to write as
// JSON, after authenticating the caller.
func (h *handler) handle(pattern string, fn func(context.Context, *call) (int, any, error)) {
	h.patterns = append(h.patterns, pattern)
	h.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, h.opts.MaxBody)
		tok, secret, err := h.authenticate(r)
		if e := textcheck.Request(r); err == nil && e != nil {
			err = e.Invalid()
		}
		if err != nil {
			h.writeError(w, r, err)
			return
		}
		status, out, err := fn(r.Context(), &call{r: r, actor: tok, secret: secret, header: w.Header()})
		if err != nil {
			h.writeError(w, r, err)
			return
		}
		writeJSON(w, status, out)
	})
}

// authenticate reads the shop's static token from Authorization, as
// "Bearer <token>" or as the bare token, and returns it with what it
// stands for.
func (h *handler) authenticate(r *http.Request) (*hookhub.Token, string, error) {
	v := strings.TrimSpace(r.Header.Get("Authorization"))
	if scheme, rest, ok := strings.Cut(v, " "); ok && strings.EqualFold(scheme, "Bearer") {
		v = strings.TrimSpace(rest)
	}
	if v == "" {
		return nil, "", hookhub.Errorf(hookhub.EUNAUTHORIZED, "the Authorization header must carry the shop's static token")
	}
	tok, err := h.svc.Authenticate(r.Context(), v)
	return tok, v, err
}

// noUpdate answers PUT and PATCH: a webhook cannot be changed.
func (h *handler) noUpdate(_ context.Context, c *call) (int, any, error) {
	c.header.Set("Allow", "GET, DELETE")
	return 0, nil, hookhub.Errorf(hookhub.EMETHOD,
		"a webhook cannot be changed: to change it, DELETE /v2/webhooks/%s and then POST /v2/webhooks with the new settings", c.r.PathValue("id"))
}

// ServeHTTP answers the routes, and Tilby-shaped errors for any other
// path or method under /v2/.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if _, pattern := h.mux.Handler(r); pattern != "" {
		h.mux.ServeHTTP(w, r)
		return
	}
	var allow []string
	for _, m := range []string{"GET", "POST", "DELETE"} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := h.mux.Handler(probe); pattern != "" {
			allow = append(allow, m)
		}
	}
	if len(allow) == 0 {
		h.writeError(w, r, hookhub.Errorf(hookhub.ENOTFOUND, "no such path: %s", r.URL.Path))
		return
	}
	w.Header().Set("Allow", strings.Join(allow, ", "))
	h.writeError(w, r, hookhub.Errorf(hookhub.EMETHOD, "%s is not allowed on %s; allowed: %s", r.Method, r.URL.Path, strings.Join(allow, ", ")))
}

// errorJSON is the body of every error: the status, its name, a sentence,
// the fields at fault, and for a refused verification request what the
// receiver answered.
type errorJSON struct {
	Status   int                 `json:"status"`
	Error    string              `json:"error"`
	Message  string              `json:"message"`
	Details  []detailJSON        `json:"details,omitempty"`
	Receiver *receiverJSON       `json:"receiver,omitempty"`
	Valid    map[string][]string `json:"valid,omitempty"`
}

type detailJSON struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// writeError answers err.
func (h *handler) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var he *hookhub.Error
	var hs *handshakeError
	var mbe *http.MaxBytesError
	out := errorJSON{Status: http.StatusInternalServerError, Message: "internal error"}
	switch {
	case errors.As(err, &hs):
		out.Status, out.Message = http.StatusBadRequest, hs.Error()
		out.Details = []detailJSON{{Field: "url", Message: hs.Error()}}
		out.Receiver = hs.receiver()
	case errors.As(err, &mbe):
		out.Status = http.StatusRequestEntityTooLarge
		out.Message = "the request body is larger than the limit of " + strconv.FormatInt(mbe.Limit, 10) + " bytes"
	case errors.As(err, &he) && httpstatus.Tilby.Status(he.Code) != http.StatusInternalServerError:
		out.Status, out.Message = httpstatus.Tilby.Status(he.Code), he.Error()
		for _, f := range he.Fields {
			out.Details = append(out.Details, detailJSON{Field: field(f.Field), Message: f.Reason})
			if f.Field == "entity_name" || f.Field == "event_type" {
				out.Valid = valid()
			}
		}
	case errors.Is(err, context.Canceled):
		out.Status, out.Message = 499, "request canceled"
	default:
		h.log.ErrorContext(r.Context(), "tilby: internal error", "err", err, "path", r.URL.Path)
	}
	out.Error = http.StatusText(out.Status)
	if out.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="hookhub"`)
	}
	httpstatus.SetRetryAfter(w.Header(), out.Status)
	writeJSON(w, out.Status, out)
}

// field names a field of the core's in this API's terms.
func field(f string) string {
	switch {
	case f == "errors_email":
		return "email"
	case f == "events" || strings.HasPrefix(f, "events["):
		return "event_type"
	}
	return f
}

// valid lists every entity with its event types.
func valid() map[string][]string {
	m := make(map[string][]string, len(entities))
	for _, e := range entities {
		m[e.name] = e.events
	}
	return m
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
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
