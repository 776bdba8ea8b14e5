package crm

import (
	"encoding/json"
	"testing"
)

func TestParseDecimal(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in     string
		want   Decimal
		wantOK bool
	}{
		{"120", "120", true},
		{"-3.50", "-3.50", true}, // the digits after the point are kept as written
		{"007.5", "7.5", true},   // leading zeros go
		{"000", "0", true},
		{"-0.25", "-0.25", true},
		{"12345678901234567890", "12345678901234567890", true},
		{"123456789012345678901", "", false}, // 21 digits before the point
		{"1.1234567890", "1.1234567890", true},
		{"1.12345678901", "", false}, // 11 after it
		{"", "", false},
		{"1e3", "", false}, // no exponent
		{"1,5", "", false},
		{"+1", "", false},
		{".5", "", false},
		{"5.", "", false},
		{" 5", "", false},
		{"--5", "", false},
	} {
		got, ok := ParseDecimal(tt.in)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("ParseDecimal(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestDecimalEqual(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		a, b Decimal
		want bool
	}{
		{"3.50", "3.5", true},
		{"0", "-0.0", true},
		{"1", "1.01", false},
		{"", "", true},
		{"", "0", false},
	} {
		if got := tt.a.Equal(tt.b); got != tt.want {
			t.Errorf("%q.Equal(%q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestDecimalJSON(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		json    string
		want    Decimal
		wantErr bool
	}{
		{`12.30`, "12.30", false},
		{`null`, "", false},
		{`"012.30"`, "12.30", false}, // a string holding a number
		{`"twelve"`, "", true},
		{`1e3`, "", true},
		{`true`, "", true},
	} {
		var d Decimal
		err := json.Unmarshal([]byte(tt.json), &d)
		if (err != nil) != tt.wantErr || !tt.wantErr && d != tt.want {
			t.Errorf("unmarshal %s = %q, %v; want %q, error %v", tt.json, d, err, tt.want, tt.wantErr)
		}
	}
	for d, want := range map[Decimal]string{"12.30": `12.30`, "": `null`} {
		if b, err := json.Marshal(d); err != nil || string(b) != want {
			t.Errorf("marshal %q = %s, %v; want %s", d, b, err, want)
		}
	}
}
