-- 015: a follow-up made on a phone carries the UUID the phone gave it, so a
-- follow-up sent again from the offline queue (its answer was lost) is
-- answered as a replay instead of being refused or stored twice.
ALTER TABLE followups ADD COLUMN uuid TEXT;
CREATE UNIQUE INDEX followups_uuid ON followups (uuid);
