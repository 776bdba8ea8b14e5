package hookhub

import (
	"errors"
	"fmt"
	"strings"
)

// Code says what kind of failure an *Error is, for machines: the API
// surfaces answer each with an HTTP status (see package httpstatus).
type Code string

// Error codes.
const (
	EINVALID      Code = "invalid"        // the request is malformed or breaks a rule
	ENOTFOUND     Code = "not_found"      // no such object for this tenant
	ECONFLICT     Code = "conflict"       // the object exists already or changed meanwhile
	EUNAUTHORIZED Code = "unauthorized"   // no valid credentials
	EFORBIDDEN    Code = "forbidden"      // valid credentials without the scope
	ETOOLARGE     Code = "too_large"      // the body is over the limit
	EUNAVAILABLE  Code = "unavailable"    // try again later (shutting down, database away)
	EINTERNAL     Code = "internal"       // a bug or an outage; details go to the log
	EUNSUPPORTED  Code = "unsupported"    // a valid request for something not offered
	ERATELIMITED  Code = "rate_limited"   // too many requests
	EGONE         Code = "gone"           // the object existed and is gone for good
	EUPSTREAM     Code = "upstream"       // a receiver answered badly (tests, handshakes)
	EMETHOD       Code = "method"         // the method is not allowed on the path
	EMEDIATYPE    Code = "media_type"     // the content type is not accepted
	ENOTACCEPT    Code = "not_acceptable" // no acceptable response type
)

// Error is the application error: a code for machines, a message for people
// and, for validation errors, the fields at fault. Anything that is not an
// *Error reaching an API edge is reported as EINTERNAL and logged.
type Error struct {
	Code    Code
	Message string
	Fields  []FieldError
}

// FieldError names one field of a request and what is wrong with it.
// Field uses the caller's spelling with dots for nesting ("retry.schedule").
type FieldError struct {
	Field  string
	Reason string
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return e.Message
	}
	var b strings.Builder
	b.WriteString(e.Message)
	for i, f := range e.Fields {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(f.Field)
		b.WriteString(": ")
		b.WriteString(f.Reason)
	}
	return b.String()
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an EINVALID error for one field.
func Invalid(field, format string, args ...any) *Error {
	reason := fmt.Sprintf(format, args...)
	return &Error{Code: EINVALID, Message: "invalid request", Fields: []FieldError{{Field: field, Reason: reason}}}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other error, and "" for nil.
//
// It does not allocate (errors.As would, for its target): callers test
// errors with it on every request.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message a user may see: the *Error's message, or
// a generic sentence for internal errors, whose detail belongs in the log.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Message
	}
	return "internal error"
}

// Problems collects field errors while a request is checked.
type Problems []FieldError

// Add records a problem with field.
func (p *Problems) Add(field, format string, args ...any) {
	*p = append(*p, FieldError{Field: field, Reason: fmt.Sprintf(format, args...)})
}

// Err returns nil when nothing was added, else an EINVALID *Error.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: "invalid request", Fields: p}
}

// Has reports whether a problem with field was recorded.
func (p Problems) Has(field string) bool {
	for _, f := range p {
		if f.Field == field {
			return true
		}
	}
	return false
}
