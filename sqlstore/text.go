package sqlstore

import (
	"database/sql/driver"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/hookhub/hookhub"
)

// Text the database cannot store: every statement's string arguments are
// checked by the store's driver wrapper (faultConn.CheckNamedValue, in
// faults.go) before the database sees them. A NUL character or bytes that
// are not UTF-8 are refused with EINVALID. PostgreSQL refuses such text
// itself, with an error that would read as an internal one; SQLite would
// store it. With the check both answer the same, and a request that got
// past its surface's checks (package textcheck) is still refused, not
// stored altered or failed with a 500. []byte arguments are binary and are
// not checked.

// checkText is the guard's check of one argument: a string, a *string, or
// a driver.Valuer (sql.NullString) of one.
func checkText(v any) error {
	if vr, ok := v.(driver.Valuer); ok && !isNilPointer(v) {
		if val, err := vr.Value(); err == nil {
			v = val
		}
	}
	if p, ok := v.(*string); ok && p != nil {
		v = *p
	}
	s, ok := v.(string)
	switch {
	case !ok:
		return nil
	case strings.IndexByte(s, 0) >= 0:
		return hookhub.Errorf(hookhub.EINVALID, "a text to store contains a NUL character, which cannot be stored")
	case !utf8.ValidString(s):
		return hookhub.Errorf(hookhub.EINVALID, "a text to store is not valid UTF-8, which cannot be stored")
	}
	return nil
}

func isNilPointer(v any) bool {
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}
