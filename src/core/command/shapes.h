/* shapes.h - a deployment's own region boundaries (street, community, grid
 * shapes drawn by its surveyors): the one owner of the table region_shapes.
 *
 * A GeoJSON FeatureCollection (RFC 7946) is imported whole or not at all:
 * each feature names its region by code (properties.code, or
 * properties.adcode as ECharts-format maps carry it) and has a Polygon or
 * MultiPolygon geometry of [longitude, latitude] positions; every ring has
 * at least four positions, ends where it starts, and does not cross
 * itself.  Features that fail are listed by index with the reason.  The
 * map pages read the shapes of a region's children; a child without one is
 * drawn as a tile.  Import runs from the command line (fangkong regions
 * shapes import FILE) or POST /api/v1/shapes (codes outside the caller's
 * area are refused as unknown); reading is open to any module.
 */
#ifndef FK_SHAPES_H
#define FK_SHAPES_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/base/actor.h"
#include "store/db.h"
#include "util/err.h"

#define FK_SHAPES_MAX_FEATURES 100000 /* features in one file */
#define FK_SHAPES_MAX_RING 20000      /* positions in one ring (the crossing test is quadratic) */

/* Checks text (n bytes of GeoJSON) and, when every feature passes, stores
 * the shapes in the current write transaction (a region's earlier shape is
 * replaced) with one audit entry.  Returns the number stored, or -1 with e
 * set: 400 naming "file" (not JSON, with the position), "type" (not a
 * FeatureCollection) or "features[i]" (the first rejected feature; the
 * message counts them) — and then *rejected (when not NULL) receives every
 * rejected feature as [{index, reason}], to release. */
int64_t fk_shapes_import(fk_db *db, const fk_actor *who, const char *text, size_t n, json_t **rejected, fk_err *e);

/* Whether the ring of n positions xy[2*i], xy[2*i+1] (closed: the last
 * equals the first) has two non-adjacent edges that touch or cross; the
 * first such pair of edge indices into *a, *b. */
int fk_ring_crosses(const double *xy, size_t n, size_t *a, size_t *b);

/* The shapes of the children of region code (in who's scope; 404
 * otherwise) as a FeatureCollection: {type, region: {code, name, level},
 * features: [{type: "Feature", properties: {code, name}, geometry}],
 * missing: [{code, name}] (children without a shape)}. */
json_t *fk_shapes_children(fk_db *db, const fk_actor *who, const char *code, fk_err *e);

#endif
