/* fuzz_router.c - libFuzzer target for the route matcher (http/router.c)
 * with the real route table (http/routes.c; handlers are stubs generated
 * by fuzz/run.sh from http/handlers.h).
 *
 * Input: the first byte picks the method, the rest is the path.  Checks:
 * the answer is 200, 404 or 405; on 200 the route's method fits and the
 * pattern with its captures put back gives exactly the path (captures are
 * non-empty, hold no '/', and point into the path); on 405 the Allow list
 * is non-empty; on 404 no route is set.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/router.h"

#define CHECK(c)                                  \
	do {                                      \
		if (!(c))                         \
			__builtin_trap();         \
	} while (0)

static const char *const methods[] = { "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "get", "" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const char *method = methods[data[0] % (sizeof(methods) / sizeof(methods[0]))];
	/* The server hands the matcher a NUL-terminated path; an embedded NUL
	 * simply ends it. */
	char *path = malloc(size);
	memcpy(path, data + 1, size - 1);
	path[size - 1] = '\0';
	size_t plen = strlen(path);

	fk_match m;
	memset(&m, 0xAA, sizeof(m));
	int rc = fk_route_match(fk_routes, fk_routes_count, method, path, &m);
	CHECK(rc == 200 || rc == 404 || rc == 405);
	CHECK(memchr(m.allow, '\0', sizeof(m.allow)) != NULL);
	if (rc == 200) {
		CHECK(m.route >= fk_routes && m.route < fk_routes + fk_routes_count);
		const char *want = strcmp(method, "HEAD") == 0 ? "GET" : method;
		CHECK(strcmp(m.route->method, want) == 0);
		CHECK(m.nparams >= 0 && m.nparams <= FK_MAX_PARAMS);
		/* Rebuild the path from the pattern and the captures. */
		char *re = malloc(plen + strlen(m.route->pattern) + 1);
		size_t n = 0;
		int k = 0;
		for (const char *p = m.route->pattern; *p;) {
			if (*p == '{') {
				const char *end = strchr(p, '}');
				CHECK(end != NULL && k < m.nparams);
				CHECK(m.name_lens[k] == (size_t)(end - p - 1));
				CHECK(memcmp(m.names[k], p + 1, m.name_lens[k]) == 0);
				CHECK(m.value_lens[k] > 0);
				CHECK(m.values[k] >= path && m.values[k] + m.value_lens[k] <= path + plen);
				CHECK(memchr(m.values[k], '/', m.value_lens[k]) == NULL);
				memcpy(re + n, m.values[k], m.value_lens[k]);
				n += m.value_lens[k];
				k++;
				p = end + 1;
			} else {
				re[n++] = *p++;
			}
		}
		re[n] = '\0';
		CHECK(k == m.nparams);
		CHECK(strcmp(re, path) == 0);
		free(re);
	} else if (rc == 405) {
		CHECK(m.route == NULL);
		CHECK(m.allow[0] != '\0');
	} else {
		CHECK(m.route == NULL);
		CHECK(m.allow[0] == '\0');
	}
	free(path);
	return 0;
}
