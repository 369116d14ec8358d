-- 005: alerts are of two kinds: an abnormal screening finding (as before) and
-- a missed medical-observation follow-up (one per observation, day and slot).
-- SQLite cannot drop a NOT NULL, so the table is rebuilt; migrations run with
-- foreign-key enforcement off and are checked with foreign_key_check before
-- they commit (src/store/migrate.c).  PostgreSQL alters the table in place.

-- @sqlite
CREATE TABLE alerts_new (
	id             INTEGER PRIMARY KEY,
	kind           TEXT NOT NULL DEFAULT 'screening',   -- screening, followup_missed
	grid           TEXT NOT NULL,
	person_id      INTEGER NOT NULL REFERENCES persons (id),
	screening_id   INTEGER REFERENCES screenings (id),  -- kind screening
	observation_id INTEGER REFERENCES observations (id),-- kind followup_missed
	day            INTEGER NOT NULL,
	slot           TEXT,                                -- am, pm (followup_missed)
	reasons        TEXT NOT NULL,                       -- JSON array of reason codes
	temp_dc        INTEGER,
	state          TEXT NOT NULL DEFAULT 'open',        -- open, closed
	outcome        TEXT,
	closed_by      INTEGER,
	closed_at      INTEGER,
	created_at     INTEGER NOT NULL
);
INSERT INTO alerts_new (id, kind, grid, person_id, screening_id, day, reasons, temp_dc, state, outcome, closed_by,
			closed_at, created_at)
	SELECT id, 'screening', grid, person_id, screening_id, day, reasons, temp_dc, state, outcome, closed_by,
	       closed_at, created_at FROM alerts;
DROP TABLE alerts;
ALTER TABLE alerts_new RENAME TO alerts;
CREATE INDEX alerts_grid ON alerts (grid, id);
CREATE INDEX alerts_state ON alerts (state, grid, id);
-- @end
-- @postgresql
ALTER TABLE alerts ADD COLUMN kind TEXT NOT NULL DEFAULT 'screening';
ALTER TABLE alerts ALTER COLUMN screening_id DROP NOT NULL;
ALTER TABLE alerts ADD COLUMN observation_id INTEGER REFERENCES observations (id);
ALTER TABLE alerts ADD COLUMN slot TEXT;
-- @end
CREATE INDEX alerts_screening ON alerts (screening_id) WHERE screening_id IS NOT NULL;
CREATE UNIQUE INDEX alerts_followup ON alerts (observation_id, day, slot) WHERE observation_id IS NOT NULL;
