/* routes.c - the route table: the index of the whole API.  docs/api.md
 * describes each entry; tests/api/routes.test.mjs checks both agree. */
#include "core/perm.h"
#include "http/handlers.h"
#include "http/router.h"

#define P(x) FK_PERM_##x
#define BODY FK_ROUTE_BODY

const fk_route fk_routes[] = {
	{ "GET", "/api/v1/health", h_health, FK_PERM_PUBLIC, 0, "liveness, version and schema" },

	{ "POST", "/api/v1/session", h_session_create, FK_PERM_PUBLIC, BODY, "sign in" },
	{ "DELETE", "/api/v1/session", h_session_delete, P(SESSION), 0, "sign out" },
	{ "GET", "/api/v1/me", h_me, P(SESSION), 0, "who am I, my permissions and scope" },
	{ "GET", "/api/v1/roles", h_roles, P(SESSION), 0, "roles and their permissions" },

	{ "GET", "/api/v1/regions", h_regions_search, P(REGION_READ), 0, "search regions by name" },
	{ "POST", "/api/v1/regions", h_region_create, P(REGION_WRITE), BODY, "create a grid under a community" },
	{ "GET", "/api/v1/regions/{code}", h_region_get, P(REGION_READ), 0, "one region with its path" },
	{ "GET", "/api/v1/regions/{code}/children", h_region_children, P(REGION_READ), 0,
	  "a region's children with counts" },

	{ "GET", "/api/v1/users", h_users_list, P(USER_READ), 0, "users in scope" },
	{ "POST", "/api/v1/users", h_user_create, P(USER_WRITE), BODY, "create a user" },
	{ "PATCH", "/api/v1/users/{username}", h_user_update, P(USER_WRITE), BODY,
	  "change a user's password or disable them" },

	{ "GET", "/api/v1/audit", h_audit_list, P(AUDIT_READ), 0, "the audit log in scope" },
};

const size_t fk_routes_count = sizeof(fk_routes) / sizeof(fk_routes[0]);
