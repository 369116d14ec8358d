/* util.c - small checks the mobilisation, supervision and announcement
 * modules share (see internal.h). */
#include "core/mobilise/internal.h"

#include <stdio.h>
#include <string.h>

#include "core/base/fields.h"
#include "core/base/region.h"
#include "core/base/rows.h"
#include "util/date.h"
#include "util/strbuf.h"

int mob_index_of(const char *const *names, const char *s)
{
	for (int i = 0; s && names[i]; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

int mob_enum_err(fk_err *e, const char *field, const char *const *names)
{
	char list[200] = "";
	size_t n = 0;
	for (int i = 0; names[i] && n < sizeof(list); i++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s", i ? ", " : "", names[i]);
	return fk_err_invalid(e, field, "%s: one of %s", field, list);
}

int mob_region_in(fk_db *db, const fk_actor *who, const char *code, const char *field, int min_level, fk_err *e)
{
	int level = code ? fk_region_level_of(code) : -1;
	if (level < 0)
		return fk_err_invalid(e, field, "%s: a region code", field);
	int64_t n = 0;
	if (fk_scope_has(who, code) && fk_db_int64(db, &n, "SELECT count(*) FROM regions WHERE code = $1", "s", code) < 0)
		return fk_err_internal(e);
	char what[40];
	snprintf(what, sizeof(what), "region %s", *code ? code : "root");
	if (fk_scope_ref(who, n ? code : NULL, field, what, e) < 0)
		return -1;
	if (level < min_level)
		return fk_err_invalid(e, field, "%s: a %s or below", field,
				      min_level >= FK_LEVEL_COMMUNITY ? "community" : "street");
	return 0;
}

int mob_opt_id(const json_t *in, const char *field, int64_t *out, fk_err *e)
{
	json_t *v = json_object_get(in, field);
	*out = 0;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 1)
		return fk_err_invalid(e, field, "%s: a positive id", field);
	*out = json_integer_value(v);
	return 0;
}

int mob_date(const json_t *in, const char *field, int64_t dflt, int64_t *day, fk_err *e)
{
	const char *s = fk_json_str(in, field);
	if (!s) {
		if (dflt < 0)
			return fk_err_invalid(e, field, "%s: required (YYYY-MM-DD)", field);
		*day = dflt;
		return 0;
	}
	if (fk_date_parse(s, day) < 0)
		return fk_err_invalid(e, field, "%s: a date YYYY-MM-DD", field);
	return 0;
}

json_t *mob_rows(fk_db *db, const char *sql, int64_t id)
{
	json_t *a = json_array();
	fk_stmt *st;
	if (fk_db_query(db, &st, sql, "i", id) < 0)
		return a;
	while (fk_stmt_step(st) == FK_ROW) {
		json_t *o = fk_row_json(st);
		json_t *d = json_object_get(o, "day");
		if (d) {
			char s[11];
			fk_date_format(json_integer_value(d), s);
			json_object_set_new(o, "date", json_string(s));
			json_object_del(o, "day");
		}
		json_array_append_new(a, o);
	}
	return a;
}

int mob_flag(const char *value, const char *field, bool *yes, fk_err *e)
{
	*yes = strcmp(value, "1") == 0 || strcmp(value, "true") == 0;
	if (!*yes && strcmp(value, "0") != 0 && strcmp(value, "false") != 0)
		return fk_err_invalid(e, field, "%s: 1, true, 0 or false", field);
	return 0;
}
