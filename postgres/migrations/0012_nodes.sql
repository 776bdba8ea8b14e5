-- The node that holds each lease: a delivery in flight, an inbound message
-- being processed, an e-mail being sent. A node that starts takes back at
-- once what its earlier run held (on SQLite, the one node: everything),
-- instead of waiting for the leases to run out. '' is no node.
ALTER TABLE deliveries ADD COLUMN leased_by TEXT NOT NULL DEFAULT '';
ALTER TABLE inbound_messages ADD COLUMN leased_by TEXT NOT NULL DEFAULT '';
ALTER TABLE mail ADD COLUMN leased_by TEXT NOT NULL DEFAULT '';

-- The nodes that have run on this database: when each started and when it
-- last wrote here (the readiness check's write).
CREATE TABLE nodes (
	id         TEXT PRIMARY KEY,
	started_at BIGINT NOT NULL,
	seen_at    BIGINT NOT NULL
);
