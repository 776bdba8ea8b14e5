package hookhub_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/hookhub/hookhub"
)

// asError is an error that is not an *Error but says it is one through an
// As method, as errors.As allows.
type asError struct{ code hookhub.Code }

func (e asError) Error() string { return "as error" }

func (e asError) As(target any) bool {
	p, ok := target.(**hookhub.Error)
	if ok {
		*p = &hookhub.Error{Code: e.code, Message: "from As"}
	}
	return ok
}

func TestErrorCodeAndMessage(t *testing.T) {
	notFound := hookhub.Errorf(hookhub.ENOTFOUND, "no such webhook")
	for _, tt := range []struct {
		name string
		err  error
		code hookhub.Code
		msg  string
	}{
		{"nil", nil, "", ""},
		{"error", notFound, hookhub.ENOTFOUND, "no such webhook"},
		{"wrapped", fmt.Errorf("get: %w", notFound), hookhub.ENOTFOUND, "no such webhook"},
		{"joined", errors.Join(errors.New("first"), notFound), hookhub.ENOTFOUND, "no such webhook"},
		{"other", errors.New("disk on fire"), hookhub.EINTERNAL, "internal error"},
		{"wrapped other", fmt.Errorf("get: %w", errors.New("disk on fire")), hookhub.EINTERNAL, "internal error"},
		{"As method", fmt.Errorf("x: %w", asError{hookhub.ECONFLICT}), hookhub.ECONFLICT, "from As"},
	} {
		if got := hookhub.ErrorCode(tt.err); got != tt.code {
			t.Errorf("%s: ErrorCode = %q, want %q", tt.name, got, tt.code)
		}
		if got := hookhub.ErrorMessage(tt.err); got != tt.msg {
			t.Errorf("%s: ErrorMessage = %q, want %q", tt.name, got, tt.msg)
		}
	}
}

// ErrorCode is called on every request, nil or not: it must not allocate.
func TestErrorCodeAllocs(t *testing.T) {
	for name, err := range map[string]error{
		"nil":     nil,
		"error":   hookhub.Errorf(hookhub.ENOTFOUND, "gone"),
		"wrapped": fmt.Errorf("get: %w", hookhub.Errorf(hookhub.ENOTFOUND, "gone")),
		"other":   errors.New("disk on fire"),
	} {
		if n := testing.AllocsPerRun(100, func() { _ = hookhub.ErrorCode(err) }); n != 0 {
			t.Errorf("%s: ErrorCode allocates %v times, want 0", name, n)
		}
		if n := testing.AllocsPerRun(100, func() { _ = hookhub.ErrorMessage(err) }); n != 0 {
			t.Errorf("%s: ErrorMessage allocates %v times, want 0", name, n)
		}
	}
}
