package signature

import (
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// DefaultTolerance is how far a webhook-timestamp may lie from now, in
// either direction, when Verify is given no tolerance.
const DefaultTolerance = 5 * time.Minute

// Errors reported by Verify, wrapped with context; test with errors.Is.
var (
	ErrMissingHeader       = errors.New("missing header")
	ErrBadTimestamp        = errors.New("timestamp is not an integer")
	ErrTimestampTooOld     = errors.New("timestamp too old")
	ErrTimestampTooNew     = errors.New("timestamp too far in the future")
	ErrNoMatchingSignature = errors.New("no matching signature")
	// ErrBadID is a webhook-id with a full stop: the signed content
	// "{id}.{timestamp}.{body}" would read the same for another id,
	// timestamp and body ("a.1.x", 2, "b" and "a", 1, "x.2.b" are both
	// "a.1.x.2.b"), so such a signature proves nothing.
	ErrBadID = errors.New("message id holds a full stop")
)

// VerifyKey is one key that checks signatures: an HMAC secret for
// SchemeHMAC or an ed25519 public key for SchemeEd25519. Build it with
// HMACVerifyKey, Ed25519VerifyKey or Key.VerifyKey.
type VerifyKey struct {
	Scheme  Scheme
	HMAC    []byte
	Ed25519 ed25519.PublicKey
}

// HMACVerifyKey returns a SchemeHMAC verification key for secret.
func HMACVerifyKey(secret []byte) VerifyKey {
	return VerifyKey{Scheme: SchemeHMAC, HMAC: secret}
}

// Ed25519VerifyKey returns a SchemeEd25519 verification key for pub, such
// as one from ParsePublicKey.
func Ed25519VerifyKey(pub ed25519.PublicKey) VerifyKey {
	return VerifyKey{Scheme: SchemeEd25519, Ed25519: pub}
}

// Verify checks the Standard Webhooks headers in h against body. The
// webhook-timestamp must lie within tolerance of now in either direction
// (DefaultTolerance if tolerance is not positive), and at least one
// signature in webhook-signature must match one of keys; signatures of
// unknown schemes or of schemes no key has are skipped, and so are keys
// with an empty HMAC secret or a malformed public key. HMAC signatures are
// compared in constant time, ed25519 ones checked with ed25519.Verify. A
// webhook-id with a full stop is refused (ErrBadID).
func Verify(keys []VerifyKey, h http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	msgID, tsText, sigs := h.Get(HeaderID), h.Get(HeaderTimestamp), h.Get(HeaderSignature)
	for _, hv := range [...]struct{ name, value string }{
		{HeaderID, msgID}, {HeaderTimestamp, tsText}, {HeaderSignature, sigs},
	} {
		if hv.value == "" {
			return fmt.Errorf("get %s: %w", hv.name, ErrMissingHeader)
		}
	}

	if strings.Contains(msgID, ".") {
		return fmt.Errorf("check %s: %w", HeaderID, ErrBadID)
	}
	unix, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil {
		return fmt.Errorf("parse %s: %w", HeaderTimestamp, ErrBadTimestamp)
	}
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	ts := time.Unix(unix, 0)
	if age := now.Sub(ts); age > tolerance {
		return fmt.Errorf("check %s: %w: %s old, tolerance %s", HeaderTimestamp, ErrTimestampTooOld, age, tolerance)
	} else if -age > tolerance {
		return fmt.Errorf("check %s: %w: %s ahead, tolerance %s", HeaderTimestamp, ErrTimestampTooNew, -age, tolerance)
	}

	prefix := msgID + "." + strconv.FormatInt(unix, 10) + "."
	var (
		hmacs [][]byte // base64 HMAC per SchemeHMAC key
		msg   []byte   // signed content, built for the first ed25519 key
	)
	for _, k := range keys {
		switch k.Scheme {
		case SchemeHMAC:
			if len(k.HMAC) == 0 {
				continue // an empty secret would accept forgeries
			}
			m := hmac.New(sha256.New, k.HMAC)
			m.Write([]byte(prefix))
			m.Write(body)
			hmacs = append(hmacs, base64.StdEncoding.AppendEncode(nil, m.Sum(nil)))
		case SchemeEd25519:
			if msg == nil {
				msg = append([]byte(prefix), body...)
			}
		}
	}

	for sig := range strings.FieldsSeq(sigs) {
		scheme, value, ok := strings.Cut(sig, ",")
		if !ok {
			continue
		}
		switch Scheme(scheme) {
		case SchemeHMAC:
			for _, want := range hmacs {
				if hmac.Equal([]byte(value), want) {
					return nil
				}
			}
		case SchemeEd25519:
			if msg == nil {
				continue
			}
			raw, err := base64.StdEncoding.Strict().DecodeString(value)
			if err != nil || len(raw) != ed25519.SignatureSize {
				continue
			}
			for _, k := range keys {
				if k.Scheme == SchemeEd25519 && len(k.Ed25519) == ed25519.PublicKeySize &&
					ed25519.Verify(k.Ed25519, msg, raw) {
					return nil
				}
			}
		}
	}
	return fmt.Errorf("verify %s: %w", HeaderSignature, ErrNoMatchingSignature)
}
