/* sites.h - sites of centralised observation (集中隔离医学观察点): the one
 * owner of the table sites.
 *
 * A site belongs to a region and holds up to its capacity; its occupancy
 * is kept on write as observations are placed there and end.  Who may call
 * what:
 *   fk_site_parse, fk_site_create, fk_site_list   the http layer
 *   fk_site_take, fk_site_move                    epi (contacts: observations)
 * Writes run inside the caller's write transaction.
 */
#ifndef FK_SITES_H
#define FK_SITES_H

#include <jansson.h>
#include <stdint.h>

#include "core/base/actor.h"
#include "core/base/fields.h"
#include "store/db.h"
#include "util/err.h"

/* A site of centralised observation, parsed: {region, name, capacity}. */
typedef struct fk_site_in {
	const char *region, *name;
	int64_t capacity;
} fk_site_in;

int fk_site_parse(const json_t *in, fk_site_in *s, fk_err *e);

/* Creates the site in a region in scope (404 otherwise). */
json_t *fk_site_create(fk_db *db, const fk_actor *who, const fk_site_in *s, fk_err *e);
/* Centralised observation sites in a region, by id. */
extern const struct fk_list fk_site_list;

/* The body of POST /sites (its declaration). */
extern const fk_field fk_site_fields[];

/* A place at site_id for one more person: 404 naming site_id when there is
 * no such site, 409 when it is full.  Returns 0 or -1 with e set. */
int fk_site_take(fk_db *db, int64_t site_id, fk_err *e);

/* Occupancy changed by delta (a person leaves: -1; an observation resumed:
 * +1).  Returns 0 or -1. */
int fk_site_move(fk_db *db, int64_t site_id, int delta);

#endif
