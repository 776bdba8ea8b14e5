package delivery

import (
	"io"
	"net/http"
	"sync"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/secrets"
)

// hideCredentials is secrets.HideHeaders for a header that nobody changes
// afterwards, as post's are: it returns h itself when no header carries a
// credential, and otherwise a copy that shares the values of the other
// headers. Every request and answer comes here, and most carry no
// credential.
func hideCredentials(h http.Header) http.Header {
	n := 0
	for k := range h {
		if credential(k) {
			n++
		}
	}
	if n == 0 {
		return h
	}
	out := make(http.Header, len(h))
	for k, vs := range h {
		if !credential(k) {
			out[k] = vs
			continue
		}
		hidden := make([]string, len(vs))
		for i, v := range vs {
			hidden[i] = secrets.HideValue(k, v)
		}
		out[k] = hidden
	}
	return out
}

// credential is secrets.CredentialHeader, answered without folding the
// name for the headers every request carries and most answers do.
func credential(name string) bool {
	switch name {
	case "Content-Type", "User-Agent", "Webhook-Id", "Webhook-Timestamp", "Webhook-Signature",
		"Content-Length", "Date", "Server", "Connection", "Cache-Control", "Vary":
		return false
	}
	return secrets.CredentialHeader(name)
}

// answerBufs holds the buffers answers are read into, so that reading one
// costs a single allocation of the size kept.
var answerBufs = sync.Pool{New: func() any {
	b := make([]byte, hookhub.MaxResponseBody)
	return &b
}}

// readAnswer returns the first MaxResponseBody bytes of an answer's body
// (empty, not nil, when there are none) and reads up to 64 KiB more, so
// that the connection can be reused.
func readAnswer(body io.Reader) []byte {
	bp := answerBufs.Get().(*[]byte)
	defer answerBufs.Put(bp)
	n, err := io.ReadFull(body, *bp)
	if err == nil { // there may be more
		_, _ = io.CopyN(io.Discard, body, 64<<10)
	}
	return append([]byte{}, (*bp)[:n]...)
}
