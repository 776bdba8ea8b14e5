package secrets

import (
	"encoding/json"
	"net/http"
	"testing"
)

// AppendHiddenJSON writes what json.Marshal(HideHeaders(h)) writes, so that
// stored attempts read back as before, whatever the names and values hold.
func TestAppendHiddenJSON(t *testing.T) {
	for _, h := range []http.Header{
		nil,
		{},
		{"Content-Type": {"application/json"}, "Webhook-Signature": {"v1,abc=", "v1,def="}},
		{"Authorization": {"Bearer abc"}, "X-Api-Key": {"k"}, "Cookie": {"a=b"}, "X-Empty": {}, "X-Nil": nil},
		{"X-Odd": {"quote \" backslash \\ <html> & \b\f\n\r\t\x00\x1f\x7f"}, "X-Unicode": {"é ✓ \u2028 \u2029 😀"}},
		{"X-Bad": {"\xff\xfe invalid \xc3"}, "\xe2\x80": {"bad name"}},
		{"A": {"1"}, "B": {"2"}, "C": {"3"}, "D": {"4"}, "E": {"5"}, "F": {"6"}, "G": {"7"}, "H": {"8"}, "I": {"9"},
			"J": {"10"}, "K": {"11"}, "L": {"12"}, "M": {"13"}, "N": {"14"}, "O": {"15"}, "P": {"16"}, "Q": {"17"}},
	} {
		checkHiddenJSON(t, h)
	}
}

func FuzzAppendHiddenJSON(f *testing.F) {
	f.Add("Content-Type", "application/json", "Authorization", "Basic x")
	f.Add("X-Odd", "<\u2028\xff>", "x_secret", "")
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2 string) {
		checkHiddenJSON(t, http.Header{k1: {v1, v2}, k2: {v2}})
	})
}

func checkHiddenJSON(t *testing.T, h http.Header) {
	t.Helper()
	want, err := json.Marshal(HideHeaders(h))
	if err != nil {
		t.Fatal(err)
	}
	if got := AppendHiddenJSON([]byte("prefix"), h); string(got) != "prefix"+string(want) {
		t.Errorf("AppendHiddenJSON(%q) = %s, want %s", h, got[len("prefix"):], want)
	}
}

func TestAppendHiddenJSONAllocates(t *testing.T) {
	// The headers of a delivery without credentials, as hookhub sends
	// them: nothing is copied.
	h := http.Header{"Content-Type": {"application/json"}, "User-Agent": {"hookhub/1.0"},
		"Webhook-Id": {"msg_1"}, "Webhook-Timestamp": {"1700000000"}, "Webhook-Signature": {"v1,abc="}}
	buf := make([]byte, 0, 512)
	if n := testing.AllocsPerRun(100, func() { buf = AppendHiddenJSON(buf[:0], h) }); n != 0 {
		t.Errorf("AppendHiddenJSON allocates %v times, want none", n)
	}
}
