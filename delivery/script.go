package delivery

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/jsrun"
)

// ScriptEntry is the function a script webhook's script declares:
// handler(event, hookhub).
const ScriptEntry = "handler"

// MaxFetchBody is how much of an answer hookhub.fetch gives a script.
const MaxFetchBody = 256 << 10

// scriptResult is what a script run's attempt keeps as its response.
type scriptResult struct {
	Output json.RawMessage `json:"output"`
	Logs   []string        `json:"logs"`
}

// runScript is send for a webhook of type script: the event, in the
// standard format's body with the webhook's properties, goes to the
// script's handler; the attempt holds that input, the output and logs as
// its response, the duration and the error. A run that throws or is
// stopped at a limit is a failed try, retried as any.
func (e *Engine) runScript(ctx context.Context, w *hookhub.Webhook, c *hookhub.Claim, a *hookhub.Attempt) (*hookhub.Attempt, time.Duration) {
	a.URL = "script:" + w.Name
	prog, err := e.programs.Compile("script.js", w.Script, ScriptEntry)
	if err != nil {
		a.Error = "script: " + err.Error()
		return a, 0
	}
	input, err := StandardBody(w, &c.Event)
	if err != nil {
		a.Error = "build input: " + err.Error()
		return a, 0
	}
	a.RequestHeaders, a.RequestBody = http.Header{"Content-Type": {"application/json"}}, input
	funcs := map[string]jsrun.Func{"fetch": e.fetcher(w)}
	if e.cfg.ScriptHost != nil {
		for k, f := range e.cfg.ScriptHost(w) {
			funcs[k] = f
		}
	}
	res, err := prog.Run(ctx, jsrun.Input{Args: []json.RawMessage{input}, Host: "hookhub", Funcs: funcs, Limits: e.cfg.ScriptLimits})
	if err != nil && ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		return a, 0 // shutdown: released, not a try
	}
	a.Duration = res.Duration
	out := scriptResult{Output: res.Output, Logs: res.Logs}
	if out.Output == nil {
		out.Output = json.RawMessage("null")
	}
	if out.Logs == nil {
		out.Logs = []string{}
	}
	a.ResponseHeaders = http.Header{"Content-Type": {"application/json"}}
	a.ResponseBody, _ = json.Marshal(out) // a RawMessage from JSON.stringify and strings always encode
	if len(a.ResponseBody) > hookhub.MaxResponseBody {
		a.ResponseBody = a.ResponseBody[:hookhub.MaxResponseBody]
	}
	if err != nil {
		a.Error = "script: " + err.Error()
		return a, 0
	}
	a.Success = true
	return a, 0
}

// fetcher is hookhub.fetch(url, {method, headers, body}): one HTTP request
// through the same client as deliveries (so the same egress rules), within
// the run's time limit. It returns {status, headers, body} with the body as
// text, at most MaxFetchBody bytes.
func (e *Engine) fetcher(w *hookhub.Webhook) jsrun.Func {
	return func(ctx context.Context, args []any) (any, error) {
		target, _ := arg(args, 0).(string)
		u, err := url.Parse(target)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("fetch: %q is not an http or https URL", target)
		}
		opts, _ := arg(args, 1).(map[string]any)
		method, _ := opts["method"].(string)
		if method == "" {
			method = http.MethodGet
		}
		var body io.Reader
		switch b := opts["body"].(type) {
		case nil:
		case string:
			body = strings.NewReader(b)
		default:
			data, err := json.Marshal(b)
			if err != nil {
				return nil, fmt.Errorf("fetch: body: %w", err)
			}
			body = strings.NewReader(string(data))
		}
		req, err := http.NewRequestWithContext(ctx, strings.ToUpper(method), target, body)
		if err != nil {
			return nil, fmt.Errorf("fetch: %w", err)
		}
		if hs, ok := opts["headers"].(map[string]any); ok {
			for k, v := range hs {
				s, _ := v.(string)
				if r := hookhub.CheckHeader(k, s); r != "" {
					return nil, fmt.Errorf("fetch: headers: %s", r)
				}
				req.Header.Set(k, s)
			}
		}
		req.Header.Set("User-Agent", UserAgent)
		resp, err := e.cfg.Client.Do(req)
		if err != nil {
			return nil, fmt.Errorf("fetch: %s", describe(err, e.cfg.ScriptLimits.Time))
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(io.LimitReader(resp.Body, MaxFetchBody))
		if err != nil {
			return nil, fmt.Errorf("fetch: read the answer: %w", err)
		}
		headers := map[string]string{}
		for k := range resp.Header {
			headers[strings.ToLower(k)] = resp.Header.Get(k)
		}
		e.cfg.Logger.Debug("script fetched", "tenant", w.TenantID, "webhook", w.ID, "url", target, "status", resp.StatusCode)
		return map[string]any{"status": resp.StatusCode, "headers": headers, "body": string(b)}, nil
	}
}

func arg(args []any, i int) any {
	if i < len(args) {
		return args[i]
	}
	return nil
}
