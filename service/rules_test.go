package service_test

import (
	"context"
	"errors"
	"testing"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/service"
)

// secureFormat is the rules of a format whose product posts to https only
// and fixes the webhook's name.
type secureFormat struct{}

func (secureFormat) HTTPSOnly() bool { return true }

func (secureFormat) CheckWebhook(p *hookhub.Problems, w, old *hookhub.Webhook) {
	if old != nil && w.Name != old.Name {
		p.Add("name", "cannot change")
	}
}

// A format's rules hold on every save through the service, and an
// https-only format's targets are https whoever saves them, unless private
// targets are allowed; format, signing scheme and secret rotation are the
// core's own rules for formats that are not standard.
func TestFormatRules(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rules := map[string]service.FormatRules{"secure": secureFormat{}}
	svc, b := setup(t, options{rules: rules})
	in := &hookhub.Webhook{Name: "x", URL: "http://r.example.com/", Events: []string{"*"}, Format: "secure"}
	_, err := svc.CreateWebhook(ctx, b.a, in)
	wantField(t, err, "url")
	in.URL = "https://r.example.com/"
	w, err := svc.CreateWebhook(ctx, b.a, in)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		field  string
		change func(*hookhub.Webhook)
	}{
		{"url", func(w *hookhub.Webhook) { w.URL = "http://r.example.com/" }},
		{"name", func(w *hookhub.Webhook) { w.Name = "y" }},
		{"format", func(w *hookhub.Webhook) { w.Format = hookhub.FormatStandard }},
		{"signing_scheme", func(w *hookhub.Webhook) { w.SigningScheme = hookhub.SchemeEd25519 }},
	} {
		_, err := svc.UpdateWebhook(ctx, b.a, w.ID, func(w *hookhub.Webhook) error { c.change(w); return nil })
		wantField(t, err, c.field)
	}
	_, _, err = svc.RotateSecret(ctx, b.a, w.ID, 0)
	wantCode(t, err, hookhub.ECONFLICT, "")

	// In a development set-up that allows private targets, http is fine.
	dev, db := setup(t, options{rules: rules, allowPrivate: true})
	in.URL = "http://127.0.0.1:9/"
	if _, err := dev.CreateWebhook(ctx, db.a, in); err != nil {
		t.Errorf("http target with private targets allowed: %v", err)
	}
}

func wantField(t *testing.T, err error, field string) {
	t.Helper()
	var e *hookhub.Error
	if errors.As(err, &e) && e.Code == hookhub.EINVALID {
		for _, x := range e.Fields {
			if x.Field == field {
				return
			}
		}
	}
	t.Errorf("error %v names no field %q", err, field)
}
