package api

import (
	"time"

	"github.com/hookhub/hookhub"
)

// The JSON shapes of deliveries, their attempts and their statistics.

type deliveryJSON struct {
	ID            int64      `json:"id"`
	EventID       int64      `json:"event_id"`
	WebhookID     int64      `json:"webhook_id"`
	State         string     `json:"state" enum:"pending,in_flight,succeeded,failed,held"`
	Attempts      int        `json:"attempts" doc:"Tries made so far, counting one in flight."`
	NextAttemptAt *time.Time `json:"next_attempt_at" doc:"When a pending delivery is tried next."`
	LastStatus    int        `json:"last_status"`
	LastError     string     `json:"last_error"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
}

func toDelivery(d *hookhub.Delivery) deliveryJSON {
	out := deliveryJSON{
		ID: d.ID, EventID: d.EventID, WebhookID: d.WebhookID, State: string(d.State), Attempts: d.Attempts,
		LastStatus: d.LastStatus, LastError: d.LastError, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt,
	}
	if d.State == hookhub.DeliveryPending {
		out.NextAttemptAt = timeOrNil(d.RunAt)
	}
	return out
}

func deliveryID(d *hookhub.Delivery) int64 { return d.ID }

type requestJSON struct {
	Headers      map[string]string `json:"headers"`
	Body         string            `json:"body"`
	BodyEncoding string            `json:"body_encoding,omitempty" enum:"base64" doc:"base64 when the body is not UTF-8 text."`
}

type responseJSON struct {
	Status       int               `json:"status" doc:"0 when no answer came."`
	Headers      map[string]string `json:"headers"`
	Body         string            `json:"body" doc:"At most the first 4 KiB."`
	BodyEncoding string            `json:"body_encoding,omitempty" enum:"base64" doc:"base64 when the body is not UTF-8 text."`
}

type attemptJSON struct {
	ID         int64        `json:"id"`
	DeliveryID int64        `json:"delivery_id"`
	WebhookID  int64        `json:"webhook_id"`
	EventID    int64        `json:"event_id"`
	Number     int          `json:"number"`
	URL        string       `json:"url"`
	StartedAt  time.Time    `json:"started_at"`
	DurationMS float64      `json:"duration_ms"`
	Request    requestJSON  `json:"request"`
	Response   responseJSON `json:"response"`
	Error      string       `json:"error"`
	Success    bool         `json:"success"`
}

func toAttempt(a *hookhub.Attempt) attemptJSON {
	out := attemptJSON{
		ID: a.ID, DeliveryID: a.DeliveryID, WebhookID: a.WebhookID, EventID: a.EventID, Number: a.Number,
		URL: a.URL, StartedAt: a.StartedAt, DurationMS: float64(a.Duration.Microseconds()) / 1000,
		Request:  requestJSON{Headers: flatten(a.RequestHeaders)},
		Response: responseJSON{Status: a.Status, Headers: flatten(a.ResponseHeaders)},
		Error:    a.Error, Success: a.Success,
	}
	out.Request.Body, out.Request.BodyEncoding = text(a.RequestBody)
	out.Response.Body, out.Response.BodyEncoding = text(a.ResponseBody)
	return out
}

func attemptID(a *hookhub.Attempt) int64 { return a.ID }

type statsJSON struct {
	Succeeded  int64 `json:"succeeded"`
	Failed     int64 `json:"failed"`
	Pending    int64 `json:"pending"`
	Held       int64 `json:"held"`
	InFlight   int64 `json:"in_flight"`
	QueueDepth int64 `json:"queue_depth" doc:"Pending and in-flight deliveries of any age."`
}
