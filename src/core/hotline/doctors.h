/* doctors.h - family doctor teams (家庭医生签约团队) per community, their
 * doctors with the published name and duty phone, and the duty roster
 * (who is on call when): the one owner of doctor_teams, doctors and
 * duty_shifts.  A medical ticket dispatched to a community's doctors goes
 * to the doctor on duty then (tickets.c reads duty_shifts).  For the http
 * layer and the demo; writes run in the caller's transaction, audited.
 */
#ifndef FK_HOTLINE_DOCTORS_H
#define FK_HOTLINE_DOCTORS_H

#include <jansson.h>
#include <stdint.h>

#include "core/base/actor.h"
#include "core/base/fields.h"
#include "store/db.h"
#include "util/err.h"

typedef struct fk_team_in {
	const char *region, *name;
} fk_team_in;
extern const fk_field fk_team_fields[];
int fk_team_parse(const json_t *in, fk_team_in *t, fk_err *e);
json_t *fk_team_create(fk_db *db, const fk_actor *who, const fk_team_in *t, fk_err *e);

typedef struct fk_doctor_in {
	int64_t team_id;
	const char *name, *duty_phone, *username; /* username: their account, may be NULL */
} fk_doctor_in;
extern const fk_field fk_doctor_fields[];
int fk_doctor_parse(const json_t *in, fk_doctor_in *d, fk_err *e);
json_t *fk_doctor_create(fk_db *db, const fk_actor *who, const fk_doctor_in *d, fk_err *e);

typedef struct fk_shift_in {
	int64_t doctor_id, starts_at, ends_at;
} fk_shift_in;
extern const fk_field fk_shift_fields[];
int fk_shift_parse(const json_t *in, fk_shift_in *s, fk_err *e);
/* 409 when the doctor has a shift overlapping it already. */
json_t *fk_shift_create(fk_db *db, const fk_actor *who, const fk_shift_in *s, fk_err *e);

/* Declared lists: teams; doctors (with on_duty now; ?on_duty=1 only
 * those); shifts (?from= ?to= days, oldest first). */
extern const struct fk_list fk_team_list, fk_doctor_list, fk_shift_list;

#endif
