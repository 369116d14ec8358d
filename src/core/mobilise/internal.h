/* internal.h - what the files of core/mobilise, core/supervise and
 * core/announce share and no one else calls. */
#ifndef FK_MOB_INTERNAL_H
#define FK_MOB_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/base/actor.h"
#include "core/base/scope.h"
#include "store/db.h"
#include "util/err.h"

/* The index of s in names (NULL-terminated), or -1. */
int mob_index_of(const char *const *names, const char *s);
/* A 400 "<field>: one of a, b, c" built from names; returns -1. */
int mob_enum_err(fk_err *e, const char *field, const char *const *names);
/* The rows of sql (one integer parameter: id) as an array of objects named
 * by their columns, a column "day" rendered as "date" (YYYY-MM-DD).  An
 * empty array on a database error. */
json_t *mob_rows(fk_db *db, const char *sql, int64_t id);
/* A yes/no filter value (1, true / 0, false) into *yes: 0, or -1 with a
 * 400 naming field. */
int mob_flag(const char *value, const char *field, bool *yes, fk_err *e);
/* A region named in a body: a well-formed code of a region that exists in
 * who's scope (404 naming field otherwise), at least min_level deep (400).
 * Returns 0 or -1. */
int mob_region_in(fk_db *db, const fk_actor *who, const char *code, const char *field, int min_level, fk_err *e);
/* An optional id in a body: positive (400 naming field). 0 when absent. */
int mob_opt_id(const json_t *in, const char *field, int64_t *out, fk_err *e);
/* A date field (YYYY-MM-DD) into *day; dflt when absent (-1: required,
 * 400).  Returns 0 or -1. */
int mob_date(const json_t *in, const char *field, int64_t dflt, int64_t *day, fk_err *e);
/* Tasks taken since the report: the member's shifts and tasks, or for a
 * unit's report those of the people of that unit in the community. */
#define TASKS_TAKEN                                                                                              \
	"(CASE WHEN d.volunteer_id IS NOT NULL THEN"                                                            \
	" (SELECT count(*) FROM shift_people sp WHERE sp.volunteer_id = d.volunteer_id AND sp.day >= d.day)"     \
	" + (SELECT count(*) FROM service_tasks t WHERE t.volunteer_id = d.volunteer_id)" \
	" ELSE (SELECT count(*) FROM volunteers w JOIN shift_people sp ON sp.volunteer_id = w.id"               \
	" WHERE w.region = d.region AND w.work_unit = d.unit AND sp.day >= d.day) END)"

#endif
