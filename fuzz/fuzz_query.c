/* fuzz_query.c - libFuzzer target for query strings: the filters, region
 * and page of every declared list (core/base/list.c fk_list_run), run
 * against the fixture database (fuzzdb.h), so the checks, the SQL they
 * assemble and the page read are all exercised.
 *
 * The lists are those of the route table (every route served by h_list),
 * so a new list is fuzzed without editing this file.  Input: the first byte
 * picks the list (low bits) and the caller (top bit: the CLI's full scope
 * or a grid worker's); the rest is name=value lines, what the server hands
 * the list after decoding the query string and the path.  "limit" and
 * "after" are read as fk_req_page reads them (after: the cursor's key, not
 * yet base64url — fuzz_cursor covers the decoding).
 *
 * Checks: a refusal is a client error (400, 403 or 404; never 500) with
 * terminated strings; an answer is {"items": [...], "next": cursor|null}
 * with at most limit items and a cursor that decodes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/list.h"
#include "fuzzdb.h"
#include "http/router.h"

#define MAX_PAIRS 16

static const fk_route *lists[64];
static size_t nlists;

/* The routes served by h_list, gathered on the first input. */
static void find_lists(void)
{
	for (size_t i = 0; i < fk_routes_count && nlists < sizeof(lists) / sizeof(lists[0]); i++)
		if (fk_routes[i].list)
			lists[nlists++] = &fk_routes[i];
	if (!nlists)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!nlists)
		find_lists();
	if (size < 1)
		return 0;
	const fk_route *route = lists[(data[0] & 0x7f) % nlists];
	const fk_actor *who = fz_who(data[0]);
	/* name=value lines; an embedded NUL ends a value as in the server */
	char *text = malloc(size);
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	const char *kv[2 * MAX_PAIRS + 1];
	size_t n = 0;
	fk_page page = { FK_PAGE_DEFAULT, NULL };
	for (char *line = text, *next; line && n < 2 * MAX_PAIRS; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		char *eq = strchr(line, '=');
		if (!eq)
			continue;
		*eq = '\0';
		if (strcmp(line, "limit") == 0) {
			char *end;
			long v = strtol(eq + 1, &end, 10);
			if (!eq[1] || *end || v < 1 || v > FK_PAGE_MAX)
				goto out;
			page.limit = (int)v;
		} else if (strcmp(line, "after") == 0) {
			page.after = eq[1] ? eq + 1 : NULL;
		} else {
			kv[n++] = line;
			kv[n++] = eq + 1;
		}
	}
	kv[n] = NULL;

	fk_err e;
	memset(&e, 0, sizeof(e));
	json_t *out = fk_list_run(fz_db, who, route->list, fk_list_arg, kv, &page, 0, &e);
	if (out) {
		CHECK(e.status == 0);
		json_t *items = json_object_get(out, "items"), *nx = json_object_get(out, "next");
		CHECK(json_is_array(items));
		CHECK(json_array_size(items) <= (size_t)page.limit);
		CHECK(nx && (json_is_null(nx) || json_is_string(nx)));
		if (json_is_string(nx)) {
			fk_arena a = { 0 };
			CHECK(fk_cursor_decode(&a, json_string_value(nx)) != NULL);
			fk_arena_release(&a);
		}
		json_t *d = fk_list_detail(route->list, fk_list_arg, kv, json_array_size(items));
		CHECK(json_is_object(d));
		json_decref(d);
		json_decref(out);
	} else {
		if (e.status == 500)
			fprintf(stderr, "fuzz_query: %s answered 500: %s\n", route->pattern, e.message);
		CHECK(e.status == 400 || e.status == 403 || e.status == 404);
		fz_check_err(&e);
	}
out:
	free(text);
	return 0;
}
