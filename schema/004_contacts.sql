-- 004: close contacts, medical observation (home or centralised sites),
-- twice-daily follow-ups, and the daily observation counts.

CREATE TABLE contacts (
	id             INTEGER PRIMARY KEY,
	person_id      INTEGER NOT NULL REFERENCES persons (id),
	region         TEXT NOT NULL,                      -- the contact's grid
	source_case    INTEGER REFERENCES cases (id),      -- exposed to this case …
	source_contact INTEGER REFERENCES contacts (id),   -- … or, from edition 7, to this contact
	setting        TEXT NOT NULL,                      -- household, work, transport, medical, other
	first_exposure INTEGER NOT NULL,                   -- days
	last_exposure  INTEGER NOT NULL,
	warning        TEXT NOT NULL DEFAULT '',           -- outside the protocol's exposure window
	edition        INTEGER NOT NULL,
	created_by     INTEGER NOT NULL,
	created_at     INTEGER NOT NULL
);
CREATE INDEX contacts_case ON contacts (source_case);
CREATE INDEX contacts_contact ON contacts (source_contact);
CREATE INDEX contacts_person ON contacts (person_id);
CREATE INDEX contacts_region ON contacts (region, id);

CREATE TABLE sites (
	id         INTEGER PRIMARY KEY,
	region     TEXT NOT NULL,
	name       TEXT NOT NULL,
	capacity   INTEGER NOT NULL,
	occupancy  INTEGER NOT NULL DEFAULT 0,             -- active centralised observations here
	created_at INTEGER NOT NULL
);
CREATE INDEX sites_region ON sites (region, id);

CREATE TABLE observations (
	id          INTEGER PRIMARY KEY,
	person_id   INTEGER NOT NULL REFERENCES persons (id),
	region      TEXT NOT NULL,
	reason      TEXT NOT NULL,                         -- contact, post_discharge
	contact_id  INTEGER REFERENCES contacts (id),
	case_id     INTEGER REFERENCES cases (id),
	mode        TEXT NOT NULL,                         -- home, centralised
	site_id     INTEGER REFERENCES sites (id),
	start_day   INTEGER NOT NULL,
	end_day     INTEGER NOT NULL,                      -- last day under observation
	state       TEXT NOT NULL,                         -- active, released, converted
	closed_by   INTEGER,
	closed_at   INTEGER,
	created_at  INTEGER NOT NULL
);
CREATE INDEX observations_state ON observations (state, region, id);
CREATE INDEX observations_person ON observations (person_id);

CREATE TABLE followups (
	id             INTEGER PRIMARY KEY,
	observation_id INTEGER NOT NULL REFERENCES observations (id),
	day            INTEGER NOT NULL,
	slot           TEXT NOT NULL,                      -- am, pm
	temp_dc        INTEGER,
	symptoms       INTEGER NOT NULL DEFAULT 0,
	note           TEXT NOT NULL DEFAULT '',
	symptomatic    INTEGER NOT NULL,
	user_id        INTEGER NOT NULL,
	at             INTEGER NOT NULL,
	UNIQUE (observation_id, day, slot)
);

-- Per region (every level) and day: observations started and ended
-- (released or converted); "under observation" is their running difference.
CREATE TABLE observation_daily (
	region  TEXT NOT NULL,
	day     INTEGER NOT NULL,
	started INTEGER NOT NULL DEFAULT 0,
	ended   INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (region, day)
);
