/* parseutil.h - checks for the parse functions of writes (fk_<thing>_parse):
 * an input given as JSON text, with placeholders for the clock, either
 * parses or fails with 400 naming one field.
 *
 * Placeholders: {today}, {tomorrow} and {yesterday} (YYYY-MM-DD, the
 * deployment's days), {now} and {later} (Unix seconds, now and an hour on).
 * Include after <cmocka.h>. */
#ifndef FK_PARSEUTIL_H
#define FK_PARSEUTIL_H

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "util/date.h"
#include "util/err.h"

/* A parse function under test, with its struct on the caller's side. */
typedef int (*tp_parse)(const json_t *in, fk_err *e);

/* text with its placeholders filled, parsed (new reference). */
static inline json_t *tp_json(const char *text)
{
	char out[4096], v[32];
	size_t n = 0;
	while (*text && n < sizeof(out) - 32) {
		const char *end = *text == '{' ? strchr(text, '}') : NULL;
		v[0] = '\0';
		if (end) {
			size_t k = (size_t)(end - text + 1);
			if (k == 7 && !strncmp(text, "{today}", k))
				fk_date_format(fk_today(), v);
			else if (k == 10 && !strncmp(text, "{tomorrow}", k))
				fk_date_format(fk_today() + 1, v);
			else if (k == 11 && !strncmp(text, "{yesterday}", k))
				fk_date_format(fk_today() - 1, v);
			else if (k == 5 && !strncmp(text, "{now}", k))
				snprintf(v, sizeof(v), "%lld", (long long)fk_now());
			else if (k == 7 && !strncmp(text, "{later}", k))
				snprintf(v, sizeof(v), "%lld", (long long)fk_now() + 3600);
			if (v[0]) {
				n += (size_t)snprintf(out + n, sizeof(out) - n, "%s", v);
				text = end + 1;
				continue;
			}
		}
		out[n++] = *text++;
	}
	out[n] = '\0';
	json_error_t je;
	json_t *j = json_loads(out, JSON_REJECT_DUPLICATES, &je);
	if (!j)
		fail_msg("bad test input %s: %s", out, je.text);
	return j;
}

/* parse accepts text.  Returns the input, which the parsed strings point
 * into: the caller releases it. */
static inline json_t *tp_ok(tp_parse parse, const char *text)
{
	json_t *in = tp_json(text);
	fk_err e = { 0 };
	int rc = parse(in, &e);
	if (rc != 0)
		fail_msg("%s: refused: %s (%s)", text, e.message, e.field);
	return in;
}

/* parse refuses text with 400 naming field. */
static inline void tp_bad(tp_parse parse, const char *text, const char *field)
{
	json_t *in = tp_json(text);
	fk_err e = { 0 };
	int rc = parse(in, &e);
	if (rc != -1 || e.status != 400 || strcmp(e.field, field) != 0)
		fail_msg("%s: expected 400 naming %s, got %d %d (%s: %s)", text, field, rc, e.status, e.field,
			 e.message);
	json_decref(in);
}

#endif
