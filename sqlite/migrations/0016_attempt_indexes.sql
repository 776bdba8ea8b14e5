-- Every read of attempts names the tenant, so a delivery's attempts are
-- found by attempts_tenant_delivery (tenant_id, delivery_id, id), and the
-- index on delivery_id alone only cost a write on every attempt recorded.
DROP INDEX IF EXISTS attempts_delivery;
