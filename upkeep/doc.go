// Package upkeep runs hookhub's periodic maintenance: [Upkeep] deletes
// what is older than the retention period (attempts, finished deliveries,
// events, sent e-mails and finished inbound messages) once at start and
// then every hour, on the node that leads when there are several.
package upkeep
