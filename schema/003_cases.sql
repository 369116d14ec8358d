-- 003: cases, their transitions, and the daily case aggregates.
-- Times are Unix seconds; days are integers (days since 1970-01-01, local).

CREATE TABLE cases (
	id             INTEGER PRIMARY KEY,
	person_id      INTEGER NOT NULL UNIQUE REFERENCES persons (id),  -- one case per person
	region         TEXT NOT NULL,         -- the person's grid when reported: the scope key
	category       TEXT NOT NULL,         -- suspected, confirmed, clinical, asymptomatic, excluded
	outcome        TEXT NOT NULL,         -- under_treatment, discharged, deceased
	onset_day      INTEGER,               -- NULL without symptoms
	sampling_day   INTEGER,
	diagnosis_at   INTEGER NOT NULL,
	reported_at    INTEGER NOT NULL,
	late           INTEGER NOT NULL,      -- reported more than the limit (2 h) after diagnosis
	reporting_unit TEXT NOT NULL,
	place          TEXT NOT NULL,         -- designated_hospital, temporary_hospital, centralised_site, home
	source_alert   INTEGER REFERENCES alerts (id),
	edition        INTEGER NOT NULL,      -- protocol edition in force when reported
	created_by     INTEGER NOT NULL,
	created_at     INTEGER NOT NULL,
	updated_at     INTEGER NOT NULL
);
CREATE INDEX cases_region ON cases (region, id);
CREATE INDEX cases_category ON cases (category, region);

-- Every change of category or outcome, with who, when and why.
CREATE TABLE case_events (
	id         INTEGER PRIMARY KEY,
	case_id    INTEGER NOT NULL REFERENCES cases (id),
	at         INTEGER NOT NULL,
	user_id    INTEGER NOT NULL,
	field      TEXT NOT NULL,            -- category or outcome
	from_value TEXT,                     -- NULL for the report itself
	to_value   TEXT NOT NULL,
	reason     TEXT NOT NULL
);
CREATE INDEX case_events_case ON case_events (case_id, id);

-- Per region (every level) and day of the change: what became what.
CREATE TABLE case_daily (
	region       TEXT NOT NULL,
	day          INTEGER NOT NULL,
	suspected    INTEGER NOT NULL DEFAULT 0,
	confirmed    INTEGER NOT NULL DEFAULT 0,
	clinical     INTEGER NOT NULL DEFAULT 0,
	asymptomatic INTEGER NOT NULL DEFAULT 0,
	excluded     INTEGER NOT NULL DEFAULT 0,
	discharged   INTEGER NOT NULL DEFAULT 0,
	deceased     INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (region, day)
);

-- The epidemic curve: confirmed and clinically diagnosed cases by onset day.
CREATE TABLE onset_daily (
	region TEXT NOT NULL,
	day    INTEGER NOT NULL,
	cases  INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (region, day)
);
