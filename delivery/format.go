package delivery

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/signature"
)

// Formatter turns a claimed delivery into the body and headers of its
// webhook's wire format. attempt is the try number, 1 for the first.
// Adapters provide one for their product; Standard is the native one.
// The body and header returned are the engine's: it sends them and keeps
// them in the attempt's log without copying, so Format returns new ones
// each time and does not keep them.
type Formatter interface {
	Format(w *hookhub.Webhook, c *hookhub.Claim, now time.Time) (body []byte, header http.Header, err error)
}

// UserAgent names hookhub in every request.
const UserAgent = "hookhub/1.0 (+webhooks)"

// Standard is the Standard Webhooks format: the body is
// {"type", "timestamp", "data"} with the webhook's properties merged in at
// the top level, signed in webhook-id, webhook-timestamp and
// webhook-signature with the webhook's secret (and, during a rotation's
// grace period, the previous one too).
type Standard struct {
	signers sync.Map // signerKey → signature.Signer
}

type signerKey struct {
	secret, previous string
}

// Format builds the request.
func (f *Standard) Format(w *hookhub.Webhook, c *hookhub.Claim, now time.Time) ([]byte, http.Header, error) {
	body, h, err := f.Build(w, c)
	if err != nil {
		return nil, nil, err
	}
	if err := f.Sign(w, c, now, body, h); err != nil {
		return nil, nil, err
	}
	return body, h, nil
}

// Build makes the request's body and headers, unsigned.
func (f *Standard) Build(w *hookhub.Webhook, c *hookhub.Claim) ([]byte, http.Header, error) {
	body, err := StandardBody(w, &c.Event)
	if err != nil {
		return nil, nil, err
	}
	h := make(http.Header, 6+len(w.Headers))
	vals := make(headerValues, 0, len(w.Headers)+2)
	for k, v := range w.Headers {
		vals.set(h, http.CanonicalHeaderKey(k), v)
	}
	vals.set(h, "Content-Type", "application/json")
	vals.set(h, "User-Agent", UserAgent)
	return body, h, nil
}

// headerValues hands out the one-value slices of headers from a single
// array, so that setting n headers costs one allocation rather than n.
type headerValues []string

// set is h.Set(key, value) for a key already in canonical form. The slice
// it stores has no room to grow, so that an Add to one header cannot
// overwrite the next one's value.
func (vals *headerValues) set(h http.Header, key, value string) {
	*vals = append(*vals, value)
	n := len(*vals)
	h[key] = (*vals)[n-1 : n : n]
}

// Sign adds the signature headers of body to h.
func (f *Standard) Sign(w *hookhub.Webhook, c *hookhub.Claim, now time.Time, body []byte, h http.Header) error {
	signer, err := f.signer(w, now)
	if err != nil {
		return err
	}
	id := c.Event.MessageID()
	signature.Headers(h, id, now, signer.Sign(id, now, body))
	return nil
}

func (f *Standard) signer(w *hookhub.Webhook, now time.Time) (signature.Signer, error) {
	k := signerKey{secret: w.Secret}
	if w.PreviousSecret != "" && now.Before(w.PreviousUntil) {
		k.previous = w.PreviousSecret
	}
	if s, ok := f.signers.Load(k); ok {
		return s.(signature.Signer), nil
	}
	var keys []signature.Key
	for _, secret := range []string{k.secret, k.previous} {
		if secret == "" {
			continue
		}
		key, err := ParseKey(secret)
		if err != nil {
			return signature.Signer{}, fmt.Errorf("webhook %d: %w", w.ID, err)
		}
		keys = append(keys, key)
	}
	s := signature.NewSigner(keys...)
	f.signers.Store(k, s)
	return s, nil
}

// ParseKey reads a whsec_ (HMAC) or whsk_ (ed25519) secret.
func ParseKey(secret string) (signature.Key, error) {
	if len(secret) > len(signature.SigningKeyPrefix) && secret[:len(signature.SigningKeyPrefix)] == signature.SigningKeyPrefix {
		k, err := signature.ParseSigningKey(secret)
		if err != nil {
			return signature.Key{}, fmt.Errorf("parse signing key: %w", err)
		}
		return signature.Ed25519Key(k), nil
	}
	b, err := signature.ParseSecret(secret)
	if err != nil {
		return signature.Key{}, fmt.Errorf("parse secret: %w", err)
	}
	return signature.HMACKey(b), nil
}

// StandardBody renders the Standard Webhooks envelope without decoding the
// event's data: it is copied as published.
func StandardBody(w *hookhub.Webhook, e *hookhub.Event) ([]byte, error) {
	var b bytes.Buffer
	b.Grow(len(e.Data) + len(w.Properties) + 96)
	b.WriteString(`{"type":`)
	b.Write(strconv.AppendQuote(b.AvailableBuffer(), e.Type)) // in place: no string made
	b.WriteString(`,"timestamp":"`)
	b.Write(e.CreatedAt.UTC().AppendFormat(b.AvailableBuffer(), time.RFC3339Nano))
	b.WriteString(`","data":`)
	b.Write(e.Data)
	if err := standardProperties.merge(&b, w.Properties); err != nil {
		return nil, err
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// standardProperties keeps webhooks' properties as StandardBody merges
// them: decoding and sorting them for every request cost more than the
// rest of the body.
var standardProperties propertiesCache

// propertiesCache maps properties, as stored, to their members as
// MergeProperties writes them for the standard format.
type propertiesCache struct {
	mu sync.RWMutex
	m  map[string][]byte
}

// Bounds of the cache: past maxCachedProperties it starts again empty, and
// properties longer than maxCachedPropertiesLen are merged each time.
const (
	maxCachedProperties    = 1024
	maxCachedPropertiesLen = 4 << 10
)

// merge is MergeProperties(b, props, "type", "timestamp", "data").
func (c *propertiesCache) merge(b *bytes.Buffer, props json.RawMessage) error {
	if len(props) == 0 {
		return nil
	}
	c.mu.RLock()
	members, ok := c.m[string(props)]
	c.mu.RUnlock()
	if !ok {
		var mb bytes.Buffer
		if err := MergeProperties(&mb, props, "type", "timestamp", "data"); err != nil {
			return err
		}
		members = mb.Bytes()
		if len(props) <= maxCachedPropertiesLen {
			c.mu.Lock()
			if c.m == nil || len(c.m) >= maxCachedProperties {
				c.m = make(map[string][]byte)
			}
			c.m[string(props)] = members
			c.mu.Unlock()
		}
	}
	b.Write(members)
	return nil
}

// MergeProperties appends the members of the JSON object props to an object
// being written to b (after at least one member), skipping the reserved
// names, which the format owns.
func MergeProperties(b *bytes.Buffer, props json.RawMessage, reserved ...string) error {
	if len(props) == 0 {
		return nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(props, &obj); err != nil {
		return fmt.Errorf("decode properties: %w", err)
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
next:
	for _, k := range keys {
		for _, r := range reserved {
			if k == r {
				continue next
			}
		}
		b.WriteByte(',')
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		b.Write(obj[k])
	}
	return nil
}

// WriteJSONString writes s to b as a JSON string, without HTML escaping
// (receivers get "<" and "&" as they are).
func WriteJSONString(b *bytes.Buffer, s string) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)       // a string always encodes
	b.Truncate(b.Len() - 1) // Encode's newline
}

// IsJSONInteger reports whether an id may be written as a JSON number: a
// run of at most 18 decimal digits without a leading zero, so that it fits
// any receiver's 64-bit integer.
func IsJSONInteger(s string) bool {
	if s == "" || len(s) > 18 || s[0] == '0' && len(s) > 1 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
