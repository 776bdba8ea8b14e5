package svix

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/hookhub/hookhub"
)

// eventTypeMeta is what the package keeps of an event type beyond the
// core's name and description (hookhub.EventType.Meta).
type eventTypeMeta struct {
	Schemas     json.RawMessage `json:"schemas,omitempty"`
	Archived    bool            `json:"archived,omitempty"`
	Deprecated  bool            `json:"deprecated,omitempty"`
	FeatureFlag string          `json:"featureFlag,omitempty"`
	GroupName   string          `json:"groupName,omitempty"`
	CreatedAt   time.Time       `json:"createdAt"`
}

// eventTypeIn is Svix's EventTypeIn, EventTypeUpdate and EventTypePatch.
type eventTypeIn struct {
	Name        optional[string]          `json:"name"`
	Description optional[string]          `json:"description"`
	Schemas     optional[json.RawMessage] `json:"schemas"`
	Archived    optional[bool]            `json:"archived"`
	Deprecated  optional[bool]            `json:"deprecated"`
	FeatureFlag optional[string]          `json:"featureFlag"`
	GroupName   optional[string]          `json:"groupName"`
}

// eventTypeOut is Svix's EventTypeOut.
type eventTypeOut struct {
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Schemas     json.RawMessage `json:"schemas,omitempty"`
	Archived    bool            `json:"archived"`
	Deprecated  bool            `json:"deprecated"`
	FeatureFlag *string         `json:"featureFlag,omitempty"`
	GroupName   *string         `json:"groupName,omitempty"`
	CreatedAt   string          `json:"createdAt"`
	UpdatedAt   string          `json:"updatedAt"`
}

func readMeta(t *hookhub.EventType) eventTypeMeta {
	m := eventTypeMeta{CreatedAt: t.CreatedAt}
	if len(t.Meta) > 0 {
		_ = json.Unmarshal(t.Meta, &m) // written by apply below; a bad one shows as plain
	}
	return m
}

func toEventType(t *hookhub.EventType) eventTypeOut {
	m := readMeta(t)
	out := eventTypeOut{Name: t.Name, Description: t.Description, Schemas: m.Schemas, Archived: m.Archived,
		Deprecated: m.Deprecated, CreatedAt: ts(m.CreatedAt), UpdatedAt: ts(t.CreatedAt)}
	if m.FeatureFlag != "" {
		out.FeatureFlag = &m.FeatureFlag
	}
	if m.GroupName != "" {
		out.GroupName = &m.GroupName
	}
	return out
}

// apply sets in's fields on t (the fields the body names only, for a
// patch), keeping Svix's data in t.Meta and the first example of the
// schemas as t.Example (what send-example sends).
func (in *eventTypeIn) apply(t *hookhub.EventType, now time.Time) error {
	m := readMeta(t)
	if t.Meta == nil {
		m.CreatedAt = now
	}
	if in.Description.Set {
		t.Description = in.Description.V
	}
	if in.Schemas.Set {
		m.Schemas = in.Schemas.V
		t.Example = nil
		if len(m.Schemas) > 0 {
			var schemas map[string]struct {
				Examples []json.RawMessage `json:"examples"`
			}
			if err := json.Unmarshal(m.Schemas, &schemas); err != nil {
				return hookhub.Invalid("schemas", "must be an object of JSON schemas by version")
			}
			for _, s := range schemas {
				if len(s.Examples) > 0 {
					t.Example = s.Examples[0]
				}
			}
		}
	}
	if in.Archived.Set {
		m.Archived = in.Archived.V
	}
	if in.Deprecated.Set {
		m.Deprecated = in.Deprecated.V
	}
	if in.FeatureFlag.Set {
		m.FeatureFlag = in.FeatureFlag.V
	}
	if in.GroupName.Set {
		m.GroupName = in.GroupName.V
	}
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	t.Meta = b
	return nil
}

// eventType finds one of the tenant's event types, or a built-in one.
func (h *handler) eventType(ctx context.Context, c *call, name string) (*hookhub.EventType, error) {
	ts, err := h.svc.ListEventTypes(ctx, c.actor)
	if err != nil {
		return nil, err
	}
	for _, t := range ts {
		if t.Name == name {
			return t, nil
		}
	}
	return nil, hookhub.Errorf(hookhub.ENOTFOUND, "event type %s not found", name)
}

// listEventTypes lists the tenant's own event types by name (hookhub's
// built-in ones are left out), archived ones only with include_archived.
func (h *handler) listEventTypes(ctx context.Context, c *call) (reply, error) {
	q := c.r.URL.Query()
	p, err := readPage(q)
	if err != nil {
		return reply{}, err
	}
	all, err := h.svc.ListEventTypes(ctx, c.actor)
	if err != nil {
		return reply{}, err
	}
	var out []eventTypeOut
	for _, t := range all {
		if t.TenantID == "" || t.Name <= p.iterator && p.iterator != "" {
			continue
		}
		o := toEventType(t)
		if o.Archived && q.Get("include_archived") != "true" {
			continue
		}
		if q.Get("with_content") == "false" {
			o.Schemas = nil
		}
		if out = append(out, o); len(out) > p.limit {
			break
		}
	}
	return reply{http.StatusOK, list(out, p.limit, func(t eventTypeOut) string { return t.Name })}, nil
}

func (h *handler) createEventType(ctx context.Context, c *call) (reply, error) {
	var in eventTypeIn
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	if !in.Name.Set || in.Name.V == "" {
		return reply{}, hookhub.Invalid("name", "is required")
	}
	if _, err := h.eventType(ctx, c, in.Name.V); err == nil {
		return reply{}, hookhub.Errorf(hookhub.ECONFLICT, "event type %s exists already", in.Name.V)
	}
	t := &hookhub.EventType{Name: in.Name.V}
	return h.saveEventType(ctx, c, t, &in, http.StatusCreated)
}

func (h *handler) saveEventType(ctx context.Context, c *call, t *hookhub.EventType, in *eventTypeIn, status int) (reply, error) {
	if err := in.apply(t, time.Now()); err != nil {
		return reply{}, err
	}
	saved, err := h.svc.PutEventType(ctx, c.actor, t)
	if err != nil {
		return reply{}, err
	}
	return reply{status, toEventType(saved)}, nil
}

func (h *handler) getEventType(ctx context.Context, c *call) (reply, error) {
	t, err := h.eventType(ctx, c, c.r.PathValue("name"))
	if err != nil {
		return reply{}, err
	}
	return reply{http.StatusOK, toEventType(t)}, nil
}

// putEventType replaces an event type, or makes it (201).
func (h *handler) putEventType(ctx context.Context, c *call) (reply, error) {
	var in eventTypeIn
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	name := c.r.PathValue("name")
	t, err := h.eventType(ctx, c, name)
	status := http.StatusOK
	switch {
	case hookhub.ErrorCode(err) == hookhub.ENOTFOUND:
		t, status = &hookhub.EventType{Name: name}, http.StatusCreated
	case err != nil:
		return reply{}, err
	}
	for _, f := range []*optional[bool]{&in.Archived, &in.Deprecated} {
		f.Set = true // a replacement: absent is false
	}
	in.Schemas.Set, in.FeatureFlag.Set, in.GroupName.Set, in.Description.Set = true, true, true, true
	return h.saveEventType(ctx, c, t, &in, status)
}

func (h *handler) patchEventType(ctx context.Context, c *call) (reply, error) {
	var in eventTypeIn
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	t, err := h.eventType(ctx, c, c.r.PathValue("name"))
	if err != nil {
		return reply{}, err
	}
	return h.saveEventType(ctx, c, t, &in, http.StatusOK)
}

// deleteEventType archives an event type, as Svix does; with
// expunge=true it deletes it.
func (h *handler) deleteEventType(ctx context.Context, c *call) (reply, error) {
	name := c.r.PathValue("name")
	if c.r.URL.Query().Get("expunge") == "true" {
		if err := h.svc.DeleteEventType(ctx, c.actor, name); err != nil {
			return reply{}, err
		}
		return reply{status: http.StatusNoContent}, nil
	}
	t, err := h.eventType(ctx, c, name)
	if err != nil {
		return reply{}, err
	}
	in := eventTypeIn{Archived: optional[bool]{Set: true, V: true}}
	if _, err := h.saveEventType(ctx, c, t, &in, http.StatusOK); err != nil {
		return reply{}, err
	}
	return reply{status: http.StatusNoContent}, nil
}
