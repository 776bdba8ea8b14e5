package delivery

import (
	"sync"

	"github.com/hookhub/hookhub"
)

// handoff lets a publish on this node give its fresh deliveries straight to
// the workers, without the claim that would otherwise find them: the
// publisher reserves room (Reserve) before its transaction, leases that many
// deliveries in it (hookhub.Store.PublishLeased), and hands them over once
// it commits (Handoff). The lease is the same as a claim's, so a node that
// dies in between loses nothing: its deliveries are claimed again when the
// lease runs out, or at once when it restarts.
type handoff struct {
	mu       sync.Mutex
	open     bool
	reserved int                    // room promised to publishes not yet handed over
	free     func() int             // worker slots free now (set by Run)
	dispatch func([]*hookhub.Claim) // starts the requests (set by Run)
	pending  sync.WaitGroup         // handovers still starting their requests
}

// start opens the handoff while Run delivers.
func (h *handoff) start(free func() int, dispatch func([]*hookhub.Claim)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.open, h.free, h.dispatch = true, free, dispatch
}

// stop closes the handoff and waits until every handover has started its
// requests, so that Run's drain covers them.
func (h *handoff) stop() {
	h.mu.Lock()
	h.open = false
	h.mu.Unlock()
	h.pending.Wait()
}

// held is the room promised to publishes, which claims must leave free.
func (h *handoff) held() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.reserved
}

// Reserve returns the lease a publish of n fresh deliveries may take for
// this engine's workers: up to n deliveries, as many as there are free
// workers not promised to another publish; none while the engine is not
// running. The caller passes the same lease to Handoff once its publish
// committed or failed.
func (e *Engine) Reserve(n int) hookhub.Lease {
	h := &e.handoff
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.open || n <= 0 {
		return hookhub.Lease{}
	}
	k := min(n, h.free()-h.reserved)
	if k <= 0 {
		return hookhub.Lease{}
	}
	h.reserved += k
	return hookhub.Lease{Max: k, For: e.cfg.Lease}
}

// Handoff gives the workers the deliveries a publish leased with lease
// (none when it failed), and frees the room lease promised. Deliveries
// handed over after the engine stopped are given back to the queue.
func (e *Engine) Handoff(claims []*hookhub.Claim, lease hookhub.Lease) {
	h := &e.handoff
	h.mu.Lock()
	h.reserved -= lease.Max
	open := h.open
	if open && len(claims) > 0 {
		h.pending.Add(1)
	}
	dispatch := h.dispatch
	h.mu.Unlock()
	if len(claims) == 0 {
		return
	}
	if !open {
		now := e.cfg.Now()
		outs := make([]hookhub.Outcome, len(claims))
		for i, c := range claims {
			outs[i] = hookhub.Outcome{DeliveryID: c.ID, TenantID: c.TenantID, WebhookID: c.WebhookID, Try: c.Attempts,
				Kind: hookhub.OutcomeReleased, RunAt: now}
		}
		e.complete(outs)
		return
	}
	e.cfg.Metrics.claimed(len(claims))
	go func() {
		defer h.pending.Done()
		dispatch(claims)
	}()
}
