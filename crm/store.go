package crm

// Store keeps the CRM's records and what CRM360 callers are known by. The
// SQL store implements it beside hookhub.Store, over the same database, so
// that a record and the events it raises commit together. Like
// hookhub.Store, every method that takes a tenantID sees only that tenant's
// objects, and another tenant's id is ENOTFOUND.
type Store interface {
	RecordStore // contacts and orders (record.go)
	ChangeStore // every other record and the outbox (change.go)
	CRM360Store // CRM360 account names and sources (crm360.go)
}
