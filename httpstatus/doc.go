// Package httpstatus is the one table from hookhub's error codes to HTTP
// statuses, and the few deviations of the API surfaces that answer in a
// product's shape (Console, Tilby, SuperOffice, SalesIQ, CRM360, Inbound),
// each written beside the table with its reason.
//
// The native API answers with the table itself (Of); every other surface
// asks its Surface, so that a code added to the table reaches every surface
// in one line. A status of 500 means "internal": the surfaces log the error
// and show a generic message. The root package defines the codes and does
// no I/O; this package is where they meet HTTP.
package httpstatus
