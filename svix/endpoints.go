package svix

import (
	"context"
	"encoding/json"
	"net/http"
	"net/textproto"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/signature"
)

// endpointMeta is what the package keeps of an endpoint beyond the core's
// webhook (hookhub.Webhook.Meta).
type endpointMeta struct {
	UID         string            `json:"uid,omitempty"`
	Description string            `json:"description,omitempty"`
	Version     int               `json:"version,omitempty"`
	Metadata    map[string]string `json:"metadata,omitempty"`
	FilterTypes []string          `json:"filterTypes,omitempty"`
	RateLimit   int               `json:"rateLimit,omitempty"`
}

func readEndpointMeta(w *hookhub.Webhook) endpointMeta {
	var m endpointMeta
	if len(w.Meta) > 0 {
		_ = json.Unmarshal(w.Meta, &m) // written by apply below
	}
	return m
}

// endpointIn is Svix's EndpointIn, EndpointUpdate and EndpointPatch.
type endpointIn struct {
	UID         optional[string]            `json:"uid"`
	URL         optional[string]            `json:"url"`
	Version     optional[int]               `json:"version"`
	Description optional[string]            `json:"description"`
	FilterTypes optional[[]string]          `json:"filterTypes"`
	Channels    optional[[]string]          `json:"channels"`
	Disabled    optional[bool]              `json:"disabled"`
	RateLimit   optional[int]               `json:"rateLimit"`
	Metadata    optional[map[string]string] `json:"metadata"`
	Secret      optional[string]            `json:"secret"`
}

// endpointOut is Svix's EndpointOut.
type endpointOut struct {
	ID          string            `json:"id"`
	UID         *string           `json:"uid,omitempty"`
	URL         string            `json:"url"`
	Version     int               `json:"version"`
	Description string            `json:"description"`
	FilterTypes []string          `json:"filterTypes,omitempty"`
	Channels    []string          `json:"channels,omitempty"`
	Disabled    bool              `json:"disabled"`
	RateLimit   *int              `json:"rateLimit,omitempty"`
	Metadata    map[string]string `json:"metadata"`
	CreatedAt   string            `json:"createdAt"`
	UpdatedAt   string            `json:"updatedAt"`
}

func endpointID(w *hookhub.Webhook) string { return "ep_" + strconv.FormatInt(w.ID, 10) }

func toEndpoint(w *hookhub.Webhook) endpointOut {
	m := readEndpointMeta(w)
	out := endpointOut{ID: endpointID(w), URL: w.URL, Version: max(m.Version, 1), Description: m.Description,
		FilterTypes: m.FilterTypes, Channels: w.Channels, Disabled: w.State != hookhub.StateActive, Metadata: m.Metadata,
		CreatedAt: ts(w.RegisteredAt), UpdatedAt: ts(w.UpdatedAt)}
	if out.Metadata == nil {
		out.Metadata = map[string]string{}
	}
	if m.UID != "" {
		out.UID = &m.UID
	}
	if m.RateLimit > 0 {
		out.RateLimit = &m.RateLimit
	}
	return out
}

// apply sets in's fields on w: every field for a create or a replacement
// (replace, absent ones to their defaults), the fields the body names for
// a patch.
func (in *endpointIn) apply(w *hookhub.Webhook, app *hookhub.Application, replace bool) error {
	m := readEndpointMeta(w)
	set := func(o bool) bool { return o || replace }
	if set(in.URL.Set) {
		w.URL = in.URL.V
	}
	if set(in.UID.Set) {
		m.UID = in.UID.V
		if m.UID != "" {
			if r := hookhub.CheckUID(m.UID); r != "" {
				return hookhub.Invalid("uid", "%s", r)
			}
		}
	}
	if set(in.Version.Set) {
		m.Version = in.Version.V
	}
	if set(in.Description.Set) {
		m.Description = in.Description.V
		w.Name = m.Description
		if len(w.Name) > 255 {
			w.Name = w.Name[:255]
		}
	}
	if set(in.FilterTypes.Set) {
		m.FilterTypes = in.FilterTypes.V
		w.Events = []string{"*"}
		if len(m.FilterTypes) > 0 {
			w.Events = slices.Clone(m.FilterTypes)
		}
	}
	if set(in.Channels.Set) {
		w.Channels = slices.Clone(in.Channels.V)
	}
	if set(in.Disabled.Set) {
		w.State = hookhub.StateActive
		if in.Disabled.V {
			w.State = hookhub.StateStopped
		}
	}
	if set(in.RateLimit.Set) {
		m.RateLimit = in.RateLimit.V
		if m.RateLimit < 0 || m.RateLimit > 65535 {
			return hookhub.Invalid("rateLimit", "must be between 1 and 65535")
		}
	}
	w.RateLimitPerS = float64(m.RateLimit)
	if m.RateLimit == 0 {
		w.RateLimitPerS = float64(app.RateLimit) // the application's limit is its endpoints' default
	}
	if set(in.Metadata.Set) {
		m.Metadata = in.Metadata.V
	}
	if in.Secret.Set && in.Secret.V != "" {
		w.Secret = withPrefix(in.Secret.V)
	}
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	w.Meta = b
	return nil
}

// withPrefix adds whsec_ to a bare Base64 secret, as Svix accepts both.
func withPrefix(secret string) string {
	if strings.HasPrefix(secret, signature.SecretPrefix) {
		return secret
	}
	return signature.SecretPrefix + secret
}

// endpoints lists an application's endpoints, oldest first.
func (h *handler) endpoints(ctx context.Context, c *call, app *hookhub.Application) ([]*hookhub.Webhook, error) {
	ws, err := h.svc.ListWebhooks(ctx, c.actor, hookhub.WebhookFilter{Format: Format})
	if err != nil {
		return nil, err
	}
	out := ws[:0]
	for _, w := range ws {
		if slices.Equal(w.Apps, []string{app.ID}) {
			out = append(out, w)
		}
	}
	return out, nil
}

// endpoint finds the endpoint the path names, by id or uid, among the
// application's: any other webhook is not found.
func (h *handler) endpoint(ctx context.Context, c *call, app *hookhub.Application, idOrUID string) (*hookhub.Webhook, error) {
	if strings.HasPrefix(idOrUID, "ep_") {
		if id, err := strconv.ParseInt(strings.TrimPrefix(idOrUID, "ep_"), 10, 64); err == nil {
			w, err := h.svc.GetWebhook(ctx, c.actor, id)
			if err == nil && w.Format == Format && slices.Equal(w.Apps, []string{app.ID}) {
				return w, nil
			}
			if err != nil && hookhub.ErrorCode(err) != hookhub.ENOTFOUND {
				return nil, err
			}
		}
	}
	ws, err := h.endpoints(ctx, c, app)
	if err != nil {
		return nil, err
	}
	for _, w := range ws {
		if readEndpointMeta(w).UID == idOrUID {
			return w, nil
		}
	}
	return nil, hookhub.Errorf(hookhub.ENOTFOUND, "endpoint %s not found", idOrUID)
}

// appEndpoint finds the application and the endpoint a path names.
func (h *handler) appEndpoint(ctx context.Context, c *call) (*hookhub.Application, *hookhub.Webhook, error) {
	app, err := h.app(ctx, c)
	if err != nil {
		return nil, nil, err
	}
	w, err := h.endpoint(ctx, c, app, c.r.PathValue("endpoint_id"))
	return app, w, err
}

func (h *handler) listEndpoints(ctx context.Context, c *call) (reply, error) {
	p, err := readPage(c.r.URL.Query())
	if err != nil {
		return reply{}, err
	}
	app, err := h.app(ctx, c)
	if err != nil {
		return reply{}, err
	}
	ws, err := h.endpoints(ctx, c, app)
	if err != nil {
		return reply{}, err
	}
	after := int64(0)
	if p.iterator != "" {
		if after, err = parseID(p.iterator, "ep_", "iterator"); err != nil {
			return reply{}, hookhub.Invalid("query.iterator", "must be an endpoint id from a previous page")
		}
	}
	var out []endpointOut
	for _, w := range ws {
		if w.ID > after && len(out) <= p.limit {
			out = append(out, toEndpoint(w))
		}
	}
	return reply{http.StatusOK, list(out, p.limit, func(e endpointOut) string { return e.ID })}, nil
}

// checkUID refuses a uid another endpoint of the application has.
func (h *handler) checkUID(ctx context.Context, c *call, app *hookhub.Application, w *hookhub.Webhook) error {
	uid := readEndpointMeta(w).UID
	if uid == "" {
		return nil
	}
	other, err := h.endpoint(ctx, c, app, uid)
	switch {
	case err == nil && other.ID != w.ID:
		return hookhub.Errorf(hookhub.ECONFLICT, "the application has an endpoint with uid %q already", uid)
	case err != nil && hookhub.ErrorCode(err) != hookhub.ENOTFOUND:
		return err
	}
	return nil
}

func (h *handler) createEndpoint(ctx context.Context, c *call) (reply, error) {
	var in endpointIn
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	app, err := h.app(ctx, c)
	if err != nil {
		return reply{}, err
	}
	w, err := NewEndpoint(app, "", "", nil)
	if err != nil {
		return reply{}, err
	}
	if err := in.apply(w, app, true); err != nil {
		return reply{}, err
	}
	if err := h.checkUID(ctx, c, app, w); err != nil {
		return reply{}, err
	}
	if w, err = h.svc.CreateWebhook(ctx, c.actor, w); err != nil {
		return reply{}, err
	}
	return reply{http.StatusCreated, toEndpoint(w)}, nil
}

func (h *handler) getEndpoint(ctx context.Context, c *call) (reply, error) {
	_, w, err := h.appEndpoint(ctx, c)
	if err != nil {
		return reply{}, err
	}
	return reply{http.StatusOK, toEndpoint(w)}, nil
}

// change applies in to the endpoint the path names and saves it.
func (h *handler) change(ctx context.Context, c *call, in *endpointIn, replace bool) (reply, error) {
	app, w, err := h.appEndpoint(ctx, c)
	if err != nil {
		return reply{}, err
	}
	w, err = h.svc.UpdateWebhook(ctx, c.actor, w.ID, func(w *hookhub.Webhook) error {
		if err := in.apply(w, app, replace); err != nil {
			return err
		}
		return h.checkUID(ctx, c, app, w)
	})
	if err != nil {
		return reply{}, err
	}
	return reply{http.StatusOK, toEndpoint(w)}, nil
}

func (h *handler) putEndpoint(ctx context.Context, c *call) (reply, error) {
	var in endpointIn
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	in.Secret = optional[string]{} // EndpointUpdate has no secret
	return h.change(ctx, c, &in, true)
}

func (h *handler) patchEndpoint(ctx context.Context, c *call) (reply, error) {
	var in endpointIn
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	return h.change(ctx, c, &in, false)
}

func (h *handler) deleteEndpoint(ctx context.Context, c *call) (reply, error) {
	_, w, err := h.appEndpoint(ctx, c)
	if err != nil {
		return reply{}, err
	}
	if err := h.svc.DeleteWebhook(ctx, c.actor, w.ID); err != nil {
		return reply{}, err
	}
	return reply{status: http.StatusNoContent}, nil
}

// secretOut is Svix's EndpointSecretOut.
type secretOut struct {
	Key string `json:"key"`
}

func (h *handler) getSecret(ctx context.Context, c *call) (reply, error) {
	_, w, err := h.appEndpoint(ctx, c)
	if err != nil {
		return reply{}, err
	}
	return reply{http.StatusOK, secretOut{Key: w.Secret}}, nil
}

// secretGrace is how long a rotated-out secret keeps signing, as in Svix.
const secretGrace = 24 * time.Hour

// rotateSecret gives the endpoint the key in the body, or a new one; the
// old one keeps signing beside it for a day.
func (h *handler) rotateSecret(ctx context.Context, c *call) (reply, error) {
	var in struct {
		Key *string `json:"key"`
	}
	if len(strings.TrimSpace(string(c.body))) > 0 {
		if err := c.decode(&in); err != nil {
			return reply{}, err
		}
	}
	_, w, err := h.appEndpoint(ctx, c)
	if err != nil {
		return reply{}, err
	}
	secret := ""
	if in.Key != nil && *in.Key != "" {
		secret = withPrefix(*in.Key)
	} else if secret, err = signature.NewSecret(); err != nil {
		return reply{}, err
	}
	_, err = h.svc.UpdateWebhook(ctx, c.actor, w.ID, func(w *hookhub.Webhook) error {
		w.PreviousSecret, w.PreviousUntil = w.Secret, time.Now().Add(secretGrace)
		w.Secret = secret
		return nil
	})
	if err != nil {
		return reply{}, err
	}
	return reply{status: http.StatusNoContent}, nil
}

// sensitiveHeaders are shown by name only, as Svix does.
var sensitiveHeaders = map[string]bool{"Authorization": true, "Proxy-Authorization": true, "Cookie": true}

// headersOut is Svix's EndpointHeadersOut.
type headersOut struct {
	Headers   map[string]string `json:"headers"`
	Sensitive []string          `json:"sensitive"`
}

func (h *handler) getHeaders(ctx context.Context, c *call) (reply, error) {
	_, w, err := h.appEndpoint(ctx, c)
	if err != nil {
		return reply{}, err
	}
	out := headersOut{Headers: map[string]string{}, Sensitive: []string{}}
	for k, v := range w.Headers {
		if sensitiveHeaders[textproto.CanonicalMIMEHeaderKey(k)] {
			out.Sensitive = append(out.Sensitive, k)
		} else {
			out.Headers[k] = v
		}
	}
	slices.Sort(out.Sensitive)
	return reply{http.StatusOK, out}, nil
}

func (h *handler) putHeaders(ctx context.Context, c *call) (reply, error) {
	return h.setHeaders(ctx, c, true)
}

func (h *handler) patchHeaders(ctx context.Context, c *call) (reply, error) {
	return h.setHeaders(ctx, c, false)
}

// setHeaders replaces the endpoint's headers, or merges the body's into
// them; in a merge, a header given as null is removed.
func (h *handler) setHeaders(ctx context.Context, c *call, replace bool) (reply, error) {
	var in struct {
		Headers map[string]*string `json:"headers"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	if in.Headers == nil {
		return reply{}, hookhub.Invalid("headers", "is required")
	}
	_, w, err := h.appEndpoint(ctx, c)
	if err != nil {
		return reply{}, err
	}
	_, err = h.svc.UpdateWebhook(ctx, c.actor, w.ID, func(w *hookhub.Webhook) error {
		if replace || w.Headers == nil {
			w.Headers = map[string]string{}
		}
		for k, v := range in.Headers {
			if v == nil {
				delete(w.Headers, k)
			} else {
				w.Headers[k] = *v
			}
		}
		return nil
	})
	if err != nil {
		return reply{}, err
	}
	return reply{status: http.StatusNoContent}, nil
}

// NewEndpoint returns a new endpoint of app, not yet saved: a webhook of
// the svix format limited to app, with a new whsec_ secret, for url, of
// the event types filterTypes (all when empty). The console's app portal
// makes endpoints with it.
func NewEndpoint(app *hookhub.Application, url, description string, filterTypes []string) (*hookhub.Webhook, error) {
	w := &hookhub.Webhook{Format: Format, Apps: []string{app.ID}}
	in := endpointIn{
		URL: optional[string]{Set: true, V: url}, Description: optional[string]{Set: true, V: description},
		FilterTypes: optional[[]string]{Set: true, V: filterTypes},
	}
	if err := in.apply(w, app, true); err != nil {
		return nil, err
	}
	secret, err := signature.NewSecret()
	if err != nil {
		return nil, err
	}
	w.Secret = secret
	return w, nil
}

// EndpointDescription is the description an endpoint was given.
func EndpointDescription(w *hookhub.Webhook) string { return readEndpointMeta(w).Description }
