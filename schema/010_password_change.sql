-- 012: an account whose password was set by someone else (a reset, a bulk
-- creation) must choose its own at the next sign-in; until then its
-- sessions may only read who they are, change the password or sign out.
ALTER TABLE users ADD COLUMN must_change INTEGER NOT NULL DEFAULT 0;
