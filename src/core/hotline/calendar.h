/* calendar.h - the working calendar and the time limits computed on it:
 * the one owner of work_calendar and ticket_limits.
 *
 * A day is a working day by the weekday rule (Monday to Friday) unless the
 * calendar says otherwise: a statutory holiday is a day off, a make-up day
 * (调休) a working day.  Rows hold the national calendar (region '') and a
 * province's or city's own changes, which win for their subtree (Hubei's
 * delays to the return to work in 2020).  Deadlines are never stored as
 * truth: fk_deadline_* compute them from a start time, a limit and the
 * pauses (waiting with a reason), and say how - which days were skipped
 * and why, which were made-up working days, which spans were paused - so
 * a reader sees why a five-day limit ended when it did.
 *
 * Who may call what: fk_workcal_* and fk_deadline_* are pure (any
 * module, the unit tests); fk_workcal_load, fk_limit_get read; 
 * fk_workcal_set is the http layer's (audited there by its job).
 */
#ifndef FK_HOTLINE_CALENDAR_H
#define FK_HOTLINE_CALENDAR_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/base/actor.h"
#include "core/base/fields.h"
#include "store/db.h"
#include "util/err.h"

#define FK_WORKCAL_MAX 512 /* changed days held for one computation */

/* The calendar for one region: the days that differ from the weekday rule
 * (the most specific region's entry for each day), sorted by day. */
typedef struct fk_workcal {
	int n;
	int64_t day[FK_WORKCAL_MAX];
	signed char work[FK_WORKCAL_MAX];
	char note[FK_WORKCAL_MAX][32];
} fk_workcal;

/* An empty calendar: the weekday rule alone. */
void fk_workcal_init(fk_workcal *c);
/* Sets day's entry (replacing one for the same day).  Returns 0, or -1
 * when the calendar is full. */
int fk_workcal_put(fk_workcal *c, int64_t day, bool work, const char *note);
/* Whether day is a working day; *note (may be NULL) the entry's note, or
 * "weekend" / "" by the weekday rule. */
bool fk_workcal_is_work(const fk_workcal *c, int64_t day, const char **note);
/* Day of the week of a day number: 0 Sunday … 6 Saturday. */
int fk_weekday(int64_t day);
/* The n-th working day after day (n >= 1). */
int64_t fk_workcal_next(const fk_workcal *c, int64_t day, int n);

/* Loads the calendar in force for region (its own entries winning over
 * its ancestors' and the national ones) for days from..to.  Returns 0 or -1. */
int fk_workcal_load(fk_db *db, const char *region, int64_t from, int64_t to, fk_workcal *c);

/* A span the clock stood still: [from, to); to 0 while it still does. */
typedef struct fk_pause {
	int64_t from, to;
	const char *reason;
} fk_pause;

/* A limit: n hours of elapsed time, or n working days counted from the
 * day after the start (a day's whole 24 hours count once it is a working
 * day, less the time paused), ending at the end of the n-th. */
typedef enum fk_limit_unit { FK_LIMIT_HOURS, FK_LIMIT_WORKDAYS } fk_limit_unit;

/* A computed deadline. */
typedef struct fk_deadline {
	int64_t due;     /* Unix time; 0 while paused (the clock stands still) */
	int64_t left;    /* while paused: seconds of the limit still to run */
} fk_deadline;

/* Computes the deadline of a limit of n units started at start, with the
 * pauses (sorted by from, not overlapping) taken out, on calendar c.  When
 * how is not NULL, appends the derivation to it: "counted_from" (the first
 * day counted), "skipped" ([{date, why}]: days off on the way),
 * "made_up" ([{date, why}]: weekend days that were working days) and
 * "paused" ([{from, to, reason}]).  Returns 0, or -1 when the limit runs
 * past 3 years of days off (a calendar that is wrong). */
int fk_deadline_compute(const fk_workcal *c, int64_t start, fk_limit_unit unit, int n, const fk_pause *pauses,
			int npauses, fk_deadline *out, json_t *how);

/* A time limit by urgency (configurable: the table ticket_limits). */
typedef struct fk_limit {
	char urgency[16];
	fk_limit_unit unit;
	int n, ext_max;
} fk_limit;

/* The limit for urgency.  Returns 0, or -1 (none or a database error). */
int fk_limit_get(fk_db *db, const char *urgency, fk_limit *out);

/* PUT /hotline/limits: {urgency, reply_unit, reply_n, ext_max}.  The
 * limits hold for the whole deployment, so only a caller at city level or
 * above sets them (403 otherwise). */
typedef struct fk_limit_in {
	const char *urgency, *unit;
	int64_t n, ext_max;
} fk_limit_in;
extern const fk_field fk_limit_fields[];
int fk_limit_parse(const json_t *in, fk_limit_in *l, fk_err *e);
json_t *fk_limit_set(fk_db *db, const fk_actor *who, const fk_limit_in *l, fk_err *e);

/* PUT /hotline/calendar: {region?, date, work, note?}. */
typedef struct fk_workday_in {
	const char *region; /* NULL: the caller's home */
	int64_t day;
	bool work;
	const char *note;
} fk_workday_in;
extern const fk_field fk_workday_fields[];
int fk_workday_parse(const json_t *in, fk_workday_in *w, fk_err *e);
/* Sets a day of the calendar for a region in who's scope (404 otherwise).
 * Returns the entry, or NULL with e set. */
json_t *fk_workday_set(fk_db *db, const fk_actor *who, const fk_workday_in *w, fk_err *e);
/* The days from..to (at most 400) as {date, work, why} for region in who's
 * scope, with the limits in force. */
json_t *fk_workcal_days(fk_db *db, const fk_actor *who, const char *region, int64_t from, int64_t to, fk_err *e);

#endif
