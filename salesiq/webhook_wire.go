package salesiq

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/textcheck"
)

// This file holds the JSON shapes of the API and their conversions.

// webhookIn is the body that creates a webhook or changes one; on a change,
// absent members stay as they are. It takes both shapes: hookhub's first,
// {webhook: {url, secured}, published}, and the REST API v2's flat one,
// {type, url, events, secured, app_ids, version,
// expiry_time_for_executions_data}
// (https://www.zoho.com/salesiq/help/developer-section/update-webhook-v2.html).
type webhookIn struct {
	Name      *string     `json:"name"`
	Webhook   *endpointIn `json:"webhook"`
	Published *bool       `json:"published"`
	Events    []string    `json:"events"`
	AppIDs    appIDs      `json:"app_ids"`

	Type    *string         `json:"type"`
	URL     *string         `json:"url"`
	Secured *bool           `json:"secured"`
	Version json.RawMessage `json:"version"`
	Expiry  json.RawMessage `json:"expiry_time_for_executions_data"`
}

type endpointIn struct {
	URL     *string `json:"url"`
	Secured *bool   `json:"secured"`
}

// appIDs are embed ids, sent as strings or as numbers; nil when absent.
type appIDs []string

func (a *appIDs) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return hookhub.Invalid("app_ids", "must be a list of app ids")
	}
	out := make(appIDs, len(raw))
	for i, r := range raw {
		if json.Unmarshal(r, &out[i]) == nil {
			continue
		}
		if _, err := strconv.ParseUint(string(r), 10, 64); err != nil {
			return hookhub.Invalid(fmt.Sprintf("app_ids[%d]", i), "must be an app id: a string or a whole number")
		}
		out[i] = string(r)
	}
	*a = out
	return nil
}

// decode reads a JSON body into v.
func decode(r *http.Request, v any) error {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return err // *http.MaxBytesError, or the client went away
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return &apiError{http.StatusBadRequest, 1008, "the body is empty; send a JSON object"}
	}
	if e := textcheck.JSON(b); e != nil {
		return e.Invalid()
	}
	err = json.Unmarshal(b, v)
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &syn):
		return &apiError{http.StatusBadRequest, 1008, fmt.Sprintf("the body is not valid JSON: %s (byte %d)", syn.Error(), syn.Offset)}
	case errors.As(err, &typ) && typ.Field != "":
		return hookhub.Invalid(typ.Field, "must be %s, not %s", kind(typ.Type.Kind().String()), typ.Value)
	case errors.As(err, &typ):
		return &apiError{http.StatusBadRequest, 1008, "the body must be a JSON object"}
	}
	return err // an *hookhub.Error of a field's own decoding
}

func kind(k string) string {
	switch k {
	case "bool":
		return "a boolean"
	case "slice":
		return "a list"
	case "struct", "map":
		return "an object"
	}
	return "a " + k
}

type endpointJSON struct {
	URL     string `json:"url"`
	Secured bool   `json:"secured"`
}

// webhookJSON is a webhook as this API shows it, with the dashboard's
// figures: failures, last triggered, apps. Beside hookhub's first members
// it has those of Zoho's REST API v2 webhook object (url, secured, type,
// status enabled or disabled, failures_count, public_keys, version,
// creator, modifier), as
// https://www.zoho.com/salesiq/help/developer-section/generate-public-key-webhook-v2.html
// shows it, so that a client reading either finds its fields.
type webhookJSON struct {
	URL        string       `json:"url"`
	Secured    bool         `json:"secured"`
	Type       string       `json:"type"`
	State      string       `json:"state"`
	Failures2  string       `json:"failures_count"`
	PublicKeys []publicJSON `json:"public_keys"`
	Version    int          `json:"version"`
	Creator    idJSON       `json:"creator"`
	Modifier   idJSON       `json:"modifier"`

	ID                string       `json:"id"`
	Name              string       `json:"name"`
	Webhook           endpointJSON `json:"webhook"`
	Published         bool         `json:"published"`
	Status            string       `json:"status"`
	Module            string       `json:"module"`
	Events            []string     `json:"events"`
	AppIDs            []string     `json:"app_ids"`
	Key               *keyJSON     `json:"key"`
	Failures          int64        `json:"failures"`
	LastTriggeredTime *string      `json:"last_triggered_time"`
	CreatedTime       string       `json:"created_time"`
	ModifiedTime      string       `json:"modified_time"`
}

func toWebhook(w *hookhub.Webhook) webhookJSON {
	m, _ := readMeta(w) // unreadable meta shows as an unsecured webhook without a key
	status := "disabled"
	if w.State == hookhub.StateActive {
		status = "enabled"
	}
	out := webhookJSON{
		URL: w.URL, Secured: m.Secured, Type: m.Module, State: string(w.State),
		Failures2: strconv.FormatInt(w.TotalErrors, 10), PublicKeys: []publicJSON{},
		Version: 1,
		Creator: idJSON{w.RegisteredBy}, Modifier: idJSON{w.UpdatedBy},
		ID: strconv.FormatInt(w.ID, 10), Name: w.Name,
		Webhook:   endpointJSON{URL: w.URL, Secured: m.Secured},
		Published: w.State == hookhub.StateActive, Status: status, Module: m.Module,
		Events: w.Events, AppIDs: w.Apps, Failures: w.TotalErrors,
		CreatedTime: millis(w.RegisteredAt), ModifiedTime: millis(w.UpdatedAt),
	}
	if m.Key != nil {
		k := toKey(w.ID, m.Key.public(m.Secured))
		out.Key = &k
		out.PublicKeys = append(out.PublicKeys, publicJSON{ID: k.ID, Key: k.PublicKey, CreatedTime: k.CreatedTime, Creator: idJSON{w.RegisteredBy}})
	}
	if !w.LastTriggeredAt.IsZero() {
		t := millis(w.LastTriggeredAt)
		out.LastTriggeredTime = &t
	}
	if out.Events == nil {
		out.Events = []string{}
	}
	if out.AppIDs == nil {
		out.AppIDs = []string{}
	}
	return out
}

// publicJSON is a key as Zoho's webhook object lists it in public_keys.
type publicJSON struct {
	ID          string `json:"id"`
	Key         string `json:"key"`
	CreatedTime string `json:"created_time"`
	Creator     idJSON `json:"creator"`
}

type idJSON struct {
	ID string `json:"id"`
}

type keyJSON struct {
	ID          string `json:"id"`
	WebhookID   string `json:"webhook_id"`
	PublicKey   string `json:"public_key"`
	Algorithm   string `json:"algorithm"`
	CreatedTime string `json:"created_time"`
}

func toKey(webhookID int64, k *Key) keyJSON {
	return keyJSON{
		ID: k.ID, WebhookID: strconv.FormatInt(webhookID, 10), PublicKey: k.PublicKey,
		Algorithm: "SHA256withRSA", CreatedTime: strconv.FormatInt(k.CreatedAt.UnixMilli(), 10),
	}
}

// deletedKeyJSON answers the deletion of a key; a secured webhook's new
// key is ReplacedBy.
type deletedKeyJSON struct {
	ID         string   `json:"id"`
	WebhookID  string   `json:"webhook_id"`
	Deleted    bool     `json:"deleted"`
	ReplacedBy *keyJSON `json:"replaced_by,omitempty"`
}

// errorLogJSON is one failed try.
type errorLogJSON struct {
	ID         string `json:"id"`
	Time       string `json:"time"`
	Attempt    int    `json:"attempt"`
	Status     int    `json:"status"`
	Error      string `json:"error"`
	EventID    string `json:"event_id"`
	DeliveryID string `json:"delivery_id"`
	URL        string `json:"url"`
	DurationMS int64  `json:"duration_ms"`
}

func toErrorLog(a *hookhub.Attempt) errorLogJSON {
	return errorLogJSON{
		ID: strconv.FormatInt(a.ID, 10), Time: millis(a.StartedAt), Attempt: a.Number, Status: a.Status,
		Error: a.Error, EventID: strconv.FormatInt(a.EventID, 10), DeliveryID: strconv.FormatInt(a.DeliveryID, 10),
		URL: a.URL, DurationMS: a.Duration.Milliseconds(),
	}
}

// millis writes a time as SalesIQ does: milliseconds since the epoch, as a
// string.
func millis(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }
