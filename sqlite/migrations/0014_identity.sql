-- Contacts without an e-mail address (a phone-only Shopify customer): the
-- address stays unique within a tenant, but only where there is one.
DROP INDEX contacts_email;
CREATE UNIQUE INDEX contacts_email ON contacts (tenant_id, email_key) WHERE email_key <> '';

-- When the source last changed a contact it knows by an id, and a product,
-- by the source's own clock (Shopify's updated_at), in milliseconds since
-- the epoch; 0 when it does not say. A report older than this one does not
-- overwrite the record: sources do not promise to deliver in order.
ALTER TABLE contact_refs ADD COLUMN source_updated_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE products ADD COLUMN source_updated_at INTEGER NOT NULL DEFAULT 0;
