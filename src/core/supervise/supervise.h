/* supervise.h - supervision (严督实导): the one owner of the tables
 * inspections, inspection_findings, supervision_notices and the roll-up
 * supervision_counts.
 *
 * A supervisor inspects a community, a site or a post with a checklist and
 * records findings on the spot, each with its evidence, a rectification
 * deadline and the person responsible.  The community reports the
 * rectification; the supervisor verifies it (fixed) or sends it back.
 * Found and fixed are counted per region on write.  A notice (通报) is
 * published to the region's staff as an announcement; an interview (约谈)
 * is recorded with its outcome; a commendation (表彰) goes on a cadre's
 * record.  An overdue rectification is chased: counted, and an urgent
 * announcement goes to the officers and coordinators of its street.
 *
 * Who may call what: the http layer and the demo; fk_sv_of_volunteer —
 * mobilisation (the duty record); fk_sv_chase_overdue — the schedule.  Writes run inside the caller's write
 * transaction.
 */
#ifndef FK_SUPERVISE_H
#define FK_SUPERVISE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/base/actor.h"
#include "core/base/fields.h"
#include "store/db.h"
#include "util/err.h"

#define FK_SV_FINDINGS_MAX 20     /* findings in one inspection */
#define FK_SV_PHOTO_MAX (2 << 20) /* bytes of one finding's photo */

extern const char *const fk_checklist_names[]; /* gate_duty, registration, temperature, … */
extern const char *const fk_notice_kind_names[]; /* notice, interview, commendation */
extern const char *const fk_finding_state_names[]; /* open, reported, fixed */

typedef struct fk_finding_in {
	const char *text, *evidence, *responsible;
	int64_t deadline, volunteer_id;
} fk_finding_in;

typedef struct fk_inspection_in {
	const char *region, *target, *note;
	int64_t post_id, day;
	const json_t *checklist; /* checked: {item: bool} */
	fk_finding_in findings[FK_SV_FINDINGS_MAX];
	int nfindings;
} fk_inspection_in;
extern const fk_field fk_inspection_fields[], fk_finding_fields_sv[];
/* {region, target, post_id?, date?, checklist, note?, findings?: [{text,
 * evidence?, deadline, responsible, volunteer_id?}]}: a finding without a
 * deadline is 400 naming "findings[i].deadline"; a deadline before the
 * inspection day 400. */
int fk_inspection_parse(const json_t *in, fk_inspection_in *s, fk_err *e);
json_t *fk_inspection_create(fk_db *db, const fk_actor *who, const fk_inspection_in *s, fk_err *e);

typedef struct fk_rectify_in {
	const char *text;
} fk_rectify_in;
extern const fk_field fk_rectify_fields[];
int fk_rectify_parse(const json_t *in, fk_rectify_in *r, fk_err *e);
/* The community reports a finding rectified (409 unless open). */
json_t *fk_finding_rectify(fk_db *db, const fk_actor *who, int64_t id, const fk_rectify_in *r, fk_err *e);

typedef struct fk_verify_in {
	bool fixed;
	const char *note;
} fk_verify_in;
extern const fk_field fk_verify_fields[];
int fk_verify_parse(const json_t *in, fk_verify_in *v, fk_err *e);
/* The supervisor verifies a reported rectification: fixed, or back to
 * open with a note (409 unless reported). */
json_t *fk_finding_verify(fk_db *db, const fk_actor *who, int64_t id, const fk_verify_in *v, fk_err *e);
/* Chases an overdue finding (409 when not overdue): counted, and an urgent
 * announcement to the officers and coordinators of its street. */
json_t *fk_finding_chase(fk_db *db, const fk_actor *who, int64_t id, fk_err *e);
/* The daily chase (the schedule, once a day): every open finding past its
 * deadline and not chased that day is chased as fk_finding_chase does, by
 * the system.  *chased: how many.  Returns 0 or -1. */
int fk_sv_chase_overdue(fk_db *db, int64_t today, int64_t *chased);
/* A photo of the evidence (jpeg or png, at most FK_SV_PHOTO_MAX bytes:
 * 413 above, 400 when not an image). */
json_t *fk_finding_photo(fk_db *db, const fk_actor *who, int64_t id, const void *data, size_t n, fk_err *e);

typedef struct fk_notice_in {
	const char *region, *kind, *subject, *text, *outcome;
	int64_t volunteer_id, finding_id, day;
} fk_notice_in;
extern const fk_field fk_notice_fields[];
/* An interview needs its outcome (400). */
int fk_notice_parse(const json_t *in, fk_notice_in *n, fk_err *e);
json_t *fk_notice_create(fk_db *db, const fk_actor *who, const fk_notice_in *n, fk_err *e);

/* Found, fixed, open and overdue findings of region and of each child. */
json_t *fk_sv_summary(fk_db *db, const fk_actor *who, const char *region, fk_err *e);
/* What supervision holds about volunteer id, for the duty record:
 * {commendations: […], notices: […] (notices and interviews), findings:
 * […] (those they are responsible for)}. */
json_t *fk_sv_of_volunteer(fk_db *db, int64_t id);

extern const struct fk_list fk_inspection_list, fk_finding_list, fk_notice_list;

#endif
