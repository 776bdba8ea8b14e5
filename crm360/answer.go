package crm360

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/httpstatus"
)

// The answers of QueueProcess. The seed says only IHttpActionResult and
// application/json; hookhub answers in PascalCase, as ASP.NET Web API
// writes its objects, the same shape for success and failure.

// Answer is the body of every answer.
type Answer struct {
	Success bool `json:"Success"`
	// MessageId is the stored message's id, to follow it at
	// GET /v1/inbound-messages/{id}; 0 when nothing was stored.
	MessageID int64  `json:"MessageId"`
	Status    string `json:"Status,omitempty"` // queued
	// VisibleAt is when the message is processed, after its
	// secondsOfInvisibility.
	VisibleAt *time.Time `json:"VisibleAt,omitempty"`
	Items     int        `json:"Items,omitempty"` // the entities of a batch
	StatusURL string     `json:"StatusUrl,omitempty"`
	Message   string     `json:"Message"`
	Errors    []Fault    `json:"Errors"`
	// Supported lists the combinations, for an unsupported one.
	Supported []Combination `json:"Supported,omitempty"`
}

// Fault is what is wrong with one parameter, header or field.
type Fault struct {
	Field   string `json:"Field"`
	Message string `json:"Message"`
}

// failure is the answer to err, and its status.
func failure(err error) (int, Answer) {
	a := Answer{Message: hookhub.ErrorMessage(err), Errors: []Fault{}}
	status := httpstatus.CRM360.Status(hookhub.ErrorCode(err))
	if status == http.StatusInternalServerError {
		a.Message = "the request could not be stored; send it again later"
	}
	var e *hookhub.Error
	if errors.As(err, &e) {
		for _, f := range e.Fields {
			a.Errors = append(a.Errors, Fault{Field: f.Field, Message: f.Reason})
		}
	}
	if hookhub.ErrorCode(err) == hookhub.EUNSUPPORTED {
		a.Supported = Supported()
	}
	return status, a
}

// accepted is the answer to a stored message.
func accepted(m *hookhub.InboundMessage, items int) Answer {
	at := m.RunAt
	return Answer{
		Success: true, MessageID: m.ID, Status: string(m.Status), VisibleAt: &at, Items: items,
		StatusURL: "/v1/inbound-messages/" + strconv.FormatInt(m.ID, 10),
		Message:   "queued for processing", Errors: []Fault{},
	}
}

func write(w http.ResponseWriter, status int, a Answer) {
	b, _ := json.Marshal(a) // plain values: cannot fail
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="hookhub"`)
	}
	httpstatus.SetRetryAfter(w.Header(), status)
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}
