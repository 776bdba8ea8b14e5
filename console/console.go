package console

import (
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/hookhub/hookhub/service"
)

// Options configure the console.
type Options struct {
	// Secure marks the cookies Secure; set it when people reach hookhub
	// over https (through a proxy that ends TLS, too). Requests that come
	// over TLS get Secure cookies anyway.
	Secure bool
	// PublicURL, when set, is the URL people reach hookhub at
	// ("https://hooks.example.com"): forms from its origin are trusted even
	// when a proxy in front of hookhub changes the Host header.
	PublicURL string
	// MaxBody is the largest form accepted, in bytes (default 1 MiB).
	MaxBody int64
	// Limits bound sessions (default DefaultLimits).
	Limits service.SessionLimits
	// Now is the clock of the console's own figures ("the last hour");
	// time.Now when nil.
	Now func() time.Time
	// Logger receives internal errors; the service's logger when nil.
	Logger *slog.Logger
}

// DefaultLimits end a session after an hour without use, or twelve hours
// after its sign-in.
var DefaultLimits = service.SessionLimits{Idle: time.Hour, Absolute: 12 * time.Hour}

// handler serves the console.
type handler struct {
	svc   *service.Service
	opts  Options
	log   *slog.Logger
	pages map[string]*page
	mux   *http.ServeMux
	cross *http.CrossOriginProtection
}

// New returns the console as a handler to mount at /.
func New(svc *service.Service, opts Options) http.Handler {
	if opts.MaxBody <= 0 {
		opts.MaxBody = 1 << 20
	}
	if opts.Limits == (service.SessionLimits{}) {
		opts.Limits = DefaultLimits
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = svc.Logger()
	}
	h := &handler{
		svc: svc, opts: opts, log: opts.Logger, pages: parsePages(),
		mux: http.NewServeMux(), cross: http.NewCrossOriginProtection(),
	}
	if u, err := url.Parse(opts.PublicURL); opts.PublicURL != "" && err == nil {
		if err := h.cross.AddTrustedOrigin(u.Scheme + "://" + u.Host); err != nil {
			h.log.Warn("console: the public URL has no valid origin; forms are checked against the Host header only", "url", opts.PublicURL, "err", err)
		}
	}
	h.routes()
	return h
}

// ServeHTTP sets the security headers of every answer and routes.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "+
		"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "same-origin") // not no-referrer: that makes browsers send Origin: null
	hd.Set("Cross-Origin-Opener-Policy", "same-origin")
	hd.Set("Cross-Origin-Resource-Policy", "same-origin")
	hd.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
	h.mux.ServeHTTP(w, r)
}
