// Package filter compiles and runs payload filters: a JSON object over an
// event as published, that says which events a webhook receives.
//
// A filter maps dotted paths ("data.amount", "data.items.0.sku", "type",
// "app_id") to a value (equality) or to an object of operators:
//
//	{"data.amount": {"$gte": 100}, "data.currency": {"$in": ["EUR", "USD"]}}
//
// The operators are the set Convoy and Outpost share: $eq, $neq, $gt, $gte,
// $lt, $lte, $in, $nin, $exist, $regex on a path, and $and, $or, $not over
// filters. All conditions of one object must hold. A nested object without
// operators is a deeper path: {"data": {"amount": 5}} is {"data.amount": 5}.
//
// The package is pure: Compile checks a filter once (errors name the path and
// the operator), Match runs it over a decoded document without allocating.
// Regular expressions are Go's (RE2), which run in time linear in the input,
// so a filter cannot stall publishing.
package filter
