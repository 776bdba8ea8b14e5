-- Every index of events, deliveries and attempts is written on every publish
-- or every attempt; these keep only what reads need.
--
-- The retention purge walks the tables by id (ids grow with time), so the
-- indexes on creation and start times only cost writes.
DROP INDEX IF EXISTS events_created;
DROP INDEX IF EXISTS deliveries_created;
DROP INDEX IF EXISTS attempts_started;

-- What is read by webhook and state is a webhook's unsent and failed
-- deliveries (release the held ones, delete the unsent ones, recover the
-- failed ones, count the held ones): the succeeded ones, almost all, need
-- no entry. Queries name the condition (sqlstore.openDeliveries) so that
-- both planners use the index.
DROP INDEX IF EXISTS deliveries_webhook;
CREATE INDEX deliveries_webhook_open ON deliveries (webhook_id, state) WHERE state IN ('pending', 'held', 'failed');

-- Events of an application: the events of none need no entry.
DROP INDEX IF EXISTS events_tenant_app;
CREATE INDEX events_tenant_app ON events (tenant_id, app_id, id) WHERE app_id <> '';
