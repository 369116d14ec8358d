/* router.c - segment-by-segment matching of paths against route patterns.
 * Linear over the table: a few dozen routes, each compared without
 * allocation, costs less than parsing the request line. */
#include "http/router.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Matches one pattern; fills captures.  A capture matches one non-empty
 * segment. */
static bool pattern_match(const char *pat, const char *path, fk_match *m)
{
	m->nparams = 0;
	while (*pat && *path) {
		if (*pat != '/' || *path != '/')
			return false;
		pat++, path++;
		const char *pe = strchr(pat, '/'), *se = strchr(path, '/');
		size_t pl = pe ? (size_t)(pe - pat) : strlen(pat);
		size_t sl = se ? (size_t)(se - path) : strlen(path);
		if (pl >= 2 && pat[0] == '{' && pat[pl - 1] == '}') {
			if (sl == 0 || m->nparams == FK_MAX_PARAMS)
				return false;
			m->names[m->nparams] = pat + 1;
			m->name_lens[m->nparams] = pl - 2;
			m->values[m->nparams] = path;
			m->value_lens[m->nparams] = sl;
			m->nparams++;
		} else if (pl != sl || memcmp(pat, path, pl) != 0) {
			return false;
		}
		pat += pl, path += sl;
	}
	return *pat == '\0' && *path == '\0';
}

int fk_route_match(const fk_route *table, size_t n, const char *method, const char *path, fk_match *m)
{
	bool path_seen = false;
	size_t alen = 0;
	m->allow[0] = '\0';
	m->route = NULL;
	const char *want = strcmp(method, "HEAD") == 0 ? "GET" : method;
	for (size_t i = 0; i < n; i++) {
		fk_match t;
		if (!pattern_match(table[i].pattern, path, &t))
			continue;
		if (strcmp(table[i].method, want) == 0) {
			*m = t;
			m->route = &table[i];
			m->allow[0] = '\0';
			return 200;
		}
		path_seen = true;
		int w = snprintf(m->allow + alen, sizeof(m->allow) - alen, "%s%s", alen ? ", " : "",
				 table[i].method);
		if (w > 0 && alen + (size_t)w < sizeof(m->allow))
			alen += (size_t)w;
	}
	return path_seen ? 405 : 404;
}
