-- 011: the hotline (热线): tickets and their event log, the working
-- calendar and time limits, family doctor teams with their duty roster,
-- the answers knowledge base (政策问答), the public form's throttle, and the
-- measures (三率) kept on write.  Times are Unix seconds, days are day
-- numbers in the deployment's zone.

-- A ticket (工单).  Its state is the last event's; its deadlines are
-- computed when read from ticket_events and the calendar (due_at is only
-- the next one as last computed, an index for the chase board).  The
-- caller's phone is stored like persons': secretbox ciphertext and keyed
-- hashes of the whole number and of its last 4 digits.
CREATE TABLE tickets (
	id           INTEGER PRIMARY KEY,
	number       TEXT NOT NULL UNIQUE,       -- 20200214-000123: local day, the day's sequence
	region       TEXT NOT NULL,              -- the caller's community or grid: the scope key
	channel      TEXT NOT NULL,              -- phone, message, gridworker, doctor
	category     TEXT NOT NULL,              -- consultation.pass, complaint, ...
	urgency      TEXT NOT NULL,              -- life_safety, utilities, general, complex
	caller_name  TEXT NOT NULL DEFAULT '',
	phone_enc    BLOB,
	phone_hash   BLOB,
	phone_sfx    BLOB,
	text         TEXT NOT NULL,
	state        TEXT NOT NULL,
	unit         TEXT,                       -- the region whose office (or doctors) handles it
	unit_kind    TEXT,                       -- office, doctors
	first_unit   TEXT,                       -- 首接负责: the first unit that signed for it
	doctor_id    INTEGER,                    -- the on-duty doctor it was routed to
	person_id    INTEGER,                    -- the registered person the phone matched
	answer_id    INTEGER,                    -- the standard answer given (direct answers)
	merged_into  INTEGER,                    -- 并单: the ticket it duplicates
	reply        TEXT NOT NULL DEFAULT '',   -- the reply the resident sees
	satisfaction TEXT,                       -- the last callback's
	ext_days     INTEGER NOT NULL DEFAULT 0, -- working days of extension approved
	ext_asked    INTEGER NOT NULL DEFAULT 0, -- working days asked and not yet decided
	reopened     INTEGER NOT NULL DEFAULT 0,
	chases       INTEGER NOT NULL DEFAULT 0,
	due_at       INTEGER,
	query_code   TEXT,                       -- public messages: the code the sender was given
	addr_hash    BLOB,                       -- public messages: keyed hash of the sender's address
	created_by   INTEGER,
	created_at   INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL
);
CREATE INDEX tickets_region ON tickets (region, id);
CREATE INDEX tickets_unit ON tickets (unit, id);
-- the lists of tickets in a state (an inbox, the callbacks): few of all
CREATE INDEX tickets_state_unit ON tickets (state, unit);
CREATE INDEX tickets_state_region ON tickets (state, region);
CREATE INDEX tickets_phone ON tickets (phone_hash, id);
-- open tickets only have a next deadline: the chase board and the overdue
-- count read the ones past it, by region
CREATE INDEX tickets_due ON tickets (due_at, region);

-- The per-day sequence behind ticket numbers.
CREATE TABLE ticket_seq (
	day INTEGER PRIMARY KEY,
	n   INTEGER NOT NULL
);

-- Every step of every ticket: who, when, what, the note.  Internal notes
-- are never shown to the resident.
CREATE TABLE ticket_events (
	id         INTEGER PRIMARY KEY,
	ticket_id  INTEGER NOT NULL REFERENCES tickets (id),
	at         INTEGER NOT NULL,
	user_id    INTEGER,
	move       TEXT NOT NULL,
	from_state TEXT,
	to_state   TEXT NOT NULL,
	unit       TEXT,
	note       TEXT NOT NULL DEFAULT '',
	internal   INTEGER NOT NULL DEFAULT 0,
	detail     TEXT                          -- JSON: the move's own values
);
CREATE INDEX ticket_events_ticket ON ticket_events (ticket_id, id);

-- Working calendar: days that differ from the weekday rule (Saturday and
-- Sunday off).  region '' is national; a province or city code overrides
-- it for its subtree (Hubei's own delays).  work 1: a make-up working day
-- (调休); 0: a day off.
CREATE TABLE work_calendar (
	region TEXT NOT NULL,
	day    INTEGER NOT NULL,
	work   INTEGER NOT NULL,
	note   TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (region, day)
);
-- 2020 (国办发明电〔2019〕16号) with the Spring Festival extension to 2 Feb
-- (国办发明电〔2020〕1号): 31 Jan - 2 Feb off, the make-up Saturday 1 Feb
-- cancelled (it stays a weekend day off).
INSERT INTO work_calendar (region, day, work, note) VALUES
	('', 18262, 0, 'new_year'),
	('', 18280, 1, 'spring_festival'),
	('', 18285, 0, 'spring_festival'), ('', 18286, 0, 'spring_festival'), ('', 18287, 0, 'spring_festival'),
	('', 18288, 0, 'spring_festival'), ('', 18289, 0, 'spring_festival'), ('', 18290, 0, 'spring_festival'),
	('', 18291, 0, 'spring_festival'),
	('', 18292, 0, 'spring_festival_extended'), ('', 18293, 0, 'spring_festival_extended'),
	('', 18294, 0, 'spring_festival_extended'),
	('', 18356, 0, 'qingming'), ('', 18357, 0, 'qingming'), ('', 18358, 0, 'qingming'),
	('', 18378, 1, 'labour_day'),
	('', 18383, 0, 'labour_day'), ('', 18384, 0, 'labour_day'), ('', 18385, 0, 'labour_day'),
	('', 18386, 0, 'labour_day'), ('', 18387, 0, 'labour_day'),
	('', 18391, 1, 'labour_day'),
	('', 18438, 0, 'dragon_boat'), ('', 18439, 0, 'dragon_boat'), ('', 18440, 0, 'dragon_boat'),
	('', 18441, 1, 'dragon_boat'),
	('', 18532, 1, 'national_day'),
	('', 18536, 0, 'national_day'), ('', 18537, 0, 'national_day'), ('', 18538, 0, 'national_day'),
	('', 18539, 0, 'national_day'), ('', 18540, 0, 'national_day'), ('', 18541, 0, 'national_day'),
	('', 18542, 0, 'national_day'), ('', 18543, 0, 'national_day'),
	('', 18545, 1, 'national_day');

-- Time limits by urgency (configurable): the reply is due reply_n hours
-- or working days after dispatch; ext_max working days of extension may
-- be approved.
CREATE TABLE ticket_limits (
	urgency    TEXT PRIMARY KEY,
	reply_unit TEXT NOT NULL,               -- hours, workdays
	reply_n    INTEGER NOT NULL,
	ext_max    INTEGER NOT NULL,
	updated_at INTEGER NOT NULL DEFAULT 0
);
INSERT INTO ticket_limits (urgency, reply_unit, reply_n, ext_max) VALUES
	('life_safety', 'hours', 2, 0),
	('utilities', 'hours', 24, 0),
	('general', 'workdays', 5, 10),
	('complex', 'workdays', 15, 10);

-- Family doctor teams per community, their doctors (published name and
-- duty phone, not private data) and the duty roster.
CREATE TABLE doctor_teams (
	id         INTEGER PRIMARY KEY,
	region     TEXT NOT NULL,                -- the community
	name       TEXT NOT NULL,
	created_at INTEGER NOT NULL
);
CREATE INDEX doctor_teams_region ON doctor_teams (region, id);

CREATE TABLE doctors (
	id         INTEGER PRIMARY KEY,
	team_id    INTEGER NOT NULL REFERENCES doctor_teams (id),
	region     TEXT NOT NULL,                -- the team's community
	name       TEXT NOT NULL,
	duty_phone TEXT NOT NULL,
	user_id    INTEGER,                      -- the doctor's account, when they have one
	created_at INTEGER NOT NULL
);
CREATE INDEX doctors_region ON doctors (region, id);

CREATE TABLE duty_shifts (
	id         INTEGER PRIMARY KEY,
	region     TEXT NOT NULL,                -- the team's community
	doctor_id  INTEGER NOT NULL REFERENCES doctors (id),
	starts_at  INTEGER NOT NULL,
	ends_at    INTEGER NOT NULL,
	created_at INTEGER NOT NULL
);
CREATE INDEX duty_shifts_region ON duty_shifts (region, starts_at);

-- Standard answers (政策问答): each with the day it takes effect and the
-- answer it replaced (which then names its successor).
CREATE TABLE answers (
	id          INTEGER PRIMARY KEY,
	region      TEXT NOT NULL,               -- where it applies ('' nowhere narrower than the country)
	category    TEXT NOT NULL,
	question    TEXT NOT NULL,
	answer      TEXT NOT NULL,
	effective   INTEGER NOT NULL,
	replaces    INTEGER REFERENCES answers (id),
	replaced_by INTEGER,
	created_by  INTEGER,
	created_at  INTEGER NOT NULL
);
CREATE INDEX answers_region ON answers (region, id);

-- The public form's and lookup's recent uses, by keyed hash of the
-- address or the phone, for the rate limits; old rows are deleted as new
-- ones come.
CREATE TABLE hotline_hits (
	kind TEXT NOT NULL,
	key  BLOB NOT NULL,
	at   INTEGER NOT NULL
);
CREATE INDEX hotline_hits_key ON hotline_hits (kind, key, at);
CREATE INDEX hotline_hits_at ON hotline_hits (at);

-- The measures (三率), kept on write per region chain and day (the
-- caller's region), per unit chain and day, and by category.
CREATE TABLE ticket_daily (
	region           TEXT NOT NULL,
	day              INTEGER NOT NULL,
	received         INTEGER NOT NULL DEFAULT 0,
	accepted         INTEGER NOT NULL DEFAULT 0,
	accepted_on_time INTEGER NOT NULL DEFAULT 0,
	direct           INTEGER NOT NULL DEFAULT 0,
	dispatched       INTEGER NOT NULL DEFAULT 0,
	replied          INTEGER NOT NULL DEFAULT 0,
	replied_on_time  INTEGER NOT NULL DEFAULT 0,
	closed           INTEGER NOT NULL DEFAULT 0,
	UNIQUE (region, day)
);
CREATE TABLE ticket_outcome_daily (
	region      TEXT NOT NULL,
	day         INTEGER NOT NULL,
	resolved    INTEGER NOT NULL DEFAULT 0,
	callbacks   INTEGER NOT NULL DEFAULT 0,
	satisfied   INTEGER NOT NULL DEFAULT 0,
	basically   INTEGER NOT NULL DEFAULT 0,
	unsatisfied INTEGER NOT NULL DEFAULT 0,
	returned    INTEGER NOT NULL DEFAULT 0,
	reopened    INTEGER NOT NULL DEFAULT 0,
	chased      INTEGER NOT NULL DEFAULT 0,
	UNIQUE (region, day)
);
CREATE TABLE ticket_unit_daily (
	region          TEXT NOT NULL,           -- the unit
	day             INTEGER NOT NULL,
	dispatched      INTEGER NOT NULL DEFAULT 0,
	replied         INTEGER NOT NULL DEFAULT 0,
	replied_on_time INTEGER NOT NULL DEFAULT 0,
	returned        INTEGER NOT NULL DEFAULT 0,
	resolved        INTEGER NOT NULL DEFAULT 0,
	closed          INTEGER NOT NULL DEFAULT 0,
	callbacks       INTEGER NOT NULL DEFAULT 0,
	satisfied       INTEGER NOT NULL DEFAULT 0,
	UNIQUE (region, day)
);
CREATE TABLE ticket_category_daily (
	region       TEXT NOT NULL,
	day          INTEGER NOT NULL,
	consultation INTEGER NOT NULL DEFAULT 0,
	help         INTEGER NOT NULL DEFAULT 0,
	suggestion   INTEGER NOT NULL DEFAULT 0,
	complaint    INTEGER NOT NULL DEFAULT 0,
	report       INTEGER NOT NULL DEFAULT 0,
	direct_consultation INTEGER NOT NULL DEFAULT 0,
	UNIQUE (region, day)
);
