package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/api"
	"github.com/hookhub/hookhub/console"
	"github.com/hookhub/hookhub/crm360"
	"github.com/hookhub/hookhub/httpstatus"
	"github.com/hookhub/hookhub/inbound"
	"github.com/hookhub/hookhub/salesiq"
	"github.com/hookhub/hookhub/superoffice"
	"github.com/hookhub/hookhub/svix"
	"github.com/hookhub/hookhub/tilby"
)

// routes mounts every surface. Read it top to bottom.
func (s *Server) routes(reg *prometheus.Registry) http.Handler {
	mux := http.NewServeMux()
	native := http.NewServeMux()
	s.doc = api.Register(native, s.svc, api.Options{MaxBody: s.cfg.MaxBody, Listen: s.listen}).OpenAPI()
	describe(s.doc) // openapi.go: the surfaces below that huma does not serve

	mux.Handle("/v1/", native)
	// The publish routes by their exact patterns as well: a request the
	// prefix pattern /v1/ takes costs the mux a second lookup, of the path
	// with a slash added (for a redirect), and allocations, on the hot path.
	mux.Handle("POST /v1/events", native)
	mux.Handle("POST /v1/events/batch", native)
	mux.Handle("GET /openapi.json", native) // and its YAML and OpenAPI 3.0 forms:
	mux.Handle("GET /openapi.yaml", native)
	mux.Handle("GET /openapi-3.0.json", native)
	mux.Handle("GET /openapi-3.0.yaml", native)
	mux.Handle("/api/v2/", salesiq.New(s.svc, salesiq.Options{MaxBody: s.cfg.MaxBody}))
	superoffice.Register(mux, s.svc, superoffice.Options{MaxBody: s.cfg.MaxBody}) // /api/v1/Agents/Webhook/ and /api/v1/Webhook
	svix.Register(mux, s.svc, svix.Options{MaxBody: s.cfg.MaxBody})               // /api/v1/app, /api/v1/event-type, /api/v1/auth/
	mux.Handle("/v2/", tilby.New(s.svc, tilby.Options{MaxBody: s.cfg.MaxBody}))
	mux.Handle("/in/", inbound.New(s.svc, inbound.Options{MaxBody: s.cfg.MaxBody, Kinds: InboundKinds()})) // integrations' URLs
	mux.Handle(crm360.Path, crm360.New(s.svc, crm360.Options{MaxBody: s.cfg.MaxBody, DelayScale: s.cfg.RetryScale, Now: s.now}))
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	mux.Handle("/", console.New(s.svc, console.Options{ // the web console: every path no surface above has
		MaxBody: s.cfg.MaxBody, Secure: strings.HasPrefix(s.cfg.PublicURL, "https://"), PublicURL: s.cfg.PublicURL,
		Now: func() time.Time { return s.Now() }, Logger: s.log.With("part", "console"),
	}))
	return mux
}

func (s *Server) now() time.Time { return s.Now() }

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	notReady := func(why string) {
		httpstatus.SetRetryAfter(w.Header(), http.StatusServiceUnavailable)
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(why + "\n"))
	}
	if err := s.store.Ping(ctx); err != nil {
		s.log.Warn("not ready: database", "err", err)
		notReady("database unreachable")
		return
	}
	// After a storage fault (disk full, read-only, connection lost), not
	// ready until a write passes again.
	if wc, ok := s.store.(hookhub.WriteChecker); ok {
		if err := wc.CheckWrites(ctx, s.Now()); err != nil {
			s.log.Warn("not ready: the database does not take writes", "err", err)
			notReady("database does not take writes")
			return
		}
	}
	if !s.engine.Running() {
		notReady("delivery workers not running")
		return
	}
	_, _ = w.Write([]byte("ready\n"))
}

// redact hides a password in a database URL for the log.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
