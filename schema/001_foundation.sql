-- 001: regions, accounts, sessions, login throttling, audit log.
-- Portable subset: integer times (Unix seconds), TEXT codes compared bytewise.

CREATE TABLE regions (
	code       TEXT PRIMARY KEY,       -- statistical code; '' is the country
	parent     TEXT,                   -- NULL only for the country
	level      INTEGER NOT NULL,       -- 0 country 1 province 2 city 3 county 4 street 5 community 6 grid
	name       TEXT NOT NULL,
	created_at INTEGER NOT NULL
);
CREATE INDEX regions_parent ON regions (parent, code);

CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	username      TEXT NOT NULL UNIQUE,
	display_name  TEXT NOT NULL DEFAULT '',
	password_hash TEXT NOT NULL,
	role          TEXT NOT NULL,
	region        TEXT NOT NULL REFERENCES regions (code),
	disabled      INTEGER NOT NULL DEFAULT 0,
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL
);
CREATE INDEX users_region ON users (region, id);

CREATE TABLE sessions (
	token_hash BLOB PRIMARY KEY,       -- BLAKE2b of the token; the token itself is never stored
	user_id    INTEGER NOT NULL REFERENCES users (id),
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	addr       TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE login_failures (
	id       INTEGER PRIMARY KEY,
	username TEXT NOT NULL,
	addr     TEXT NOT NULL,
	at       INTEGER NOT NULL
);
CREATE INDEX login_failures_user ON login_failures (username, at);
CREATE INDEX login_failures_addr ON login_failures (addr, at);

-- Append-only, hash-chained: hash = BLAKE2b-256(prev_hash || the entry's fields).
CREATE TABLE audit (
	id        INTEGER PRIMARY KEY,
	at        INTEGER NOT NULL,
	user_id   INTEGER,                 -- NULL for anonymous (failed login) and CLI
	username  TEXT NOT NULL,
	addr      TEXT NOT NULL,
	action    TEXT NOT NULL,           -- e.g. login, login.failed, region.create, person.reveal
	object    TEXT NOT NULL,           -- what it touched, e.g. region:420106001001001
	region    TEXT NOT NULL,           -- region code the entry belongs to (scope for readers)
	detail    TEXT NOT NULL,           -- JSON, never a password or token
	prev_hash BLOB NOT NULL,
	hash      BLOB NOT NULL
);
CREATE INDEX audit_region ON audit (region, id);

CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

INSERT INTO regions (code, parent, level, name, created_at) VALUES ('', NULL, 0, '全国', 0);
