-- hookhub's first schema for SQLite. Times are Unix milliseconds.
CREATE TABLE tenants (
	id         TEXT PRIMARY KEY,
	name       TEXT NOT NULL,
	created_at INTEGER NOT NULL
);

CREATE TABLE tokens (
	id         TEXT PRIMARY KEY,
	tenant_id  TEXT NOT NULL,
	name       TEXT NOT NULL,
	hash       BLOB NOT NULL UNIQUE,
	scopes     TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	expires_at INTEGER,
	revoked_at INTEGER
);
CREATE INDEX tokens_tenant ON tokens (tenant_id);

CREATE TABLE event_types (
	tenant_id   TEXT NOT NULL,
	name        TEXT NOT NULL,
	description TEXT NOT NULL,
	example     TEXT,
	created_at  INTEGER NOT NULL,
	PRIMARY KEY (tenant_id, name)
);

CREATE TABLE webhooks (
	id                   INTEGER PRIMARY KEY AUTOINCREMENT,
	tenant_id            TEXT NOT NULL,
	name                 TEXT NOT NULL,
	url                  TEXT NOT NULL,
	events               TEXT NOT NULL,
	state                TEXT NOT NULL,
	format               TEXT NOT NULL,
	secret               BLOB,
	signing_scheme       TEXT NOT NULL,
	previous_secret      BLOB,
	previous_until       INTEGER,
	headers              TEXT,
	properties           TEXT,
	timeout_ms           INTEGER NOT NULL,
	retry_schedule_ms    TEXT NOT NULL,
	retry_jitter         REAL NOT NULL,
	success_codes        TEXT,
	rate_limit_per_s     REAL NOT NULL,
	max_in_flight        INTEGER NOT NULL,
	failure_threshold    INTEGER NOT NULL,
	errors_email         TEXT NOT NULL,
	email_each_failure   INTEGER NOT NULL,
	meta                 TEXT,
	consecutive_failures INTEGER NOT NULL DEFAULT 0,
	total_calls          INTEGER NOT NULL DEFAULT 0,
	total_errors         INTEGER NOT NULL DEFAULT 0,
	last_error           TEXT NOT NULL DEFAULT '',
	last_triggered_at    INTEGER,
	failing_since        INTEGER,
	registered_at        INTEGER NOT NULL,
	registered_by        TEXT NOT NULL,
	updated_at           INTEGER NOT NULL,
	updated_by           TEXT NOT NULL
);
CREATE INDEX webhooks_tenant ON webhooks (tenant_id);

CREATE TABLE events (
	id              INTEGER PRIMARY KEY AUTOINCREMENT,
	tenant_id       TEXT NOT NULL,
	type            TEXT NOT NULL,
	entity_type     TEXT NOT NULL,
	entity_id       TEXT NOT NULL,
	data            BLOB NOT NULL,
	modified_fields TEXT,
	idempotency_key TEXT,
	created_at      INTEGER NOT NULL
);
CREATE UNIQUE INDEX events_idempotency ON events (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX events_tenant ON events (tenant_id, id);
CREATE INDEX events_created ON events (created_at);

CREATE TABLE deliveries (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	tenant_id   TEXT NOT NULL,
	event_id    INTEGER NOT NULL,
	webhook_id  INTEGER NOT NULL,
	state       TEXT NOT NULL,
	attempts    INTEGER NOT NULL,
	run_at      INTEGER NOT NULL,
	last_status INTEGER NOT NULL,
	last_error  TEXT NOT NULL,
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL
);
-- The queue: only pending and in-flight rows are in this index.
CREATE INDEX deliveries_due ON deliveries (run_at) WHERE state IN ('pending', 'in_flight');
CREATE INDEX deliveries_webhook ON deliveries (webhook_id, state);
CREATE INDEX deliveries_event ON deliveries (event_id);
CREATE INDEX deliveries_tenant ON deliveries (tenant_id, id);

CREATE TABLE attempts (
	id               INTEGER PRIMARY KEY AUTOINCREMENT,
	delivery_id      INTEGER NOT NULL,
	tenant_id        TEXT NOT NULL,
	webhook_id       INTEGER NOT NULL,
	event_id         INTEGER NOT NULL,
	number           INTEGER NOT NULL,
	url              TEXT NOT NULL,
	started_at       INTEGER NOT NULL,
	duration_us      INTEGER NOT NULL,
	request_headers  TEXT NOT NULL,
	request_body     BLOB,
	status           INTEGER NOT NULL,
	response_headers TEXT NOT NULL,
	response_body    BLOB,
	error            TEXT NOT NULL,
	success          INTEGER NOT NULL
);
CREATE INDEX attempts_delivery ON attempts (delivery_id);
CREATE INDEX attempts_tenant ON attempts (tenant_id, id);
CREATE INDEX attempts_webhook ON attempts (webhook_id, id);
CREATE INDEX attempts_started ON attempts (started_at);

CREATE TABLE mail (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	tenant_id  TEXT NOT NULL,
	webhook_id INTEGER NOT NULL,
	kind       TEXT NOT NULL,
	to_addr    TEXT NOT NULL,
	subject    TEXT NOT NULL,
	body       TEXT NOT NULL,
	state      TEXT NOT NULL,
	attempts   INTEGER NOT NULL,
	last_error TEXT NOT NULL,
	run_at     INTEGER NOT NULL,
	created_at INTEGER NOT NULL,
	sent_at    INTEGER
);
CREATE INDEX mail_due ON mail (run_at) WHERE state = 'queued';
CREATE INDEX mail_tenant ON mail (tenant_id, id);
