/* routes.c - the route table: the index of the whole API.  Each row says
 * who may call it, whether it writes (W: its work runs on the writer
 * thread; HEAVY: as a heavy job), what it records in the audit log and,
 * for a list, which declared list h_list serves.  docs/api.md describes
 * each entry; tests/api/routes.test.mjs checks both agree. */
#include "core/base/account.h"
#include "core/base/audit.h"
#include "core/base/perm.h"
#include "core/base/region.h"
#include "core/epi/cases.h"
#include "core/epi/contacts.h"
#include "core/epi/sites.h"
#include "core/grid/alerts.h"
#include "core/grid/registry.h"
#include "core/grid/screening.h"
#include "core/announce/announce.h"
#include "core/mobilise/mobilise.h"
#include "core/supervise/supervise.h"
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

	/* mobilisation, supervision and announcements (core/mobilise, core/supervise, core/announce) */
	{ "GET", "/api/v1/volunteers", h_list, P(MOBILISE_READ), 0, "volunteers and party members (masked; audited)",
	  "volunteer.search", &fk_volunteer_list },
	{ "POST", "/api/v1/volunteers", h_volunteer_create, P(MOBILISE_WRITE), BODY | W, "register a volunteer or party member",
	  "volunteer.create" },
	{ "POST", "/api/v1/volunteers/register", h_volunteer_register, FK_PERM_PUBLIC, BODY | W,
	  "the public registration form (pending until a community approves)", "volunteer.register" },
	{ "GET", "/api/v1/volunteers/{id}", h_volunteer_get, P(MOBILISE_READ), 0,
	  "one volunteer's duty record (masked; audited)", "volunteer.view" },
	{ "PATCH", "/api/v1/volunteers/{id}", h_volunteer_update, P(MOBILISE_WRITE), BODY | W,
	  "change a volunteer's team, insurance, skills", "volunteer.update" },
	{ "POST", "/api/v1/volunteers/{id}/approve", h_volunteer_approve, P(MOBILISE_WRITE), BODY | W,
	  "approve or refuse a registration", "volunteer.approve,volunteer.refuse" },
	{ "GET", "/api/v1/volunteers/{id}/certificate", h_volunteer_certificate, P(MOBILISE_READ), W,
	  "a volunteer's service certificate (PDF; audited)", "volunteer.certificate" },
	{ "GET", "/api/v1/me/service", h_me_service, P(SERVE), 0, "my profile, shifts, tasks and hours" },
	{ "GET", "/api/v1/me/certificate", h_me_certificate, P(SERVE), W, "my service certificate (PDF; audited)",
	  "volunteer.certificate" },
	{ "GET", "/api/v1/duty-reports", h_list, P(MOBILISE_READ), 0, "双报到: who reported, who took no task", NULL,
	  &fk_duty_report_list },
	{ "POST", "/api/v1/duty-reports", h_duty_report_create, P(MOBILISE_WRITE), BODY | W,
	  "a work unit or member reports to a community", "duty_report.create" },
	{ "GET", "/api/v1/pledges", h_list, P(MOBILISE_READ), 0, "pledges (请战书)", NULL, &fk_pledge_list },
	{ "POST", "/api/v1/pledges", h_pledge_create, P(MOBILISE_WRITE), BODY | W, "record a pledge and its signatories",
	  "pledge.create" },
	{ "GET", "/api/v1/teams", h_list, P(MOBILISE_READ), 0, "teams with members and hours", NULL, &fk_team_list },
	{ "POST", "/api/v1/teams", h_team_create, P(MOBILISE_WRITE), BODY | W, "create a team", "team.create" },
	{ "GET", "/api/v1/posts", h_list, P(MOBILISE_READ), 0, "posts", NULL, &fk_post_list },
	{ "POST", "/api/v1/posts", h_post_create, P(MOBILISE_WRITE), BODY | W, "create a post", "post.create" },
	{ "GET", "/api/v1/shifts", h_list, P(MOBILISE_READ), 0, "shifts with people required and assigned", NULL,
	  &fk_shift_list },
	{ "POST", "/api/v1/shifts", h_shift_create, P(MOBILISE_WRITE), BODY | W, "schedule a shift", "shift.create" },
	{ "POST", "/api/v1/shifts/{id}/people", h_shift_assign, P(MOBILISE_WRITE), BODY | W,
	  "put someone on a shift (the rules: insurance, overlap, hours)", "shift.assign" },
	{ "POST", "/api/v1/shifts/{id}/certify", h_shift_certify, P(MOBILISE_WRITE), W,
	  "certify a shift's service hours", "shift.certify" },
	{ "GET", "/api/v1/shift-people", h_list, P(MOBILISE_READ), 0, "people on shifts, their state and minutes", NULL,
	  &fk_shift_person_list },
	{ "POST", "/api/v1/shift-people/{id}/checkin", h_checkin, P(SERVE), BODY | W, "check in on one's shift",
	  "shift.checkin" },
	{ "POST", "/api/v1/shift-people/{id}/checkout", h_checkout, P(SERVE), BODY | W, "check out", "shift.checkout" },
	{ "POST", "/api/v1/shift-people/{id}/corrections", h_correction_request, P(SERVE), BODY | W,
	  "ask for a correction of one's hours", "hours.correction" },
	{ "GET", "/api/v1/corrections", h_list, P(MOBILISE_READ), 0, "corrections of hours asked for", NULL,
	  &fk_correction_list },
	{ "POST", "/api/v1/corrections/{id}/decide", h_correction_decide, P(MOBILISE_WRITE), BODY | W,
	  "accept or refuse a correction with a reason", "hours.accept,hours.refuse" },
	{ "GET", "/api/v1/tasks", h_list, P(MOBILISE_READ), 0, "tasks, overdue ones marked", NULL, &fk_task_list },
	{ "POST", "/api/v1/tasks", h_task_create, P(MOBILISE_WRITE), BODY | W, "hand a task to a team or a person",
	  "task.create" },
	{ "POST", "/api/v1/tasks/{id}/state", h_task_move, P(SERVE), BODY | W, "move one's task on", "task.state" },
	{ "GET", "/api/v1/mobilise/board", h_mob_board, P(MOBILISE_READ), 0,
	  "on duty now per post, roster gaps, reports without tasks, hours" },
	{ "GET", "/api/v1/inspections", h_list, P(MOBILISE_READ), 0, "inspections (督导检查)", NULL, &fk_inspection_list },
	{ "POST", "/api/v1/inspections", h_inspection_create, P(SUPERVISE), BODY | W,
	  "record an inspection with its checklist and findings", "inspection.create" },
	{ "GET", "/api/v1/findings", h_list, P(MOBILISE_READ), 0, "findings and their rectification", NULL,
	  &fk_finding_list },
	{ "POST", "/api/v1/findings/{id}/rectify", h_finding_rectify, P(MOBILISE_WRITE), BODY | W,
	  "report a finding rectified", "finding.rectify" },
	{ "POST", "/api/v1/findings/{id}/verify", h_finding_verify, P(SUPERVISE), BODY | W,
	  "verify a rectification, or send it back", "finding.verify,finding.reopen" },
	{ "POST", "/api/v1/findings/{id}/chase", h_finding_chase, P(SUPERVISE), W, "chase an overdue rectification",
	  "finding.chase,announcement.send" },
	{ "POST", "/api/v1/findings/{id}/photo", h_finding_photo, P(SUPERVISE), RAW | W,
	  "the photo of a finding's evidence (JPEG or PNG)", "finding.photo" },
	{ "GET", "/api/v1/supervision/summary", h_sv_summary, P(MOBILISE_READ), 0,
	  "found, fixed, open and overdue per region" },
	{ "GET", "/api/v1/supervision/notices", h_list, P(MOBILISE_READ), 0, "notices, interviews, commendations", NULL,
	  &fk_notice_list },
	{ "POST", "/api/v1/supervision/notices", h_notice_create, P(SUPERVISE), BODY | W,
	  "publish a notice, record an interview or a commendation", "notice.create,announcement.send" },
	{ "GET", "/api/v1/announcements", h_list, P(MOBILISE_READ), 0, "announcements with read and acknowledge counts",
	  NULL, &fk_announce_list },
	{ "POST", "/api/v1/announcements", h_announce_send, P(ANNOUNCE), BODY | W,
	  "send an announcement to a region's roles", "announcement.send" },
	{ "GET", "/api/v1/announcements/inbox", h_announce_inbox, P(SESSION), 0, "my announcements; urgent ones to acknowledge" },
	{ "POST", "/api/v1/announcements/{id}/read", h_announce_read, P(SESSION), W, "mark an announcement read" },
	{ "POST", "/api/v1/announcements/{id}/ack", h_announce_ack, P(SESSION), W, "acknowledge an announcement" },
	{ "GET", "/api/v1/announcements/{id}/poster", h_announce_poster, P(MOBILISE_READ), 0,
	  "an announcement as a printable poster (PDF)" },
	{ "GET", "/api/v1/public/announcements", h_announce_public, FK_PERM_PUBLIC, 0,
	  "a community's notices to residents (no session)" },
};

const size_t fk_routes_count = sizeof(fk_routes) / sizeof(fk_routes[0]);
