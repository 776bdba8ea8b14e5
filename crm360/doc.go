// Package crm360 is hookhub's CRM360-compatible inbound endpoint: POST
// /api/Webhook/QueueProcess with the URI parameters of CRM360's
// CustomerApi. It reads the parameters (in any case), finds the tenant by
// CustomerName and DatabaseAlias and its source by SourceId, checks the
// caller (a hookhub token, or Shopify's or Zendesk's signature), checks
// the body of each platform, entity and action the seed lists, stores the
// request as a queued inbound message and answers at once with its id.
// Its Processor later turns the stored message into a CRM change that
// the core applies. The package only translates: the rules (consent,
// merging, standardisation, templates) are the core's. docs/crm360.md is
// the guide.
package crm360
