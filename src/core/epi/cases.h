/* cases.h - cases and their protocol transitions, and the daily case
 * statistics kept with them.
 *
 * A case is a person with a category (suspected, confirmed, clinical —
 * clinically diagnosed, Hubei under treatment plan edition 5 only —,
 * asymptomatic, excluded) and an outcome (under_treatment, discharged,
 * deceased).  Every change is a transition recorded with time, user and
 * reason; only the moves the protocol allows are accepted.  Each write
 * updates case_daily (what became what, per region and day, at every
 * level) and onset_daily (the epidemic curve) in the same transaction.
 */
#ifndef FK_CASES_H
#define FK_CASES_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/base/fields.h"
#include "core/base/actor.h"
#include "core/base/rows.h"
#include "core/epi/rt.h"
#include "store/db.h"
#include "util/err.h"

#define FK_REPORT_LIMIT (2 * 3600) /* a report later than this after diagnosis is late */

/* The protocol edition in force (FK_EDITION, default 7); recorded on every
 * case.  Edition 5 allows the clinical category. */
extern int fk_protocol_edition;

/* The codes a case's category, outcome and place take (NULL-terminated;
 * served by GET /vocab).  "clinical" is accepted under edition 5 only. */
const char *const *fk_case_category_names(void);
const char *const *fk_case_outcome_names(void);
const char *const *fk_case_place_names(void);

/* A new case, parsed.  Strings are borrowed from the parsed JSON, which
 * must outlive the struct. */
typedef struct fk_case_in {
	int64_t person_id;
	const char *category, *reporting_unit, *place;
	const char *reason; /* NULL: "reported" */
	bool has_onset, has_sampling;
	int64_t onset, sampling;       /* days */
	int64_t diagnosis_time;        /* Unix s */
	int64_t reported_time;         /* Unix s; the time of parsing when not given */
	int64_t alert_id;              /* 0: none */
} fk_case_in;

/* Parses {person_id, category, onset_date?, sampling_date?, diagnosis_time
 * (Unix s), reported_time?, reporting_unit, place, alert_id?, reason?}:
 * everything that needs no database.  Returns 0 or -1 with e set: 400
 * naming the field (onset after diagnosis, dates in the future, …). */
int fk_case_parse(const json_t *in, fk_case_in *c, fk_err *e);

/* Creates the case c.  A given alert is closed as reported_as_case in the
 * same transaction.  Returns the case (as fk_case_get) or NULL with e set:
 * 404 (person or alert outside scope), 409 (the person has a case
 * already). */
json_t *fk_case_create(fk_db *db, const fk_actor *who, const fk_case_in *c, fk_err *e);
/* Request bodies as declared (fk_fields_check enforces them; the OpenAPI
 * document shows them). */
extern const fk_field fk_case_fields[], fk_case_move_fields[];

/* One case with its person's name and its events. */
json_t *fk_case_get(fk_db *db, const fk_actor *who, int64_t id, fk_err *e);

/* A transition, parsed: to is a category or an outcome; at is the time of
 * parsing when not given.  Strings are borrowed from the JSON. */
typedef struct fk_case_move_in {
	const char *to, *reason;
	bool is_category;
	int64_t at;
} fk_case_move_in;

/* Parses {to, reason, at?}.  Returns 0 or -1 with e set (400 naming the
 * field). */
int fk_case_move_parse(const json_t *in, fk_case_move_in *m, fk_err *e);

/* Applies m to case id.  409 with the allowed moves (e->allowed) when the
 * protocol does not allow it. */
json_t *fk_case_transition(fk_db *db, const fk_actor *who, int64_t id, const fk_case_move_in *m, fk_err *e);

/* Cases in scope, newest first; filters category, outcome, late (audited
 * as case.search). */
extern const struct fk_list fk_case_list;

/* Daily statistics of region from day from to day to (at most 366 days):
 * per day the new counts by category, discharges and deaths, and the
 * cumulative counts; plus the epidemic curve by onset. */
json_t *fk_case_stats(fk_db *db, const fk_actor *who, const char *region, int64_t from, int64_t to, fk_err *e);

/* The serial interval and prior in force (FK_SI_MEAN, FK_SI_SD; defaults
 * 4.7 and 2.9 days, Nishiura et al. 2020; prior mean 5, sd 5; 7-day windows). */
extern fk_rt_config fk_rt_settings;

/* Rt by the method of Cori et al. (2013) on the epidemic curve of region
 * for the days days ending on to: {region, config, incidence: [{date,
 * cases}], items: [{from, to, cases, mean, sd, median, q025, q975, q05,
 * q95}] (null where only the prior speaks), doubling_time (days, null when
 * not growing), growing}. */
json_t *fk_case_rt(fk_db *db, const fk_actor *who, const char *region, int64_t to, int days, fk_err *e);

#endif
