-- CRM360: tenants' CRM360 names and sources' settings, external ids of
-- contacts, products, tickets, activities and messages (SMS, e-mail, wallet
-- updates, also the outbox of SMS and wallet updates); zones, brands,
-- consents and matching keys on contacts; currency and store on orders;
-- senders, Reply-To and HTML in the mail outbox.
CREATE TABLE crm360_accounts (
	tenant_id      TEXT PRIMARY KEY,
	customer_name  TEXT NOT NULL,
	database_alias TEXT NOT NULL,
	customer_key   TEXT NOT NULL, -- both in lower case, as callers are matched
	alias_key      TEXT NOT NULL,
	updated_at     INTEGER NOT NULL
);
CREATE UNIQUE INDEX crm360_accounts_name ON crm360_accounts (customer_key, alias_key);

CREATE TABLE crm360_sources (
	integration_id INTEGER PRIMARY KEY,
	tenant_id      TEXT NOT NULL,
	auth           TEXT NOT NULL,
	secret         BLOB,          -- the platform's signing secret, encrypted
	updated_at     INTEGER NOT NULL,
	updated_by     TEXT NOT NULL
);

ALTER TABLE contacts ADD COLUMN phone_key TEXT NOT NULL DEFAULT ''; -- the phone in international form, as contacts are matched
ALTER TABLE contacts ADD COLUMN zone_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE contacts ADD COLUMN brand_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE contacts ADD COLUMN address_type_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE contacts ADD COLUMN email_consent TEXT NOT NULL DEFAULT '';
ALTER TABLE contacts ADD COLUMN sms_consent TEXT NOT NULL DEFAULT '';
-- Numbers already written internationally get their key; others wait for their next change.
UPDATE contacts SET phone_key = '+' || REPLACE(REPLACE(REPLACE(REPLACE(SUBSTR(phone_number, 2), ' ', ''), '-', ''), '.', ''), '/', '')
	WHERE phone_number LIKE '+%';
CREATE INDEX contacts_phone ON contacts (tenant_id, phone_key) WHERE phone_key <> '';

-- The ids a source knows contacts by (a Shopify customer id).
CREATE TABLE contact_refs (
	tenant_id      TEXT NOT NULL,
	integration_id INTEGER NOT NULL,
	external_id    TEXT NOT NULL,
	contact_id     INTEGER NOT NULL,
	PRIMARY KEY (tenant_id, integration_id, external_id)
);
CREATE INDEX contact_refs_contact ON contact_refs (contact_id);

ALTER TABLE orders ADD COLUMN currency TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN store TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN zone_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN brand_id INTEGER NOT NULL DEFAULT 0;

CREATE TABLE products (
	id             INTEGER PRIMARY KEY AUTOINCREMENT,
	tenant_id      TEXT NOT NULL,
	integration_id INTEGER NOT NULL,
	external_id    TEXT NOT NULL,
	title          TEXT NOT NULL,
	vendor         TEXT NOT NULL,
	product_type   TEXT NOT NULL,
	handle         TEXT NOT NULL,
	status         TEXT NOT NULL,
	tags           TEXT NOT NULL, -- JSON
	variants       TEXT NOT NULL, -- JSON
	zone_id        INTEGER NOT NULL,
	brand_id       INTEGER NOT NULL,
	created_at     INTEGER NOT NULL,
	updated_at     INTEGER NOT NULL
);
CREATE UNIQUE INDEX products_external ON products (tenant_id, integration_id, external_id);
CREATE INDEX products_tenant ON products (tenant_id, id);

CREATE TABLE tickets (
	id             INTEGER PRIMARY KEY AUTOINCREMENT,
	tenant_id      TEXT NOT NULL,
	integration_id INTEGER NOT NULL,
	external_id    TEXT NOT NULL,
	contact_id     INTEGER NOT NULL,
	title          TEXT NOT NULL,
	status         TEXT NOT NULL,
	type           TEXT NOT NULL,
	via            TEXT NOT NULL,
	link           TEXT NOT NULL,
	comments       TEXT NOT NULL,
	zone_id        INTEGER NOT NULL,
	brand_id       INTEGER NOT NULL,
	created_at     INTEGER NOT NULL,
	updated_at     INTEGER NOT NULL
);
CREATE UNIQUE INDEX tickets_external ON tickets (tenant_id, integration_id, external_id);
CREATE INDEX tickets_tenant ON tickets (tenant_id, id);
CREATE INDEX tickets_contact ON tickets (contact_id, id);

CREATE TABLE activities (
	id             INTEGER PRIMARY KEY AUTOINCREMENT,
	tenant_id      TEXT NOT NULL,
	contact_id     INTEGER NOT NULL,
	integration_id INTEGER NOT NULL,
	type           TEXT NOT NULL,
	data           TEXT,          -- JSON
	occurred_at    INTEGER NOT NULL,
	zone_id        INTEGER NOT NULL,
	brand_id       INTEGER NOT NULL,
	created_at     INTEGER NOT NULL
);
CREATE INDEX activities_tenant ON activities (tenant_id, id);
CREATE INDEX activities_contact ON activities (contact_id, id);

CREATE TABLE messages (
	id             INTEGER PRIMARY KEY AUTOINCREMENT,
	tenant_id      TEXT NOT NULL,
	integration_id INTEGER NOT NULL,
	contact_id     INTEGER NOT NULL,
	channel        TEXT NOT NULL,
	provider       TEXT NOT NULL,
	provider_id    TEXT NOT NULL, -- '' until the provider names it
	to_addr        TEXT NOT NULL,
	from_addr      TEXT NOT NULL,
	subject        TEXT NOT NULL,
	body           TEXT NOT NULL,
	data           TEXT,          -- JSON
	status         TEXT NOT NULL,
	reason         TEXT NOT NULL,
	events         TEXT NOT NULL, -- JSON
	attempts       INTEGER NOT NULL,
	mail_id        INTEGER NOT NULL,
	zone_id        INTEGER NOT NULL,
	brand_id       INTEGER NOT NULL,
	run_at         INTEGER NOT NULL,
	created_at     INTEGER NOT NULL,
	updated_at     INTEGER NOT NULL,
	sent_at        INTEGER
);
CREATE UNIQUE INDEX messages_provider ON messages (tenant_id, channel, provider, provider_id) WHERE provider_id <> '';
-- The outbox: queued SMS and wallet updates (e-mails go through mail).
CREATE INDEX messages_due ON messages (run_at) WHERE status = 'queued' AND channel IN ('sms', 'wallet');
CREATE INDEX messages_tenant ON messages (tenant_id, id);
CREATE INDEX messages_contact ON messages (contact_id, id);
CREATE INDEX messages_mail ON messages (mail_id) WHERE mail_id <> 0;

ALTER TABLE mail ADD COLUMN from_addr TEXT NOT NULL DEFAULT '';
ALTER TABLE mail ADD COLUMN reply_to TEXT NOT NULL DEFAULT '';
ALTER TABLE mail ADD COLUMN html TEXT NOT NULL DEFAULT '';
