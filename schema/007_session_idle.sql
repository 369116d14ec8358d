-- 007: sessions end after FK_SESSION_IDLE seconds unused, besides their
-- absolute expiry: seen_at is when the session was last used (refreshed at
-- most about once a minute, by the writer).
ALTER TABLE sessions ADD COLUMN seen_at INTEGER NOT NULL DEFAULT 0;
UPDATE sessions SET seen_at = created_at;
