/* shapes.c - region boundaries from GeoJSON (see shapes.h).  Load: a city's
 * streets and communities, a few thousand features of up to a few thousand
 * positions, imported now and then from the command line. */
#include "core/command/shapes.h"

#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "core/base/audit.h"
#include "core/base/region.h"
#include "core/base/scope.h"
#include "util/date.h"

/* The sign of the turn a → b → c: 1 left, -1 right, 0 in line. */
static int turn(const double *a, const double *b, const double *c)
{
	double v = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
	return v > 0 ? 1 : v < 0 ? -1 : 0;
}

/* Whether c lies on segment a-b, knowing the three are in line. */
static int within(const double *a, const double *b, const double *c)
{
	return fmin(a[0], b[0]) <= c[0] && c[0] <= fmax(a[0], b[0]) && fmin(a[1], b[1]) <= c[1] &&
	       c[1] <= fmax(a[1], b[1]);
}

/* Whether segments p1-p2 and q1-q2 touch or cross. */
static int meet(const double *p1, const double *p2, const double *q1, const double *q2)
{
	int d1 = turn(q1, q2, p1), d2 = turn(q1, q2, p2), d3 = turn(p1, p2, q1), d4 = turn(p1, p2, q2);
	if (d1 * d2 < 0 && d3 * d4 < 0)
		return 1;
	return (d1 == 0 && within(q1, q2, p1)) || (d2 == 0 && within(q1, q2, p2)) || (d3 == 0 && within(p1, p2, q1)) ||
	       (d4 == 0 && within(p1, p2, q2));
}

int fk_ring_crosses(const double *xy, size_t n, size_t *a, size_t *b)
{
	size_t edges = n - 1; /* edge i runs from position i to i + 1 */
	for (size_t i = 0; i + 1 < edges; i++)
		for (size_t j = i + 2; j < edges; j++) {
			if (i == 0 && j == edges - 1)
				continue; /* the first and last edges share the closing position */
			if (meet(xy + 2 * i, xy + 2 * i + 2, xy + 2 * j, xy + 2 * j + 2)) {
				*a = i;
				*b = j;
				return 1;
			}
		}
	return 0;
}

/* Checks one ring; NULL when it is good, else the reason (in buf). */
static const char *ring_check(const json_t *ring, const char *where, char *buf, size_t len)
{
	size_t n = json_array_size(ring);
	if (!json_is_array(ring) || n < 4) {
		snprintf(buf, len, "%s: a ring needs at least 4 positions", where);
		return buf;
	}
	if (n > FK_SHAPES_MAX_RING) {
		snprintf(buf, len, "%s: more than %d positions", where, FK_SHAPES_MAX_RING);
		return buf;
	}
	double *xy = malloc(2 * n * sizeof(double));
	if (!xy) {
		snprintf(buf, len, "%s: out of memory", where);
		return buf;
	}
	const char *bad = NULL;
	for (size_t i = 0; i < n && !bad; i++) {
		const json_t *p = json_array_get(ring, i);
		const json_t *x = json_array_get(p, 0), *y = json_array_get(p, 1);
		if (!json_is_number(x) || !json_is_number(y) || json_array_size(p) < 2) {
			snprintf(buf, len, "%s: position %zu is not [longitude, latitude]", where, i);
			bad = buf;
			break;
		}
		xy[2 * i] = json_number_value(x);
		xy[2 * i + 1] = json_number_value(y);
		if (fabs(xy[2 * i]) > 180 || fabs(xy[2 * i + 1]) > 90) {
			snprintf(buf, len, "%s: position %zu is outside longitude -180..180, latitude -90..90", where, i);
			bad = buf;
		}
	}
	size_t a, b;
	if (!bad && (xy[0] != xy[2 * n - 2] || xy[1] != xy[2 * n - 1])) {
		snprintf(buf, len, "%s: the ring does not end where it starts", where);
		bad = buf;
	} else if (!bad && fk_ring_crosses(xy, n, &a, &b)) {
		snprintf(buf, len, "%s: the ring crosses itself (edges %zu and %zu)", where, a, b);
		bad = buf;
	}
	free(xy);
	return bad;
}

/* Checks a geometry; NULL when good, else the reason. */
static const char *geometry_check(const json_t *g, char *buf, size_t len)
{
	const char *type = json_string_value(json_object_get(g, "type"));
	const json_t *c = json_object_get(g, "coordinates");
	bool multi = type && strcmp(type, "MultiPolygon") == 0;
	if (!type || (!multi && strcmp(type, "Polygon") != 0) || !json_is_array(c) || !json_array_size(c)) {
		snprintf(buf, len, "geometry: a Polygon or MultiPolygon with coordinates");
		return buf;
	}
	for (size_t p = 0; p < (multi ? json_array_size(c) : 1); p++) {
		const json_t *poly = multi ? json_array_get(c, p) : c;
		if (!json_is_array(poly) || !json_array_size(poly)) {
			snprintf(buf, len, "geometry: polygon %zu has no rings", p);
			return buf;
		}
		for (size_t r = 0; r < json_array_size(poly); r++) {
			char where[64];
			if (multi)
				snprintf(where, sizeof(where), "geometry: polygon %zu ring %zu", p, r);
			else
				snprintf(where, sizeof(where), "geometry: ring %zu", r);
			const char *bad = ring_check(json_array_get(poly, r), where, buf, len);
			if (bad)
				return bad;
		}
	}
	return NULL;
}

/* The feature's region code (properties.code or .adcode), in buf. */
static const char *feature_code(const json_t *f, char *buf, size_t len)
{
	const json_t *p = json_object_get(f, "properties");
	const json_t *c = json_object_get(p, "code");
	if (!c)
		c = json_object_get(p, "adcode");
	if (json_is_string(c))
		snprintf(buf, len, "%s", json_string_value(c));
	else if (json_is_integer(c))
		snprintf(buf, len, "%lld", (long long)json_integer_value(c));
	else
		return NULL;
	return buf;
}

int64_t fk_shapes_import(fk_db *db, const fk_actor *who, const char *text, size_t n, json_t **rejected, fk_err *e)
{
	if (rejected)
		*rejected = NULL;
	json_error_t je;
	json_t *doc = json_loadb(text, n, JSON_REJECT_DUPLICATES, &je);
	if (!doc)
		return fk_err_invalid(e, "file", "file: not JSON (%s at position %d)", je.text, je.position);
	const json_t *features = json_object_get(doc, "features");
	const char *type = json_string_value(json_object_get(doc, "type"));
	if (!type || strcmp(type, "FeatureCollection") != 0 || !json_is_array(features)) {
		json_decref(doc);
		return fk_err_invalid(e, "type", "type: the file is not a GeoJSON FeatureCollection");
	}
	if (json_array_size(features) > FK_SHAPES_MAX_FEATURES) {
		json_decref(doc);
		return fk_err_invalid(e, "features", "features: more than %d", FK_SHAPES_MAX_FEATURES);
	}
	json_t *bad = json_array();
	size_t i;
	json_t *f;
	int64_t known = 0;
	json_array_foreach(features, i, f) {
		char code[32], reason[200];
		const char *why = NULL;
		if (!feature_code(f, code, sizeof(code)) || fk_region_level_of(code) <= 0) {
			snprintf(reason, sizeof(reason), "properties.code: a region code");
			why = reason;
		} else if (fk_db_int64(db, &known, "SELECT count(*) FROM regions WHERE code = $1", "s", code) < 0) {
			json_decref(bad);
			json_decref(doc);
			return fk_err_internal(e);
		} else if (!known || !fk_scope_has(who, code)) { /* outside the caller's area: as unknown */
			snprintf(reason, sizeof(reason), "properties.code: unknown region code %s", code);
			why = reason;
		} else {
			why = geometry_check(json_object_get(f, "geometry"), reason, sizeof(reason));
		}
		if (why)
			json_array_append_new(bad, json_pack("{s:I, s:s}", "index", (json_int_t)i, "reason", why));
	}
	if (json_array_size(bad)) {
		const json_t *first = json_array_get(bad, 0);
		char field[32];
		snprintf(field, sizeof(field), "features[%lld]", (long long)json_integer_value(json_object_get(first, "index")));
		fk_err_invalid(e, field, "%s: %s (%zu of %zu features rejected; nothing imported)", field,
			       json_string_value(json_object_get(first, "reason")), json_array_size(bad),
			       json_array_size(features));
		if (rejected)
			*rejected = bad;
		else
			json_decref(bad);
		json_decref(doc);
		return -1;
	}
	json_decref(bad);
	int64_t now = fk_now(), stored = 0;
	json_array_foreach(features, i, f) {
		char code[32];
		feature_code(f, code, sizeof(code));
		char *g = json_dumps(json_object_get(f, "geometry"), JSON_COMPACT);
		int rc = fk_db_run(db,
				   "INSERT INTO region_shapes (region, geometry, updated_at) VALUES ($1, $2, $3)"
				   " ON CONFLICT (region) DO UPDATE SET geometry = excluded.geometry, updated_at = excluded.updated_at",
				   "ssi", code, g, now);
		free(g);
		if (rc < 0) {
			json_decref(doc);
			return fk_err_internal(e);
		}
		stored++;
	}
	json_decref(doc);
	json_t *d = json_pack("{s:I}", "features", (json_int_t)stored);
	int rc = fk_audit_append(db, who, "region.shapes", "region_shapes", who->region, d);
	json_decref(d);
	return rc < 0 ? fk_err_internal(e) : stored;
}

json_t *fk_shapes_children(fk_db *db, const fk_actor *who, const char *code, fk_err *e)
{
	json_t *self = fk_region_get(db, who, code, e);
	if (!self)
		return NULL;
	fk_stmt *st;
	if (fk_db_query(db, &st,
			"SELECT r.code, r.name, s.geometry FROM regions r LEFT JOIN region_shapes s ON s.region = r.code"
			" WHERE r.parent = $1 ORDER BY r.code",
			"s", json_string_value(json_object_get(self, "code"))) < 0) {
		json_decref(self);
		fk_err_internal(e);
		return NULL;
	}
	json_t *features = json_array(), *missing = json_array();
	while (fk_stmt_step(st) == FK_ROW) {
		json_t *props = json_pack("{s:s, s:s}", "code", fk_stmt_text(st, 0), "name", fk_stmt_text(st, 1));
		json_t *g = fk_stmt_is_null(st, 2) ? NULL : json_loads(fk_stmt_text(st, 2), 0, NULL);
		if (g)
			json_array_append_new(features, json_pack("{s:s, s:o, s:o}", "type", "Feature", "properties", props,
								  "geometry", g));
		else
			json_array_append_new(missing, props);
	}
	fk_stmt_done(st);
	json_t *out = json_pack("{s:s, s:{s:O, s:O, s:O}, s:o, s:o}", "type", "FeatureCollection", "region", "code",
				json_object_get(self, "code"), "name", json_object_get(self, "name"), "level",
				json_object_get(self, "level"), "features", features, "missing", missing);
	json_decref(self);
	return out;
}
