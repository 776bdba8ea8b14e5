-- Payload filters, transforms and script webhooks (issue 20): filter is a
-- JSON object, NULL for none; transform and script are JavaScript, '' for
-- none; type is http or script.
ALTER TABLE webhooks ADD COLUMN filter TEXT;
ALTER TABLE webhooks ADD COLUMN transform TEXT NOT NULL DEFAULT '';
ALTER TABLE webhooks ADD COLUMN type TEXT NOT NULL DEFAULT 'http';
ALTER TABLE webhooks ADD COLUMN script TEXT NOT NULL DEFAULT '';
