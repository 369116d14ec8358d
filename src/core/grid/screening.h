/* screening.h - daily household screening (网格化巡查), the list of
 * alerts (core/grid/alerts.h raises and closes them), zero reports (零报告)
 * and coverage.
 *
 * A screening record says what a grid worker found at one household on one
 * day: visited / not at home / refused, and for each person present their
 * temperature, symptoms, 14-day history and four-category mark.  Records
 * carry a client-generated UUID: sending the same UUID again is answered
 * with the first record and stores nothing; the same UUID with different
 * content is a conflict.  A later record for the same household and day
 * replaces the earlier one in the counts (a second visit after "not at home").
 * An undo is a record too (status "withdrawn", withdraws: the uuid undone):
 * made last by the phone's clock, it takes the record it names out of the
 * counts and leaves the household pending that day; only its maker may
 * undo a record, and only until the grid's day is reported (409).
 * Coverage per region and day is kept in the same transaction as the
 * records, at every level from grid to country, so reading it costs one
 * row per region shown.
 */
#ifndef FK_SCREENING_H
#define FK_SCREENING_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/base/fields.h"
#include "core/base/actor.h"
#include "core/base/rollup.h"
#include "core/base/rows.h"
#include "store/db.h"
#include "util/err.h"

#define FK_SCREEN_BATCH_MAX 1000
#define FK_FEVER_DC 373 /* 37.3 °C: abnormal from here up */

/* The findings' vocabularies: a person's four-category mark (四类人员) and
 * symptoms.  The symptoms are also what an observation's follow-up records
 * (epi reads them from here). */
extern const char *const fk_category_names[]; /* confirmed, suspected, febrile, close_contact */
/* Codes served by GET /vocab (NULL-terminated): a record's status. */
const char *const *fk_screening_status_names(void);
extern const char *const fk_symptom_names[];  /* fever, cough, fatigue, short_breath, other */

/* Validates a batch (an array of records) without touching the database:
 * types, ranges, enumerations.  Errors name the record's index, e.g.
 * field "[3].persons[0].temperature".  Returns 0 or -1. */
int fk_screening_check(const json_t *records, fk_err *e);

/* Stores a checked batch in the current write transaction.  On success
 * returns an array with one result per record ({uuid, id, created|replayed,
 * abnormal, alerts}).  Any failure (404 household out of scope, 409 UUID
 * reused with other content, a person not of the household) returns NULL
 * with e naming the index; the caller rolls the whole batch back. */
/* A screening record, each of its "persons", and a daily report (their
 * declarations, which fk_fields_check enforces and the OpenAPI document
 * shows). */
extern const fk_field fk_screening_fields[], fk_finding_fields[], fk_report_fields[];

json_t *fk_screening_store(fk_db *db, const fk_actor *who, const json_t *records, fk_err *e);

/* Coverage (the table coverage: visited, not_home, refused, abnormal per
 * region and day) is a roll-up (core/base/rollup.h) only screening adds
 * to, and the demo loader, which stores records as screening does.  A
 * batch accumulates its records and flushes once: one upsert per (region,
 * day) touched.  status: 0 visited, 1 not_home, 2 refused; sign +1 adds,
 * -1 removes. */
void fk_cov_add(fk_rollup *a, const char *grid, int64_t day, int status, int64_t sign, bool abnormal);
/* The accumulator under the names the demo loader (src/cli) uses. */
typedef fk_rollup fk_cov_acc;
#define fk_cov_new fk_rollup_new
#define fk_cov_flush fk_rollup_apply /* applies, then frees */
#define fk_cov_free fk_rollup_free

/* A household moved from grid from to grid to (registry calls this, inside
 * its write): its screening records follow it, their coverage counts move
 * at every level, and its open alerts go to the new grid's workers.
 * Returns 0 or -1. */
int fk_screening_household_moved(fk_db *db, int64_t household_id, const char *from, const char *to);

/* Coverage of region and each child on day: households, persons, visited,
 * not_home, refused, unvisited, abnormal. */
json_t *fk_coverage_get(fk_db *db, const fk_actor *who, const char *region, int64_t day, fk_err *e);

/* Households of a grid (or any region) with no record on day, by id; with
 * since, with no record on any day from day on (not reached since). */
json_t *fk_coverage_gaps(fk_db *db, const fk_actor *who, const char *region, int64_t day, bool since,
			 const fk_page *page,
			 fk_err *e);


/* A grid's daily report, parsed.  Strings and the unvisited array are
 * borrowed from the JSON. */
typedef struct fk_report_in {
	const char *grid;
	int64_t day;               /* today when not given */
	const char *note;          /* "" when none */
	const json_t *unvisited;   /* [{household_id, reason}], checked; NULL when none */
} fk_report_in;

/* Parses {grid, date?, note?, unvisited?: [{household_id, reason}]}: the
 * date within the backdating window, each reason's shape (errors name
 * "unvisited[i]").  Returns 0 or -1 with e naming the field. */
int fk_report_parse(const json_t *in, fk_report_in *r, fk_err *e);

/* The day's report for a grid: refused (409 naming "unvisited") while
 * households remain without a record, unless each is given a reason (each
 * household of the grid and in scope, 404/400 naming
 * "unvisited[i].household_id" otherwise).  A second report for the same
 * day replaces the first. */
json_t *fk_report_submit(fk_db *db, const fk_actor *who, const fk_report_in *r, fk_err *e);

/* Grids under region (in scope) with their report state on day; late is
 * set for grids without a report once the local time is past hour on that
 * day.  missing_only lists only grids without a report. */
json_t *fk_report_list(fk_db *db, const fk_actor *who, const char *region, int64_t day, bool missing_only,
		       int hour, const fk_page *page, fk_err *e);

/* A grid's day for its grid worker: every household (by building, unit,
 * room) with its members, its current record that day and that record's
 * findings per person (none before a visit), and the counts.
 * One answer, not pages: a grid holds at most FK_WORKLIST_MAX households. */
#define FK_WORKLIST_MAX 5000
json_t *fk_screening_worklist(fk_db *db, const fk_actor *who, const char *grid, int64_t day, fk_err *e);

/* Whether person_id was found abnormal on day (a fever or any abnormal
 * finding in the household's current record of that day): 1 yes, 0 no,
 * -1 on a database error.  For modules that must keep an unwell person
 * from work (mobilisation: no check-in while ill). */
int fk_screening_abnormal_on(fk_db *db, int64_t person_id, int64_t day);

#endif
