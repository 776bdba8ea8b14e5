-- Counts the changes of a webhook's settings and state, so that a worker
-- can keep a copy of the webhook and know it is current: a publish that
-- leases deliveries to its node names the version it saw (0 names none).
ALTER TABLE webhooks ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
