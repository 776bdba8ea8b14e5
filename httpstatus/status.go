package httpstatus

import (
	"net/http"
	"strconv"

	"github.com/hookhub/hookhub"
)

// table is the status of each code. Every rule broken by a well-formed
// request is 422, so that one status means "fix these fields"; a body that
// is not JSON at all is 400, which each surface decides before it asks
// for a code's status.
var table = map[hookhub.Code]int{
	hookhub.EINVALID:      http.StatusUnprocessableEntity,
	hookhub.ENOTFOUND:     http.StatusNotFound,
	hookhub.ECONFLICT:     http.StatusConflict,
	hookhub.EUNAUTHORIZED: http.StatusUnauthorized,
	hookhub.EFORBIDDEN:    http.StatusForbidden,
	hookhub.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	hookhub.EUNAVAILABLE:  http.StatusServiceUnavailable,
	hookhub.EINTERNAL:     http.StatusInternalServerError,
	hookhub.EUNSUPPORTED:  http.StatusNotImplemented,
	hookhub.ERATELIMITED:  http.StatusTooManyRequests,
	hookhub.EGONE:         http.StatusGone,
	hookhub.EUPSTREAM:     http.StatusBadGateway,
	hookhub.EMETHOD:       http.StatusMethodNotAllowed,
	hookhub.EMEDIATYPE:    http.StatusUnsupportedMediaType,
	hookhub.ENOTACCEPT:    http.StatusNotAcceptable,
}

// Of is the status of code in the table: the native API's, and every
// surface's that does not override it. A code the table does not know is
// 500.
func Of(code hookhub.Code) int {
	if status, ok := table[code]; ok {
		return status
	}
	return http.StatusInternalServerError
}

// A Surface is one API's answer to each code: the table, but for its
// overrides.
type Surface struct {
	overrides map[hookhub.Code]int
}

// Status is the status the surface answers code with.
func (s Surface) Status(code hookhub.Code) int {
	if status, ok := s.overrides[code]; ok {
		return status
	}
	return Of(code)
}

// The surfaces and their deviations from the table. A deviation is here
// because the product answers so, or because hookhub has answered so
// since the surface was built and a client may count on it.
var (
	// Console is the web console's error page. A form with field errors
	// is shown again with 422 by its own handler; an EINVALID that reaches
	// the error page is a request no form sends (a malformed query, a
	// forged button), which the page calls a bad request.
	Console = Surface{overrides: map[hookhub.Code]int{
		hookhub.EINVALID: http.StatusBadRequest,
	}}

	// Tilby answers a request that breaks a rule with 400, as it does a
	// refused verification request (docs/tilby.md).
	Tilby = Surface{overrides: map[hookhub.Code]int{
		hookhub.EINVALID: http.StatusBadRequest,
	}}

	// SuperOffice answers every bad input with 400 and the ErrorType
	// ValidationError (docs/superoffice.md).
	SuperOffice = Surface{overrides: map[hookhub.Code]int{
		hookhub.EINVALID: http.StatusBadRequest,
	}}

	// SalesIQ follows the table: its own codes (1001 to 1010) go in the
	// body, beside the status (docs/salesiq.md).
	SalesIQ = Surface{}

	// CRM360 is an ASP.NET Web API action (IHttpActionResult): a parameter
	// missing or malformed, a body breaking a rule and a platform, entity
	// and action it does not support are all BadRequest (docs/crm360.md).
	CRM360 = Surface{overrides: map[hookhub.Code]int{
		hookhub.EINVALID:     http.StatusBadRequest,
		hookhub.EUNSUPPORTED: http.StatusBadRequest,
	}}

	// Inbound is the answer of an inbound kind that uses inbound.Status
	// (Thiio). A record the request would write that conflicts with
	// another (two contacts, one e-mail address) is answered 500, "send
	// it again later", as it was before this table: kept, though a sender
	// that retries will meet the same conflict.
	Inbound = Surface{overrides: map[hookhub.Code]int{
		hookhub.ECONFLICT: http.StatusInternalServerError,
	}}
)

// RetryAfter is the Retry-After, in seconds, of every 503: how long a
// client should wait before it sends the request again, long enough for a
// storage fault or a restart to clear, short enough to lose little time.
const RetryAfter = 5

// SetRetryAfter sets Retry-After on an answer with status 503
// (EUNAVAILABLE: the database cannot take the request now, or hookhub is
// shutting down), on every surface.
func SetRetryAfter(h http.Header, status int) {
	if status == http.StatusServiceUnavailable {
		h.Set("Retry-After", strconv.Itoa(RetryAfter))
	}
}
