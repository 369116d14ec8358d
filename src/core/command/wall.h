/* wall.h - the command centre's wall screen (大屏): every figure of one
 * region on one day in one answer, built from the panels' providers.
 *
 * A panel is a row of fk_wall_panels: its name, the permission reading it
 * needs and the function that computes it from the modules that own the
 * data (screening's coverage, the case roll-ups, Rt, community states,
 * alerts, zero reports).  The answer holds the panels the caller may read,
 * in table order; a module that lands later (hotline, supplies,
 * mobilisation) adds its panel by adding one row to the table in wall.c
 * and a drawing function to web/js/views/wall.js — nothing else changes
 * (docs/ARCHITECTURE.md).  Reads only; any domain's reader may call it.
 *
 * Load: a city wall refreshes every 30 s per screen; a panel reads roll-up
 * rows (one per child region and day), never the fact tables, except the
 * open alerts and the zero reports (one grouped index range scan each) and
 * the community states (as fk_community_states computes them).
 */
#ifndef FK_WALL_H
#define FK_WALL_H

#include <jansson.h>
#include <stdint.h>

#include "core/base/actor.h"
#include "core/base/perm.h"
#include "store/db.h"
#include "util/err.h"

/* Days of the epidemic curve and the Rt series on the wall. */
#define FK_WALL_DAYS 60

/* What a panel provider is given: the region (in scope, resolved), its
 * children's code length, the day and the local hour after which a zero
 * report is late; and the day's case figures of the region (wall's
 * fk_wall_case_day), read once for the panels that quote them (NULL until
 * then; fk_wall_get releases it). */
typedef struct fk_wall_ctx {
	const char *region;
	int child_len;
	int64_t day;
	int report_hour;
	json_t *figures;
} fk_wall_ctx;

typedef struct fk_wall_panel {
	const char *name;  /* the key of the panel in the answer */
	fk_perms perm;     /* the caller needs this to see the panel */
	/* Computes the panel; NULL with e set on failure. */
	json_t *(*get)(fk_db *db, const fk_actor *who, fk_wall_ctx *c, fk_err *e);
} fk_wall_panel;

/* The providers, terminated by a NULL name. */
extern const fk_wall_panel fk_wall_panels[];

/* The panels who's role sees, one bit per row of fk_wall_panels: answers
 * for the same region and day with the same bits are the same answer. */
uint64_t fk_wall_mask(const fk_actor *who);

/* The wall of region (NULL: the caller's home; 404 outside scope) on day:
 * {region: {code, name, level}, date, as_of (Unix s), panels: {name: …}}.
 * report_hour: zero reports are late after it.  NULL with e set. */
json_t *fk_wall_get(fk_db *db, const fk_actor *who, const char *region, int64_t day, int report_hour, fk_err *e);

/* The case figures of region on day as the wall and the bulletin quote
 * them: new_confirmed (clinically diagnosed ones counted as confirmed),
 * new_suspected, new_asymptomatic, new_discharged, new_deceased,
 * cum_confirmed, cum_discharged, cum_deceased, cur_confirmed,
 * cur_suspected, cur_asymptomatic, under_observation — read from the case
 * roll-ups through fk_case_stats.  NULL with e set. */
json_t *fk_wall_case_day(fk_db *db, const fk_actor *who, const char *region, int64_t day, fk_err *e);

/* The code length of the children of code ("" → 2, a street → 12, …);
 * 0 for a grid (no children). */
int fk_wall_child_len(const char *code);

#endif
