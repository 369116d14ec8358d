-- 015: hardening.  A session records the user agent it signed in with, so
-- that its user can tell their sessions apart in the list of their own
-- sessions (GET /api/v1/me/sessions) and sign out the ones they do not know.
ALTER TABLE sessions ADD COLUMN agent TEXT NOT NULL DEFAULT '';

-- A person whose personal fields `fangkong purge` erased (the row stays, so
-- counts and the records that name it keep their meaning): when.
ALTER TABLE persons ADD COLUMN purged_at INTEGER;
