// Package secrets encrypts secrets at rest, such as webhook signing secrets
// and receiver credentials stored in the database, with AES-256-GCM under a
// key kept outside the database: a Box seals values with its current key and
// opens values sealed with it or with older keys, so that the key can be
// rotated without re-encrypting everything at once, and LoadOrCreateKeyFile
// keeps that key in a file readable only by its owner.
package secrets
