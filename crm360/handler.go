package crm360

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/crm"
	"github.com/hookhub/hookhub/service"
)

// Path is where QueueProcess is served, as CRM360 spells it.
const Path = "/api/Webhook/QueueProcess"

// SourceURL is the QueueProcess URL a CRM360 source's platform posts to,
// below base: the parameters that name the tenant (when a is not nil) and
// the source; the caller adds ExternalEntity, ExternalAction and the
// optional ones.
func SourceURL(base string, in *hookhub.Integration, a *crm.CRM360Account) string {
	platform, _ := crm.CRM360Platform(in.Kind)
	q := url.Values{"SourceId": {strconv.FormatInt(in.ID, 10)}, "ExternalPlatform": {platform}}
	if a != nil {
		q.Set("CustomerName", a.CustomerName)
		q.Set("DatabaseAlias", a.DatabaseAlias)
	}
	return strings.TrimRight(base, "/") + Path + "?" + q.Encode()
}

// Options configure the handler.
type Options struct {
	// MaxBody is the largest request body accepted, in bytes (default 1
	// MiB); a larger one is refused with 413.
	MaxBody int64
	// DelayScale multiplies secondsOfInvisibility, as HOOKHUB_RETRY_SCALE
	// does every delay (default 1).
	DelayScale float64
	// Now is the clock that Zendesk's timestamps are checked against
	// (default time.Now).
	Now    func() time.Time
	Logger *slog.Logger // the service's logger when nil
}

// storeTimeout bounds the writes of one request, which run even when the
// sender hangs up.
const storeTimeout = 30 * time.Second

type handler struct {
	svc  *service.Service
	opts Options
}

// New returns the QueueProcess endpoint, to mount at Path.
func New(svc *service.Service, opts Options) http.Handler {
	if opts.MaxBody <= 0 {
		opts.MaxBody = 1 << 20
	}
	if opts.DelayScale <= 0 {
		opts.DelayScale = 1
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = svc.Logger()
	}
	return &handler{svc: svc, opts: opts}
}

// ServeHTTP is POST /api/Webhook/QueueProcess: read the parameters, find
// the source, check the caller and the body, queue, answer.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), storeTimeout)
	defer cancel()
	req, err := h.check(ctx, w, r)
	if err == nil {
		err = h.svc.QueueInbound(ctx, req.in, req.msg, req.delay(h.opts.DelayScale), req.copyTo())
	}
	if err != nil {
		h.fail(ctx, w, err)
		return
	}
	write(w, http.StatusOK, accepted(req.msg, req.items))
}

// request is a QueueProcess call that passed every check.
type request struct {
	p     *Params
	in    *hookhub.Integration
	msg   *hookhub.InboundMessage
	items int
}

func (q *request) delay(scale float64) time.Duration {
	return time.Duration(float64(q.p.Invisibility) * float64(time.Second) * scale)
}

func (q *request) copyTo() []string {
	if q.p.Email == "" {
		return nil
	}
	return []string{q.p.Email}
}

// check runs the checks in the order a caller fixes them: the method, the
// parameters, the source, the body's size, the credentials, the body.
func (h *handler) check(ctx context.Context, w http.ResponseWriter, r *http.Request) (*request, error) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		return nil, hookhub.Errorf(hookhub.EMETHOD, "QueueProcess takes POST requests only")
	}
	p, err := ParseParams(r.URL.RawQuery)
	if err != nil {
		return nil, err
	}
	in, src, err := h.svc.FindCRM360Source(ctx, p.CustomerName, p.DatabaseAlias, p.SourceID)
	if err != nil {
		return nil, err
	}
	if in.Kind != p.Route.Kind() {
		return nil, hookhub.Invalid(pSourceID, "source %d is a %s source, not a %s one", in.ID, strings.TrimPrefix(in.Kind, crm.CRM360KindPrefix), p.Route.Platform)
	}
	if !in.Active {
		return nil, hookhub.Errorf(hookhub.EFORBIDDEN, "source %d is deactivated; activate it to receive requests", in.ID)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.opts.MaxBody))
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return nil, hookhub.Errorf(hookhub.ETOOLARGE, "the request body must not be greater than %d bytes", mbe.Limit)
	case err != nil:
		return nil, hookhub.Invalid("body", "the request body could not be read: %s", err.Error())
	}
	if err := authenticate(ctx, h.svc, src, r.Header, body, h.opts.Now()); err != nil {
		return nil, err
	}
	ops, err := Decode(p, r.Header, body)
	if err != nil {
		return nil, err
	}
	if err := precheck(in, p, ops); err != nil {
		return nil, err
	}
	msg := &hookhub.InboundMessage{Entity: p.Route.Entity, Action: p.Route.Action, Method: r.Method, Query: r.URL.RawQuery,
		Header: redact(r.Header), Body: body, RemoteAddr: r.RemoteAddr, Answer: http.StatusOK}
	return &request{p: p, in: in, msg: msg, items: len(ops)}, nil
}

// precheck applies the core's checks to the change a body makes, so that
// a body that breaks them is refused now rather than failed later.
func precheck(in *hookhub.Integration, p *Params, ops []crm.CRMOp) error {
	ch := &crm.CRMChange{TenantID: in.TenantID, IntegrationID: in.ID, Attribution: p.attribution(), Ops: ops}
	ch.Prepare()
	return ch.Validate()
}

func (h *handler) fail(ctx context.Context, w http.ResponseWriter, err error) {
	status, a := failure(err)
	if status >= 500 {
		h.opts.Logger.ErrorContext(ctx, "crm360: queue request", "err", err)
	}
	write(w, status, a)
}
