/* test_router.c - the route matcher (http/router.h) on a small table and on
 * the real one: captures, 404 against 405 with Allow, HEAD as GET, and
 * paths that must not match (trailing slash, empty segments). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/base/list.h"
#include "core/base/perm.h"
#include "http/handlers.h"
#include "http/router.h"

static int h1(struct fk_req *r) { (void)r; return 1; }
static int h2(struct fk_req *r) { (void)r; return 2; }
static int h3(struct fk_req *r) { (void)r; return 3; }
static int h4(struct fk_req *r) { (void)r; return 4; }
static int h5(struct fk_req *r) { (void)r; return 5; }
static int h6(struct fk_req *r) { (void)r; return 6; }

static const fk_route table[] = {
	{ "GET", "/a", h1, 0, 0, "a" },
	{ "POST", "/a", h2, 0, 0, "a" },
	{ "GET", "/a/{id}", h3, 0, 0, "one a" },
	{ "DELETE", "/a/{id}", h4, 0, 0, "one a" },
	{ "GET", "/a/{id}/b/{sub}", h5, 0, 0, "a b" },
	{ "PUT", "/x/{p1}/{p2}/{p3}/{p4}", h6, 0, 0, "four" },
};
#define N (sizeof(table) / sizeof(table[0]))

static void expect_param(const fk_match *m, int i, const char *name, const char *value)
{
	assert_true(i < m->nparams);
	assert_int_equal(m->name_lens[i], strlen(name));
	assert_memory_equal(m->names[i], name, strlen(name));
	assert_int_equal(m->value_lens[i], strlen(value));
	assert_memory_equal(m->values[i], value, strlen(value));
}

static void test_literal_match(void **state)
{
	(void)state;
	fk_match m;
	assert_int_equal(fk_route_match(table, N, "GET", "/a", &m), 200);
	assert_ptr_equal(m.route, &table[0]);
	assert_int_equal(m.nparams, 0);
	assert_string_equal(m.allow, "");
	assert_int_equal(fk_route_match(table, N, "POST", "/a", &m), 200);
	assert_ptr_equal(m.route->handler, h2);
}

static void test_captures(void **state)
{
	(void)state;
	fk_match m;
	assert_int_equal(fk_route_match(table, N, "GET", "/a/420106", &m), 200);
	assert_ptr_equal(m.route, &table[2]);
	assert_int_equal(m.nparams, 1);
	expect_param(&m, 0, "id", "420106");

	assert_int_equal(fk_route_match(table, N, "GET", "/a/x%20y/b/网格", &m), 200);
	assert_ptr_equal(m.route, &table[4]);
	assert_int_equal(m.nparams, 2);
	expect_param(&m, 0, "id", "x%20y");
	expect_param(&m, 1, "sub", "网格");

	assert_int_equal(fk_route_match(table, N, "PUT", "/x/1/22/333/4444", &m), 200);
	assert_int_equal(m.nparams, FK_MAX_PARAMS);
	expect_param(&m, 0, "p1", "1");
	expect_param(&m, 3, "p4", "4444");
	/* values point into the path, not copies */
	const char *path = "/a/abc";
	assert_int_equal(fk_route_match(table, N, "GET", path, &m), 200);
	assert_ptr_equal(m.values[0], path + 3);
}

static void test_not_found(void **state)
{
	(void)state;
	fk_match m;
	const char *paths[] = {
		"/b", "/", "", "a", "/a/1/b", "/a/1/c/2", "/a/1/b/2/c", "/ab", "/A",
		"/a/", /* trailing slash */
		"/a/1/", "/a//b/2", /* empty capture */
		"//a", "/a/1/b/", "/x/1/2/3", "/x/1/2/3/4/5",
	};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		m.route = (const fk_route *)1;
		if (fk_route_match(table, N, "GET", paths[i], &m) != 404)
			print_error("path \"%s\" matched\n", paths[i]);
		assert_int_equal(fk_route_match(table, N, "GET", paths[i], &m), 404);
		assert_null(m.route);
		assert_string_equal(m.allow, "");
	}
}

static void test_method_not_allowed(void **state)
{
	(void)state;
	fk_match m;
	assert_int_equal(fk_route_match(table, N, "DELETE", "/a", &m), 405);
	assert_null(m.route);
	assert_string_equal(m.allow, "GET, POST");
	assert_int_equal(fk_route_match(table, N, "POST", "/a/7", &m), 405);
	assert_string_equal(m.allow, "GET, DELETE");
	assert_int_equal(fk_route_match(table, N, "GET", "/x/1/2/3/4", &m), 405);
	assert_string_equal(m.allow, "PUT");
	/* Methods are case-sensitive tokens. */
	assert_int_equal(fk_route_match(table, N, "get", "/a", &m), 405);
}

static void test_head_is_get(void **state)
{
	(void)state;
	fk_match m;
	assert_int_equal(fk_route_match(table, N, "HEAD", "/a/9", &m), 200);
	assert_ptr_equal(m.route, &table[2]);
	expect_param(&m, 0, "id", "9");
	assert_int_equal(fk_route_match(table, N, "HEAD", "/x/1/2/3/4", &m), 405);
	assert_string_equal(m.allow, "PUT");
}

static void test_empty_table(void **state)
{
	(void)state;
	fk_match m;
	assert_int_equal(fk_route_match(table, 0, "GET", "/a", &m), 404);
}

static void test_real_table(void **state)
{
	(void)state;
	fk_match m;
	assert_true(fk_routes_count > 0);
	assert_int_equal(fk_route_match(fk_routes, fk_routes_count, "GET", "/api/v1/health", &m), 200);
	assert_int_equal(m.route->perm, FK_PERM_PUBLIC);
	assert_int_equal(fk_route_match(fk_routes, fk_routes_count, "HEAD", "/api/v1/health", &m), 200);
	assert_int_equal(fk_route_match(fk_routes, fk_routes_count, "GET", "/api/v1/health/", &m), 404);
	assert_int_equal(fk_route_match(fk_routes, fk_routes_count, "POST", "/api/v1/health", &m), 405);
	assert_string_equal(m.allow, "GET");

	assert_int_equal(fk_route_match(fk_routes, fk_routes_count, "GET", "/api/v1/regions/420106/children", &m), 200);
	expect_param(&m, 0, "code", "420106");
	assert_true(m.route->perm & FK_PERM_REGION_READ);
	assert_int_equal(fk_route_match(fk_routes, fk_routes_count, "GET", "/api/v1/regions//children", &m), 404);

	assert_int_equal(fk_route_match(fk_routes, fk_routes_count, "POST", "/api/v1/session", &m), 200);
	assert_true(m.route->flags & FK_ROUTE_BODY);
	assert_int_equal(fk_route_match(fk_routes, fk_routes_count, "GET", "/api/v1/session", &m), 405);
	assert_non_null(strstr(m.allow, "POST"));
	assert_non_null(strstr(m.allow, "DELETE"));

	assert_int_equal(fk_route_match(fk_routes, fk_routes_count, "PATCH", "/api/v1/users/zhang.san", &m), 200);
	expect_param(&m, 0, "username", "zhang.san");
	assert_int_equal(fk_route_match(fk_routes, fk_routes_count, "GET", "/api/v2/health", &m), 404);
}

static void test_real_table_is_well_formed(void **state)
{
	/* Every route: a known method, an /api/v1/ pattern whose captures are
	 * whole segments, a handler, a summary; no two routes with the same
	 * method and pattern; each pattern matches itself. */
	(void)state;
	static const char *methods[] = { "GET", "POST", "PUT", "PATCH", "DELETE" };
	for (size_t i = 0; i < fk_routes_count; i++) {
		const fk_route *r = &fk_routes[i];
		int known = 0;
		for (size_t k = 0; k < sizeof(methods) / sizeof(methods[0]); k++)
			known |= strcmp(r->method, methods[k]) == 0;
		assert_true(known);
		assert_int_equal(strncmp(r->pattern, "/api/v1/", 8), 0);
		assert_non_null(r->handler);
		assert_non_null(r->summary);
		assert_true(strlen(r->summary) > 0);
		for (size_t j = 0; j < i; j++)
			assert_false(strcmp(r->method, fk_routes[j].method) == 0 &&
				     strcmp(r->pattern, fk_routes[j].pattern) == 0);
		/* Replace each {name} by "v" and match: the route (or one before
		 * it with the same method) must answer. */
		char path[256];
		size_t n = 0;
		for (const char *p = r->pattern; *p && n < sizeof(path) - 2;) {
			if (*p == '{') {
				const char *end = strchr(p, '}');
				assert_non_null(end);
				assert_true(end[1] == '/' || end[1] == '\0');
				path[n++] = 'v';
				p = end + 1;
			} else {
				path[n++] = *p++;
			}
		}
		path[n] = '\0';
		fk_match m;
		assert_int_equal(fk_route_match(fk_routes, fk_routes_count, r->method, path, &m), 200);
		assert_string_equal(m.route->method, r->method);
	}
}

static void test_real_table_lists_and_flags(void **state)
{
	/* h_list serves exactly the routes that name a list, and the route
	 * records the audit action its list declares; a route that changes
	 * state runs on the writer; heavy implies writes. */
	(void)state;
	int lists = 0;
	for (size_t i = 0; i < fk_routes_count; i++) {
		const fk_route *r = &fk_routes[i];
		assert_true((r->handler == h_list) == (r->list != NULL));
		if (r->list) {
			lists++;
			assert_string_equal(r->method, "GET");
			const char *action = r->list->audit.action;
			assert_true((r->audit == NULL) == (action == NULL));
			if (action)
				assert_string_equal(r->audit, action);
		}
		if (strcmp(r->method, "GET") != 0)
			assert_true(r->flags & FK_ROUTE_WRITES);
		if (r->flags & FK_ROUTE_HEAVY)
			assert_true(r->flags & FK_ROUTE_WRITES);
	}
	assert_int_equal(lists, 11); /* … and the bulletins */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_literal_match),	     cmocka_unit_test(test_captures),
		cmocka_unit_test(test_not_found),	     cmocka_unit_test(test_method_not_allowed),
		cmocka_unit_test(test_head_is_get),	     cmocka_unit_test(test_empty_table),
		cmocka_unit_test(test_real_table),	     cmocka_unit_test(test_real_table_is_well_formed),
		cmocka_unit_test(test_real_table_lists_and_flags),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
