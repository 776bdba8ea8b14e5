package thiio

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/inbound"
)

// Name is the kind's name in the catalogue and in integrations.
const Name = "thiio"

func init() { inbound.Register(Kind{}) }

// Kind is the Thiio integration kind.
type Kind struct{}

var _ inbound.Kind = Kind{}

// Info is the kind's catalogue entry.
func (Kind) Info() hookhub.IntegrationKind {
	return hookhub.IntegrationKind{
		Name:  Name,
		Title: "Thiio",
		Description: "Receive orders and new customers from a Thiio shop (or any system that can post its JSON payload): " +
			"each customer becomes a contact, matched by e-mail, and each order an order of that contact.",
	}
}

// Decode checks a request against the guide's rules.
func (Kind) Decode(header http.Header, body []byte) (*inbound.Decoded, error) {
	p, err := decode(header, body)
	if p == nil {
		return nil, err
	}
	return &inbound.Decoded{Entity: p.Event, Value: p}, err
}

// Process writes the payload's contact and order, and marks msg done, in
// one transaction.
func (Kind) Process(ctx context.Context, rec inbound.Recorder, in *hookhub.Integration, msg *hookhub.InboundMessage, d *inbound.Decoded) error {
	p, ok := d.Value.(*payload)
	if !ok {
		return errors.New("thiio: decoded value is not a Thiio payload")
	}
	ch := &hookhub.RecordChange{Contact: p.Contact, Order: p.Order, MessageID: msg.ID, Answer: http.StatusOK}
	_, err := rec.SaveRecords(ctx, in, ch)
	return err
}

// The exception names of the err field, by what went wrong. The guide
// names only the first, for a payload that breaks its rules; hookhub uses
// it for every fault of the request (rules, JSON, content type, size), so
// that a sender can tell "fix the request" from "try again later".
const (
	ExceptionRequest  = "WebforceCustomExternalException"
	ExceptionInactive = "WebforceIntegrationInactiveException"
	ExceptionServer   = "WebforceServerException"
)

// answerJSON is the guide's answer. Data is the payload as received, in
// successes only.
type answerJSON struct {
	Success bool            `json:"success"`
	Msg     string          `json:"msg"`
	Err     string          `json:"err"`
	Data    json.RawMessage `json:"data,omitempty"`
}

// Answer is the guide's answer: {"success": true, "msg": "received
// successfully", "err": "", "data": <the payload>} with 200, or
// {"success": false, "msg": "an error occurred", "err": "<exception> |
// <message>"} with the status inbound.Status gives.
func (Kind) Answer(body []byte, err error) inbound.Answer {
	if err == nil {
		var b bytes.Buffer
		b.WriteString(`{"success":true,"msg":"received successfully","err":"","data":`)
		b.Write(bytes.TrimSpace(body)) // valid JSON, checked by Decode: sent back as it came
		b.WriteString("}\n")
		return inbound.Answer{Status: http.StatusOK, ContentType: "application/json", Body: b.Bytes()}
	}
	status := inbound.Status(err)
	exception := ExceptionRequest
	switch {
	case status == http.StatusForbidden:
		exception = ExceptionInactive
	case status >= 500:
		exception = ExceptionServer
	}
	msg := exception + " | " + message(err)
	b, _ := json.Marshal(answerJSON{Msg: "an error occurred", Err: msg}) // cannot fail
	return inbound.Answer{Status: status, ContentType: "application/json", Body: append(b, '\n'), Reason: msg}
}

// message is the sentence of err in the guide's style: a rule of the core
// broken ("contact.email": "must be a valid email address") reads as the
// guide's rules do ("the contact.email field must be a valid email
// address").
func message(err error) string {
	var e *hookhub.Error
	if errors.As(err, &e) && e.Code == hookhub.EINVALID && len(e.Fields) > 0 && !strings.HasPrefix(e.Fields[0].Reason, "the ") {
		return "the " + e.Fields[0].Field + " field " + e.Fields[0].Reason
	}
	return strings.TrimSpace(inbound.Message(err))
}
