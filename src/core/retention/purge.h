/* purge.h - retention of personal data (`fangkong purge`).
 *
 * After a response ends, personal data is kept for a period
 * (FK_RETENTION_DAYS) and then erased: records closed before the cutoff day
 * lose their personal and health details, while every row that counts stays
 * (persons, cases, observations, screenings, alerts and every roll-up), so
 * the figures of the response are unchanged.  Nothing of a record still
 * open is touched: a person with an open case (under treatment and not
 * excluded), an active observation or an open alert keeps everything, and
 * so does anyone with a record on or after the cutoff.
 *
 * This module is the one exception to "one owner per table": a purge must
 * decide over every domain at once and erase in one transaction, so it
 * writes the tables of the registry, screening, alerts, cases and
 * observation itself.  It never adds rows, only erases fields and deletes
 * detail rows nothing refers to.
 */
#ifndef FK_PURGE_H
#define FK_PURGE_H

#include <stdbool.h>
#include <stdint.h>

#include "store/db.h"

/* What a purge erased (or, for a dry run, would erase), and what it kept
 * because its record is still open. */
typedef struct fk_purge_counts {
	int64_t persons;     /* persons whose personal fields were erased */
	int64_t findings;    /* screening findings (temperatures, symptoms, notes) deleted */
	int64_t followups;   /* follow-ups of closed observations deleted */
	int64_t alerts;      /* closed alerts whose temperature was erased */
	int64_t case_events; /* reasons erased from the history of purged persons' cases */
	int64_t kept_open;   /* persons kept: an open case, observation or alert */
} fk_purge_counts;

/* Erases what closed before cutoff_day (days since 1970-01-01, the
 * deployment's calendar) in one write transaction, audited as "purge" with
 * the cutoff and the counts (never the data).  A dry run does the same work
 * and rolls it back: its counts are exactly what the purge would do, and it
 * changes nothing (not even the audit log).  Returns 0 with c filled, or -1
 * (logged; nothing changed). */
int fk_purge(fk_db *db, int64_t cutoff_day, bool dry_run, fk_purge_counts *c);

#endif
