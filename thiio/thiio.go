package thiio

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"strings"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/crm"
	"github.com/hookhub/hookhub/inbound"
)

// Name is the kind's name in the catalogue and in integrations.
const Name = "thiio"

// Product is what Thiio adds to hookhub's catalogue: its integration
// kind. Kind reads the requests to integrations of it.
var Product = hookhub.Product{Name: "Thiio", IntegrationKinds: []hookhub.IntegrationKind{Kind{}.Info()}}

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
	_, err := rec.SaveRecords(ctx, in, p.change(msg.ID))
	return err
}

// change is what the payload does to the CRM records, for message msgID.
func (p *payload) change(msgID int64) *crm.RecordChange {
	return &crm.RecordChange{Contact: p.Contact, Order: p.Order, MessageID: msgID, Answer: http.StatusOK}
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

// message is the sentence of err in the guide's style. The decoder's own
// problems are written so; a rule of the core broken (which the decoder's
// rules should leave no room for: a fuzz test checks it) reads as the
// decoder would have said it, naming the payload's field:
// "contact.phone.number": "must be at most 255 characters" is "the
// phone.number field must not be greater than 255 characters".
func message(err error) string {
	var e *hookhub.Error
	if errors.As(err, &e) && e.Code == hookhub.EINVALID && len(e.Fields) > 0 && !strings.HasPrefix(e.Fields[0].Reason, "the ") {
		return "the " + payloadField(e.Fields[0].Field) + " field " + guideReason(e.Fields[0].Reason)
	}
	return strings.TrimSpace(inbound.Message(err))
}

// payloadField is the payload's name of a field of the core's
// RecordChange: a contact's source, phone and addresses are at the
// payload's top level, an order's external_id is its id, and items are
// numbered with dots ("order.items[0].name" is "order.items.0.name").
func payloadField(field string) string {
	if rest, ok := strings.CutPrefix(field, "contact."); ok {
		switch name, _, _ := strings.Cut(rest, "."); name {
		case "first_name", "last_name", "email":
			return field
		}
		return rest
	}
	if rest, ok := strings.CutPrefix(field, "order.external_id"); ok {
		return "order.id" + rest
	}
	return itemIndex.ReplaceAllString(field, ".$1")
}

var itemIndex = regexp.MustCompile(`\[([0-9]+)\]`)

// guideReasons rewrites the core's reasons in the words of the decoder's.
var guideReasons = []struct {
	core  *regexp.Regexp
	guide string
}{
	{regexp.MustCompile(`^must be at most ([0-9]+) characters$`), "must not be greater than $1 characters"},
	{regexp.MustCompile(`^must have at most ([0-9]+) entries$`), "must not have more than $1 items"},
	{regexp.MustCompile(`^must be one of ([^:].*)$`), "must be one of: $1"},
	{regexp.MustCompile(`^must be a decimal number$`), "must be a number"},
}

func guideReason(reason string) string {
	for _, r := range guideReasons {
		if r.core.MatchString(reason) {
			return r.core.ReplaceAllString(reason, r.guide)
		}
	}
	return reason
}
