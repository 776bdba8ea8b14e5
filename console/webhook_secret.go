package console

import (
	"net/http"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/service"
)

// secretData is the page that shows a webhook's new secret, once.
type secretData struct {
	W       *hookhub.Webhook
	Secret  string
	Created bool // a new webhook, not a rotation
}

// PublicKey is the key receivers verify an ed25519 secret's signatures with.
func (d secretData) PublicKey() string { return service.PublicKey(d.W) }

// rotateSecret gives the webhook a new secret and shows it, once. The old
// one keeps signing beside it for a day, or stops at once.
func (h *handler) rotateSecret(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var grace time.Duration // the service's default
	if r.PostFormValue("grace") == "0" {
		grace = -1 // at once
	}
	wh, secret, err := h.svc.RotateSecret(r.Context(), actor(r), id, grace)
	if err != nil {
		return err
	}
	return h.ok(w, r, "webhook_secret", secretData{W: wh, Secret: secret})
}
