/* alerts.h - alerts (预警): the one owner of the table alerts.
 *
 * An alert asks the grid's doctor and officers to act on one person.
 * Screening raises one for each abnormal finding (kind "screening"); epi
 * raises one for each follow-up slot an observed person missed (kind
 * "followup_missed").  An alert is open until it is closed, once, with an
 * outcome: by hand (fk_alert_close), when a case is reported from it, or by
 * itself when the missed follow-up is recorded late.  Every write to alerts
 * is in alerts.c; reading is open to all.
 *
 * Who may call what:
 *   fk_alert_raise_screening, fk_alert_move_household   screening
 *   fk_alert_raise_missed, fk_alert_settle_followup     epi (contacts)
 *   fk_alert_close_for_case                             epi (cases)
 *   fk_alert_raise_hotline                              hotline (tickets)
 *   fk_alert_close                                      the http layer
 *   fk_alert_close_as                                   this module, and loaders
 *                                                       replaying history (the demo)
 *   fk_alert_get, fk_alert_list, fk_alert_columns       any reader
 * All writes run inside the caller's write transaction.
 */
#ifndef FK_ALERTS_H
#define FK_ALERTS_H

#include <jansson.h>
#include <stdint.h>

#include "core/base/fields.h"
#include "core/base/actor.h"
#include "core/base/rows.h"
#include "store/db.h"
#include "util/err.h"

/* The alert resource as the API renders it, and the query giving its
 * columns in that order (alias a for alerts; add WHERE / ORDER BY). */
extern const fk_column fk_alert_columns[];
#define FK_ALERT_FROM                                                                                         \
	"a.id, a.kind, a.grid, r.name, c.name, a.person_id, p.name, p.household_id, a.screening_id,"   \
	" a.observation_id, a.day, a.slot, a.reasons,"                                                         \
	" a.temp_dc, a.state, a.outcome, u.username, a.closed_at, a.created_at,"                              \
	" h.building, h.unit, h.room, h.address, coalesce(nullif(su.display_name, ''), su.username)"          \
	" FROM alerts a JOIN regions r ON r.code = a.grid LEFT JOIN regions c ON c.code = r.parent"           \
	" JOIN persons p ON p.id = a.person_id LEFT JOIN users u ON u.id = a.closed_by"                       \
	" LEFT JOIN households h ON h.id = p.household_id LEFT JOIN screenings s ON s.id = a.screening_id"   \
	" LEFT JOIN users su ON su.id = s.user_id"

/* Raises a screening alert: person_id of grid was found abnormal on day by
 * screening record screening_id, for reasons (a JSON array of reason codes);
 * temp_dc the temperature in tenths of °C, or NULL when not taken.
 * Returns the alert's id, or -1. */
int64_t fk_alert_raise_screening(fk_db *db, const char *grid, int64_t person_id, int64_t screening_id, int64_t day,
				 const char *reasons, const int64_t *temp_dc, int64_t now);

/* Raises a hotline alert: a call about person_id of grid (a fever at home
 * reported on the hotline) asks the grid's doctor and officers to screen
 * the person, for reasons (a JSON array of symptom codes) on day.  Returns
 * the alert's id, or -1. */
int64_t fk_alert_raise_hotline(fk_db *db, const char *grid, int64_t person_id, int64_t day, const char *reasons,
				int64_t now);

/* Raises a followup_missed alert for every observation that owed the
 * follow-up of day's slot (pm: the evening one, else the morning one) and
 * has none: still active when the slot ended at slot_end (or closed since),
 * begun by day and entered before slot_end, running on day.  A slot
 * alerted already is skipped.  The number raised into *raised (may be
 * NULL).  Returns 0 or -1. */
int fk_alert_raise_missed(fk_db *db, int64_t day, int pm, int64_t slot_end, int64_t now, int64_t *raised);

/* A follow-up of observation_id for day's slot was recorded (late): its
 * open missed alert, if any, closes as "followup_recorded" by user_id.
 * Returns 0 or -1. */
int fk_alert_settle_followup(fk_db *db, int64_t user_id, int64_t observation_id, int64_t day, const char *slot,
			     int64_t now);

/* A case of person_id is reported from alert id: the alert must be in who's
 * scope (404 otherwise, field "alert_id"), about that person (400) and open
 * (409); it closes as "reported_as_case".  Returns 0, or -1 with e set. */
int fk_alert_close_for_case(fk_db *db, const fk_actor *who, int64_t id, int64_t person_id, int64_t now,
			    fk_err *e);

/* The household's open screening alerts go to grid, where it moved.
 * Returns 0 or -1. */
int fk_alert_move_household(fk_db *db, int64_t household_id, const char *grid);

/* Closes alert id, when open, with outcome (one of fk_alert_close's) by
 * user_id (0: by no one, the system) at time at; no audit entry.
 * Returns 0 or -1. */
int fk_alert_close_as(fk_db *db, int64_t id, const char *outcome, int64_t user_id, int64_t at);

/* One alert in who's scope (404 otherwise). */
json_t *fk_alert_get(fk_db *db, const fk_actor *who, int64_t id, fk_err *e);

/* An alert's closing, parsed: {outcome, note?}.  Strings are borrowed from
 * the JSON; note is "" when not given. */
typedef struct fk_alert_close_in {
	const char *outcome, *note;
} fk_alert_close_in;

/* Parses {outcome, note?}.  Returns 0 or -1 with e naming the field. */
int fk_alert_close_parse(const json_t *in, fk_alert_close_in *c, fk_err *e);

/* Closes an open alert as c says, audited; 409 when already closed.
 * Returns the alert. */
json_t *fk_alert_close(fk_db *db, const fk_actor *who, int64_t id, const fk_alert_close_in *c, fk_err *e);
/* Request bodies as declared (fk_fields_check enforces them; the OpenAPI
 * document shows them). */
extern const fk_field fk_alert_close_fields[];

/* Codes served by GET /vocab (NULL-terminated): an alert's kind
 * (screening, followup_missed, hotline), and the outcomes that close an
 * alert of kind (NULL: every outcome accepted; a hotline alert takes a
 * screening alert's). */
const char *const *fk_alert_kind_names(void);
const char *const *fk_alert_outcome_names(const char *kind);

/* Alerts in scope, newest first; filters state (open, closed), kind
 * (screening: abnormal findings; followup_missed) and the days from..to.
 * A declared list (core/base/list.h). */
extern const struct fk_list fk_alert_list;

#endif
