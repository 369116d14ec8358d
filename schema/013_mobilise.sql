-- 013: mobilisation (volunteers and party members, 双报到, pledges, teams,
-- posts, shifts, check-ins, service hours, tasks), supervision (inspections,
-- findings and their rectification, notices and interviews) and
-- announcements with their read receipts.
-- Days are integers (days since 1970-01-01, local); times Unix seconds.

-- People who serve.  Phones as persons' (002): ciphertext and keyed hashes.
CREATE TABLE volunteers (
	id            INTEGER PRIMARY KEY,
	region        TEXT NOT NULL,             -- the home community: the scope key
	user_id       INTEGER UNIQUE REFERENCES users (id),
	person_id     INTEGER REFERENCES persons (id), -- the resident record, for the day's screening
	team_id       INTEGER,
	name          TEXT NOT NULL,
	phone_enc     BLOB,
	phone_hash    BLOB,
	phone_sfx     BLOB,
	skills        TEXT NOT NULL DEFAULT '',
	availability  TEXT NOT NULL DEFAULT '',
	work_unit     TEXT NOT NULL DEFAULT '',
	party_member  INTEGER NOT NULL DEFAULT 0,
	cadre         INTEGER NOT NULL DEFAULT 0,
	insured_until INTEGER,                   -- the last day the accident insurance covers
	state         TEXT NOT NULL DEFAULT 'active', -- pending (public form), active, refused
	source        TEXT NOT NULL DEFAULT 'staff',  -- staff, form
	note          TEXT NOT NULL DEFAULT '',  -- a refusal's reason
	minutes       INTEGER NOT NULL DEFAULT 0,    -- service minutes, kept on write
	created_at    INTEGER NOT NULL
);
CREATE INDEX volunteers_region ON volunteers (region, id);
CREATE INDEX volunteers_phone ON volunteers (phone_hash);
CREATE INDEX volunteers_team ON volunteers (team_id);

-- 双报到: a work unit or an in-service member reports to a community.
CREATE TABLE duty_reports (
	id           INTEGER PRIMARY KEY,
	region       TEXT NOT NULL,
	volunteer_id INTEGER REFERENCES volunteers (id), -- NULL: a work unit's report
	unit         TEXT NOT NULL,
	day          INTEGER NOT NULL,
	tasks        TEXT NOT NULL DEFAULT '',
	created_by   INTEGER,
	created_at   INTEGER NOT NULL
);
CREATE INDEX duty_reports_region ON duty_reports (region, id);

CREATE TABLE pledges (
	id         INTEGER PRIMARY KEY,
	region     TEXT NOT NULL,
	text       TEXT NOT NULL,
	day        INTEGER NOT NULL,
	assignment TEXT NOT NULL DEFAULT '',
	signers    TEXT NOT NULL DEFAULT '[]',  -- JSON: the signatories' names as they signed
	created_by INTEGER,
	created_at INTEGER NOT NULL
);
CREATE INDEX pledges_region ON pledges (region, id);
CREATE TABLE pledge_signers (
	pledge_id    INTEGER NOT NULL REFERENCES pledges (id),
	volunteer_id INTEGER NOT NULL REFERENCES volunteers (id),
	PRIMARY KEY (pledge_id, volunteer_id)
);
CREATE INDEX pledge_signers_volunteer ON pledge_signers (volunteer_id);

CREATE TABLE teams (
	id         INTEGER PRIMARY KEY,
	region     TEXT NOT NULL,
	name       TEXT NOT NULL,
	kind       TEXT NOT NULL,               -- volunteer, shock, party_branch, vanguard
	secretary  TEXT NOT NULL DEFAULT '',
	minutes    INTEGER NOT NULL DEFAULT 0,  -- service minutes of its posts, kept on write
	created_at INTEGER NOT NULL
);
CREATE INDEX teams_region ON teams (region, id);

CREATE TABLE posts (
	id         INTEGER PRIMARY KEY,
	region     TEXT NOT NULL,
	team_id    INTEGER REFERENCES teams (id),
	name       TEXT NOT NULL,
	kind       TEXT NOT NULL,               -- gate, delivery, screening, site
	required   INTEGER NOT NULL,            -- people per shift
	risky      INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL
);
CREATE INDEX posts_region ON posts (region, id);

CREATE TABLE shifts (
	id         INTEGER PRIMARY KEY,
	region     TEXT NOT NULL,
	post_id    INTEGER NOT NULL REFERENCES posts (id),
	day        INTEGER NOT NULL,
	start_at   INTEGER NOT NULL,
	end_at     INTEGER NOT NULL,
	assigned   INTEGER NOT NULL DEFAULT 0,
	certified_by INTEGER,
	certified_at INTEGER,
	created_at INTEGER NOT NULL
);
CREATE INDEX shifts_region ON shifts (region, day, id);
CREATE INDEX shifts_post ON shifts (post_id, day);
CREATE INDEX shifts_day ON shifts (day, region);

-- One person on one shift: its times copied from the shift (the rules read
-- one index), its state and the minutes served once checked out.
CREATE TABLE shift_people (
	id           INTEGER PRIMARY KEY,
	region       TEXT NOT NULL,
	shift_id     INTEGER NOT NULL REFERENCES shifts (id),
	volunteer_id INTEGER NOT NULL REFERENCES volunteers (id),
	day          INTEGER NOT NULL,
	start_at     INTEGER NOT NULL,
	end_at       INTEGER NOT NULL,
	state        TEXT NOT NULL DEFAULT 'scheduled', -- scheduled, on_duty, done
	minutes      INTEGER NOT NULL DEFAULT 0,
	auto_closed  INTEGER NOT NULL DEFAULT 0,  -- a check-out forgotten, closed at the shift's end
	certified    INTEGER NOT NULL DEFAULT 0,
	created_at   INTEGER NOT NULL,
	UNIQUE (shift_id, volunteer_id)
);
CREATE INDEX shift_people_volunteer ON shift_people (volunteer_id, day);
CREATE INDEX shift_people_open ON shift_people (state, end_at);

-- Every check-in and check-out, kept.
CREATE TABLE checkins (
	id             INTEGER PRIMARY KEY,
	shift_person_id INTEGER NOT NULL REFERENCES shift_people (id),
	kind           TEXT NOT NULL,            -- in, out
	at             INTEGER NOT NULL,
	auto           INTEGER NOT NULL DEFAULT 0,
	user_id        INTEGER,
	created_at     INTEGER NOT NULL
);
CREATE INDEX checkins_person ON checkins (shift_person_id, id);

CREATE TABLE hour_corrections (
	id              INTEGER PRIMARY KEY,
	region          TEXT NOT NULL,
	shift_person_id INTEGER NOT NULL REFERENCES shift_people (id),
	minutes_before  INTEGER NOT NULL,
	minutes         INTEGER NOT NULL,
	reason          TEXT NOT NULL,
	state           TEXT NOT NULL DEFAULT 'pending', -- pending, accepted, refused
	answer          TEXT NOT NULL DEFAULT '',
	requested_by    INTEGER,
	decided_by      INTEGER,
	decided_at      INTEGER,
	created_at      INTEGER NOT NULL
);
CREATE INDEX hour_corrections_region ON hour_corrections (region, id);

-- Service per region (every level) and day, kept on write.
CREATE TABLE service_daily (
	region   TEXT NOT NULL,
	day      INTEGER NOT NULL,
	minutes  INTEGER NOT NULL DEFAULT 0,
	served   INTEGER NOT NULL DEFAULT 0,   -- people-shifts checked out
	PRIMARY KEY (region, day)
);

CREATE TABLE service_tasks (
	id             INTEGER PRIMARY KEY,
	region         TEXT NOT NULL,
	kind           TEXT NOT NULL,          -- delivery, gate, sweep, other
	title          TEXT NOT NULL,
	team_id        INTEGER REFERENCES teams (id),
	volunteer_id   INTEGER REFERENCES volunteers (id),
	observation_id INTEGER,                -- a delivery to a household under home observation
	ticket_ref     TEXT NOT NULL DEFAULT '',
	due_at         INTEGER NOT NULL,
	state          TEXT NOT NULL DEFAULT 'pending', -- pending, in_progress, done, not_executable
	reason         TEXT NOT NULL DEFAULT '',
	done_at        INTEGER,
	created_by     INTEGER,
	created_at     INTEGER NOT NULL
);
CREATE INDEX service_tasks_region ON service_tasks (region, id);
CREATE INDEX service_tasks_volunteer ON service_tasks (volunteer_id);

-- Supervision.
CREATE TABLE inspections (
	id         INTEGER PRIMARY KEY,
	region     TEXT NOT NULL,
	target     TEXT NOT NULL,
	post_id    INTEGER REFERENCES posts (id),
	day        INTEGER NOT NULL,
	checklist  TEXT NOT NULL,             -- JSON {item: true/false}
	note       TEXT NOT NULL DEFAULT '',
	user_id    INTEGER,
	created_at INTEGER NOT NULL
);
CREATE INDEX inspections_region ON inspections (region, id);

CREATE TABLE inspection_findings (
	id            INTEGER PRIMARY KEY,
	region        TEXT NOT NULL,
	inspection_id INTEGER NOT NULL REFERENCES inspections (id),
	text          TEXT NOT NULL,
	evidence      TEXT NOT NULL DEFAULT '',
	photo         BLOB,
	photo_type    TEXT,
	deadline      INTEGER NOT NULL,
	responsible   TEXT NOT NULL,
	volunteer_id  INTEGER REFERENCES volunteers (id), -- the cadre responsible, when on record
	state         TEXT NOT NULL DEFAULT 'open', -- open, reported, fixed
	rectification TEXT NOT NULL DEFAULT '',
	reported_at   INTEGER,
	verified_by   INTEGER,
	verified_at   INTEGER,
	chased        INTEGER NOT NULL DEFAULT 0,
	chased_at     INTEGER,
	created_at    INTEGER NOT NULL
);
CREATE INDEX inspection_findings_region ON inspection_findings (region, id);
CREATE INDEX inspection_findings_volunteer ON inspection_findings (volunteer_id);

-- Found vs fixed per region (every level), kept on write.
CREATE TABLE supervision_counts (
	region TEXT PRIMARY KEY,
	found  INTEGER NOT NULL DEFAULT 0,
	fixed  INTEGER NOT NULL DEFAULT 0
);

-- 通报, 约谈 and 表彰.
CREATE TABLE supervision_notices (
	id           INTEGER PRIMARY KEY,
	region       TEXT NOT NULL,
	kind         TEXT NOT NULL,            -- notice, interview, commendation
	subject      TEXT NOT NULL,
	volunteer_id INTEGER REFERENCES volunteers (id),
	finding_id   INTEGER REFERENCES inspection_findings (id),
	text         TEXT NOT NULL,
	outcome      TEXT NOT NULL DEFAULT '',
	announcement_id INTEGER,
	day          INTEGER NOT NULL,
	user_id      INTEGER,
	created_at   INTEGER NOT NULL
);
CREATE INDEX supervision_notices_region ON supervision_notices (region, id);
CREATE INDEX supervision_notices_volunteer ON supervision_notices (volunteer_id);

-- Announcements (大喇叭) and one receipt per recipient, made at send time.
CREATE TABLE announcements (
	id         INTEGER PRIMARY KEY,
	region     TEXT NOT NULL,
	roles      INTEGER NOT NULL,           -- bit set of role numbers
	urgent     INTEGER NOT NULL DEFAULT 0,
	public     INTEGER NOT NULL DEFAULT 0,  -- also for residents, on the public pages
	title      TEXT NOT NULL,
	body       TEXT NOT NULL,
	script     TEXT NOT NULL,              -- the loudspeaker version
	recipients INTEGER NOT NULL DEFAULT 0,
	readers    INTEGER NOT NULL DEFAULT 0,  -- kept on write
	acks       INTEGER NOT NULL DEFAULT 0,
	user_id    INTEGER,
	created_at INTEGER NOT NULL
);
CREATE INDEX announcements_region ON announcements (region, id);

CREATE TABLE announcement_receipts (
	announcement_id INTEGER NOT NULL REFERENCES announcements (id),
	user_id         INTEGER NOT NULL REFERENCES users (id),
	read_at         INTEGER,
	ack_at          INTEGER,
	PRIMARY KEY (announcement_id, user_id)
);
CREATE INDEX announcement_receipts_user ON announcement_receipts (user_id, announcement_id);
