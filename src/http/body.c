/* body.c - bounded JSON body reading (see body.h). */
#include "http/body.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

const fk_body_limits fk_body_defaults = { .max_depth = 32, .max_string = 64 * 1024 };

/* Returns the byte offset where nesting first exceeds max, or -1. */
static long depth_exceeded(const char *buf, size_t len, int max)
{
	int depth = 0;
	bool in_str = false;
	for (size_t i = 0; i < len; i++) {
		char c = buf[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = false;
		} else if (c == '"') {
			in_str = true;
		} else if (c == '[' || c == '{') {
			if (++depth > max)
				return (long)i;
		} else if (c == ']' || c == '}') {
			depth--;
		}
	}
	return -1;
}

/* Finds the first string or key longer than max; writes its path to path. */
static bool too_long(json_t *v, size_t max, char *path, size_t plen)
{
	size_t used = strlen(path);
	if (json_is_string(v))
		return json_string_length(v) > max;
	if (json_is_object(v)) {
		const char *k;
		json_t *x;
		json_object_foreach(v, k, x) {
			snprintf(path + used, plen - used, "%s%.64s", used ? "." : "", k);
			if (strlen(k) > max || too_long(x, max, path, plen))
				return true;
		}
	} else if (json_is_array(v)) {
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x) {
			snprintf(path + used, plen - used, "[%zu]", i);
			if (too_long(x, max, path, plen))
				return true;
		}
	}
	path[used] = '\0';
	return false;
}

int fk_body_parse(const char *buf, size_t len, const fk_body_limits *lim, json_t **out, fk_err *e)
{
	*out = NULL;
	if (len == 0)
		return fk_err_set(e, 400, "invalid_json", NULL, "the request needs a JSON body");
	long at = depth_exceeded(buf, len, lim->max_depth);
	if (at >= 0)
		return fk_err_set(e, 400, "too_deep", NULL, "JSON nested deeper than %d levels at position %ld",
				  lim->max_depth, at);
	json_error_t je;
	json_t *v = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (!v)
		return fk_err_set(e, 400, "invalid_json", NULL, "invalid JSON at line %d, column %d (position %d): %s",
				  je.line, je.column, je.position, je.text);
	char path[256] = "";
	if (too_long(v, lim->max_string, path, sizeof(path))) {
		json_decref(v);
		return fk_err_set(e, 400, "too_long", path, "%s: longer than %zu bytes", path[0] ? path : "string",
				  lim->max_string);
	}
	*out = v;
	return 0;
}
