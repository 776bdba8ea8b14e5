// Package server assembles hookhub: it opens the store named by the
// configuration, builds the service, the delivery engine, the mailer and the
// upkeep loop, mounts every HTTP surface (native API, product adapters,
// health and metrics) on one mux, and runs them until it is told to stop.
package server
