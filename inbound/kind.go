package inbound

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"strings"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/crm"
	"github.com/hookhub/hookhub/httpstatus"
)

// Kind reads the requests of one kind of integration and answers them in
// its product's format. Its methods are called concurrently.
type Kind interface {
	// Info is the kind's entry in the catalogue of integration kinds
	// (which its product's hookhub.Product lists too).
	Info() hookhub.IntegrationKind
	// Decode checks a request's header (its content type) and body against
	// the kind's rules and returns what it says, or the error to answer:
	// an *hookhub.Error whose code and message say what is wrong
	// (EMEDIATYPE; EINVALID, with the field at fault). With an error, it
	// may still return what it could read (for the message's entity). It
	// must not panic, whatever the body.
	Decode(header http.Header, body []byte) (*Decoded, error)
	// Process makes the CRM records a decoded message says, through rec,
	// passing msg.ID in the change so that the message is marked done in
	// the same transaction.
	Process(ctx context.Context, rec Recorder, in *hookhub.Integration, msg *hookhub.InboundMessage, d *Decoded) error
	// Answer is what the sender gets for its request's body: when err is
	// nil, the message was accepted; otherwise err says why it was
	// refused or failed (Status gives hookhub's choice of HTTP status).
	Answer(body []byte, err error) Answer
}

// Decoded is a request as its Kind read it.
type Decoded struct {
	// Entity and Action say what the message is about ("order"), for the
	// stored message; either may be empty.
	Entity, Action string
	// Value is the kind's own reading of the body, handed to Process.
	Value any
}

// Answer is an answer to a request to an integration's URL.
type Answer struct {
	Status      int
	ContentType string
	Body        []byte
	// Reason is, for a refusal or a failure, the error in the words the
	// sender gets; it is stored with the message.
	Reason string
}

// Recorder saves CRM records (the service).
type Recorder interface {
	SaveRecords(ctx context.Context, in *hookhub.Integration, ch *crm.RecordChange) (*crm.RecordResult, error)
}

// The errors the handler gives a Kind's Answer, in a style that reads well
// in any product's error field.
var (
	// ErrInactive refuses a request to a deactivated integration.
	ErrInactive = &hookhub.Error{Code: hookhub.EFORBIDDEN, Message: "the integration is deactivated; activate it to receive requests"}
	// ErrInternal is a failure of hookhub's own (its detail is logged).
	ErrInternal = &hookhub.Error{Code: hookhub.EINTERNAL, Message: "the request could not be processed; send it again later"}
	// ErrUnavailable is a failure to store the request: it was not kept.
	ErrUnavailable = &hookhub.Error{Code: hookhub.EUNAVAILABLE, Message: "the request could not be stored; send it again later"}
)

// errTooLarge refuses a body over the limit.
func errTooLarge(limit int64) error {
	return hookhub.Errorf(hookhub.ETOOLARGE, "the request body must not be greater than %d bytes", limit)
}

// RequireJSON returns an EMEDIATYPE error unless the request's
// Content-Type is application/json or another JSON type (…+json). A
// request without a Content-Type is read as JSON.
func RequireJSON(header http.Header) error {
	ct := header.Get("Content-Type")
	if ct == "" {
		return nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err == nil && (mt == "application/json" || strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json")) {
		return nil
	}
	return hookhub.Errorf(hookhub.EMEDIATYPE, "the Content-Type header must be application/json, not %s", ct)
}

// BodyField is the field name of errors about the body as a whole: a body
// that is not JSON (400, where a rule broken is 422).
const BodyField = "body"

// NotJSON returns the EINVALID error for a body that is not valid JSON,
// saying where it breaks.
func NotJSON(body []byte, err error) error {
	var syn *json.SyntaxError
	switch {
	case len(bytes.TrimSpace(body)) == 0:
		return hookhub.Invalid(BodyField, "the request body is empty; it must be a JSON object")
	case errors.As(err, &syn):
		return hookhub.Invalid(BodyField, "the request body is not valid JSON: %s at byte %d", syn.Error(), syn.Offset)
	}
	return hookhub.Invalid(BodyField, "the request body is not valid JSON: %s", err.Error())
}

// Status is the HTTP status hookhub answers err with, whatever the kind:
// 200 for nil; 400 for a body that is not JSON, 422 for a rule broken, 403
// for a deactivated integration, 413 for a body over the limit, 415 for a
// content type that is not JSON, 503 when the request could not be stored,
// 500 for other failures: httpstatus.Inbound's status of the code, but for
// the body that is not JSON.
func Status(err error) int {
	var e *hookhub.Error
	if err == nil {
		return http.StatusOK
	}
	if !errors.As(err, &e) {
		return http.StatusInternalServerError
	}
	if e.Code == hookhub.EINVALID && len(e.Fields) == 1 && e.Fields[0].Field == BodyField {
		return http.StatusBadRequest
	}
	return httpstatus.Inbound.Status(e.Code)
}

// Message is the sentence a sender reads for err: the message of an
// *hookhub.Error, or, for one about fields, its first field's reason; a
// generic sentence for any other error.
func Message(err error) string {
	var e *hookhub.Error
	switch {
	case err == nil:
		return ""
	case !errors.As(err, &e) || e.Code == hookhub.EINTERNAL:
		return ErrInternal.Message
	case len(e.Fields) > 0:
		return e.Fields[0].Reason
	}
	return e.Message
}
