package salesiq

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hookhub/hookhub"
)

// This file holds the HTTP handlers of the webhook API (webhooks, keys,
// error logs); webhook_wire.go holds their JSON shapes.

// SalesIQ's delivery policy: the first try at once, then at most 3
// retries a minute apart, each waiting at most 5 s for an answer.
var (
	retrySchedule = []time.Duration{0, time.Minute, time.Minute, time.Minute}
	timeout       = 5 * time.Second
)

// adminQuota is SalesIQ's limit of administration webhooks per portal.
var adminQuota = hookhub.WebhookLimit{
	Max: MaxAdminWebhooks,
	Counts: func(w *hookhub.Webhook) bool {
		m, err := readMeta(w)
		return w.Format == Format && err == nil && m.Module == ModuleAdmin
	},
	Message: fmt.Sprintf("a portal may have at most %d administration webhooks (department.* and operator.* events); delete one before adding another", MaxAdminWebhooks),
}

func (h *handler) createWebhook(ctx context.Context, c *call) (answer, error) {
	var in webhookIn
	if err := decode(c.r, &in); err != nil {
		return answer{}, err
	}
	c.flat = in.isFlat()
	w, m, err := in.webhook(h.checkURL)
	if err != nil {
		return answer{}, err
	}
	if m.Module == ModuleAdmin {
		w, err = h.svc.CreateWebhookWithin(ctx, c.actor, w, adminQuota)
	} else {
		w, err = h.svc.CreateWebhook(ctx, c.actor, w)
	}
	if err != nil {
		return answer{}, err
	}
	return answer{"webhook", toWebhook(w)}, nil
}

func (h *handler) listWebhooks(ctx context.Context, c *call) (answer, error) {
	ws, err := h.svc.ListWebhooks(ctx, c.actor, hookhub.WebhookFilter{Format: Format})
	if err != nil {
		return answer{}, err
	}
	out := make([]webhookJSON, len(ws))
	for i, w := range ws {
		out[i] = toWebhook(w)
	}
	return answer{"list", out}, nil
}

func (h *handler) getWebhook(ctx context.Context, c *call) (answer, error) {
	w, _, err := h.load(ctx, c)
	if err != nil {
		return answer{}, err
	}
	return answer{"webhook", toWebhook(w)}, nil
}

func (h *handler) updateWebhook(ctx context.Context, c *call) (answer, error) {
	id, err := pathID(c)
	if err != nil {
		return answer{}, err
	}
	var in webhookIn
	if err := decode(c.r, &in); err != nil {
		return answer{}, err
	}
	c.flat = in.isFlat()
	// A new URL is checked as Zoho's update page says: a HEAD request that
	// must answer 200. It is sent before the change, outside the store's
	// transaction, and only when the URL is new.
	if u, _, _ := in.endpoint(nil); u != nil {
		old, _, err := h.load(ctx, c)
		if err != nil {
			return answer{}, err
		}
		if strings.TrimSpace(*u) != old.URL {
			var p hookhub.Problems
			if in.problems(&p, h.checkURL, old.Format == Format); len(p) == 0 {
				if err := h.head(ctx, in.urlField(), strings.TrimSpace(*u)); err != nil {
					return answer{}, err
				}
			}
		}
	}
	w, err := h.svc.UpdateWebhook(ctx, c.actor, id, func(w *hookhub.Webhook) error {
		m, err := ours(w)
		if err != nil {
			return err
		}
		return in.apply(w, m, h.checkURL)
	})
	if err != nil {
		return answer{}, err
	}
	return answer{"webhook", toWebhook(w)}, nil
}

func (h *handler) deleteWebhook(ctx context.Context, c *call) (answer, error) {
	id, err := pathID(c)
	if err != nil {
		return answer{}, err
	}
	err = h.svc.DeleteWebhookIf(ctx, c.actor, id, func(w *hookhub.Webhook) error {
		_, err := ours(w)
		return err
	})
	if err != nil {
		return answer{}, err
	}
	return answer{"webhook", map[string]any{"id": strconv.FormatInt(id, 10), "deleted": true}}, nil
}

// createKey makes the webhook a new RSA key pair, replacing its key if it
// had one, and returns the key's id and public half.
func (h *handler) createKey(ctx context.Context, c *call) (answer, error) {
	id, err := pathID(c)
	if err != nil {
		return answer{}, err
	}
	k, err := h.svc.CreateWebhookKey(ctx, c.actor, id)
	if err != nil {
		return answer{}, err
	}
	return answer{"key", toKey(id, k)}, nil
}

func (h *handler) listKeys(ctx context.Context, c *call) (answer, error) {
	w, m, err := h.load(ctx, c)
	if err != nil {
		return answer{}, err
	}
	out := []keyJSON{}
	if m.Key != nil {
		out = append(out, toKey(w.ID, m.Key.public(m.Secured)))
	}
	return answer{"list", out}, nil
}

// deleteKey removes the webhook's key. An unsecured webhook is then
// without a key; a secured one gets a new key pair at once, so that its
// requests stay signed (with the new key, which the answer shows). SalesIQ
// files this under its delete scope.
func (h *handler) deleteKey(ctx context.Context, c *call) (answer, error) {
	id, err := pathID(c)
	if err != nil {
		return answer{}, err
	}
	keyID := c.r.PathValue("keyid")
	replacement, err := h.svc.DeleteWebhookKey(ctx, c.actor, id, keyID)
	if err != nil {
		return answer{}, err
	}
	out := deletedKeyJSON{ID: keyID, WebhookID: strconv.FormatInt(id, 10), Deleted: true}
	if replacement != nil {
		k := toKey(id, replacement)
		out.ReplacedBy = &k
	}
	return answer{"key", out}, nil
}

// errorLogs lists the webhook's failed tries, newest first: limit (1 to
// 200, default 50) of them, before the one whose id is given as before.
// They need only the READ scope, as in SalesIQ: an entry says when, which
// try, the status and the error, not the event's data.
func (h *handler) errorLogs(ctx context.Context, c *call) (answer, error) {
	w, _, err := h.load(ctx, c)
	if err != nil {
		return answer{}, err
	}
	page := hookhub.Page{Limit: 50}
	q := c.r.URL.Query()
	if v := q.Get("limit"); v != "" {
		if page.Limit, err = strconv.Atoi(v); err != nil || page.Limit < 1 || page.Limit > 200 {
			return answer{}, hookhub.Invalid("limit", "must be a number from 1 to 200")
		}
	}
	if v := q.Get("before"); v != "" {
		if page.Before, err = strconv.ParseInt(v, 10, 64); err != nil || page.Before < 1 {
			return answer{}, hookhub.Invalid("before", "must be the id of an error log entry")
		}
	}
	as, err := h.svc.ListWebhookAttempts(ctx, c.actor, w.ID, hookhub.AttemptFilter{FailedOnly: true, Page: page})
	if err != nil {
		return answer{}, err
	}
	out := make([]errorLogJSON, len(as))
	for i, a := range as {
		out[i] = toErrorLog(a)
	}
	return answer{"list", out}, nil
}

// load reads the webhook the path names, if it is one of this API's.
func (h *handler) load(ctx context.Context, c *call) (*hookhub.Webhook, meta, error) {
	id, err := pathID(c)
	if err != nil {
		return nil, meta{}, err
	}
	w, err := h.svc.GetWebhook(ctx, c.actor, id)
	if err != nil {
		return nil, meta{}, err
	}
	m, err := ours(w)
	return w, m, err
}

// ours returns a SalesIQ webhook's meta; other webhooks of the tenant (made
// through another API) are not found here.
func ours(w *hookhub.Webhook) (meta, error) {
	if w.Format != Format {
		return meta{}, hookhub.Errorf(hookhub.ENOTFOUND, "webhook %d not found", w.ID)
	}
	return readMeta(w)
}

func pathID(c *call) (int64, error) {
	v := c.r.PathValue("id")
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id < 1 {
		return 0, hookhub.Errorf(hookhub.ENOTFOUND, "webhook %q not found", v)
	}
	return id, nil
}

// endpoint returns the URL and secured flag of either shape: url and
// secured, or webhook.url and webhook.secured. When a body sends both and
// they differ, p (if not nil) is told.
func (in *webhookIn) endpoint(p *hookhub.Problems) (url *string, secured *bool, field string) {
	url, secured, field = in.URL, in.Secured, "url"
	if in.Webhook != nil {
		if in.Webhook.URL != nil {
			if url != nil && *url != *in.Webhook.URL && p != nil {
				p.Add("url", "and webhook.url differ; send one of them")
			}
			if url == nil {
				url, field = in.Webhook.URL, "webhook.url"
			}
		}
		if in.Webhook.Secured != nil {
			if secured != nil && *secured != *in.Webhook.Secured && p != nil {
				p.Add("secured", "and webhook.secured differ; send one of them")
			}
			if secured == nil {
				secured = in.Webhook.Secured
			}
		}
	}
	return url, secured, field
}

// isFlat reports a body of the REST API v2's flat shape, whose faults are
// named as it names its members (url, not webhook.url).
func (in *webhookIn) isFlat() bool {
	return in.Webhook == nil && (in.URL != nil || in.Type != nil || in.Secured != nil)
}

// urlField is the name the body gave its URL.
func (in *webhookIn) urlField() string {
	_, _, f := in.endpoint(nil)
	return f
}

// problems records every fault of the members a body sent that do not
// depend on the webhook it changes: the URL (checkURL says what is wrong
// with one), type, version and expiry_time_for_executions_data. required
// says the URL must be there (a create).
func (in *webhookIn) problems(p *hookhub.Problems, checkURL func(string) string, required bool) {
	u, _, field := in.endpoint(p)
	switch {
	case u == nil || strings.TrimSpace(*u) == "":
		if required || u != nil {
			p.Add(field, "is required")
		}
	default:
		if r := checkURL(strings.TrimSpace(*u)); r != "" {
			p.Add(field, "%s", r)
		}
	}
	if in.Type != nil && *in.Type != ModuleData && *in.Type != ModuleAdmin {
		p.Add("type", "must be data or administration, not %q", *in.Type)
	}
	if v := strings.Trim(string(in.Version), `"`); len(in.Version) > 0 && string(in.Version) != "null" && v != "1" {
		p.Add("version", "must be 1, the only version of the payload, not %s", in.Version)
	}
	if len(in.Expiry) > 0 && string(in.Expiry) != "null" {
		ms, err := strconv.ParseInt(strings.Trim(string(in.Expiry), `"`), 10, 64)
		if lo, hi := (7 * 24 * time.Hour).Milliseconds(), (60 * 24 * time.Hour).Milliseconds(); err != nil || ms < lo || ms > hi {
			p.Add("expiry_time_for_executions_data", "must be milliseconds from %d (one week) to %d (60 days)", lo, hi)
		}
	}
}

// checkModule reports a type that is not the module of the events.
func (in *webhookIn) checkModule(p *hookhub.Problems, module string) {
	if in.Type != nil && module != "" && (*in.Type == ModuleData || *in.Type == ModuleAdmin) && *in.Type != module {
		p.Add("type", "is %s but the events are %s events", *in.Type, module)
	}
}

// webhook builds the webhook a create asks for: its module follows from
// its events, which must all be of one module; a data webhook names its
// apps, an administration webhook none. Every fault is in the one error.
func (in *webhookIn) webhook(checkURL func(string) string) (*hookhub.Webhook, meta, error) {
	var p hookhub.Problems
	in.problems(&p, checkURL, true)
	module := checkEvents(&p, in.Events, "")
	if module != "" {
		checkApps(&p, "app_ids", module, in.AppIDs)
	}
	in.checkModule(&p, module)
	if err := p.Err(); err != nil {
		return nil, meta{}, err
	}
	u, secured, _ := in.endpoint(nil)
	m := meta{Module: module, Secured: secured != nil && *secured}
	w := &hookhub.Webhook{
		URL: strings.TrimSpace(*u), Events: in.Events, Apps: in.AppIDs, State: hookhub.StateActive,
		Format: Format, Timeout: timeout, Retry: hookhub.RetryPolicy{Schedule: retrySchedule},
	}
	if err := keepSigned(w, &m); err != nil {
		return nil, meta{}, err
	}
	w.Meta = m.encode()
	if in.Name != nil {
		w.Name = *in.Name
	}
	if in.Published != nil && !*in.Published {
		w.State = hookhub.StateStopped
	}
	return w, m, nil
}

// apply changes what the body names; the module cannot change.
func (in *webhookIn) apply(w *hookhub.Webhook, m meta, checkURL func(string) string) error {
	var p hookhub.Problems
	in.problems(&p, checkURL, false)
	if in.Events != nil {
		checkEvents(&p, in.Events, m.Module)
		w.Events = in.Events
	}
	if in.AppIDs != nil {
		checkApps(&p, "app_ids", m.Module, in.AppIDs)
		w.Apps = in.AppIDs
	}
	in.checkModule(&p, m.Module)
	if err := p.Err(); err != nil {
		return err
	}
	if in.Name != nil {
		w.Name = *in.Name
	}
	u, secured, _ := in.endpoint(nil)
	if u != nil {
		w.URL = strings.TrimSpace(*u)
	}
	if secured != nil {
		m.Secured = *secured
	}
	if in.Published != nil {
		w.State = hookhub.StateStopped
		if *in.Published {
			w.State = hookhub.StateActive // also re-activates one with too many errors
		}
	}
	if err := keepSigned(w, &m); err != nil {
		return err
	}
	w.Meta = m.encode()
	return nil
}

// checkEvents reports the problems of a list of SalesIQ events and returns
// their module; want, when set, is the module they must be of.
func checkEvents(p *hookhub.Problems, events []string, want string) string {
	if len(events) == 0 {
		p.Add("events", "must name at least one event, like conversation.created or operator.created")
		return ""
	}
	module := ""
	for i, e := range events {
		mod := moduleOf(e)
		switch {
		case mod == "":
			p.Add(fmt.Sprintf("events[%d]", i), "%q is not a SalesIQ event; the events are %s", e, strings.Join(EventTypes(), ", "))
		case module == "":
			module = mod
		case mod != module:
			p.Add("events", "must be all administration events (department.*, operator.*) or all data events (conversation.*, visitor.*), not both: make one webhook of each")
			return ""
		}
	}
	if want != "" && module != "" && module != want {
		p.Add("events", "must stay %s events: a webhook's module cannot change; make a new webhook for %s events", want, module)
		return ""
	}
	return module
}

// checkApps reports the problems of a webhook's apps for its module;
// field is what the caller calls them (app_ids here, apps natively).
func checkApps(p *hookhub.Problems, field, module string, apps []string) {
	switch {
	case module == ModuleData && len(apps) == 0:
		p.Add(field, "must name at least one app (embed id): data webhooks take the events of their apps")
	case module == ModuleAdmin && len(apps) > 0:
		p.Add(field, "must be empty: administration webhooks take the portal's events, which belong to no app")
	}
}
