-- Indexes for what runs often and had none: the retention purge (deliveries
-- by age), the dashboard's figures (a tenant's deliveries by last change),
-- and the lists filtered by one parent, newest first (a delivery's attempts,
-- a webhook's deliveries, an integration's requests, events of a type),
-- which otherwise walk all of the tenant's rows.
CREATE INDEX deliveries_created ON deliveries (created_at);
CREATE INDEX deliveries_tenant_updated ON deliveries (tenant_id, updated_at);
CREATE INDEX deliveries_tenant_webhook ON deliveries (tenant_id, webhook_id, id);
CREATE INDEX attempts_tenant_delivery ON attempts (tenant_id, delivery_id, id);
CREATE INDEX inbound_messages_tenant_integration ON inbound_messages (tenant_id, integration_id, id);
CREATE INDEX events_tenant_type ON events (tenant_id, type, id);
