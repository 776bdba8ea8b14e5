-- Custom header values are often API keys: they are kept sealed as the
-- secrets are (AES-256-GCM under HOOKHUB_ENCRYPTION_KEY), the whole
-- name → value object in one sealed value. The old headers column stays
-- for the rows an older hookhub wrote: hookhub seals them when it opens
-- the database, and writes only headers_sealed.
ALTER TABLE webhooks ADD COLUMN headers_sealed BLOB;

-- Rewrites hookhub makes in Go when it opens the database, because they
-- need the encryption key or a reading of JSON that SQL does not share: a
-- row per step still to do, deleted once done.
CREATE TABLE upgrade_steps (
	name TEXT PRIMARY KEY
);
-- Attempts stored the credentials hookhub sent (Authorization, X-Api-Key…)
-- and received (Set-Cookie), and received requests those their senders
-- sent; they are hidden now.
INSERT INTO upgrade_steps (name) VALUES ('hide-attempt-credentials'), ('hide-inbound-credentials');
