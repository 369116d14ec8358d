-- 002: households, persons (personal data encrypted), daily screening,
-- coverage aggregates, alerts and zero reports.
-- Days are integers: days since 1970-01-01 in the deployment's time zone.

CREATE TABLE households (
	id         INTEGER PRIMARY KEY,
	grid       TEXT NOT NULL REFERENCES regions (code),
	building   TEXT NOT NULL DEFAULT '',
	unit       TEXT NOT NULL DEFAULT '',
	room       TEXT NOT NULL DEFAULT '',
	address    TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX households_place ON households (grid, building, unit, room, address);
CREATE INDEX households_grid ON households (grid, id);

-- Document numbers and phones: secretbox ciphertext (*_enc) and keyed
-- BLAKE2b hashes of the whole value (*_hash) and of its last 4 characters
-- (*_sfx) for lookups.  No plain copy is stored anywhere.
CREATE TABLE persons (
	id           INTEGER PRIMARY KEY,
	household_id INTEGER REFERENCES households (id),
	region       TEXT NOT NULL,            -- the household's grid: the scope key
	name         TEXT NOT NULL,
	sex          TEXT NOT NULL DEFAULT 'U',  -- M, F, U
	birth_year   INTEGER,
	doc_type     TEXT NOT NULL DEFAULT 'id_card',  -- id_card, passport, other
	doc_enc      BLOB,
	doc_hash     BLOB UNIQUE,
	doc_sfx      BLOB,
	phone_enc    BLOB,
	phone_hash   BLOB,
	phone_sfx    BLOB,
	tags         INTEGER NOT NULL DEFAULT 0,  -- bits: elderly_alone, chronic, pregnant, disabled
	origin       TEXT NOT NULL DEFAULT '',     -- travellers: where from
	arrival_day  INTEGER,
	history      INTEGER NOT NULL DEFAULT 0,  -- 14-day history bits
	created_at   INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL
);
CREATE INDEX persons_region ON persons (region, id);
CREATE INDEX persons_household ON persons (household_id);
CREATE INDEX persons_name ON persons (name, id);
CREATE INDEX persons_doc_sfx ON persons (doc_sfx);
CREATE INDEX persons_phone_sfx ON persons (phone_sfx);

-- Households and persons per region (every level), kept on write.
CREATE TABLE region_stats (
	region     TEXT PRIMARY KEY,
	households INTEGER NOT NULL DEFAULT 0,
	persons    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE screenings (
	id           INTEGER PRIMARY KEY,
	uuid         TEXT NOT NULL UNIQUE,       -- client-generated: replays are answered, not stored twice
	digest       BLOB NOT NULL,              -- hash of the record's content
	household_id INTEGER NOT NULL REFERENCES households (id),
	grid         TEXT NOT NULL,
	day          INTEGER NOT NULL,
	status       TEXT NOT NULL,              -- visited, not_home, refused
	abnormal     INTEGER NOT NULL,
	current      INTEGER NOT NULL DEFAULT 1, -- 0 once a later record for the household and day replaced it
	user_id      INTEGER NOT NULL,
	recorded_at  INTEGER NOT NULL,
	created_at   INTEGER NOT NULL
);
CREATE INDEX screenings_household ON screenings (household_id, day);

CREATE TABLE findings (
	screening_id INTEGER NOT NULL REFERENCES screenings (id),
	person_id    INTEGER NOT NULL REFERENCES persons (id),
	temp_dc      INTEGER,                    -- tenths of a degree Celsius
	symptoms     INTEGER NOT NULL DEFAULT 0,
	history      INTEGER NOT NULL DEFAULT 0,
	category     TEXT,                       -- confirmed, suspected, febrile, close_contact
	note         TEXT NOT NULL DEFAULT '',
	abnormal     INTEGER NOT NULL,
	PRIMARY KEY (screening_id, person_id)
);

-- Per region (every level) and day: households by their current status.
CREATE TABLE coverage (
	region   TEXT NOT NULL,
	day      INTEGER NOT NULL,
	visited  INTEGER NOT NULL DEFAULT 0,
	not_home INTEGER NOT NULL DEFAULT 0,
	refused  INTEGER NOT NULL DEFAULT 0,
	abnormal INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (region, day)
);

CREATE TABLE alerts (
	id           INTEGER PRIMARY KEY,
	grid         TEXT NOT NULL,
	person_id    INTEGER NOT NULL REFERENCES persons (id),
	screening_id INTEGER NOT NULL REFERENCES screenings (id),
	day          INTEGER NOT NULL,
	reasons      TEXT NOT NULL,              -- JSON array of reason codes
	temp_dc      INTEGER,
	state        TEXT NOT NULL DEFAULT 'open',  -- open, closed
	outcome      TEXT,
	closed_by    INTEGER,
	closed_at    INTEGER,
	created_at   INTEGER NOT NULL
);
CREATE INDEX alerts_grid ON alerts (grid, id);
CREATE INDEX alerts_state ON alerts (state, grid, id);

-- Zero reports: one per grid and day, "nothing abnormal" included.
CREATE TABLE daily_reports (
	grid       TEXT NOT NULL,
	day        INTEGER NOT NULL,
	user_id    INTEGER NOT NULL,
	abnormal   INTEGER NOT NULL,
	note       TEXT NOT NULL DEFAULT '',
	unvisited  TEXT NOT NULL DEFAULT '[]',   -- JSON [{household_id, reason}]
	created_at INTEGER NOT NULL,
	PRIMARY KEY (grid, day)
);
