-- Events may come from an app (a SalesIQ embed, a shop), and a webhook may
-- be limited to some apps: a JSON array of app ids, NULL for no limit.
ALTER TABLE events ADD COLUMN app_id TEXT NOT NULL DEFAULT '';
ALTER TABLE webhooks ADD COLUMN apps TEXT;
