/* fields.c - validating request objects against declared fields. */
#include "core/base/fields.h"

#include <string.h>

#include "util/text.h"

size_t fk_utf8_len(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

const char *fk_json_str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

const char *fk_json_str_or(const json_t *obj, const char *key)
{
	const char *s = fk_json_str(obj, key);
	return s ? s : "";
}

static const char *type_name(fk_ftype t)
{
	switch (t) {
	case FK_FT_STRING: return "a string";
	case FK_FT_INT: return "an integer";
	case FK_FT_NUMBER: return "a number";
	case FK_FT_BOOL: return "true or false";
	case FK_FT_ARRAY: return "an array";
	case FK_FT_OBJECT: return "an object";
	}
	return "?";
}

int fk_fields_check(const json_t *obj, const fk_field *fields, fk_err *e)
{
	if (!json_is_object(obj))
		return fk_err_invalid(e, NULL, "the body must be a JSON object");
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)obj, key, v) {
		const fk_field *f = fields;
		while (f->name && strcmp(f->name, key) != 0)
			f++;
		if (!f->name)
			return fk_err_invalid(e, key, "%s: unknown field", key);
	}
	for (const fk_field *f = fields; f->name; f++) {
		v = json_object_get(obj, f->name);
		if (!v || json_is_null(v)) {
			if (f->required)
				return fk_err_invalid(e, f->name, "%s: required", f->name);
			continue;
		}
		bool ok = (f->type == FK_FT_STRING && json_is_string(v)) ||
			  (f->type == FK_FT_INT && json_is_integer(v)) ||
			  (f->type == FK_FT_NUMBER && json_is_number(v)) ||
			  (f->type == FK_FT_BOOL && json_is_boolean(v)) ||
			  (f->type == FK_FT_ARRAY && json_is_array(v)) ||
			  (f->type == FK_FT_OBJECT && json_is_object(v));
		if (!ok)
			return fk_err_invalid(e, f->name, "%s: must be %s", f->name, type_name(f->type));
		size_t bad = f->type == FK_FT_STRING ? fk_text_bad_char(json_string_value(v)) : 0;
		if (bad)
			return fk_err_invalid(e, f->name,
					      "%s: a control or bidirectional-override character at position %zu", f->name,
					      bad);
		if (f->min == 0 && f->max == 0)
			continue;
		if (f->type == FK_FT_STRING) {
			int64_t n = (int64_t)fk_utf8_len(json_string_value(v));
			if (n < f->min || n > f->max)
				return fk_err_invalid(e, f->name, "%s: %lld to %lld characters", f->name,
						      (long long)f->min, (long long)f->max);
		} else if (f->type == FK_FT_ARRAY) {
			int64_t n = (int64_t)json_array_size(v);
			if (n < f->min || n > f->max)
				return fk_err_invalid(e, f->name, "%s: %lld to %lld items", f->name, (long long)f->min,
						      (long long)f->max);
		} else if (f->type == FK_FT_INT) {
			json_int_t n = json_integer_value(v);
			if (n < f->min || n > f->max)
				return fk_err_invalid(e, f->name, "%s: from %lld to %lld", f->name,
						      (long long)f->min, (long long)f->max);
		}
	}
	return 0;
}
