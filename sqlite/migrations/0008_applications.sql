-- Svix's applications: a tenant's customers, each with its own endpoints
-- (webhooks whose apps list is its id) and messages (events of its app id).
-- seq orders lists; id is the "app_…" id callers see; uid is the caller's
-- own unique id. metadata is a JSON object. Times are Unix milliseconds.
CREATE TABLE applications (
	seq        INTEGER PRIMARY KEY AUTOINCREMENT,
	tenant_id  TEXT NOT NULL,
	id         TEXT NOT NULL,
	uid        TEXT,
	name       TEXT NOT NULL,
	metadata   TEXT NOT NULL,
	rate_limit INTEGER NOT NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX applications_tenant_id ON applications (tenant_id, id);
CREATE UNIQUE INDEX applications_tenant_uid ON applications (tenant_id, uid) WHERE uid IS NOT NULL;

-- Answers to requests that carried an Idempotency-Key, given again to
-- retries of the same request.
CREATE TABLE saved_responses (
	tenant_id  TEXT NOT NULL,
	key        TEXT NOT NULL,
	request    TEXT NOT NULL,
	status     INTEGER NOT NULL,
	body       BLOB NOT NULL,
	created_at INTEGER NOT NULL,
	PRIMARY KEY (tenant_id, key)
);
CREATE INDEX saved_responses_created ON saved_responses (created_at);

-- What an adapter keeps of an event type (Svix's schemas, archived,
-- deprecated), as JSON.
ALTER TABLE event_types ADD COLUMN meta TEXT;

-- Lists of one app's messages and of one message's attempts.
CREATE INDEX events_tenant_app ON events (tenant_id, app_id, id);
CREATE INDEX attempts_tenant_event ON attempts (tenant_id, event_id, id);

-- Svix's channels: an event's, and those a webhook is limited to (JSON
-- arrays; NULL for none).
ALTER TABLE events ADD COLUMN channels TEXT;
ALTER TABLE webhooks ADD COLUMN channels TEXT;

-- A token limited to one application's app portal; '' for any other.
ALTER TABLE tokens ADD COLUMN app_id TEXT NOT NULL DEFAULT '';
