/* contacts.h - close contacts, medical observation and follow-ups.
 *
 * A close contact is a person exposed to a case (or, from protocol edition
 * 7, to another close contact), with the setting and the first and last
 * exposure days.  Recording one starts medical observation at home or in a
 * centralised site until FK_OBSERVATION_DAYS (14) after the last exposure;
 * a new exposure of someone already under observation extends it.  Twice a
 * day (am, pm) a follow-up records temperature and symptoms; a symptomatic
 * follow-up can be turned into a suspected case in one step; at the end,
 * those without symptoms are listed for the doctor to release.  A case's
 * discharge starts 14 days of post-discharge observation the same way.
 */
#ifndef FK_CONTACTS_H
#define FK_CONTACTS_H

/* How far back a first exposure may lie (days before today): a plausible
 * range, so that a mistyped year is refused rather than stored. */
#define FK_EXPOSURE_MAX_DAYS 366

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/base/fields.h"
#include "core/base/actor.h"
#include "core/base/rows.h"
#include "core/grid/registry.h"
#include "store/db.h"
#include "util/err.h"

extern int fk_observation_days; /* FK_OBSERVATION_DAYS, default 14 */

/* The codes of a contact's setting and an observation's mode
 * (NULL-terminated; served by GET /vocab). */
const char *const *fk_contact_setting_names(void);
const char *const *fk_observation_mode_names(void);

/* A close contact, parsed.  Strings are borrowed from the parsed JSON. */
typedef struct fk_contact_in {
	int64_t source_case, source_contact; /* one of them; 0 the other */
	int64_t person_id;                   /* a known person, or 0: */
	fk_person_in person;                 /* a new one (no household yet) */
	const char *grid, *building, *unit, *room, *address; /* the new person's home */
	const char *setting, *mode;
	int64_t site_id; /* 0: none */
	int64_t first, last, traced; /* days */
} fk_contact_in;

/* Parses {source_case_id | source_contact_id, person_id | person: {name,
 * grid, building?, unit?, room?, address?, sex?, doc_number?, phone?},
 * setting, first_exposure, last_exposure, traced_date? (default today:
 * when the contact was found, the start of observation), mode?:
 * home|centralised, site_id?}.  Returns 0 or -1 with e set (400 naming the
 * field; the new person's as "person.<field>"). */
int fk_contact_parse(const json_t *in, fk_contact_in *c, fk_err *e);

/* Records the contact c.  A new person whose document number is registered
 * already is linked, not created again.  Returns the contact with its
 * observation and any warning (an exposure outside the protocol's window is
 * accepted and said so), or NULL with e set. */
json_t *fk_contact_create(fk_db *db, const fk_actor *who, const fk_contact_in *c, fk_err *e);
/* Request bodies as declared (fk_fields_check enforces them; the OpenAPI
 * document shows them). */
extern const fk_field fk_contact_fields[], fk_contact_person_fields[], fk_followup_fields[], fk_release_fields[],
	fk_convert_fields[];

/* Contacts in a region, or of a case (case_id: wherever they live), by id
 * (audited as contact.search).  A case's contacts are named to whoever may
 * read the case, also those living outside the reader's scope: the doctor
 * who traced them knows them; the rest of such a person (phone, document,
 * household) stays out of reach. */
extern const struct fk_list fk_contact_list;

/* Starts (or extends) the observation of a person from start_day until
 * end_day.  Write transaction; returns its id or -1. */
int64_t fk_observation_start(fk_db *db, int64_t person_id, const char *grid, const char *reason, int64_t contact_id,
			     int64_t case_id, const char *mode, int64_t site_id, int64_t start_day, int64_t end_day,
			     fk_err *e);

/* Medical observations in a region by id; filter state. */
extern const struct fk_list fk_observation_list;

/* The worklist: active observations in scope with the current slot's
 * follow-up not yet done (due), slots missed since the start, and those
 * past their end without symptoms (release); pending: only those with
 * something to do now (due, past their end, or a symptomatic follow-up). */
json_t *fk_observation_due(fk_db *db, const fk_actor *who, const char *region, bool pending, const fk_page *page,
			   fk_err *e);

/* A follow-up, parsed.  Strings are borrowed from the parsed JSON. */
typedef struct fk_followup_in {
	int64_t day;          /* today when not given */
	const char *slot;     /* am|pm: now's when not given */
	bool date_given, slot_given; /* (a replay compares only what was given) */
	bool measured;        /* a temperature was taken: */
	int64_t temp_dc;      /* in tenths of a degree */
	int64_t symptoms;     /* bits of fk_symptom_names */
	const char *note;     /* "" when none */
	const char *uuid;     /* the phone's id for the follow-up (replays are answered
			       * with the first answer); NULL when not given */
} fk_followup_in;

/* Parses {date? (default today; a late entry from paper), slot?: am|pm,
 * temperature? | temperature_measured: false, symptoms?, note?}.  Returns 0
 * or -1 with e set (400 naming the field). */
int fk_followup_parse(const json_t *in, fk_followup_in *f, fk_err *e);

/* Records f for observation obs_id: 400 (date) when the day is before the
 * observation began, 409 when the observation is not active or the slot is
 * recorded already. */
json_t *fk_followup_add(fk_db *db, const fk_actor *who, int64_t obs_id, const fk_followup_in *f, fk_err *e);

/* Raises a followup_missed alert for each active observation that owed the
 * follow-up of day's slot (pm: evening, else morning) and has none; slots
 * already alerted are skipped, so running it again changes nothing.  Write
 * transaction; the number of new alerts into raised.  Returns 0 or -1.
 * The server runs it when each slot ends (noon, midnight) and at start. */
int fk_followup_sweep(fk_db *db, int64_t day, int pm, int64_t *raised);

/* A person who becomes a case leaves observation: their active observation
 * (if any) ends as converted, linked to case_id.  Write transaction. */
int fk_observation_close_for_case(fk_db *db, const fk_actor *who, int64_t person_id, int64_t case_id, fk_err *e);

/* The person of case_id was excluded: the observation that became this
 * case (converted) is active again when its period has not ended.  Write
 * transaction. */
int fk_observation_resume_for_case(fk_db *db, const fk_actor *who, int64_t case_id, fk_err *e);

/* A release, parsed: {note?}. */
typedef struct fk_release_in {
	const char *note; /* NULL when none */
} fk_release_in;

int fk_release_parse(const json_t *in, fk_release_in *r, fk_err *e);

/* Releases an active observation whose period has ended (409 otherwise, or
 * when a follow-up in the last 14 days had symptoms). */
json_t *fk_observation_release(fk_db *db, const fk_actor *who, int64_t obs_id, const fk_release_in *r, fk_err *e);

/* A conversion, parsed: {reporting_unit, place, reason?}. */
typedef struct fk_convert_in {
	const char *reporting_unit, *place, *reason;
} fk_convert_in;

int fk_convert_parse(const json_t *in, fk_convert_in *c, fk_err *e);

/* Turns the observed person into a suspected case, onset the first
 * symptomatic follow-up's day; the observation ends as converted.  Returns
 * the case. */
json_t *fk_observation_convert(fk_db *db, const fk_actor *who, int64_t obs_id, const fk_convert_in *c, fk_err *e);


#endif
