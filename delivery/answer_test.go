package delivery

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/secrets"
)

// TestHideCredentials checks that hideCredentials shows what
// secrets.HideHeaders shows, without changing its argument.
func TestHideCredentials(t *testing.T) {
	for _, h := range []http.Header{
		nil,
		{},
		{"Content-Type": {"application/json"}, "X-Reply": {"a", "b"}},
		{"Authorization": {"Bearer abc"}, "Content-Type": {"application/json"}, "X-Api-Key": {"k1", ""}},
		{"Set-Cookie": {"a=1", "b=2"}, "Date": {"today"}},
		{"authorization": {"Basic"}, "Client_Secret": {"s"}, "X-Empty": {}},
	} {
		before := h.Clone()
		got, want := hideCredentials(h), secrets.HideHeaders(h)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("hideCredentials(%v) = %v, want %v", h, got, want)
		}
		if !reflect.DeepEqual(h, before) {
			t.Errorf("hideCredentials changed its argument to %v", h)
		}
	}
	if h := (http.Header{"X-Custom": {"yes"}}); reflect.ValueOf(hideCredentials(h)).Pointer() != reflect.ValueOf(h).Pointer() {
		t.Error("a header without credentials was copied")
	}
}

// TestCredential checks that the names credential knows are not
// credentials to secrets.CredentialHeader either.
func TestCredential(t *testing.T) {
	for _, name := range []string{"Content-Type", "User-Agent", "Webhook-Id", "Webhook-Timestamp", "Webhook-Signature",
		"Content-Length", "Date", "Server", "Connection", "Cache-Control", "Vary",
		"Authorization", "X-Api-Key", "Set-Cookie", "X-Custom"} {
		if got, want := credential(name), secrets.CredentialHeader(name); got != want {
			t.Errorf("credential(%q) = %v, secrets.CredentialHeader says %v", name, got, want)
		}
	}
}

// TestReadAnswer compares readAnswer with reading the answer as post did
// before: io.ReadAll of the first MaxResponseBody bytes, then up to 64 KiB
// more discarded.
func TestReadAnswer(t *testing.T) {
	old := func(r io.Reader) []byte {
		b, _ := io.ReadAll(io.LimitReader(r, hookhub.MaxResponseBody))
		_, _ = io.Copy(io.Discard, io.LimitReader(r, 64<<10))
		return b
	}
	const max = hookhub.MaxResponseBody
	for _, n := range []int{0, 1, 2, max - 1, max, max + 1, max + 64<<10 - 1, max + 64<<10, max + 64<<10 + 1, 3 * 64 << 10} {
		body := []byte(strings.Repeat("0123456789", n/10+1)[:n])
		for name, wrap := range map[string]func(io.Reader) io.Reader{
			"whole": func(r io.Reader) io.Reader { return r },
			"bytes": iotest.OneByteReader,
			"half":  iotest.HalfReader,
			"error": func(r io.Reader) io.Reader {
				return io.MultiReader(io.LimitReader(r, int64(n/2)), iotest.ErrReader(errors.New("reset")))
			},
		} {
			r1, r2 := bytes.NewReader(body), bytes.NewReader(body)
			got, want := readAnswer(wrap(r1)), old(wrap(r2))
			if !bytes.Equal(got, want) || got == nil {
				t.Errorf("%d bytes, %s: kept %d bytes, want %d (nil: %v)", n, name, len(got), len(want), got == nil)
			}
			if r1.Len() != r2.Len() {
				t.Errorf("%d bytes, %s: %d left unread, want %d", n, name, r1.Len(), r2.Len())
			}
		}
	}
}
