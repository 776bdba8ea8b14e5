package hookhub

import (
	"context"
	"regexp"
	"time"
)

// Application is one of a tenant's customers, as Svix's API has them: a
// first-class object with a name, the caller's own unique id, metadata and
// a rate limit, so that it can be listed, found by uid and shown. Routing
// reuses the core's app limits: an application's endpoints are webhooks
// limited to its ID (Webhook.Apps) and its messages are events of its ID
// (Event.AppID), so the store's fan-out, the engine and the native API
// already keep one application's messages from another's endpoints.
type Application struct {
	TenantID  string
	ID        string // "app_…", made by hookhub; the app id of its events and webhooks
	UID       string // the caller's unique id for it; "" for none
	Name      string
	Metadata  map[string]string
	RateLimit int // requests a second to each endpoint that sets none; 0 for no limit
	CreatedAt time.Time
	UpdatedAt time.Time
}

// uidPattern is what Svix allows in a uid (and in its other names).
var uidPattern = regexp.MustCompile(`^[a-zA-Z0-9\-_.]+$`)

// CheckUID returns a reason when uid is not a valid unique id: 1 to 256
// letters, digits, '-', '_' and '.'.
func CheckUID(uid string) string {
	switch {
	case uid == "":
		return "must not be empty"
	case len(uid) > 256:
		return "must be at most 256 characters"
	case !uidPattern.MatchString(uid):
		return "must be letters, digits, '-', '_' and '.' only"
	}
	return ""
}

// Validate checks an application before it is saved.
func (a *Application) Validate() error {
	var p Problems
	switch {
	case a.Name == "":
		p.Add("name", "is required")
	case len(a.Name) > 256:
		p.Add("name", "must be at most 256 characters")
	}
	if a.UID != "" {
		if r := CheckUID(a.UID); r != "" {
			p.Add("uid", "%s", r)
		}
	}
	if len(a.Metadata) > 50 {
		p.Add("metadata", "must have at most 50 entries")
	}
	for k, v := range a.Metadata {
		if len(k) > 256 || len(v) > 4096 {
			p.Add("metadata", "keys must be at most 256 and values at most 4096 characters")
			break
		}
	}
	if a.RateLimit < 0 || a.RateLimit > 65535 {
		p.Add("rateLimit", "must be between 1 and 65535")
	}
	return p.Err()
}

// ApplicationStore keeps applications and the answers to requests that
// carried an Idempotency-Key.
type ApplicationStore interface {
	// CreateApplication stores a; a uid the tenant uses already is
	// ECONFLICT.
	CreateApplication(ctx context.Context, a *Application) error
	// GetApplication finds one of the tenant's applications by its id or
	// its uid.
	GetApplication(ctx context.Context, tenantID, idOrUID string) (*Application, error)
	// ListApplications lists the tenant's applications, oldest first.
	ListApplications(ctx context.Context, tenantID string, f ApplicationFilter) ([]*Application, error)
	// UpdateApplication saves a's name, uid, metadata and rate limit.
	UpdateApplication(ctx context.Context, a *Application) error
	DeleteApplication(ctx context.Context, tenantID, id string) error

	// SaveResponse keeps the answer to a request with an idempotency key;
	// a key the tenant used already is ECONFLICT.
	SaveResponse(ctx context.Context, r *SavedResponse) error
	// SavedResponse finds the answer kept for a key.
	SavedResponse(ctx context.Context, tenantID, key string) (*SavedResponse, error)
}

// ApplicationFilter pages a list of applications: at most Limit of them
// after the one with id After ("": from the first), oldest first.
type ApplicationFilter struct {
	After string
	Limit int
}

// SavedResponse is the answer given to a request that carried an
// Idempotency-Key, given again to a retry of it.
type SavedResponse struct {
	TenantID  string
	Key       string
	Request   string // what the request was (method, path and a hash of the body), so that a key reused for another request is caught
	Status    int
	Body      []byte
	CreatedAt time.Time
}
