package hookhub

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"
)

// DeliveryState is where a delivery is in its life.
type DeliveryState string

// The states of a delivery. Pending and in-flight deliveries are the queue:
// a pending one is due at RunAt, an in-flight one is claimed by a worker
// until RunAt (its lease), after which any worker may claim it again.
const (
	DeliveryPending   DeliveryState = "pending"
	DeliveryInFlight  DeliveryState = "in_flight"
	DeliverySucceeded DeliveryState = "succeeded"
	DeliveryFailed    DeliveryState = "failed" // every try failed; can be retried by hand
	DeliveryHeld      DeliveryState = "held"   // the webhook is not active
)

// Valid reports whether s is one of the states.
func (s DeliveryState) Valid() bool {
	switch s {
	case DeliveryPending, DeliveryInFlight, DeliverySucceeded, DeliveryFailed, DeliveryHeld:
		return true
	}
	return false
}

// Delivery is one event for one webhook.
type Delivery struct {
	ID         int64
	TenantID   string
	EventID    int64
	WebhookID  int64
	State      DeliveryState
	Attempts   int // tries made so far, counting one in flight
	RunAt      time.Time
	LastStatus int
	LastError  string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Claim is a delivery a worker holds, with its event.
type Claim struct {
	Delivery
	Event Event
	// WebhookVersion is the webhook's Version when the delivery was
	// leased, 0 when unknown: a worker's copy of that version may be used.
	WebhookVersion int64
}

// Attempt is one HTTP try of a delivery, as sent and as answered.
type Attempt struct {
	ID              int64
	DeliveryID      int64
	TenantID        string
	WebhookID       int64
	EventID         int64
	Number          int
	URL             string
	StartedAt       time.Time
	Duration        time.Duration
	RequestHeaders  http.Header
	RequestBody     []byte
	Status          int // 0 when no answer came
	ResponseHeaders http.Header
	ResponseBody    []byte // at most MaxResponseBody bytes
	Error           string // transport error or why the answer failed
	Success         bool
}

// MaxResponseBody is how much of a receiver's answer is kept.
const MaxResponseBody = 4 << 10

// OutcomeKind is what happens to a delivery after a worker is done with it.
type OutcomeKind int

// The outcomes.
const (
	OutcomeSucceeded OutcomeKind = iota + 1
	OutcomeRetry                 // try again at Outcome.RunAt
	OutcomeFailed                // no tries left
	OutcomeHeld                  // the webhook is not active; no try was made
	OutcomeReleased              // given back unsent, due again at RunAt (or at once when zero): no try counted
)

// Outcome is a worker's verdict on one claimed delivery, with the attempt it
// made (nil for held and released ones). Stores apply outcomes in batches.
type Outcome struct {
	DeliveryID int64
	TenantID   string
	WebhookID  int64
	Kind       OutcomeKind
	RunAt      time.Time // for OutcomeRetry and OutcomeReleased
	Attempt    *Attempt
	Gone       bool // the receiver answered 410 Gone: stop the webhook
	// Try is the claim's try count (Claim.Attempts). When set, the outcome
	// applies only if the delivery is still in flight at that try: a stale
	// worker whose lease ran out changes nothing.
	Try int
}

// NextTry returns when try number next (1-based) of a delivery is due, and
// false when the policy has no more tries. retryAfter, when positive, is the
// receiver's Retry-After; it is honoured when later than the schedule, up to
// a day. scale multiplies delays (HOOKHUB_RETRY_SCALE).
func NextTry(p RetryPolicy, next int, now time.Time, retryAfter time.Duration, scale float64, rnd *rand.Rand) (time.Time, bool) {
	if next < 1 || next > len(p.Schedule) {
		return time.Time{}, false
	}
	d := p.Schedule[next-1]
	if p.Jitter > 0 && d > 0 {
		f := 1 + p.Jitter*(2*randFloat(rnd)-1)
		d = time.Duration(float64(d) * f)
	}
	if retryAfter > 0 {
		if retryAfter > 24*time.Hour {
			retryAfter = 24 * time.Hour
		}
		if retryAfter > d {
			d = retryAfter
		}
	}
	if scale > 0 && scale != 1 {
		d = time.Duration(float64(d) * scale)
	}
	return now.Add(d), true
}

func randFloat(r *rand.Rand) float64 {
	if r == nil {
		return rand.Float64()
	}
	return r.Float64()
}

// ParseRetryAfter reads a Retry-After header: seconds or an HTTP date.
func ParseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil {
		if s < 0 {
			return 0
		}
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

func formatInt(i int64) string { return strconv.FormatInt(i, 10) }
