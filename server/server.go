package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/crm360"
	"github.com/hookhub/hookhub/delivery"
	"github.com/hookhub/hookhub/egress"
	"github.com/hookhub/hookhub/inboundworker"
	"github.com/hookhub/hookhub/jsrun"
	"github.com/hookhub/hookhub/listen"
	"github.com/hookhub/hookhub/mail"
	"github.com/hookhub/hookhub/mailqueue"
	"github.com/hookhub/hookhub/outbox"
	"github.com/hookhub/hookhub/service"
	"github.com/hookhub/hookhub/upkeep"
)

// Server is a running hookhub: HTTP surfaces, delivery engine, mailer,
// inbound worker, outbox and upkeep over one store.
type Server struct {
	cfg     Config
	log     *slog.Logger
	store   service.Store
	svc     *service.Service
	engine  *delivery.Engine
	mailer  *mailqueue.Mailer
	upkeep  *upkeep.Upkeep
	inbound *inboundworker.Worker // the inbound queue (CRM360's QueueProcess)
	outbox  *outbox.Dispatcher    // queued SMS and wallet updates
	listen  *listen.Hub           // "hookhub listen" sessions of this node
	handler http.Handler
	doc     *huma.OpenAPI // served at /openapi.json; Listen gives it its server
	ln      net.Listener
	Now     func() time.Time
}

// New opens the store and builds every part; Run starts them.
func New(ctx context.Context, cfg Config, log *slog.Logger) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg.NodeID = cfg.nodeID()
	store, err := OpenStore(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, log: log, store: store, Now: time.Now}
	if err := s.build(); err != nil {
		store.Close()
		return nil, err
	}
	return s, nil
}

func (s *Server) build() error {
	policy := egress.Policy{AllowPrivate: s.cfg.AllowPrivateTargets}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	now := func() time.Time { return s.Now() }
	s.listen = &listen.Hub{Expire: s.expireListen}
	s.engine = delivery.New(delivery.Config{
		Store:        s.store,
		Client:       policy.Client(s.listen.Transport(policy.Transport())), // listening sessions' requests go to their streams
		Now:          now,
		Logger:       s.log.With("part", "delivery"),
		Metrics:      delivery.NewMetrics(reg),
		Workers:      s.cfg.Workers,
		RetryScale:   s.cfg.RetryScale,
		DrainTimeout: s.cfg.ShutdownTimeout,
		PollInterval: s.cfg.PollInterval,
		Lease:        s.cfg.Lease,
		Formats:      Formats(),
		ScriptLimits: s.cfg.scriptLimits(),
		ScriptHost:   func(w *hookhub.Webhook) map[string]jsrun.Func { return s.svc.ScriptFuncs(w) }, // s.svc is set below
	})
	s.svc = service.New(service.Config{
		Store:   s.store,
		Egress:  policy,
		Now:     now,
		Wake:    s.engine.Wake,
		Handoff: s.engine,
		Sender:  s.engine,
		Logger:  s.log.With("part", "service"),

		PublicURL: func() string { return s.cfg.publicURL(s.ln) }, // integrations' URLs
		Rules:     Rules(),
		Catalog:   Catalog(),

		AdminToken: s.cfg.AdminToken,

		WakeInbound: func() { s.inbound.Wake() },
		WakeOutbox:  func() { s.outbox.Wake() },
		Received:    newInboundCounter(reg), // metrics.go
	})
	s.buildQueues(now, reg)
	var sender mail.Sender
	if s.cfg.SMTPURL != "" {
		mc, err := mail.ParseURL(s.cfg.SMTPURL)
		if err != nil {
			return fmt.Errorf("smtp url: %w", err)
		}
		sender = mail.NewSMTP(mc, s.cfg.MailFrom)
	}
	s.mailer = &mailqueue.Mailer{Store: s.store, Sender: sender, Now: now, Logger: s.log.With("part", "mail"), RetryScale: s.cfg.RetryScale}
	s.upkeep = &upkeep.Upkeep{Store: s.store, Now: now, Logger: s.log.With("part", "upkeep"), Retention: s.cfg.Retention, Interval: s.cfg.PurgeInterval}
	if l, ok := s.store.(hookhub.Leader); ok {
		s.upkeep.Lead = l.Lead
	}
	if gr, ok := s.store.(hookhub.GaugeReader); ok {
		reg.MustRegister(newGauges(gr, now, s.log.With("part", "metrics")))
	}
	s.handler = newHTTPMetrics(reg).wrap(s.routes(reg))
	return nil
}

// buildQueues makes the inbound worker, with a processor for each kind of
// queued message and their outcomes counted in reg, and the outbox's
// dispatcher.
func (s *Server) buildQueues(now func() time.Time, reg prometheus.Registerer) {
	proc := crm360.NewProcessor(s.svc)
	count := newInboundProcessedCounter(reg, proc.Kinds()) // metrics.go
	procs := map[string]inboundworker.Processor{}
	for _, kind := range proc.Kinds() {
		procs[kind] = proc
	}
	s.inbound = inboundworker.New(inboundworker.Config{
		Store: s.store, Processors: procs, Now: now, Logger: s.log.With("part", "inbound"),
		Lease: s.cfg.Lease, PollInterval: s.cfg.PollInterval, RetryScale: s.cfg.RetryScale, Count: count,
	})
	s.outbox = outbox.New()
	s.outbox.Store, s.outbox.Now, s.outbox.Logger = s.store, now, s.log.With("part", "outbox")
	s.outbox.Interval, s.outbox.Lease, s.outbox.RetryScale = s.cfg.PollInterval, s.cfg.Lease, s.cfg.RetryScale
}

// expireListen deletes the webhook of a listening session whose listener
// went away without closing it.
func (s *Server) expireListen(ls *listen.Session) {
	err := s.svc.DeleteWebhook(context.Background(), ls.Actor, ls.WebhookID)
	if err != nil && hookhub.ErrorCode(err) != hookhub.ENOTFOUND {
		s.log.Warn("delete an expired listening session's webhook", "webhook", ls.WebhookID, "err", err)
	}
}

// Service returns the service, for commands that act without HTTP.
func (s *Server) Service() *service.Service { return s.svc }

// Store returns the store, for tests and tools that look under the service.
func (s *Server) Store() service.Store { return s.store }

// Handler returns the HTTP handler of every surface.
func (s *Server) Handler() http.Handler { return s.handler }

// Listen binds the configured address; Addr then tells the real one.
func (s *Server) Listen() error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.cfg.Addr, err)
	}
	s.ln = ln
	s.doc.Servers = []*huma.Server{{URL: s.cfg.publicURL(ln), Description: "This hookhub."}}
	return nil
}

// Addr is the address the server listens on.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Run serves until ctx ends, then shuts down in order: stop taking
// requests, let the engine finish or give back its claims, let the
// inbound worker finish the messages in hand, stop the mailer, outbox and
// upkeep, close the store.
func (s *Server) Run(ctx context.Context) error {
	if s.ln == nil {
		if err := s.Listen(); err != nil {
			return err
		}
	}
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	s.takeBack(ctx)
	srv.RegisterOnShutdown(s.listen.CloseAll) // listeners' streams end, so that shutdown does not wait for them
	// Two stages, stopped in turn: the engine and the inbound worker first
	// (their last outcomes may queue e-mails and outbox messages), then
	// what sends those and the rest.
	queueCtx, stopQueues := context.WithCancel(context.WithoutCancel(ctx))
	defer stopQueues()
	workCtx, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWork()
	var queues, wg sync.WaitGroup
	queues.Go(func() {
		if err := s.engine.Run(queueCtx); err != nil {
			s.log.Error("delivery engine", "err", err)
		}
	})
	queues.Go(func() { s.inbound.Run(queueCtx) })
	wg.Go(func() { s.mailer.Run(workCtx) })
	wg.Go(func() { s.outbox.Run(workCtx) })
	if n, ok := s.store.(hookhub.Notifier); ok {
		// Other nodes' new work wakes this one at once; polling stays the fallback.
		wake := func() { s.engine.Wake(); s.inbound.Wake(); s.outbox.Wake() }
		wg.Go(func() {
			if err := n.Listen(workCtx, wake); err != nil {
				s.log.Error("listen for due work", "err", err)
			}
		})
	}
	wg.Go(func() { s.upkeep.Run(workCtx) })

	if s.cfg.DebugAddr != "" {
		stopDebug, err := serveDebug(s.cfg.DebugAddr, s.log)
		if err != nil {
			stopQueues()
			queues.Wait()
			stopWork()
			wg.Wait()
			return err
		}
		defer stopDebug()
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(s.ln) }()
	s.log.Info("hookhub serving", "addr", s.Addr(), "db", redact(s.cfg.DB))
	var err error
	select {
	case <-ctx.Done():
	case err = <-errc:
	}
	s.log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	if e := srv.Shutdown(sctx); e != nil && !errors.Is(e, context.DeadlineExceeded) {
		err = errors.Join(err, e)
	}
	s.svc.Close()
	stopQueues()
	queues.Wait()
	stopWork()
	wg.Wait()
	if e := s.store.Close(); e != nil {
		err = errors.Join(err, e)
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	s.log.Info("stopped")
	return err
}

// takeBack makes due now what this node held when its earlier run ended,
// before the workers start: after a crash, its deliveries in flight go
// out again at once instead of after their lease. A failure is logged;
// the leases then run out as they would have.
func (s *Server) takeBack(ctx context.Context) {
	lt, ok := s.store.(hookhub.LeaseTaker)
	if !ok {
		return
	}
	n, err := lt.TakeBack(ctx, s.Now())
	switch {
	case err != nil:
		s.log.Error("take back the leases of this node's earlier run; they run out in their time", "node", s.cfg.nodeID(), "err", err)
	case n != hookhub.TakenBack{}:
		s.log.Info("took back what this node held when it last stopped", "node", s.cfg.nodeID(),
			"deliveries", n.Deliveries, "inbound", n.Inbound, "mail", n.Mail)
	}
}

// Close releases the store of a server that never ran.
func (s *Server) Close() error {
	s.svc.Close()
	return s.store.Close()
}
