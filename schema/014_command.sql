-- 014: the command centre: daily bulletins (疫情通报) and region shapes.
-- A bulletin holds the figures of one region for one day that is over, as
-- computed from the roll-ups when drafted; approval by the region's
-- commander locks them (state approved, with the audit log's head at that
-- moment), after which the day cannot be drafted again: a later change to
-- the data appears as a correction in the next bulletin.  figures is JSON
-- of counts only - never a person.
CREATE TABLE bulletins (
	id          INTEGER PRIMARY KEY,
	region      TEXT NOT NULL,
	day         INTEGER NOT NULL,
	state       TEXT NOT NULL DEFAULT 'draft',   -- draft, approved
	figures     TEXT NOT NULL,
	created_by  INTEGER NOT NULL,
	created_at  INTEGER NOT NULL,
	approved_by INTEGER,
	approved_at INTEGER,
	audit_size  INTEGER,                         -- entries in the audit log at approval
	audit_head  TEXT,                            -- the hash of its last entry (hex)
	UNIQUE (region, day)
);
CREATE INDEX bulletins_region ON bulletins (region, id);

-- A deployment's own boundaries (GeoJSON geometry of a Polygon or
-- MultiPolygon in WGS 84), one per region code, from
-- `fangkong regions shapes import`.
CREATE TABLE region_shapes (
	region     TEXT PRIMARY KEY,
	geometry   TEXT NOT NULL,
	updated_at INTEGER NOT NULL
);
