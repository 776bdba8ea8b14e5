-- The operator's admin API: tenants can be disabled, their names are
-- unique ignoring case (tenants that shared a name before keep the oldest
-- one's name; the others get their id appended), and admin tokens are
-- stored hashed like tenants' tokens.
ALTER TABLE tenants ADD COLUMN disabled_at INTEGER;
UPDATE tenants SET name = name || ' (' || id || ')'
	WHERE EXISTS (SELECT 1 FROM tenants o WHERE lower(o.name) = lower(tenants.name)
		AND (o.created_at < tenants.created_at OR (o.created_at = tenants.created_at AND o.id < tenants.id)));
CREATE UNIQUE INDEX tenants_name ON tenants (lower(name));
CREATE INDEX tenants_disabled ON tenants (id) WHERE disabled_at IS NOT NULL;

CREATE TABLE admin_tokens (
	id         TEXT PRIMARY KEY,
	name       TEXT NOT NULL,
	hash       BLOB NOT NULL UNIQUE,
	created_at INTEGER NOT NULL
);
