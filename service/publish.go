package service

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"time"

	"github.com/hookhub/hookhub"
)

// MaxPublish is the most events one Publish call takes.
const MaxPublish = 1000

// commitTimeout bounds one group commit.
const commitTimeout = 30 * time.Second

// publishLinger is how long the committer waits for more calls, when the
// last batch showed a busy API, before it writes a batch: larger batches
// cost less per event (a commit writes every page it changed, whether it
// holds one event or twenty), and under load the wait is shorter than the
// commit it saves. With one call at a time, nothing waits.
const publishLinger = 500 * time.Microsecond

// backToBack is how soon after the last batch was written a call counts as
// one of a stream, which the committer gathers with the others ready to
// run (commitLoop).
const backToBack = time.Millisecond

// Publish checks events, stamps them with the actor's tenant and the time,
// and stores them with their deliveries. It returns only after the store
// has committed them. Concurrent calls are committed together (see
// commitLoop); each caller gets its own results, in the order of its
// events, or the error of the batch it was in.
func (s *Service) Publish(ctx context.Context, actor *hookhub.Token, events ...*hookhub.Event) ([]hookhub.PublishResult, error) {
	return s.publish(ctx, actor, true, events)
}

// PublishDecoded is Publish for events decoded from a JSON document that
// the caller's decoder found valid, as the API's decoder does with each
// request body: their Data, values of that document, are valid JSON, and
// it does not check them again (hookhub.Event.ValidateDecoded). Any other
// caller publishes with Publish, which checks them.
func (s *Service) PublishDecoded(ctx context.Context, actor *hookhub.Token, events ...*hookhub.Event) ([]hookhub.PublishResult, error) {
	return s.publish(ctx, actor, false, events)
}

// publish is Publish, which checks that each event's data is valid JSON
// if checkJSON, and PublishDecoded otherwise. (A bool, not the method to
// check with: an event passed to a func value escapes, an allocation per
// event.)
func (s *Service) publish(ctx context.Context, actor *hookhub.Token, checkJSON bool, events []*hookhub.Event) ([]hookhub.PublishResult, error) {
	if err := s.authorize(actor, hookhub.ScopeEventsPublish); err != nil {
		return nil, err
	}
	if len(events) == 0 {
		return nil, nil
	}
	if len(events) > MaxPublish {
		return nil, hookhub.Invalid("events", "must have at most %d entries", MaxPublish)
	}
	now := s.now()
	cat := s.catalogue(actor.TenantID)
	var p hookhub.Problems
	reqs := make([]hookhub.PublishRequest, len(events))
	for i, e := range events {
		prefix := ""
		if len(events) > 1 {
			prefix = "events[" + strconv.Itoa(i) + "]."
		}
		validate := e.ValidateDecoded
		if checkJSON {
			validate = e.Validate
		}
		if err := validate(); err != nil {
			fields, ok := fieldsOf(err)
			if !ok {
				return nil, err
			}
			for _, f := range fields {
				p.Add(prefix+f.Field, "%s", f.Reason)
			}
		} else if ok, err := cat.has(ctx, e.Type); err != nil {
			return nil, err
		} else if !ok {
			p.Add(prefix+"type", "%s", unknownType(e.Type))
		}
		c := *e
		c.ID, c.TenantID, c.CreatedAt = 0, actor.TenantID, now
		c.ModifiedFields = slices.Clone(e.ModifiedFields)
		c.Channels = slices.Clone(e.Channels)
		reqs[i] = hookhub.PublishRequest{Event: &c}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return s.commit(ctx, reqs)
}

// SendTest publishes a webhook.test event to one of the tenant's webhooks
// only, subscribed to it or not. Testing a webhook is managing it, so it
// needs webhooks.update (not events.publish). A webhook that is not active
// gets the delivery held, like any other.
func (s *Service) SendTest(ctx context.Context, actor *hookhub.Token, webhookID int64) (hookhub.PublishResult, error) {
	if err := s.authorize(actor, hookhub.ScopeWebhooksUpdate); err != nil {
		return hookhub.PublishResult{}, err
	}
	w, err := s.store.GetWebhook(ctx, actor.TenantID, webhookID)
	if err != nil {
		return hookhub.PublishResult{}, fmt.Errorf("send test: %w", err)
	}
	id := strconv.FormatInt(w.ID, 10)
	e := &hookhub.Event{
		TenantID: actor.TenantID, Type: hookhub.TestEventType, EntityType: "webhook", EntityID: id,
		Data:      []byte(`{"webhook_id":` + id + `,"message":"This is a test event sent by hookhub."}`),
		CreatedAt: s.now(),
	}
	res, err := s.commit(ctx, []hookhub.PublishRequest{{Event: e, WebhookID: w.ID}})
	if err != nil {
		return hookhub.PublishResult{}, err
	}
	return res[0], nil
}

// publishCall is one caller's part of a group commit.
type publishCall struct {
	ctx  context.Context
	reqs []hookhub.PublishRequest

	// The outcome, which the committer sets before it closes done: closing
	// never waits on a caller, and a channel of struct{} is one allocation
	// where a buffered channel of the outcome is two.
	results []hookhub.PublishResult
	err     error
	done    chan struct{}
}

// reply gives the caller its outcome.
func (c *publishCall) reply(results []hookhub.PublishResult, err error) {
	c.results, c.err = results, err
	close(c.done)
}

// commit hands reqs to the committer and waits for their outcome.
func (s *Service) commit(ctx context.Context, reqs []hookhub.PublishRequest) ([]hookhub.PublishResult, error) {
	call := &publishCall{ctx: ctx, reqs: reqs, done: make(chan struct{})}
	select {
	case s.publishes <- call:
	case <-s.quit:
		return nil, hookhub.Errorf(hookhub.EUNAVAILABLE, "hookhub is shutting down; publish again shortly")
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	select {
	case <-call.done:
		return call.results, call.err
	case <-ctx.Done():
		// The batch may still commit; the caller's retry with the same
		// idempotency key will find it.
		return nil, ctx.Err()
	}
}

// commitLoop is the committer: it takes the first waiting call, then every
// other call already waiting, until the batch holds MaxBatch events, and
// writes them all with one Store.Publish. A call that would overflow the
// batch starts the next one. Under load, batches grow by themselves: while
// one commits, the next callers queue up; when calls come back to back
// (backToBack), the callers that are ready to run hand over their calls
// before the committer takes them; and when the last batch had more than
// two calls, it waits up to publishLinger for more.
func (s *Service) commitLoop() {
	defer close(s.done)
	var next *publishCall // a call taken but left for the next batch
	busy := false
	var wrote time.Time // when the last batch was written
	for {
		first := next
		next = nil
		if first == nil {
			select {
			case first = <-s.publishes:
			case <-s.quit:
				s.drain()
				return
			}
		}
		// The call that woke the committer made it run next, ahead of
		// the other callers already runnable: when calls come back to
		// back, let those hand over their calls first. Without this, on
		// one processor, each commit held one event and a burst delivered
		// a third as much (README, Speed). With nothing else to run, it
		// returns at once; on one busy processor it may wait behind every
		// runnable goroutine, not only publishers, which is bounded and
		// cheaper than a commit each. At a steady rate it does not yield.
		if time.Since(wrote) < backToBack {
			runtime.Gosched()
		}
		batch, n := []*publishCall{first}, len(first.reqs)
		var wait <-chan time.Time
		if busy {
			wait = time.After(publishLinger)
		}
	gather:
		for n < s.maxBatch {
			var c *publishCall
			select {
			case c = <-s.publishes:
			default:
				if wait == nil {
					break gather
				}
				select {
				case c = <-s.publishes:
				case <-wait:
					break gather
				}
			}
			if n+len(c.reqs) > s.maxBatch {
				next = c
				break gather
			}
			batch, n = append(batch, c), n+len(c.reqs)
		}
		busy = len(batch) > 2
		s.write(batch)
		wrote = time.Now()
	}
}

// drain commits the calls that are handed over while the service closes.
// The channel is unbuffered, so once no sender is waiting, every later
// Publish sees quit closed instead.
func (s *Service) drain() {
	for {
		select {
		case c := <-s.publishes:
			s.write([]*publishCall{c})
		default:
			return
		}
	}
}

// write stores a batch in one transaction and answers each of its callers.
func (s *Service) write(batch []*publishCall) {
	live := batch[:0]
	var reqs []hookhub.PublishRequest
	for _, c := range batch {
		if err := c.ctx.Err(); err != nil {
			c.reply(nil, err) // gave up before its turn: not written
			continue
		}
		live = append(live, c)
		reqs = append(reqs, c.reqs...)
	}
	if len(reqs) == 0 {
		return
	}
	// The batch is everyone's, so no caller's context may cancel it.
	ctx, cancel := context.WithTimeout(context.Background(), commitTimeout)
	defer cancel()
	var lease hookhub.Lease
	if s.handoff != nil {
		lease = s.handoff.Reserve(len(reqs))
	}
	results, err := s.store.PublishLeased(ctx, s.now(), lease, reqs...)
	var claims []*hookhub.Claim
	for i := range results {
		claims = append(claims, results[i].Claims...)
		results[i].Claims = nil // the workers' now
	}
	if s.handoff != nil {
		s.handoff.Handoff(claims, lease)
	}
	if err != nil {
		err = fmt.Errorf("publish %d events: %w", len(reqs), err)
		s.log.Error("group commit failed", "events", len(reqs), "callers", len(live), "err", err)
		for _, c := range live {
			c.reply(nil, err)
		}
		return
	}
	deliveries := 0
	for _, c := range live {
		mine := results[:len(c.reqs):len(c.reqs)]
		results = results[len(c.reqs):]
		for _, r := range mine {
			deliveries += r.Deliveries
		}
		c.reply(mine, nil)
	}
	if deliveries > len(claims) {
		s.wake()
	}
}

// Handoff is the delivery workers' side of a publish (delivery.Engine):
// Reserve says how many fresh deliveries they can take now, as a lease for
// Store.PublishLeased; Handoff gives them what that publish leased, or
// nothing when it failed, and frees the rest of the reservation.
type Handoff interface {
	Reserve(n int) hookhub.Lease
	Handoff(claims []*hookhub.Claim, lease hookhub.Lease)
}
