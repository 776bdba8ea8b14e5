-- Inbound: integrations with their own URLs, the messages they receive (also
-- the inbound queue), and the CRM records those messages make.
CREATE TABLE integrations (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	tenant_id  TEXT NOT NULL,
	kind       TEXT NOT NULL,
	name       TEXT NOT NULL,
	active     INTEGER NOT NULL,
	token      BLOB NOT NULL,        -- the URL token, encrypted
	token_hash BLOB NOT NULL UNIQUE, -- its SHA-256, to find it
	created_at INTEGER NOT NULL,
	created_by TEXT NOT NULL,
	updated_at INTEGER NOT NULL,
	updated_by TEXT NOT NULL
);
CREATE INDEX integrations_tenant ON integrations (tenant_id, id);

CREATE TABLE inbound_messages (
	id             INTEGER PRIMARY KEY AUTOINCREMENT,
	tenant_id      TEXT NOT NULL,
	integration_id INTEGER NOT NULL,
	kind           TEXT NOT NULL,
	entity         TEXT NOT NULL,
	action         TEXT NOT NULL,
	method         TEXT NOT NULL,
	query          TEXT NOT NULL,
	headers        TEXT NOT NULL,
	body           BLOB,
	remote_addr    TEXT NOT NULL,
	received_at    INTEGER NOT NULL,
	status         TEXT NOT NULL,
	reason         TEXT NOT NULL,
	answer         INTEGER NOT NULL,
	attempts       INTEGER NOT NULL,
	run_at         INTEGER NOT NULL,
	updated_at     INTEGER NOT NULL
);
-- The inbound queue: only queued and processing rows are in this index.
CREATE INDEX inbound_messages_due ON inbound_messages (run_at) WHERE status IN ('queued', 'processing');
CREATE INDEX inbound_messages_integration ON inbound_messages (integration_id, id);
CREATE INDEX inbound_messages_tenant ON inbound_messages (tenant_id, id);
CREATE INDEX inbound_messages_received ON inbound_messages (received_at);

CREATE TABLE contacts (
	id               INTEGER PRIMARY KEY AUTOINCREMENT,
	tenant_id        TEXT NOT NULL,
	first_name       TEXT NOT NULL,
	last_name        TEXT NOT NULL,
	email            TEXT NOT NULL,
	email_key        TEXT NOT NULL, -- the e-mail in lower case, as contacts are matched
	name_key         TEXT NOT NULL, -- first and last name in lower case, for searching
	phone_country    TEXT NOT NULL,
	phone_number     TEXT NOT NULL,
	billing_address  TEXT,          -- JSON
	shipping_address TEXT,          -- JSON
	source           TEXT NOT NULL,
	integration_id   INTEGER NOT NULL,
	created_at       INTEGER NOT NULL,
	updated_at       INTEGER NOT NULL
);
CREATE UNIQUE INDEX contacts_email ON contacts (tenant_id, email_key);
CREATE INDEX contacts_tenant ON contacts (tenant_id, id);

CREATE TABLE orders (
	id             INTEGER PRIMARY KEY AUTOINCREMENT,
	tenant_id      TEXT NOT NULL,
	contact_id     INTEGER NOT NULL,
	integration_id INTEGER NOT NULL,
	external_id    TEXT NOT NULL,
	type           TEXT NOT NULL,
	user_id        TEXT NOT NULL,
	ordered_at     INTEGER NOT NULL,
	shipping       TEXT NOT NULL, -- decimals as text; '' for none
	taxes          TEXT NOT NULL,
	total          TEXT NOT NULL,
	items          TEXT NOT NULL, -- JSON
	created_at     INTEGER NOT NULL,
	updated_at     INTEGER NOT NULL
);
CREATE UNIQUE INDEX orders_external ON orders (tenant_id, integration_id, external_id);
CREATE INDEX orders_tenant ON orders (tenant_id, id);
CREATE INDEX orders_contact ON orders (contact_id, id);
