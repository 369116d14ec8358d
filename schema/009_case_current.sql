-- 016: the cases open now, per region (every level) and day: +1 when a case
-- enters a current category (suspected; confirmed, which counts clinically
-- diagnosed ones too; asymptomatic) while under treatment, −1 when it leaves
-- it (another category, discharge, death).  现有确诊/现有疑似 on a day are the
-- running sums, read as the cumulative counts are, never by scanning cases.
CREATE TABLE case_current (
	region       TEXT NOT NULL,
	day          INTEGER NOT NULL,
	suspected    INTEGER NOT NULL DEFAULT 0,
	confirmed    INTEGER NOT NULL DEFAULT 0,
	asymptomatic INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (region, day)
);

-- Cases reported before this migration count from the (UTC) day of their
-- last change: today's totals are right, the days before are approximate.
INSERT INTO case_current (region, day, suspected, confirmed, asymptomatic)
SELECT substr(c.region, 1, l.n), c.updated_at / 86400,
       sum(CASE WHEN c.category = 'suspected' THEN 1 ELSE 0 END),
       sum(CASE WHEN c.category IN ('confirmed', 'clinical') THEN 1 ELSE 0 END),
       sum(CASE WHEN c.category = 'asymptomatic' THEN 1 ELSE 0 END)
FROM cases c
JOIN (SELECT 15 AS n UNION ALL SELECT 12 UNION ALL SELECT 9 UNION ALL SELECT 6 UNION ALL SELECT 4
      UNION ALL SELECT 2 UNION ALL SELECT 0) l ON l.n <= length(c.region)
WHERE c.outcome = 'under_treatment' AND c.category <> 'excluded'
GROUP BY substr(c.region, 1, l.n), c.updated_at / 86400;
