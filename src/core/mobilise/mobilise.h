/* mobilise.h - mobilisation (请战书、双报到、志愿服务): the one owner of the
 * tables volunteers, duty_reports, pledges, pledge_signers, teams, posts,
 * shifts, shift_people, checkins, hour_corrections, service_tasks and the
 * roll-up service_daily.
 *
 * People who serve (volunteers and party members, with or without an
 * account; phones sealed as persons') are registered by a community's staff
 * or through the public form, which a community approves.  Teams hold posts;
 * posts hold shifts; a person is put on a shift under the rules of
 * fk_mob_rule_check (insurance for risky posts, no overlap, hours per day,
 * shifts back to back).  People check in and out on their phones; every
 * check-in is kept; the minutes served are the check-in/check-out pairs
 * clipped to the shift (fk_mob_served), so a forgotten check-out, closed at
 * the shift's end and marked so, is never overtime.  Minutes are kept on
 * write per person, per team and per region and day (service_daily).  The
 * organiser certifies a shift; a volunteer asks for a correction of their
 * own hours, which the organiser accepts or refuses with a reason.
 *
 * Who may call what: the parse and write functions, the lists and reads —
 * the http layer and the demo; fk_mob_close_forgotten — the schedule;
 * fk_mob_volunteer_names — supervision (the duty record's subject).  Writes
 * run inside the caller's write transaction.
 */
#ifndef FK_MOBILISE_H
#define FK_MOBILISE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/base/actor.h"
#include "core/base/fields.h"
#include "core/base/rows.h"
#include "store/db.h"
#include "util/err.h"
#include "util/strbuf.h"

/* Settings (serve reads FK_MOB_HOURS_PER_DAY and FK_MOB_BACK_TO_BACK). */
extern int fk_mob_hours_per_day; /* scheduled hours a person may serve a day (default 8) */
extern int fk_mob_back_to_back;  /* shifts in a row a person may take (default 2) */
#define FK_MOB_REST_SECONDS 3600 /* shifts less than an hour apart are back to back */
#define FK_MOB_PENDING_MAX 500   /* public registrations waiting in one community */
#define FK_MOB_SIGNERS_MAX 200   /* signatories of one pledge */
#define FK_MOB_EARLY_SECONDS 3600 /* a check-in may come this early */
#define FK_MOB_CLOCK_SKEW 300     /* a phone's clock may run this far ahead */

/* Vocabularies (NULL-terminated). */
extern const char *const fk_team_kind_names[];   /* volunteer, shock, party_branch, vanguard */
extern const char *const fk_post_kind_names[];   /* gate, delivery, screening, site */
extern const char *const fk_task_kind_names[];   /* delivery, gate, sweep, other */
extern const char *const fk_task_state_names[];  /* pending, in_progress, done, not_executable */
extern const char *const fk_volunteer_state_names[]; /* pending, active, refused */

/* ---- the rules, pure (unit-tested) ---- */

/* One shift of a person: its times and its day. */
typedef struct fk_mob_span {
	int64_t start, end, day, id;
} fk_mob_span;

typedef enum fk_mob_rule {
	FK_MOB_OK = 0,
	FK_MOB_OVERLAP,      /* overlaps have[*which] */
	FK_MOB_HOURS,        /* the day's scheduled hours would pass hours_max */
	FK_MOB_BACK_TO_BACK, /* more than chain_max shifts in a row (gaps under FK_MOB_REST_SECONDS) */
} fk_mob_rule;

/* Whether add may join the person's other shifts have[0..n): the first
 * rule broken, with *which the index of the shift it names (the overlapped
 * one; for back to back, a neighbour in the chain; -1 for hours). */
fk_mob_rule fk_mob_rule_check(const fk_mob_span *have, int n, fk_mob_span add, int hours_max, int chain_max,
			      int *which);

/* One check-in or check-out. */
typedef struct fk_mob_event {
	int64_t at;
	bool in;
} fk_mob_event;

/* Seconds served from events (in time order): each check-in up to the next
 * check-out, a check-in while checked in already counted from the first,
 * each interval clipped to [start, end] of the shift; an open check-in
 * counts nothing (it is closed at end by fk_mob_close_forgotten). */
int64_t fk_mob_served(const fk_mob_event *ev, int n, int64_t start, int64_t end);

/* ---- people ---- */

typedef struct fk_volunteer_in {
	const char *region, *name, *skills, *availability, *work_unit, *username;
	char phone[32]; /* normalised; "" when none */
	int64_t person_id, team_id; /* 0: none */
	int party_member, cadre;    /* -1: not given */
	int64_t insured_until;      /* day; -1: not given; 0 with insured_null: cleared */
	bool insured_null;
	bool form; /* the public form: pending until approved */
} fk_volunteer_in;
extern const fk_field fk_volunteer_fields[], fk_volunteer_update_fields[], fk_volunteer_register_fields[];
/* Parses a volunteer for POST /volunteers (update false) or PATCH (update:
 * every field optional, region and name not taken), or the public form
 * (form: community, name, phone required).  Returns 0 or -1 (400). */
int fk_volunteer_parse(const json_t *in, fk_volunteer_in *v, int mode, fk_err *e);
#define FK_VOL_CREATE 0
#define FK_VOL_UPDATE 1
#define FK_VOL_FORM 2

json_t *fk_volunteer_create(fk_db *db, const fk_actor *who, const fk_volunteer_in *v, fk_err *e);
/* The public form: a pending profile in the community named (404 when it is
 * no community; 409 when FK_MOB_PENDING_MAX wait there already). */
json_t *fk_volunteer_register(fk_db *db, const fk_actor *who, const fk_volunteer_in *v, fk_err *e);
json_t *fk_volunteer_update(fk_db *db, const fk_actor *who, int64_t id, const fk_volunteer_in *v, fk_err *e);

typedef struct fk_approve_in {
	bool approve;
	const char *reason;
} fk_approve_in;
extern const fk_field fk_approve_fields[];
int fk_approve_parse(const json_t *in, fk_approve_in *a, fk_err *e);
/* A pending registration approved or refused (409 when not pending). */
json_t *fk_volunteer_approve(fk_db *db, const fk_actor *who, int64_t id, const fk_approve_in *a, fk_err *e);

/* One volunteer as the list renders it (404 out of scope). */
json_t *fk_volunteer_get(fk_db *db, const fk_actor *who, int64_t id, fk_err *e);
/* The duty record (履职记录): the profile, posts held, minutes, tasks
 * done, pledges signed, commendations and findings against them. */
json_t *fk_volunteer_record(fk_db *db, const fk_actor *who, int64_t id, fk_err *e);
/* The volunteer linked to who's account: its id, or 0 when none. */
int64_t fk_volunteer_of_user(fk_db *db, int64_t user_id);
/* A service certificate (PDF) for volunteer id into out: the person, the
 * hours certified and served by post, the issuer and a number; the
 * person's region into region (for the audit entry of the export). */
int fk_volunteer_certificate(fk_db *db, const fk_actor *who, int64_t id, fk_strbuf *out, char region[16], fk_err *e);

/* 双报到 and pledges. */
typedef struct fk_duty_report_in {
	const char *region, *unit, *tasks;
	int64_t volunteer_id, day;
} fk_duty_report_in;
extern const fk_field fk_duty_report_fields[];
int fk_duty_report_parse(const json_t *in, fk_duty_report_in *d, fk_err *e);
json_t *fk_duty_report_create(fk_db *db, const fk_actor *who, const fk_duty_report_in *d, fk_err *e);

typedef struct fk_pledge_in {
	const char *region, *text, *assignment;
	int64_t day;
	int64_t signers[FK_MOB_SIGNERS_MAX];
	int nsigners;
} fk_pledge_in;
extern const fk_field fk_pledge_fields[];
int fk_pledge_parse(const json_t *in, fk_pledge_in *p, fk_err *e);
json_t *fk_pledge_create(fk_db *db, const fk_actor *who, const fk_pledge_in *p, fk_err *e);
/* The assignment that followed a pledge: {assignment}. */
typedef struct fk_pledge_assign_in {
	const char *assignment;
} fk_pledge_assign_in;
extern const fk_field fk_pledge_assign_fields[];
int fk_pledge_assign_parse(const json_t *in, fk_pledge_assign_in *a, fk_err *e);
json_t *fk_pledge_assign(fk_db *db, const fk_actor *who, int64_t id, const fk_pledge_assign_in *a, fk_err *e);

/* ---- teams, posts, shifts ---- */

typedef struct fk_mob_team_in {
	const char *region, *name, *kind, *secretary;
} fk_mob_team_in;
extern const fk_field fk_mob_team_fields[];
int fk_mob_team_parse(const json_t *in, fk_mob_team_in *t, fk_err *e);
json_t *fk_mob_team_create(fk_db *db, const fk_actor *who, const fk_mob_team_in *t, fk_err *e);

typedef struct fk_post_in {
	const char *region, *name, *kind;
	int64_t team_id, required;
	bool risky;
} fk_post_in;
extern const fk_field fk_post_fields[];
int fk_post_parse(const json_t *in, fk_post_in *p, fk_err *e);
json_t *fk_post_create(fk_db *db, const fk_actor *who, const fk_post_in *p, fk_err *e);

typedef struct fk_mob_shift_in {
	int64_t post_id, day;
	int start_min, end_min; /* minutes after midnight; end <= start: the next day */
} fk_mob_shift_in;
extern const fk_field fk_mob_shift_fields[];
/* {post_id, date, start "HH:MM", end "HH:MM"}. */
int fk_mob_shift_parse(const json_t *in, fk_mob_shift_in *s, fk_err *e);
json_t *fk_mob_shift_create(fk_db *db, const fk_actor *who, const fk_mob_shift_in *s, fk_err *e);

typedef struct fk_assign_in {
	int64_t volunteer_id;
} fk_assign_in;
extern const fk_field fk_assign_fields[];
int fk_assign_parse(const json_t *in, fk_assign_in *a, fk_err *e);
/* Puts a volunteer (active, in scope) on shift_id: 409 naming the rule
 * broken — "insured_until" (risky post, not insured that day), "shift_id"
 * (overlaps another of theirs, named), "hours_per_day", "back_to_back",
 * "volunteer_id" (on it already), "required" (the shift is full). */
json_t *fk_shift_assign(fk_db *db, const fk_actor *who, int64_t shift_id, const fk_assign_in *a, fk_err *e);

/* ---- check-in, hours ---- */

typedef struct fk_clock_in {
	int64_t at; /* 0: now */
} fk_clock_in;
extern const fk_field fk_clock_fields[];
int fk_clock_parse(const json_t *in, fk_clock_in *c, fk_err *e);
/* {at?}: Unix seconds, now when absent; not in the future (beyond
 * FK_MOB_CLOCK_SKEW) nor more than a day ago (400). */
/* Check-in on one's own assignment (403 another's, unless who organises:
 * mobilise.write): 409 "screening" when
 * the person was found abnormal that day, 409 "at" before the shift's
 * early window or after its end. */
json_t *fk_shift_checkin(fk_db *db, const fk_actor *who, int64_t id, const fk_clock_in *c, fk_err *e);
/* Check-out: 400 "at" when there is no check-in or at is before it. */
json_t *fk_shift_checkout(fk_db *db, const fk_actor *who, int64_t id, const fk_clock_in *c, fk_err *e);
/* Closes every check-in left open past its shift's end at that end, marked
 * auto_closed, and counts its minutes.  *closed: how many.  0 or -1. */
int fk_mob_close_forgotten(fk_db *db, int64_t now, int64_t *closed);
/* The organiser certifies a shift's finished service: 409 while someone
 * is still on duty or when nothing is left to certify. */
json_t *fk_shift_certify(fk_db *db, const fk_actor *who, int64_t shift_id, fk_err *e);

typedef struct fk_correction_in {
	int64_t minutes;
	const char *reason;
} fk_correction_in;
extern const fk_field fk_correction_fields[];
int fk_correction_parse(const json_t *in, fk_correction_in *c, fk_err *e);
/* A volunteer asks for a correction of their own hours (403 someone
 * else's; 409 while one is pending or before the shift is over; 400 for
 * more minutes than the shift lasts). */
json_t *fk_correction_request(fk_db *db, const fk_actor *who, int64_t shift_person_id, const fk_correction_in *c,
			      fk_err *e);
typedef struct fk_decide_in {
	bool accept;
	const char *answer;
} fk_decide_in;
extern const fk_field fk_decide_fields[];
int fk_decide_parse(const json_t *in, fk_decide_in *d, fk_err *e);
/* Accepts (the minutes become the asked ones, counts moved) or refuses
 * with an answer; both kept.  409 when decided already. */
json_t *fk_correction_decide(fk_db *db, const fk_actor *who, int64_t id, const fk_decide_in *d, fk_err *e);

/* ---- tasks ---- */

typedef struct fk_task_in {
	const char *region, *kind, *title, *ticket_ref;
	int64_t team_id, volunteer_id, observation_id, due_at;
} fk_task_in;
extern const fk_field fk_task_fields[];
int fk_task_parse(const json_t *in, fk_task_in *t, fk_err *e);
json_t *fk_task_create(fk_db *db, const fk_actor *who, const fk_task_in *t, fk_err *e);
typedef struct fk_task_state_in {
	const char *state, *reason;
} fk_task_state_in;
extern const fk_field fk_task_state_fields[];
/* not_executable needs a reason (400). */
int fk_task_state_parse(const json_t *in, fk_task_state_in *s, fk_err *e);
/* Moves a task: pending → in_progress → done, or to not_executable; by
 * the person or a member of the team it was given to (403 otherwise);
 * 409 from done or not_executable. */
json_t *fk_task_move(fk_db *db, const fk_actor *who, int64_t id, const fk_task_state_in *s, fk_err *e);

/* ---- reads ---- */

/* The community's board at now: per post, the shift on now with who is on
 * duty, the day's gaps (shifts short of people), duty reports with no task
 * taken, and the service minutes of the region today and over 7 days. */
json_t *fk_mob_board(fk_db *db, const fk_actor *who, const char *region, int64_t now, fk_err *e);
/* The volunteer's own page (who's linked profile; 404 when none): the
 * profile, their shifts from yesterday on and the last 20 before, open
 * tasks, minutes this year and in all. */
json_t *fk_mob_me(fk_db *db, const fk_actor *who, int64_t now, fk_err *e);
/* Minutes of volunteer id between days from and to (its index: one range). */
int64_t fk_mob_minutes_of(fk_db *db, int64_t volunteer_id, int64_t from, int64_t to);

extern const struct fk_list fk_volunteer_list, fk_duty_report_list, fk_pledge_list, fk_mob_team_list, fk_post_list,
	fk_mob_shift_list, fk_shift_person_list, fk_correction_list, fk_task_list;

#endif
