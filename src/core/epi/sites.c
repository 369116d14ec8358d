/* sites.c - sites of centralised observation (see sites.h).  Expected
 * load: a few hundred sites in a city; occupancy changes with each
 * observation placed or ended. */
#include "core/epi/sites.h"

#include <stdio.h>
#include <string.h>

#include "core/base/audit.h"
#include "core/base/list.h"
#include "core/base/region.h"
#include "util/date.h"

const fk_field fk_site_fields[] = {
	{ "region", FK_FT_STRING, true, 2, 15 },
	{ "name", FK_FT_STRING, true, 1, 100 },
	{ "capacity", FK_FT_INT, true, 1, 100000 },
	{ 0 },
};

int fk_site_parse(const json_t *in, fk_site_in *site, fk_err *e)
{
	memset(site, 0, sizeof(*site));
	if (fk_fields_check(in, fk_site_fields, e) < 0)
		return -1;
	site->region = fk_json_str(in, "region");
	site->name = fk_json_str(in, "name");
	site->capacity = json_integer_value(json_object_get(in, "capacity"));
	return 0;
}

json_t *fk_site_create(fk_db *db, const fk_actor *who, const fk_site_in *in, fk_err *e)
{
	const char *region = in->region;
	json_t *r = fk_region_get(db, who, region, e);
	if (!r)
		return NULL;
	json_decref(r);
	int64_t id = 0;
	if (fk_db_int64(db, &id,
			"INSERT INTO sites (region, name, capacity, occupancy, created_at) VALUES ($1, $2, $3, 0, $4)"
			" RETURNING id",
			"ssii", region, in->name, in->capacity, fk_now()) != FK_ROW)
		goto internal;
	char obj[48];
	snprintf(obj, sizeof(obj), "site:%lld", (long long)id);
	if (fk_audit_append(db, who, "site.create", obj, region, NULL) < 0)
		goto internal;
	return json_pack("{s:I, s:s, s:s, s:I, s:i}", "id", (json_int_t)id, "region", region, "name", in->name,
			 "capacity", (json_int_t)in->capacity, "occupancy", 0);
internal:
	fk_err_internal(e);
	return NULL;
}

const fk_list fk_site_list = {
	.select = "id, region, name, capacity, occupancy FROM sites",
	FK_LIST_KEYED("region", "id"),
};

int fk_site_take(fk_db *db, int64_t site_id, fk_err *e)
{
	fk_stmt *st;
	int64_t cap = 0, occ = 0;
	if (fk_db_query(db, &st, "SELECT capacity, occupancy FROM sites WHERE id = $1", "i", site_id) < 0)
		return fk_err_internal(e);
	int rc = fk_stmt_step(st);
	if (rc == FK_ROW) {
		cap = fk_stmt_int64(st, 0);
		occ = fk_stmt_int64(st, 1);
	}
	fk_stmt_done(st);
	if (rc != FK_ROW)
		return fk_err_set(e, 404, "not_found", "site_id", "site %lld not found", (long long)site_id);
	if (occ >= cap)
		return fk_err_conflict(e, "site_id", "site_id: the site is full (%lld of %lld)", (long long)occ,
				       (long long)cap);
	return fk_site_move(db, site_id, 1) < 0 ? fk_err_internal(e) : 0;
}

int fk_site_move(fk_db *db, int64_t site_id, int delta)
{
	return fk_db_run(db, "UPDATE sites SET occupancy = occupancy + $1 WHERE id = $2", "ii", (int64_t)delta,
			 site_id) < 0
		       ? -1
		       : 0;
}
