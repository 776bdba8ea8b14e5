package inbound_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/inbound"
)

// Status answers each error as the inbound kinds always have: a body that
// is not JSON is 400 where a rule broken is 422, a record conflict is a
// failure to try again (500), and the rest is httpstatus.Inbound's.
func TestStatus(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		err  error
		want int
	}{
		{"Nil", nil, http.StatusOK},
		{"NotJSON", inbound.NotJSON([]byte("{"), errors.New("unexpected end of JSON input")), http.StatusBadRequest},
		{"Empty", inbound.NotJSON(nil, nil), http.StatusBadRequest},
		{"RuleBroken", hookhub.Invalid("contact.email", "must be a valid email address"), http.StatusUnprocessableEntity},
		{"BodyAndAnotherField", &hookhub.Error{Code: hookhub.EINVALID, Fields: []hookhub.FieldError{{Field: inbound.BodyField}, {Field: "name"}}}, http.StatusUnprocessableEntity},
		{"Inactive", inbound.ErrInactive, http.StatusForbidden},
		{"TooLarge", hookhub.Errorf(hookhub.ETOOLARGE, "too large"), http.StatusRequestEntityTooLarge},
		{"MediaType", hookhub.Errorf(hookhub.EMEDIATYPE, "not JSON"), http.StatusUnsupportedMediaType},
		{"Unavailable", inbound.ErrUnavailable, http.StatusServiceUnavailable},
		{"NotFound", hookhub.Errorf(hookhub.ENOTFOUND, "no such contact"), http.StatusNotFound},
		{"Conflict", hookhub.Errorf(hookhub.ECONFLICT, "another contact has the e-mail address a@example.com"), http.StatusInternalServerError},
		{"Internal", inbound.ErrInternal, http.StatusInternalServerError},
		{"NotAnError", errors.New("disk full"), http.StatusInternalServerError},
	} {
		if got := inbound.Status(tt.err); got != tt.want {
			t.Errorf("%s: Status(%v) = %d, want %d", tt.name, tt.err, got, tt.want)
		}
	}
}
