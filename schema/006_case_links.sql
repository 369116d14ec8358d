-- 006: the links of the transmission graph, kept on write.  A link is made
-- by one contact record: its person became a case (to_case), exposed to a
-- case (from_case: the contact's source case, or the case of the person of
-- its source contact).  Reading clusters then loads cases and links only,
-- instead of joining every contact with the cases each time.
CREATE TABLE case_links (
	contact_id INTEGER PRIMARY KEY REFERENCES contacts (id),
	from_case  INTEGER NOT NULL REFERENCES cases (id),
	to_case    INTEGER NOT NULL REFERENCES cases (id),
	region     TEXT NOT NULL,                  -- the contact's grid: the scope key
	setting    TEXT NOT NULL
);
CREATE INDEX case_links_region ON case_links (region);

INSERT INTO case_links (contact_id, from_case, to_case, region, setting)
	SELECT k.id, a.id, b.id, k.region, k.setting FROM contacts k
	JOIN cases a ON a.id = k.source_case JOIN cases b ON b.person_id = k.person_id;
INSERT INTO case_links (contact_id, from_case, to_case, region, setting)
	SELECT k2.id, a.id, b.id, k2.region, k2.setting FROM contacts k2
	JOIN contacts k1 ON k1.id = k2.source_contact
	JOIN cases a ON a.person_id = k1.person_id JOIN cases b ON b.person_id = k2.person_id;

-- traced: the case's person was recorded as somebody's close contact (a
-- case nobody traced is of unknown source: community states count them).
ALTER TABLE cases ADD COLUMN traced INTEGER NOT NULL DEFAULT 0;
UPDATE cases SET traced = 1 WHERE EXISTS (SELECT 1 FROM contacts k WHERE k.person_id = cases.person_id);

-- Reading the graph scans the cases in scope: an index that holds what it
-- reads spares a table lookup per case (it replaces cases_region, its prefix).
DROP INDEX cases_region;
CREATE INDEX cases_scope ON cases (region, id, category, outcome, onset_day, reported_at, traced);
