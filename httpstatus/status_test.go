package httpstatus_test

import (
	"net/http"
	"testing"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/httpstatus"
)

// codes are all of hookhub's error codes, and one no table knows.
var codes = []hookhub.Code{
	hookhub.EINVALID, hookhub.ENOTFOUND, hookhub.ECONFLICT, hookhub.EUNAUTHORIZED,
	hookhub.EFORBIDDEN, hookhub.ETOOLARGE, hookhub.EUNAVAILABLE, hookhub.EINTERNAL,
	hookhub.EUNSUPPORTED, hookhub.ERATELIMITED, hookhub.EGONE, hookhub.EUPSTREAM,
	hookhub.EMETHOD, hookhub.EMEDIATYPE, hookhub.ENOTACCEPT, "no_such_code",
}

// The table: the native API's statuses, and every surface's where it does
// not override them.
func TestOf(t *testing.T) {
	t.Parallel()
	want := map[hookhub.Code]int{
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
		"no_such_code":        http.StatusInternalServerError,
		"":                    http.StatusInternalServerError,
	}
	for code, status := range want {
		if got := httpstatus.Of(code); got != status {
			t.Errorf("Of(%q) = %d, want %d", code, got, status)
		}
	}
}

// Each surface answers every code as the table does, except its overrides.
func TestSurfaces(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name      string
		surface   httpstatus.Surface
		overrides map[hookhub.Code]int
	}{
		{"Console", httpstatus.Console, map[hookhub.Code]int{hookhub.EINVALID: http.StatusBadRequest}},
		{"Tilby", httpstatus.Tilby, map[hookhub.Code]int{hookhub.EINVALID: http.StatusBadRequest}},
		{"SuperOffice", httpstatus.SuperOffice, map[hookhub.Code]int{hookhub.EINVALID: http.StatusBadRequest}},
		{"SalesIQ", httpstatus.SalesIQ, nil},
		{"CRM360", httpstatus.CRM360, map[hookhub.Code]int{
			hookhub.EINVALID:     http.StatusBadRequest,
			hookhub.EUNSUPPORTED: http.StatusBadRequest,
		}},
		{"Inbound", httpstatus.Inbound, map[hookhub.Code]int{hookhub.ECONFLICT: http.StatusInternalServerError}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, code := range codes {
				want, ok := tt.overrides[code]
				if !ok {
					want = httpstatus.Of(code)
				}
				if got := tt.surface.Status(code); got != want {
					t.Errorf("%s.Status(%q) = %d, want %d", tt.name, code, got, want)
				}
			}
		})
	}
}
