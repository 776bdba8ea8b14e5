package delivery

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/jsrun"
)

// Transformer is a Formatter that can build a request unsigned and sign a
// body it did not build, so that a webhook's transform runs between the two
// and receivers verify what they get. Standard is one; a webhook of a
// format that is not cannot carry a transform.
type Transformer interface {
	Build(w *hookhub.Webhook, c *hookhub.Claim) (body []byte, header http.Header, err error)
	Sign(w *hookhub.Webhook, c *hookhub.Claim, now time.Time, body []byte, header http.Header) error
}

// TransformEntry is the function a transform declares.
const TransformEntry = "handler"

// CancelledByTransform is the note of an attempt whose transform set
// webhook.cancel: nothing was sent, and the delivery is done.
const CancelledByTransform = "cancelled by the transform; nothing was sent"

// transformed is the object a transform receives and returns, after Svix's
// transformation convention.
type transformed struct {
	Method    string            `json:"method"`
	URL       string            `json:"url"`
	Headers   map[string]string `json:"headers"`
	Payload   json.RawMessage   `json:"payload"`
	EventType string            `json:"eventType"`
	Cancel    bool              `json:"cancel,omitempty"`
}

// sendTransformed is send for a webhook with a transform: build, run the
// transform, sign what it returned, post that. The attempt holds the
// request as sent.
func (e *Engine) sendTransformed(ctx context.Context, w *hookhub.Webhook, c *hookhub.Claim, f Formatter, a *hookhub.Attempt) (*hookhub.Attempt, time.Duration) {
	fail := func(format string, args ...any) (*hookhub.Attempt, time.Duration) {
		a.Error = "transform: " + fmt.Sprintf(format, args...)
		a.Duration = e.cfg.Now().Sub(a.StartedAt)
		return a, 0
	}
	tf, ok := f.(Transformer)
	if !ok {
		return fail("not available for webhooks of the %s format", w.Format)
	}
	prog, err := e.programs.Compile("transform.js", w.Transform, TransformEntry)
	if err != nil {
		return fail("%s", err.Error())
	}
	body, header, err := tf.Build(w, c)
	if err != nil {
		a.Error = "build request: " + err.Error()
		return a, 0
	}
	in := transformed{Method: http.MethodPost, URL: w.URL, Headers: make(map[string]string, len(header)),
		Payload: body, EventType: c.Event.Type}
	for k := range header {
		in.Headers[k] = header.Get(k)
	}
	arg, err := json.Marshal(in)
	if err != nil {
		return fail("encode its input: %s", err.Error())
	}
	res, err := prog.Run(ctx, jsrun.Input{Args: []json.RawMessage{arg}, Limits: e.cfg.ScriptLimits})
	if len(res.Logs) > 0 {
		e.cfg.Logger.Info("transform logged", "tenant", w.TenantID, "webhook", w.ID, "delivery", c.ID, "lines", res.Logs)
	}
	if err != nil {
		if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			return a, 0 // shutdown: released, not a try
		}
		e.cfg.Logger.Info("transform failed", "tenant", w.TenantID, "webhook", w.ID, "delivery", c.ID, "err", err)
		return fail("%s", err.Error())
	}
	var out transformed
	if err := json.Unmarshal(res.Output, &out); err != nil || bytes.Equal(res.Output, []byte("null")) {
		return fail("handler must return the webhook object with method, url, headers and payload")
	}
	if out.Cancel {
		a.Success, a.Error = true, CancelledByTransform
		a.Duration = e.cfg.Now().Sub(a.StartedAt)
		return a, 0
	}
	method, target, sent, reason := checkTransformed(&out)
	if reason != "" {
		return fail("%s", reason)
	}
	if err := tf.Sign(w, c, a.StartedAt, out.Payload, sent); err != nil {
		a.Error = "build request: " + err.Error()
		return a, 0
	}
	a.URL = target
	return a, e.post(ctx, w, a, method, out.Payload, sent)
}

// checkTransformed checks what a transform returned and gives the method,
// URL and headers to send, or why they cannot be sent.
func checkTransformed(out *transformed) (method, target string, header http.Header, reason string) {
	method = out.Method
	if method == "" {
		method = http.MethodPost
	}
	if !slices.Contains([]string{http.MethodPost, http.MethodPut, http.MethodPatch}, method) {
		return "", "", nil, fmt.Sprintf("method must be POST, PUT or PATCH, not %q", out.Method)
	}
	u, err := url.Parse(out.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(out.URL) > 2048 {
		return "", "", nil, fmt.Sprintf("url must be an http or https URL, not %q", out.URL)
	}
	if len(out.Payload) == 0 {
		return "", "", nil, "payload must be set (any JSON value)"
	}
	header = make(http.Header, len(out.Headers)+4)
	for k, v := range out.Headers {
		if r := hookhub.CheckHeader(k, v); r != "" {
			return "", "", nil, "headers: " + r
		}
		header.Set(k, v)
	}
	if header.Get("Content-Type") == "" {
		header.Set("Content-Type", "application/json")
	}
	header.Set("User-Agent", UserAgent)
	return method, out.URL, header, ""
}
