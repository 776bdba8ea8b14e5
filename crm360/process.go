package crm360

import (
	"context"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/crm"
	"github.com/hookhub/hookhub/service"
)

// Processor turns the stored QueueProcess messages into CRM changes, with
// the same reading of their query and body as when they were accepted,
// and has the service apply each in one transaction that marks the
// message done.
type Processor struct {
	svc *service.Service
}

// NewProcessor returns the processor of CRM360 messages.
func NewProcessor(svc *service.Service) *Processor { return &Processor{svc: svc} }

// Kinds are the integration kinds whose messages it processes.
func (*Processor) Kinds() []string {
	var kinds []string
	for _, pl := range platforms {
		kinds = append(kinds, (&Route{Platform: pl.name}).Kind())
	}
	return kinds
}

// Process applies one stored message. A message that no longer reads (a
// route hookhub dropped) is EUNSUPPORTED; one whose change breaks a rule
// or names an unknown contact fails with that error.
func (pr *Processor) Process(ctx context.Context, m *hookhub.InboundMessage) error {
	p, err := ParseParams(m.Query)
	if err != nil {
		return err
	}
	if p.Route != routeOfKind(m.Kind, m.Entity, m.Action) {
		return hookhub.Errorf(hookhub.EUNSUPPORTED, "message %d is %s %s %s, which its query does not say", m.ID, m.Kind, m.Entity, m.Action)
	}
	ops, err := Decode(p, m.Header, m.Body)
	if err != nil {
		return err
	}
	in := &hookhub.Integration{ID: m.IntegrationID, TenantID: m.TenantID, Kind: m.Kind}
	ch := &crm.CRMChange{MessageID: m.ID, MessageTry: m.Attempts, Attribution: p.attribution(), Ops: ops}
	_, err = pr.svc.ApplyCRM(ctx, in, ch)
	return err
}
