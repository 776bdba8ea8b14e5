package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/httpstatus"
	"github.com/hookhub/hookhub/textcheck"
)

// problem turns a service error into a problem-details answer. Field errors
// name request body fields ("body.url"). Internal errors are logged and
// answered with a generic message.
func (h *handlers) problem(ctx context.Context, err error) huma.StatusError {
	var se huma.StatusError
	if errors.As(err, &se) {
		return se // made by this package already
	}
	status := httpstatus.Of(hookhub.ErrorCode(err))
	if status == http.StatusInternalServerError {
		if errors.Is(err, context.Canceled) {
			return huma.NewError(499, "request canceled")
		}
		h.log.ErrorContext(ctx, "api: internal error", "err", err)
		return huma.NewError(http.StatusInternalServerError, "internal error")
	}
	var e *hookhub.Error
	errors.As(err, &e)
	details := make([]error, len(e.Fields))
	for i, f := range e.Fields {
		details[i] = &huma.ErrorDetail{Location: "body." + f.Field, Message: f.Reason}
	}
	p := huma.NewError(status, e.Error(), details...)
	if status == http.StatusServiceUnavailable {
		h.log.WarnContext(ctx, "api: unavailable", "err", err)
		return retryLater{p}
	}
	return p
}

// retryLater is a 503 problem, which huma answers with its Retry-After.
type retryLater struct{ huma.StatusError }

func (e retryLater) Unwrap() error { return e.StatusError }

func (e retryLater) GetHeaders() http.Header {
	h := http.Header{}
	httpstatus.SetRetryAfter(h, http.StatusServiceUnavailable)
	return h
}

// writeProblem answers err from a middleware.
func (h *handlers) writeProblem(api huma.API, ctx huma.Context, err error) {
	p := h.problem(ctx.Context(), err)
	if p.GetStatus() == http.StatusServiceUnavailable {
		ctx.SetHeader("Retry-After", strconv.Itoa(httpstatus.RetryAfter))
	}
	var m *huma.ErrorModel
	if errors.As(p, &m) {
		errs := make([]error, len(m.Errors))
		for i, d := range m.Errors {
			errs[i] = d
		}
		_ = huma.WriteErr(api, ctx, m.Status, m.Detail, errs...)
		return
	}
	_ = huma.WriteErr(api, ctx, p.GetStatus(), p.Error())
}

// tidyProblem edits huma's own problems before they are written: it drops
// the echoed values (a whole body, or a secret, sent back to the caller) and
// moves a missing property's name into its location ("body.url": "is
// required").
func tidyProblem(_ huma.Context, _ string, v any) (any, error) {
	m, ok := v.(*huma.ErrorModel)
	if !ok {
		return v, nil
	}
	var b strings.Builder
	for _, d := range m.Errors {
		if d == nil {
			continue
		}
		d.Value = nil
		if e, ok := textcheck.Parse(d.Message); ok && d.Location == "body" {
			d.Location, d.Message = "body."+e.Field, e.Reason
			m.Detail = "invalid request: " + e.Error()
		}
		if rest, ok := strings.CutPrefix(d.Message, "expected required property "); ok {
			if name, ok := strings.CutSuffix(rest, " to be present"); ok {
				d.Location, d.Message = d.Location+"."+name, "is required"
			}
		}
		if b.Len() > 0 {
			b.WriteString("; ")
		}
		if d.Location != "body" {
			b.WriteString(strings.TrimPrefix(d.Location, "body.") + ": ")
		}
		b.WriteString(d.Message)
	}
	switch {
	case m.Detail != "validation failed" || b.Len() == 0:
	case len(m.Errors) == 1 && m.Errors[0] != nil && m.Errors[0].Location == "body":
		m.Detail = m.Errors[0].Message // the body is not JSON
	default:
		// the same shape as the service's "invalid request: url: is required"
		m.Detail = "invalid request: " + b.String()
	}
	return m, nil
}

// jsonFormat is huma's JSON format with a clearer message for a body that is
// not JSON: where the syntax breaks.
var jsonFormat = huma.Format{
	Marshal: func(w io.Writer, v any) error {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		return enc.Encode(v)
	},
	Unmarshal: func(data []byte, v any) error {
		if q, ok := v.(quicker); ok {
			decodeQuick(data, q) // a publish body: quickbody.go
			return nil
		}
		return unmarshalJSON(data, v)
	},
}

// unmarshalJSON decodes a request body for huma: text that cannot be stored
// is an error naming its field, and a syntax error says where it is.
func unmarshalJSON(data []byte, v any) error {
	if e := textcheck.JSON(data); e != nil {
		return e // tidyProblem moves its field into the location
	}
	err := json.Unmarshal(data, v)
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		line := 1 + bytes.Count(data[:min(int(syn.Offset), len(data))], []byte("\n"))
		return fmt.Errorf("body is not valid JSON: %s (line %d, byte %d)", syn.Error(), line, syn.Offset)
	case errors.As(err, &typ) && typ.Field != "":
		return fmt.Errorf("%s must be %s, not %s", typ.Field, typ.Type.Kind(), typ.Value)
	}
	return err
}
