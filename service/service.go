package service

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/crm"
	"github.com/hookhub/hookhub/egress"
)

// Store is what the service keeps its objects in: hookhub's and the CRM's,
// in one database (sqlstore implements both).
type Store interface {
	hookhub.Store
	crm.Store
}

// Config is what a Service needs.
type Config struct {
	Store  Store
	Egress egress.Policy    // which target URLs webhooks may have
	Now    func() time.Time // the clock; time.Now when nil
	// Wake tells the delivery workers that work is due now (after a
	// publish, a retry, a recovery or a re-activation). Nil: nobody is told.
	Wake   func()
	Logger *slog.Logger // slog.Default() when nil
	// MaxBatch is the most events one group commit writes (default 256).
	MaxBatch int
	// Handoff takes a publish's fresh deliveries straight to this node's
	// delivery workers (the engine). Nil: they wait in the queue for a
	// claim, after Wake.
	Handoff Handoff
	// Sender makes immediate, unrecorded requests to a webhook's URL (test
	// calls, handshakes): the delivery engine. Nil: such calls are
	// EUNAVAILABLE.
	Sender Sender
	// PublicURL returns the base URL senders reach hookhub at
	// ("https://hooks.example.com"), for integrations' URLs. Nil: those
	// URLs are paths only ("/in/…").
	PublicURL func() string
	// Catalog is the vocabulary of the products served: event types,
	// scope aliases, integration kinds. Nil: the built-in catalogue alone.
	Catalog *hookhub.Catalog
	// Rules are the adapters' rules for the webhooks of their formats, by
	// format name, applied on every save.
	Rules map[string]FormatRules

	// AdminToken, when set, is an admin token's secret (HOOKHUB_ADMIN_TOKEN)
	// besides those made by CreateAdminToken.
	AdminToken string

	// WakeInbound tells the inbound workers that a queued message is due
	// now; WakeOutbox tells the outbox's senders that an SMS or a wallet
	// update is queued. Nil: nobody is told, and they find it by polling.
	WakeInbound, WakeOutbox func()

	// Received, when not nil, is told of every inbound request stored (at
	// /in/ or QueueProcess): its integration's kind and its status then
	// (processing, queued, or failed for one refused). /metrics counts them.
	Received func(kind string, status hookhub.InboundStatus)
}

// Sender sends one request now, outside the queue.
type Sender interface {
	Try(ctx context.Context, w *hookhub.Webhook, ev *hookhub.Event) *hookhub.Attempt
	Post(ctx context.Context, w *hookhub.Webhook, body []byte, header http.Header) *hookhub.Attempt
}

// DefaultMaxBatch is the default Config.MaxBatch.
const DefaultMaxBatch = 256

// Service runs hookhub's use cases. Its methods are safe for concurrent use.
type Service struct {
	store    Store
	egress   egress.Policy
	clock    func() time.Time
	wakeFn   func()
	log      *slog.Logger
	maxBatch int
	sender   Sender
	baseURL  func() string
	rules    map[string]FormatRules
	catalog  *hookhub.Catalog
	tokens   tokenCache
	// adminHash is the hash of Config.AdminToken; nil when unset.
	adminHash []byte

	publishes chan *publishCall // unbuffered: a send succeeds only when the committer takes it
	quit      chan struct{}     // closed by Close
	done      chan struct{}     // closed when the committer has returned
	closeOnce sync.Once

	wakeInbound, wakeOutbox func() // Config.WakeInbound and WakeOutbox
	handoff                 Handoff
	received                func(kind string, status hookhub.InboundStatus)
}

// New returns a Service and starts its committer. Call Close when done.
func New(cfg Config) *Service {
	s := &Service{
		store:     cfg.Store,
		egress:    cfg.Egress,
		clock:     cfg.Now,
		wakeFn:    cfg.Wake,
		log:       cfg.Logger,
		maxBatch:  cfg.MaxBatch,
		sender:    cfg.Sender,
		handoff:   cfg.Handoff,
		baseURL:   cfg.PublicURL,
		rules:     cfg.Rules,
		catalog:   cfg.Catalog,
		publishes: make(chan *publishCall),
		quit:      make(chan struct{}),
		done:      make(chan struct{}),

		wakeInbound: cfg.WakeInbound,
		wakeOutbox:  cfg.WakeOutbox,
		received:    cfg.Received,
	}
	if s.clock == nil {
		s.clock = time.Now
	}
	if strings.TrimSpace(cfg.AdminToken) != "" {
		s.adminHash = hookhub.HashToken(cfg.AdminToken)
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.maxBatch <= 0 {
		s.maxBatch = DefaultMaxBatch
	}
	go s.commitLoop()
	return s
}

// Close stops taking publishes, commits those already handed over, and
// waits for the committer to finish. It does not close the store, which
// belongs to the caller. Publishing after Close is EUNAVAILABLE.
func (s *Service) Close() {
	s.closeOnce.Do(func() { close(s.quit) })
	<-s.done
}

// Catalog returns the vocabulary of the products served.
func (s *Service) Catalog() *hookhub.Catalog { return s.catalog }

// Logger returns the service's logger, for adapters that log beside it.
func (s *Service) Logger() *slog.Logger { return s.log }

// Egress returns the policy outbound requests follow, for adapters whose
// product checks a URL with a request of its own (SalesIQ's HEAD).
func (s *Service) Egress() egress.Policy { return s.egress }

// now is the clock at the store's precision (milliseconds), in UTC, so that
// what a method returns equals what a later read gives.
func (s *Service) now() time.Time { return s.clock().UTC().Truncate(time.Millisecond) }

func (s *Service) wake() {
	if s.wakeFn != nil {
		s.wakeFn()
	}
}

// errInvalidToken is the one answer for every token that cannot be used, so
// that callers learn nothing about which tokens exist.
func errInvalidToken() error {
	return hookhub.Errorf(hookhub.EUNAUTHORIZED, "invalid or expired token")
}

// authenticated checks that actor is a usable token.
func (s *Service) authenticated(actor *hookhub.Token) error {
	if actor == nil || actor.TenantID == "" || !actor.Usable(s.clock()) {
		return errInvalidToken()
	}
	return nil
}

// authorize checks that actor is a usable token carrying scope.
func (s *Service) authorize(actor *hookhub.Token, scope hookhub.Scope) error {
	if err := s.authenticated(actor); err != nil {
		return err
	}
	if actor.AppID != "" {
		return hookhub.Errorf(hookhub.EFORBIDDEN, "this token opens the app portal of application %s only", actor.AppID)
	}
	if !actor.Has(scope) {
		return hookhub.Errorf(hookhub.EFORBIDDEN, "this token lacks the %s scope", scope)
	}
	return nil
}

// fieldsOf returns the field errors of an EINVALID error, and whether err is
// one, so that problems from several checks can be reported together.
func fieldsOf(err error) (hookhub.Problems, bool) {
	var e *hookhub.Error
	if errors.As(err, &e) && e.Code == hookhub.EINVALID {
		return hookhub.Problems(e.Fields), true
	}
	return nil, false
}
