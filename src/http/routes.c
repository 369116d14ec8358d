/* routes.c - the route table: the index of the whole API.  docs/api.md
 * describes each entry; tests/api/routes.test.mjs checks both agree. */
#include "core/base/perm.h"
#include "http/handlers.h"
#include "http/router.h"

#define P(x) FK_PERM_##x
#define BODY FK_ROUTE_BODY
#define RAW FK_ROUTE_UPLOAD

const fk_route fk_routes[] = {
	{ "GET", "/api/v1/health", h_health, FK_PERM_PUBLIC, 0, "liveness, version and schema" },

	{ "POST", "/api/v1/session", h_session_create, FK_PERM_PUBLIC, BODY, "sign in" },
	{ "DELETE", "/api/v1/session", h_session_delete, P(SESSION), 0, "sign out" },
	{ "GET", "/api/v1/me", h_me, P(SESSION), 0, "who am I, my permissions and scope" },
	{ "GET", "/api/v1/roles", h_roles, P(SESSION), 0, "roles and their permissions" },
	{ "GET", "/api/v1/vocab", h_vocab, P(SESSION), 0, "the codes the API accepts and the settings in force" },

	{ "GET", "/api/v1/regions", h_regions_search, P(REGION_READ), 0, "search regions by name" },
	{ "POST", "/api/v1/regions", h_region_create, P(REGION_WRITE), BODY, "create a grid under a community" },
	{ "GET", "/api/v1/regions/{code}", h_region_get, P(REGION_READ), 0, "one region with its path" },
	{ "GET", "/api/v1/regions/{code}/children", h_region_children, P(REGION_READ), 0,
	  "a region's children with counts" },

	{ "GET", "/api/v1/users", h_users_list, P(USER_READ), 0, "users in scope" },
	{ "POST", "/api/v1/users", h_user_create, P(USER_WRITE), BODY, "create a user" },
	{ "PATCH", "/api/v1/users/{username}", h_user_update, P(USER_WRITE), BODY,
	  "change a user's password or disable them" },

	{ "GET", "/api/v1/households", h_households_list, P(PERSON_READ), 0, "households in a region" },
	{ "POST", "/api/v1/households", h_household_create, P(PERSON_WRITE), BODY, "register a household" },
	{ "GET", "/api/v1/households/{id}", h_household_get, P(PERSON_READ), 0, "one household" },
	{ "PATCH", "/api/v1/households/{id}", h_household_update, P(PERSON_WRITE), BODY, "change a household" },

	{ "GET", "/api/v1/persons", h_persons_list, P(PERSON_READ), 0, "search persons (masked; audited)" },
	{ "POST", "/api/v1/persons", h_person_create, P(PERSON_WRITE), BODY, "register a person" },
	{ "POST", "/api/v1/persons/import", h_persons_import, P(PERSON_IMPORT), RAW, "import persons from CSV" },
	{ "GET", "/api/v1/persons/export", h_persons_export, P(PERSON_EXPORT), 0, "persons as CSV (audited)" },
	{ "GET", "/api/v1/persons/{id}", h_person_get, P(PERSON_READ), 0, "one person (masked; audited)" },
	{ "PATCH", "/api/v1/persons/{id}", h_person_update, P(PERSON_WRITE), BODY, "change a person" },
	{ "POST", "/api/v1/persons/{id}/reveal", h_person_reveal, P(PERSON_REVEAL), BODY,
	  "full document number and phone, with a reason (audited)" },

	{ "POST", "/api/v1/screenings", h_screenings_create, P(SCREEN_WRITE), BODY,
	  "record screenings (one or a batch; idempotent by uuid)" },
	{ "GET", "/api/v1/screenings/worklist", h_worklist, P(SCREEN_WRITE), 0,
	  "a grid's households, members and records for the day (audited)" },
	{ "GET", "/api/v1/coverage", h_coverage, P(SCREEN_READ), 0, "screening coverage of a region and its children" },
	{ "GET", "/api/v1/coverage/gaps", h_coverage_gaps, P(SCREEN_READ), 0, "households not yet visited" },
	{ "GET", "/api/v1/alerts", h_alerts_list, P(SCREEN_READ), 0, "abnormal findings" },
	{ "POST", "/api/v1/alerts/{id}/close", h_alert_close, P(ALERT_CLOSE), BODY, "close an alert with an outcome" },
	{ "POST", "/api/v1/reports", h_report_submit, P(SCREEN_WRITE), BODY, "a grid's daily (zero) report" },
	{ "GET", "/api/v1/reports", h_reports_list, P(SCREEN_READ), 0, "grids' daily reports; missing and late ones" },

	{ "GET", "/api/v1/cases", h_cases_list, P(CASE_READ), 0, "cases in scope (audited)" },
	{ "POST", "/api/v1/cases", h_case_create, P(CASE_WRITE), BODY, "report a case" },
	{ "GET", "/api/v1/cases/{id}", h_case_get, P(CASE_READ), 0, "one case with its history (audited)" },
	{ "POST", "/api/v1/cases/{id}/transitions", h_case_transition, P(CASE_WRITE), BODY,
	  "change a case's category or outcome" },
	{ "GET", "/api/v1/contacts", h_contacts_list, P(CASE_READ), 0, "close contacts of a case or a region (audited)" },
	{ "POST", "/api/v1/contacts", h_contact_create, P(CASE_WRITE), BODY,
	  "record a close contact and start their observation" },
	{ "GET", "/api/v1/observations", h_observations_list, P(CASE_READ), 0, "medical observations" },
	{ "GET", "/api/v1/observations/due", h_observations_due, P(CASE_READ), 0,
	  "follow-ups due now, missed slots, releases due" },
	{ "POST", "/api/v1/observations/{id}/followups", h_followup_create, P(CASE_WRITE), BODY,
	  "record a morning or evening follow-up" },
	{ "POST", "/api/v1/observations/{id}/release", h_observation_release, P(CASE_WRITE), BODY,
	  "release at the end of observation" },
	{ "POST", "/api/v1/observations/{id}/convert", h_observation_convert, P(CASE_WRITE), BODY,
	  "turn the observed person into a suspected case" },
	{ "GET", "/api/v1/sites", h_sites_list, P(CASE_READ), 0, "centralised observation sites" },
	{ "POST", "/api/v1/sites", h_site_create, P(CASE_WRITE), BODY, "add a centralised observation site" },
	{ "GET", "/api/v1/clusters", h_clusters_list, P(CASE_READ), 0, "transmission clusters, largest first" },
	{ "GET", "/api/v1/clusters/{id}", h_cluster_get, P(CASE_READ), 0, "one cluster's cases and links" },
	{ "GET", "/api/v1/communities/states", h_community_states, P(STATS_READ), 0,
	  "each community's epidemic state over 14 days" },
	{ "GET", "/api/v1/stats/daily", h_stats_daily, P(STATS_READ), 0, "daily case counts and the epidemic curve" },
	{ "GET", "/api/v1/stats/rt", h_stats_rt, P(STATS_READ), 0, "Rt (Cori et al.) with its credible interval" },

	{ "GET", "/api/v1/audit", h_audit_list, P(AUDIT_READ), 0, "the audit log in scope" },
	{ "GET", "/api/v1/audit/head", h_audit_head, P(AUDIT_READ), 0, "the log's head and its latest signed checkpoint" },
};

const size_t fk_routes_count = sizeof(fk_routes) / sizeof(fk_routes[0]);
