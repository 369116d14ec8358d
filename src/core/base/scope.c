/* scope.c - region scope (see scope.h). */
#include "core/base/scope.h"

#include <stdio.h>
#include <string.h>

#include "core/base/region.h"

bool fk_scope_contains(const char *scope, const char *code)
{
	return strncmp(scope, code, strlen(scope)) == 0;
}

void fk_scope_upper(const char *scope, char *hi, int hilen)
{
	size_t n = strlen(scope);
	if (n == 0) {
		snprintf(hi, (size_t)hilen, "~");
		return;
	}
	if ((int)n + 1 > hilen) {
		/* no room: an empty range (nothing matches), never a wider one */
		if (hilen > 0)
			hi[0] = '\0';
		return;
	}
	memcpy(hi, scope, n + 1);
	hi[n - 1]++;
}

bool fk_scope_has(const fk_actor *who, const char *code)
{
	return code && fk_scope_contains(who->region, code);
}

const char *fk_scope_region(const fk_actor *who, const char *region, fk_err *e)
{
	const char *base = region ? region : who->region;
	if (fk_region_level_of(base) < 0 || !fk_scope_contains(who->region, base)) {
		fk_err_not_found(e, "region %s not found", *base ? base : "root");
		return NULL;
	}
	return base;
}

int fk_scope_range(const fk_actor *who, const char *region, fk_range *out, fk_err *e)
{
	out->base = fk_scope_region(who, region, e);
	if (!out->base)
		return -1;
	fk_scope_upper(out->base, out->hi, sizeof(out->hi));
	return 0;
}

int fk_scope_row(const fk_actor *who, const char *code, const char *what, fk_err *e)
{
	return fk_scope_ref(who, code, NULL, what, e);
}

int fk_scope_ref(const fk_actor *who, const char *code, const char *field, const char *what, fk_err *e)
{
	if (fk_scope_has(who, code))
		return 0;
	return fk_err_set(e, 404, "not_found", field, "%s not found", what);
}

/* Each kind's noun and the query for its region; the SQL is fixed here,
 * never built from input. */
static const struct {
	const char *noun, *sql;
} kinds[] = {
	[FK_SCOPE_CASE] = { "case", "SELECT region FROM cases WHERE id = $1" },
	[FK_SCOPE_CONTACT] = { "contact", "SELECT region FROM contacts WHERE id = $1" },
	[FK_SCOPE_OBSERVATION] = { "observation", "SELECT region FROM observations WHERE id = $1" },
	[FK_SCOPE_SITE] = { "site", "SELECT region FROM sites WHERE id = $1" },
	[FK_SCOPE_PERSON] = { "person", "SELECT region FROM persons WHERE id = $1" },
	[FK_SCOPE_HOUSEHOLD] = { "household", "SELECT grid FROM households WHERE id = $1" },
	[FK_SCOPE_ALERT] = { "alert", "SELECT grid FROM alerts WHERE id = $1" },
	[FK_SCOPE_VOLUNTEER] = { "volunteer", "SELECT region FROM volunteers WHERE id = $1" },
	[FK_SCOPE_TEAM] = { "team", "SELECT region FROM teams WHERE id = $1" },
	[FK_SCOPE_POST] = { "post", "SELECT region FROM posts WHERE id = $1" },
	[FK_SCOPE_SHIFT] = { "shift", "SELECT region FROM shifts WHERE id = $1" },
	[FK_SCOPE_SHIFT_PERSON] = { "shift assignment", "SELECT region FROM shift_people WHERE id = $1" },
	[FK_SCOPE_CORRECTION] = { "correction", "SELECT region FROM hour_corrections WHERE id = $1" },
	[FK_SCOPE_TASK] = { "task", "SELECT region FROM service_tasks WHERE id = $1" },
	[FK_SCOPE_INSPECTION] = { "inspection", "SELECT region FROM inspections WHERE id = $1" },
	[FK_SCOPE_FINDING] = { "finding", "SELECT region FROM inspection_findings WHERE id = $1" },
	[FK_SCOPE_ANNOUNCEMENT] = { "announcement", "SELECT region FROM announcements WHERE id = $1" },
	[FK_SCOPE_PLEDGE] = { "pledge", "SELECT region FROM pledges WHERE id = $1" },
	[FK_SCOPE_DOCTOR_TEAM] = { "team", "SELECT region FROM doctor_teams WHERE id = $1" },
	[FK_SCOPE_DOCTOR] = { "doctor", "SELECT region FROM doctors WHERE id = $1" },
	[FK_SCOPE_WAREHOUSE] = { "warehouse", "SELECT region FROM warehouses WHERE id = $1" },
};

int fk_scope_load(fk_db *db, const fk_actor *who, fk_scope_kind kind, int64_t id, const char *field,
		  char region[16], fk_err *e)
{
	fk_stmt *st;
	region[0] = '\0';
	if (fk_db_query(db, &st, kinds[kind].sql, "i", id) < 0)
		return fk_err_internal(e);
	int rc = fk_stmt_step(st);
	if (rc == FK_ROW)
		snprintf(region, 16, "%s", fk_stmt_text(st, 0));
	fk_stmt_done(st);
	if (rc < 0)
		return fk_err_internal(e);
	return fk_scope_ref_id(who, rc == FK_ROW ? region : NULL, field, kinds[kind].noun, id, e);
}

int fk_scope_ref_id(const fk_actor *who, const char *region, const char *field, const char *noun, int64_t id,
		    fk_err *e)
{
	char what[48];
	snprintf(what, sizeof(what), "%s %lld", noun, (long long)id);
	return fk_scope_ref(who, region, field, what, e);
}

int fk_scope_grid(fk_db *db, const fk_actor *who, const char *grid, const char *field, fk_err *e)
{
	if (!grid || fk_region_level_of(grid) != FK_LEVEL_GRID)
		return fk_err_invalid(e, field, "%s: a 15-digit grid code", field);
	int64_t n = 0;
	if (fk_scope_has(who, grid) &&
	    fk_db_int64(db, &n, "SELECT count(*) FROM regions WHERE code = $1", "s", grid) < 0)
		return fk_err_internal(e);
	char what[32];
	snprintf(what, sizeof(what), "grid %s", grid);
	return fk_scope_ref(who, n ? grid : NULL, field, what, e);
}
