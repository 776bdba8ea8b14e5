-- The try that began a webhook's current failure step (issue 15): failed
-- tries that overlap it in time are the same step (hookhub.Streak).
-- Milliseconds since the epoch, NULL when there is no streak.
ALTER TABLE webhooks ADD COLUMN streak_from BIGINT;
ALTER TABLE webhooks ADD COLUMN streak_until BIGINT;
