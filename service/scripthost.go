package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/crm"
	"github.com/hookhub/hookhub/jsrun"
)

// ScriptFuncs returns the functions a script webhook may call besides
// hookhub.log and hookhub.fetch (which the delivery engine adds), each
// acting for the webhook's tenant only:
//
//   - publish(type, data) publishes an event and returns {id, deliveries};
//     a type the webhook itself subscribes to is refused, so that a script
//     cannot feed itself forever;
//   - addActivity({email, type, data}) adds an activity to the contact with
//     that e-mail (created when there is none) and returns {contact_id,
//     activity_id}.
func (s *Service) ScriptFuncs(w *hookhub.Webhook) map[string]jsrun.Func {
	actor := &hookhub.Token{
		ID: "webhook:" + strconv.FormatInt(w.ID, 10), TenantID: w.TenantID, Name: "script of webhook " + w.Name,
		Scopes: []hookhub.Scope{hookhub.ScopeEventsPublish},
	}
	return map[string]jsrun.Func{
		"publish": func(ctx context.Context, args []any) (any, error) {
			typ, _ := arg(args, 0).(string)
			if w.Subscribes(typ) {
				return nil, fmt.Errorf("publish: this webhook subscribes to %q itself; publishing it would run the script again and again", typ)
			}
			data, err := json.Marshal(arg(args, 1))
			if err != nil {
				return nil, fmt.Errorf("publish: data: %w", err)
			}
			res, err := s.Publish(ctx, actor, &hookhub.Event{Type: typ, Data: data})
			if err != nil {
				return nil, fmt.Errorf("publish: %s", s.scriptMessage(w, err))
			}
			return map[string]any{"id": res[0].Event.ID, "deliveries": res[0].Deliveries}, nil
		},
		"addActivity": func(ctx context.Context, args []any) (any, error) {
			in, _ := arg(args, 0).(map[string]any)
			email, _ := in["email"].(string)
			typ, _ := in["type"].(string)
			if email == "" || typ == "" {
				return nil, fmt.Errorf("addActivity: needs {email, type, data}")
			}
			data, err := json.Marshal(in["data"])
			if err != nil {
				return nil, fmt.Errorf("addActivity: data: %w", err)
			}
			now := s.now()
			ch := &crm.CRMChange{TenantID: w.TenantID, Ops: []crm.CRMOp{{
				Kind:     crm.OpAddActivity,
				Contact:  &crm.Contact{Email: email},
				Activity: &crm.Activity{Type: typ, Data: data, OccurredAt: now},
			}}}
			ch.Prepare()
			if err := ch.Validate(); err != nil {
				return nil, fmt.Errorf("addActivity: %s", s.scriptMessage(w, err))
			}
			res, err := s.store.ApplyCRM(ctx, now, ch)
			if err != nil {
				return nil, fmt.Errorf("addActivity: %s", s.scriptMessage(w, err))
			}
			if res.Deliveries() > 0 {
				s.wake()
			}
			out := map[string]any{}
			for _, e := range res.Effects {
				out[e.Entity+"_id"] = e.ID
			}
			return out, nil
		},
	}
}

func arg(args []any, i int) any {
	if i < len(args) {
		return args[i]
	}
	return nil
}

// scriptMessage is what a script learns of an error: an application
// error's message and fields; for anything else a generic sentence, the
// detail going to the log.
func (s *Service) scriptMessage(w *hookhub.Webhook, err error) string {
	var e *hookhub.Error
	if errors.As(err, &e) {
		return e.Error()
	}
	s.log.Error("script host function failed", "tenant", w.TenantID, "webhook", w.ID, "err", err)
	return "internal error"
}
