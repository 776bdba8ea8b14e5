package superoffice

import (
	"strings"
	"time"

	"github.com/hookhub/hookhub"
)

// zoneCodes maps SuperOffice's time zone codes (country codes, with a
// region where a country has several zones) and a few of its numeric ids
// onto IANA zones. Any IANA name is accepted as well.
var zoneCodes = map[string]string{
	"UTC": "UTC", "GMT": "UTC", "1": "UTC",
	"NO": "Europe/Oslo", "261": "Europe/Oslo",
	"SE": "Europe/Stockholm",
	"DK": "Europe/Copenhagen", "140": "Europe/Copenhagen",
	"FI": "Europe/Helsinki",
	"DE": "Europe/Berlin",
	"NL": "Europe/Amsterdam",
	"BE": "Europe/Brussels",
	"FR": "Europe/Paris", "156": "Europe/Paris",
	"GB": "Europe/London", "UK": "Europe/London",
	"IE": "Europe/Dublin",
	"ES": "Europe/Madrid",
	"IT": "Europe/Rome",
	"CH": "Europe/Zurich",
	"AT": "Europe/Vienna",
	"PL": "Europe/Warsaw",
	"BD": "Asia/Dhaka", "50": "Asia/Dhaka",
	"AU-ACT": "Australia/Sydney", "36": "Australia/Sydney",
	"CA-QC": "America/Toronto", "114": "America/Toronto",
	"US-CA": "America/Los_Angeles", "425": "America/Los_Angeles",
	"US-HI": "Pacific/Honolulu", "433": "Pacific/Honolulu",
	"US-NY": "America/New_York", "460": "America/New_York",
}

// timeZone reads SO-TimeZone: UTC when absent, else a SuperOffice code or
// an IANA name. An unknown zone is EINVALID.
func timeZone(header string) (*time.Location, error) {
	code := strings.TrimSpace(header)
	if code == "" {
		return time.UTC, nil
	}
	name, ok := zoneCodes[strings.ToUpper(code)]
	if !ok {
		name = code
	}
	if name != "Local" {
		if loc, err := time.LoadLocation(name); err == nil {
			return loc, nil
		}
	}
	return nil, hookhub.Invalid("SO-TimeZone",
		"%q is not a time zone; use a SuperOffice code (UTC, NO, DK, US-NY, …) or an IANA name (Europe/Oslo)", code)
}

// dateTime writes t in loc as an ISO 8601 date-time with its offset.
func dateTime(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "0001-01-01T00:00:00"
	}
	return t.In(loc).Format("2006-01-02T15:04:05.999999999Z07:00")
}

// parseDateTime reads a date-time as SuperOffice writes them: with an
// offset, or without one (7 decimals at most).
func parseDateTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.9999999", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
