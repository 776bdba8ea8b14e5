-- When the source last changed an order, by its own clock (Shopify's
-- updated_at), in milliseconds since the epoch; 0 when the source does not
-- say. A report older than this one does not overwrite the order: sources
-- do not promise to deliver in order.
ALTER TABLE orders ADD COLUMN source_updated_at BIGINT NOT NULL DEFAULT 0;
