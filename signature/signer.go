package signature

import (
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"hash"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Header names set by Headers and read by Verify.
const (
	HeaderID        = "webhook-id"
	HeaderTimestamp = "webhook-timestamp"
	HeaderSignature = "webhook-signature"
)

// Scheme is the signature identifier that prefixes each signature in the
// webhook-signature header.
type Scheme string

// The schemes of the spec.
const (
	SchemeHMAC    Scheme = "v1"  // HMAC-SHA256 with a shared secret
	SchemeEd25519 Scheme = "v1a" // ed25519 with a private key
)

// Key is one signing key: an HMAC secret for SchemeHMAC or an ed25519
// private key for SchemeEd25519. Build it with HMACKey or Ed25519Key.
type Key struct {
	Scheme  Scheme
	HMAC    []byte
	Ed25519 ed25519.PrivateKey
}

// HMACKey returns a SchemeHMAC key for secret, such as one from ParseSecret.
func HMACKey(secret []byte) Key {
	return Key{Scheme: SchemeHMAC, HMAC: secret}
}

// Ed25519Key returns a SchemeEd25519 key for priv, such as one from
// ParseSigningKey.
func Ed25519Key(priv ed25519.PrivateKey) Key {
	return Key{Scheme: SchemeEd25519, Ed25519: priv}
}

// VerifyKey returns the key that checks k's signatures: the same secret for
// HMAC, the public key for ed25519.
func (k Key) VerifyKey() VerifyKey {
	vk := VerifyKey{Scheme: k.Scheme, HMAC: k.HMAC}
	if len(k.Ed25519) == ed25519.PrivateKeySize {
		vk.Ed25519 = k.Ed25519.Public().(ed25519.PublicKey)
	}
	return vk
}

func (k Key) validate() error {
	switch k.Scheme {
	case SchemeHMAC:
		if len(k.HMAC) == 0 {
			return fmt.Errorf("check %s key: empty HMAC secret", k.Scheme)
		}
	case SchemeEd25519:
		if len(k.Ed25519) != ed25519.PrivateKeySize {
			return fmt.Errorf("check %s key: ed25519 private key is %d bytes, want %d", k.Scheme, len(k.Ed25519), ed25519.PrivateKeySize)
		}
	default:
		return fmt.Errorf("check key: unknown scheme %q", k.Scheme)
	}
	return nil
}

// Length of one rendered signature, "v1," or "v1a," included.
var (
	hmacSigLen    = len(SchemeHMAC) + 1 + base64.StdEncoding.EncodedLen(sha256.Size)
	ed25519SigLen = len(SchemeEd25519) + 1 + base64.StdEncoding.EncodedLen(ed25519.SignatureSize)
)

// maxPooledMsg bounds the message buffer a pooled state keeps, so that one
// huge body does not pin its memory for good.
const maxPooledMsg = 64 << 10

// Signer computes webhook-signature header values with one or more keys. It
// is safe for concurrent use and cheap to copy. The zero Signer has no keys
// and signs with none: its Sign returns "".
type Signer struct {
	keys       []Key
	hasEd25519 bool
	headerLen  int
	pool       *sync.Pool // of *signState
}

// signState is the scratch space of one Sign call.
type signState struct {
	macs   []hash.Hash // HMAC-SHA256 per key, nil for ed25519 keys
	sum    [sha256.Size]byte
	prefix []byte // "{msg_id}.{timestamp}."
	msg    []byte // prefix + body, for ed25519
	out    []byte // the header value
}

// NewSigner returns a Signer that signs with every key in order. To rotate a
// secret, sign with the new and the old key during the grace period: the
// header then carries both signatures and receivers holding either secret
// accept it. NewSigner panics if a key is malformed (unknown scheme, empty
// HMAC secret, ed25519 key not 64 bytes); keys built from ParseSecret or
// ParseSigningKey never are.
func NewSigner(keys ...Key) Signer {
	s := Signer{keys: make([]Key, len(keys))}
	for i, k := range keys {
		if err := k.validate(); err != nil {
			panic("signature: " + err.Error())
		}
		// Copy the key material so that later changes by the caller do not
		// reach the pooled HMAC states.
		s.keys[i] = Key{
			Scheme:  k.Scheme,
			HMAC:    append([]byte(nil), k.HMAC...),
			Ed25519: append(ed25519.PrivateKey(nil), k.Ed25519...),
		}
		if i > 0 {
			s.headerLen++ // space
		}
		switch k.Scheme {
		case SchemeHMAC:
			s.headerLen += hmacSigLen
		case SchemeEd25519:
			s.headerLen += ed25519SigLen
			s.hasEd25519 = true
		}
	}
	ks, n := s.keys, s.headerLen
	s.pool = &sync.Pool{New: func() any { return newState(ks, n) }}
	return s
}

func newState(keys []Key, headerLen int) *signState {
	st := &signState{
		macs: make([]hash.Hash, len(keys)),
		out:  make([]byte, 0, headerLen),
	}
	for i, k := range keys {
		if k.Scheme == SchemeHMAC {
			st.macs[i] = hmac.New(sha256.New, k.HMAC)
		}
	}
	return st
}

// Sign returns the webhook-signature header value for a message: for each
// key, in order, "v1,<base64 HMAC-SHA256>" or "v1a,<base64 ed25519
// signature>" of "{msgID}.{ts as unix seconds}.{body}", joined by spaces.
// msgID must not contain a full stop, or the signed content is ambiguous.
func (s Signer) Sign(msgID string, ts time.Time, body []byte) string {
	if len(s.keys) == 0 {
		return ""
	}
	st := s.pool.Get().(*signState)
	defer s.pool.Put(st)

	p := append(st.prefix[:0], msgID...)
	p = append(p, '.')
	p = strconv.AppendInt(p, ts.Unix(), 10)
	p = append(p, '.')
	st.prefix = p

	var msg []byte
	if s.hasEd25519 {
		msg = append(append(st.msg[:0], p...), body...)
		if cap(msg) <= maxPooledMsg {
			st.msg = msg
		} else {
			st.msg = nil
		}
	}

	out := st.out[:0]
	for i, k := range s.keys {
		if i > 0 {
			out = append(out, ' ')
		}
		out = append(out, k.Scheme...)
		out = append(out, ',')
		switch k.Scheme {
		case SchemeHMAC:
			m := st.macs[i]
			m.Reset()
			m.Write(p)
			m.Write(body)
			out = base64.StdEncoding.AppendEncode(out, m.Sum(st.sum[:0]))
		case SchemeEd25519:
			out = base64.StdEncoding.AppendEncode(out, ed25519.Sign(k.Ed25519, msg))
		}
	}
	st.out = out
	return string(out)
}

// The header names as h.Set stores them.
var (
	canonicalID        = http.CanonicalHeaderKey(HeaderID)
	canonicalTimestamp = http.CanonicalHeaderKey(HeaderTimestamp)
	canonicalSignature = http.CanonicalHeaderKey(HeaderSignature)
)

// Headers sets the webhook-id, webhook-timestamp (unix seconds) and
// webhook-signature headers of h.
func Headers(h http.Header, msgID string, ts time.Time, sig string) {
	// As h.Set does, but every request comes here: the names are
	// canonical already, and one array holds the three values (each slice
	// without room to grow, so that an Add cannot reach the next).
	v := []string{msgID, strconv.FormatInt(ts.Unix(), 10), sig}
	h[canonicalID] = v[0:1:1]
	h[canonicalTimestamp] = v[1:2:2]
	h[canonicalSignature] = v[2:3:3]
}
