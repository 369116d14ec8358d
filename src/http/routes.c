/* routes.c - the route table: the index of the whole API.  Each row says
 * who may call it, whether it writes (W: its work runs on the writer
 * thread; HEAVY: as a heavy job), what it records in the audit log and,
 * for a list, which declared list h_list serves.  docs/api.md describes
 * each entry; tests/api/routes.test.mjs checks both agree. */
#include "core/base/account.h"
#include "core/base/audit.h"
#include "core/base/perm.h"
#include "core/base/region.h"
#include "core/command/bulletin.h"
#include "core/epi/cases.h"
#include "core/epi/contacts.h"
#include "core/epi/sites.h"
#include "core/grid/alerts.h"
#include "core/grid/registry.h"
#include "core/grid/screening.h"
#include "http/handlers.h"
#include "http/router.h"

#define P(x) FK_PERM_##x
#define BODY FK_ROUTE_BODY
#define RAW FK_ROUTE_UPLOAD
#define W FK_ROUTE_WRITES
#define HEAVY (FK_ROUTE_WRITES | FK_ROUTE_HEAVY)
#define PWC FK_ROUTE_PWCHANGE /* open while the password must be changed */

const fk_route fk_routes[] = {
	{ "GET", "/api/v1/health", h_health, FK_PERM_PUBLIC, 0, "liveness, version and schema" },
	{ "GET", "/api/v1/openapi.json", h_openapi, FK_PERM_PUBLIC, 0, "this API as an OpenAPI 3.1 document" },

	{ "POST", "/api/v1/session", h_session_create, FK_PERM_PUBLIC, BODY | W, "sign in", "login,login.failed,login.locked" },
	{ "DELETE", "/api/v1/session", h_session_delete, P(SESSION), W | PWC, "sign out", "logout" },
	{ "GET", "/api/v1/me", h_me, P(SESSION), PWC, "who am I, my permissions and scope" },
	{ "POST", "/api/v1/me/password", h_me_password, P(SESSION), BODY | W | PWC,
	  "change my own password (ends my other sessions)", "password.change,login.failed,login.locked" },
	{ "GET", "/api/v1/roles", h_roles, P(SESSION), 0, "roles and their permissions" },
	{ "GET", "/api/v1/vocab", h_vocab, P(SESSION), PWC, "the codes the API accepts and the settings in force" },

	{ "GET", "/api/v1/regions", h_regions_search, P(REGION_READ), 0, "search regions by name" },
	{ "POST", "/api/v1/regions", h_region_create, P(REGION_WRITE), BODY | W, "create a grid under a community",
	  "region.create" },
	{ "GET", "/api/v1/regions/{code}", h_region_get, P(REGION_READ), 0, "one region with its path" },
	{ "GET", "/api/v1/regions/{code}/children", h_list, P(REGION_READ), 0, "a region's children with counts", NULL,
	  &fk_region_children },

	{ "GET", "/api/v1/users", h_list, P(USER_READ), 0, "users in scope", NULL, &fk_user_list },
	{ "POST", "/api/v1/users", h_user_create, P(USER_WRITE), BODY | W, "create a user", "user.create" },
	{ "POST", "/api/v1/users/bulk", h_user_bulk, P(USER_WRITE), BODY | W,
	  "create accounts from CSV with one-time passwords", "user.create" },
	{ "PATCH", "/api/v1/users/{username}", h_user_update, P(USER_WRITE), BODY | W,
	  "change a user's password or disable them", "user.passwd,user.disable,user.enable,login.unlocked" },

	{ "GET", "/api/v1/households", h_list, P(PERSON_READ), 0, "households in a region", NULL,
	  &fk_household_list },
	{ "POST", "/api/v1/households", h_household_create, P(PERSON_WRITE), BODY | W, "register a household",
	  "household.create" },
	{ "GET", "/api/v1/households/{id}", h_household_get, P(PERSON_READ), 0, "one household" },
	{ "PATCH", "/api/v1/households/{id}", h_household_update, P(PERSON_WRITE), BODY | W, "change a household",
	  "household.update" },

	{ "GET", "/api/v1/persons", h_list, P(PERSON_READ), 0, "search persons (masked; audited)", "person.search",
	  &fk_person_list },
	{ "POST", "/api/v1/persons", h_person_create, P(PERSON_WRITE), BODY | W, "register a person", "person.create" },
	{ "POST", "/api/v1/persons/import", h_persons_import, P(PERSON_IMPORT), RAW | HEAVY,
	  "import persons from .xlsx, .xls or CSV", "person.import" },
	{ "GET", "/api/v1/persons/import/template", h_persons_import_template, P(PERSON_IMPORT), 0,
	  "the import template (.xlsx, or CSV)" },
	{ "GET", "/api/v1/imports/{id}", h_import_progress, P(PERSON_IMPORT), 0,
	  "the progress of one's import named ?progress=ID" },
	{ "GET", "/api/v1/persons/export", h_persons_export, P(PERSON_EXPORT), W, "persons as CSV (audited)",
	  "person.export" },
	{ "GET", "/api/v1/persons/{id}", h_person_get, P(PERSON_READ), 0, "one person (masked; audited)", "person.view" },
	{ "PATCH", "/api/v1/persons/{id}", h_person_update, P(PERSON_WRITE), BODY | W, "change a person", "person.update" },
	{ "POST", "/api/v1/persons/{id}/reveal", h_person_reveal, P(PERSON_REVEAL), BODY | W,
	  "full document number and phone, with a reason (audited)", "person.reveal" },

	{ "POST", "/api/v1/screenings", h_screenings_create, P(SCREEN_WRITE), BODY | HEAVY,
	  "record screenings (one or a batch; idempotent by uuid)", "screening.record" },
	{ "GET", "/api/v1/screenings/worklist", h_worklist, P(SCREEN_WRITE), 0,
	  "a grid's households, members and records for the day (audited)", "screening.worklist" },
	{ "GET", "/api/v1/coverage", h_coverage, P(SCREEN_READ), 0, "screening coverage of a region and its children" },
	{ "GET", "/api/v1/coverage/gaps", h_coverage_gaps, P(SCREEN_READ), 0, "households not yet visited" },
	{ "GET", "/api/v1/alerts", h_list, P(SCREEN_READ), 0, "abnormal findings", NULL, &fk_alert_list },
	{ "POST", "/api/v1/alerts/{id}/close", h_alert_close, P(ALERT_CLOSE), BODY | W, "close an alert with an outcome",
	  "alert.close" },
	{ "POST", "/api/v1/reports", h_report_submit, P(SCREEN_WRITE), BODY | W, "a grid's daily (zero) report",
	  "report.submit" },
	{ "GET", "/api/v1/reports", h_reports_list, P(SCREEN_READ), 0, "grids' daily reports; missing and late ones" },

	{ "GET", "/api/v1/cases", h_list, P(CASE_READ), 0, "cases in scope (audited)", "case.search", &fk_case_list },
	{ "POST", "/api/v1/cases", h_case_create, P(CASE_WRITE), BODY | W, "report a case", "case.create" },
	{ "GET", "/api/v1/cases/{id}", h_case_get, P(CASE_READ), 0, "one case with its history (audited)", "case.view" },
	{ "POST", "/api/v1/cases/{id}/transitions", h_case_transition, P(CASE_WRITE), BODY | W,
	  "change a case's category or outcome", "case.transition,observation.resume" },
	{ "GET", "/api/v1/contacts", h_list, P(CASE_READ), 0, "close contacts of a case or a region (audited)",
	  "contact.search", &fk_contact_list },
	{ "POST", "/api/v1/contacts", h_contact_create, P(CASE_WRITE), BODY | W,
	  "record a close contact and start their observation", "contact.create" },
	{ "GET", "/api/v1/observations", h_list, P(CASE_READ), 0, "medical observations", NULL, &fk_observation_list },
	{ "GET", "/api/v1/observations/due", h_observations_due, P(CASE_READ), 0,
	  "follow-ups due now, missed slots, releases due" },
	{ "POST", "/api/v1/observations/{id}/followups", h_followup_create, P(CASE_WRITE), BODY | W,
	  "record a morning or evening follow-up", "followup.record" },
	{ "POST", "/api/v1/observations/{id}/release", h_observation_release, P(CASE_WRITE), BODY | W,
	  "release at the end of observation", "observation.release" },
	{ "POST", "/api/v1/observations/{id}/convert", h_observation_convert, P(CASE_WRITE), BODY | W,
	  "turn the observed person into a suspected case", "case.create" },
	{ "GET", "/api/v1/sites", h_list, P(CASE_READ), 0, "centralised observation sites", NULL, &fk_site_list },
	{ "POST", "/api/v1/sites", h_site_create, P(CASE_WRITE), BODY | W, "add a centralised observation site",
	  "site.create" },
	{ "GET", "/api/v1/clusters", h_clusters_list, P(CASE_READ), 0, "transmission clusters, largest first" },
	{ "GET", "/api/v1/clusters/{id}", h_cluster_get, P(CASE_READ), 0, "one cluster's cases and links" },
	{ "GET", "/api/v1/communities/states", h_community_states, P(STATS_READ), 0,
	  "each community's epidemic state over 14 days" },
	{ "GET", "/api/v1/stats/daily", h_stats_daily, P(STATS_READ), 0, "daily case counts and the epidemic curve" },
	{ "GET", "/api/v1/stats/rt", h_stats_rt, P(STATS_READ), 0, "Rt (Cori et al.) with its credible interval" },

	{ "GET", "/api/v1/audit", h_list, P(AUDIT_READ), W, "the audit log in scope", NULL, &fk_audit_list },
	{ "GET", "/api/v1/audit/head", h_audit_head, P(AUDIT_READ), W, "the log's head and its latest signed checkpoint" },

	/* command: the wall screen and the daily bulletin */
	{ "GET", "/api/v1/wall", h_wall, P(STATS_READ), 0,
	  "the wall screen's figures of a region in one answer (ETag; 304 when unchanged)" },
	{ "GET", "/api/v1/bulletins", h_list, P(STATS_READ), 0, "daily bulletins of a region, newest first", NULL,
	  &fk_bulletin_list },
	{ "POST", "/api/v1/bulletins", h_bulletin_draft, P(BULLETIN_APPROVE), BODY | W,
	  "draft (or draft again) the bulletin of a region for a day that is over", "bulletin.draft" },
	{ "GET", "/api/v1/bulletins/{id}", h_bulletin_get, P(STATS_READ), 0, "one bulletin with its figures" },
	{ "POST", "/api/v1/bulletins/{id}/approve", h_bulletin_approve, P(BULLETIN_APPROVE), W,
	  "approve a bulletin: its figures are locked", "bulletin.approve" },
	{ "GET", "/api/v1/bulletins/{id}/document", h_bulletin_document, P(STATS_READ), 0,
	  "an approved bulletin as text, PDF or XLSX (?format=txt|pdf|xlsx)" },
	{ "GET", "/api/v1/regions/{code}/shapes", h_region_shapes, P(REGION_READ), 0,
	  "the boundaries of a region's children (GeoJSON) and those without one" },
	{ "POST", "/api/v1/shapes", h_shapes_import, P(REGION_WRITE), RAW | HEAVY,
	  "import boundaries of regions in one's area (GeoJSON FeatureCollection; all or nothing)", "region.shapes" },
	{ "GET", "/api/v1/exports/cases", h_cases_export, P(CASE_READ), W, "cases as CSV or XLSX (masked; audited)",
	  "case.export" },
	{ "GET", "/api/v1/exports/contacts", h_contacts_export, P(CASE_READ), W,
	  "close contacts as CSV or XLSX (masked; audited)", "contact.export" },
	{ "GET", "/api/v1/exports/observations", h_observations_export, P(CASE_READ), W,
	  "medical observations as CSV or XLSX (audited)", "observation.export" },
	{ "GET", "/api/v1/exports/coverage", h_coverage_export, P(SCREEN_READ), W,
	  "screening coverage by child and day as CSV or XLSX (audited)", "coverage.export" },
	{ "GET", "/api/v1/exports/reports", h_reports_export, P(SCREEN_READ), W,
	  "the grids' zero reports by day as CSV or XLSX (audited)", "report.export" },
};

const size_t fk_routes_count = sizeof(fk_routes) / sizeof(fk_routes[0]);
