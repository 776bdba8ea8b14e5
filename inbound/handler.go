package inbound

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/httpstatus"
	"github.com/hookhub/hookhub/secrets"
	"github.com/hookhub/hookhub/service"
	"github.com/hookhub/hookhub/textcheck"
)

// Options configure the handler.
type Options struct {
	// MaxBody is the largest request body accepted, in bytes (default 1
	// MiB); a larger one is refused with 413 and stored without its body.
	MaxBody int64
	// Logger receives internal errors; the service's logger when nil.
	Logger *slog.Logger
	// Kinds read the requests of their integrations (thiio.Kind); an
	// integration of another kind is answered 501. Their products belong
	// in the service's catalogue too, so that integrations of them can be
	// made.
	Kinds []Kind
}

// storeTimeout bounds the writes of one request. They run even when the
// sender hangs up: a request that was read is recorded, whatever happens
// to its answer.
const storeTimeout = 30 * time.Second

type handler struct {
	svc     *service.Service
	log     *slog.Logger
	maxBody int64
	mux     *http.ServeMux
	kinds   map[string]Kind // by name
}

// New returns the inbound endpoint, to mount at /in/.
func New(svc *service.Service, opts Options) http.Handler {
	if opts.MaxBody <= 0 {
		opts.MaxBody = 1 << 20
	}
	if opts.Logger == nil {
		opts.Logger = svc.Logger()
	}
	h := &handler{svc: svc, log: opts.Logger, maxBody: opts.MaxBody, mux: http.NewServeMux(), kinds: map[string]Kind{}}
	for _, k := range opts.Kinds {
		h.kinds[k.Info().Name] = k
	}
	h.mux.HandleFunc("POST /in/{token}", h.receive)
	h.mux.HandleFunc("/in/{token}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", http.MethodPost)
		writeProblem(w, http.StatusMethodNotAllowed, "an integration's URL takes POST requests only")
	})
	h.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, http.StatusNotFound, "no integration has this URL")
	})
	return h
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

// receive is POST /in/{token}: find the integration, read and check the
// request, store it, process it, answer.
func (h *handler) receive(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), storeTimeout)
	defer cancel()
	if !textcheck.Valid(r.PathValue("token")) {
		writeProblem(w, http.StatusNotFound, "no integration has this URL; copy it again from the integration")
		return
	}
	in, err := h.svc.IntegrationByToken(ctx, r.PathValue("token"))
	if err != nil {
		if hookhub.ErrorCode(err) == hookhub.ENOTFOUND {
			writeProblem(w, http.StatusNotFound, "no integration has this URL; copy it again from the integration")
			return
		}
		h.log.ErrorContext(ctx, "inbound: find integration", "err", err)
		writeProblem(w, http.StatusServiceUnavailable, "the integration could not be looked up; send the request again later")
		return
	}
	kind, ok := h.kinds[in.Kind]
	if !ok {
		h.log.ErrorContext(ctx, "inbound: no handler for the integration's kind", "kind", in.Kind, "integration", in.ID)
		writeProblem(w, http.StatusNotImplemented, "this hookhub does not serve integrations of kind "+in.Kind)
		return
	}
	body, refusal := h.read(w, r)
	msg := &hookhub.InboundMessage{
		Method: r.Method, Query: escapeQuery(r.URL.RawQuery), Header: secrets.HideHeaders(r.Header), Body: body, RemoteAddr: r.RemoteAddr,
	}
	if !in.Active { // refused first; the body is kept all the same
		refusal = ErrInactive
	}
	var d *Decoded
	if refusal == nil {
		d, refusal = kind.Decode(r.Header, body)
	}
	if d == nil {
		d = &Decoded{}
	}
	msg.Entity, msg.Action = d.Entity, d.Action
	if refusal != nil {
		ans := kind.Answer(body, refusal)
		msg.Status, msg.Reason, msg.Answer = hookhub.InboundFailed, ans.Reason, ans.Status
		if err := h.svc.ReceiveInbound(ctx, in, msg, 0); err != nil {
			h.log.ErrorContext(ctx, "inbound: store refused request", "integration", in.ID, "err", err)
		}
		write(w, ans)
		return
	}
	msg.Status = hookhub.InboundProcessing
	if err := h.svc.ReceiveInbound(ctx, in, msg, 0); err != nil {
		h.log.ErrorContext(ctx, "inbound: store request", "integration", in.ID, "err", err)
		write(w, kind.Answer(body, ErrUnavailable))
		return
	}
	err = kind.Process(ctx, h.svc, in, msg, d)
	ans := kind.Answer(body, err)
	if err != nil {
		if code := hookhub.ErrorCode(err); code == hookhub.EINTERNAL || code == hookhub.EUNAVAILABLE {
			h.log.ErrorContext(ctx, "inbound: process request", "integration", in.ID, "message", msg.ID, "err", err)
		}
		o := hookhub.InboundOutcome{Status: hookhub.InboundFailed, Reason: ans.Reason, Answer: ans.Status}
		if err := h.svc.FinishInbound(ctx, msg, o); err != nil {
			h.log.ErrorContext(ctx, "inbound: record failure", "integration", in.ID, "message", msg.ID, "err", err)
		}
	}
	write(w, ans)
}

// read reads the body within the limit. A body over the limit is refused
// and not kept.
func (h *handler) read(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.maxBody))
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return nil, errTooLarge(mbe.Limit)
	case err != nil:
		return body, hookhub.Invalid(BodyField, "the request body could not be read: %s", err.Error())
	}
	return body, nil
}

func write(w http.ResponseWriter, a Answer) {
	if a.ContentType != "" {
		w.Header().Set("Content-Type", a.ContentType)
	}
	httpstatus.SetRetryAfter(w.Header(), a.Status)
	w.WriteHeader(a.Status)
	_, _ = w.Write(a.Body)
}

// writeProblem answers before any integration is known, in the native
// API's problem format.
func writeProblem(w http.ResponseWriter, status int, detail string) {
	b, _ := json.Marshal(map[string]any{"title": http.StatusText(status), "status": status, "detail": detail})
	w.Header().Set("Content-Type", "application/problem+json")
	httpstatus.SetRetryAfter(w.Header(), status)
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// escapeQuery is a raw query with its bytes that are not printable ASCII
// percent-encoded: the same query, as text that can be stored (a client may
// send raw bytes that are not UTF-8).
func escapeQuery(q string) string {
	var b strings.Builder
	for i := 0; i < len(q); i++ {
		if c := q[i]; c < 0x20 || c >= 0x7f {
			fmt.Fprintf(&b, "%%%02X", c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}
