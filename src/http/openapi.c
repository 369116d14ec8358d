/* openapi.c - the OpenAPI 3.1 document of the API, generated from the route
 * table and the declarations behind it: paths, methods and path parameters
 * from fk_routes; permissions (x-permission), where the work runs (x-runs)
 * and audit actions (x-audit) from each row; the query parameters of a
 * declared list from its fk_list (the filters with their enums, the region
 * parameter, limit and after); request bodies from the modules' fk_field
 * declarations (the same arrays fk_fields_check enforces).  What the tables
 * cannot say is written here: the query parameters of the hand-written
 * GET handlers and which declaration a route's body is.  A route missing
 * from those is marked "x-undeclared" (["query"], ["body"]) rather than
 * guessed; tests/api/openapi.test.mjs names such routes.
 *
 * Built once per call (a few dozen routes: microseconds); served by
 * GET /api/v1/openapi.json and printed by `fangkong routes --openapi`. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/base/fields.h"
#include "core/base/list.h"
#include "core/base/perm.h"
#include "core/base/rows.h"
#include "core/command/bulletin.h"
#include "core/epi/cases.h"
#include "core/epi/contacts.h"
#include "core/epi/sites.h"
#include "core/grid/alerts.h"
#include "core/grid/registry.h"
#include "core/grid/screening.h"
#include "core/hotline/answers.h"
#include "core/hotline/calendar.h"
#include "core/hotline/doctors.h"
#include "core/hotline/tickets.h"
#include "core/supplies/donations.h"
#include "core/supplies/funds.h"
#include "core/supplies/requests.h"
#include "core/supplies/stock.h"
#include "core/announce/announce.h"
#include "core/mobilise/mobilise.h"
#include "core/supervise/supervise.h"
#include "http/handlers.h"
#include "http/openapi.h"
#include "http/router.h"
#include "version.h"

/* A query parameter of a hand-written handler. */
typedef struct qparam {
	const char *name;
	const char *type; /* "string", "integer", "date", "flag", "region", "grid", "limit", "cursor" */
	bool required;
	const char *desc;
} qparam;

#define PAGE { "limit", "limit" }, { "after", "cursor" }
#define EXPORT_FORMAT { "format", "string", false, "csv (default) or xlsx" }

/* The query parameters of GET routes not served by h_list (and of the
 * upload), by "METHOD path".  An empty list says: none. */
static const struct {
	const char *route;
	qparam params[8];
} queries[] = {
	{ "GET /api/v1/health" },
	{ "GET /api/v1/me" },
	{ "GET /api/v1/roles" },
	{ "GET /api/v1/vocab" },
	{ "GET /api/v1/openapi.json" },
	{ "GET /api/v1/regions",
	  { { "q", "string", true, "part of a region's name" }, { "within", "region", false, "a region in scope" }, PAGE } },
	{ "GET /api/v1/regions/{code}" },
	{ "GET /api/v1/households/{id}" },
	{ "GET /api/v1/persons/{id}" },
	{ "POST /api/v1/persons/import",
	  { { "grid", "grid", false, "the grid of rows that name none" },
	    { "dry_run", "flag", false, "check only" },
	    { "sheet", "string", false, "the workbook's sheet to read (default: the first)" },
	    { "progress", "string", false, "an id (8 to 64 letters, digits, - or _) to follow at GET /imports/{id}" } } },
	{ "GET /api/v1/persons/import/template", { { "format", "string", false, "xlsx (default) or csv" } } },
	{ "GET /api/v1/imports/{id}" },
	{ "GET /api/v1/persons/export",
	  { { "region", "region" },
	    { "name", "string" },
	    { "tag", "string" },
	    { "reveal", "flag", false, "unmasked (needs person.reveal and a reason)" },
	    { "reason", "string", false, "why, when reveal is given" } } },
	{ "GET /api/v1/screenings/worklist", { { "grid", "grid", true }, { "date", "date" } } },
	{ "GET /api/v1/coverage", { { "region", "region" }, { "date", "date" } } },
	{ "GET /api/v1/coverage/gaps", { { "grid", "grid" }, { "region", "region" }, { "date", "date" }, { "since", "date" }, PAGE } },
	{ "GET /api/v1/reports", { { "region", "region" }, { "date", "date" }, { "missing", "flag" }, PAGE } },
	{ "GET /api/v1/cases/{id}" },
	{ "GET /api/v1/observations/due", { { "region", "region" }, { "pending", "flag" }, PAGE } },
	{ "GET /api/v1/clusters", { { "region", "region" }, PAGE } },
	{ "GET /api/v1/clusters/{id}" },
	{ "GET /api/v1/communities/states", { { "region", "region" }, PAGE } },
	{ "GET /api/v1/stats/daily", { { "region", "region" }, { "from", "date" }, { "to", "date" } } },
	{ "GET /api/v1/stats/rt",
	  { { "region", "region" }, { "to", "date" }, { "days", "integer", false, "1 to 366 (default 60)" } } },
	{ "GET /api/v1/audit/head" },
	{ "GET /api/v1/me/sessions" },
	{ "GET /api/v1/tickets/{id}" },
	{ "GET /api/v1/hotline/measures", { { "region", "region" }, { "from", "date" }, { "to", "date" } } },
	{ "GET /api/v1/hotline/calendar", { { "region", "region" }, { "from", "date" }, { "to", "date" } } },
	{ "GET /api/v1/public/regions", { { "parent", "string", false, "a region above the communities (default: the area the deployment serves)" } } },
	/* supplies, donations, special funds and the public ledger */
	{ "GET /api/v1/items" },
	{ "GET /api/v1/warehouses/serving", { { "region", "region" } } },
	{ "GET /api/v1/stock",
	  { { "region", "region" },
	    { "warehouse", "integer", false, "one warehouse" },
	    { "limit", "integer", false, "1 to 2000 rows (default 100)" },
	    { "after", "string", false, "the next cursor of the previous page" } } },
	{ "GET /api/v1/requests/{id}" },
	{ "GET /api/v1/kits", { { "region", "region" } } },
	{ "GET /api/v1/donations/{id}" },
	{ "GET /api/v1/funds/allocations/{id}" },
	{ "GET /api/v1/funds/audit", { { "region", "region" } } },
	{ "GET /api/v1/ledger/checkpoint" },
	{ "GET /api/v1/ledger/key" },
	{ "GET /api/v1/ledger/entries",
	  { { "start", "integer", false, "the first index (default 0)" },
	    { "limit", "integer", false, "1 to 1000 (default 100)" } } },
	{ "GET /api/v1/ledger/proof/inclusion",
	  { { "index", "integer", true, "the entry's index" },
	    { "size", "integer", false, "the tree's size (default: the latest checkpoint's)" } } },
	{ "GET /api/v1/ledger/proof/consistency",
	  { { "first", "integer", true, "the smaller tree's size" },
	    { "second", "integer", false, "the larger tree's size (default: the latest checkpoint's)" } } },
	{ "GET /api/v1/volunteers/{id}" },
	{ "GET /api/v1/volunteers/{id}/certificate" },
	{ "GET /api/v1/me/service" },
	{ "GET /api/v1/me/certificate" },
	{ "GET /api/v1/mobilise/board", { { "region", "region" } } },
	{ "GET /api/v1/supervision/summary", { { "region", "region" } } },
	{ "GET /api/v1/announcements/inbox" },
	{ "GET /api/v1/announcements/{id}/poster" },
	{ "GET /api/v1/public/announcements", { { "community", "string", true, "a 12-digit community code" } } },
	{ "GET /api/v1/wall", { { "region", "region" }, { "date", "date" } } },
	{ "GET /api/v1/bulletins/{id}" },
	{ "POST /api/v1/bulletins/{id}/approve" },
	{ "GET /api/v1/bulletins/{id}/document", { { "format", "string", false, "txt (default), pdf or xlsx" } } },
	{ "GET /api/v1/regions/{code}/shapes" },
	{ "POST /api/v1/shapes" },
	{ "GET /api/v1/exports/cases",
	  { { "region", "region" }, { "category", "string" }, { "outcome", "string" }, { "late", "flag" }, EXPORT_FORMAT } },
	{ "GET /api/v1/exports/contacts", { { "region", "region" }, { "case_id", "integer" }, EXPORT_FORMAT } },
	{ "GET /api/v1/exports/observations", { { "region", "region" }, { "state", "string" }, EXPORT_FORMAT } },
	{ "GET /api/v1/exports/coverage",
	  { { "region", "region" }, { "from", "date", false, "default: 6 days before to" }, { "to", "date" }, EXPORT_FORMAT } },
	{ "GET /api/v1/exports/reports",
	  { { "region", "region" }, { "from", "date", false, "default: 6 days before to" }, { "to", "date" }, EXPORT_FORMAT } },
};

/* A nested part of a body: the object (or array items) at field of
 * route's body is declared by fields. */
typedef struct nested {
	const char *field;
	const fk_field *fields;
	bool items; /* the array's items are such objects */
} nested;

/* A report's "unvisited" item, which fk_report_submit checks by hand. */
static const fk_field unvisited_fields[] = {
	{ "household_id", FK_FT_INT, true, 1, INT64_MAX },
	{ "reason", FK_FT_STRING, true, 2, 200 },
	{ 0 },
};

/* The JSON body each route takes, by "METHOD path": its declaration, and
 * the declarations of nested objects. */
static const struct {
	const char *route;
	const fk_field *fields;
	nested nest[2];
	bool batch; /* one object or an array of them */
} bodies[] = {
	{ "POST /api/v1/session", fk_login_fields },
	{ "POST /api/v1/regions", fk_grid_fields },
	{ "POST /api/v1/users", fk_user_fields },
	{ "PATCH /api/v1/users/{username}", fk_user_update_fields },
	{ "POST /api/v1/users/bulk", fk_user_bulk_fields },
	{ "POST /api/v1/me/password", fk_me_password_fields },
	{ "POST /api/v1/households", fk_household_fields },
	{ "PATCH /api/v1/households/{id}", fk_household_update_fields },
	{ "POST /api/v1/persons", fk_person_fields },
	{ "PATCH /api/v1/persons/{id}", fk_person_fields },
	{ "POST /api/v1/persons/{id}/reveal", fk_reveal_fields },
	{ "POST /api/v1/screenings", fk_screening_fields, { { "persons", fk_finding_fields, true } }, true },
	{ "POST /api/v1/alerts/{id}/close", fk_alert_close_fields },
	{ "POST /api/v1/reports", fk_report_fields, { { "unvisited", unvisited_fields, true } } },
	{ "POST /api/v1/cases", fk_case_fields },
	{ "POST /api/v1/cases/{id}/transitions", fk_case_move_fields },
	{ "POST /api/v1/contacts", fk_contact_fields, { { "person", fk_contact_person_fields } } },
	{ "POST /api/v1/observations/{id}/followups", fk_followup_fields },
	{ "POST /api/v1/observations/{id}/release", fk_release_fields },
	{ "POST /api/v1/observations/{id}/convert", fk_convert_fields },
	{ "POST /api/v1/sites", fk_site_fields },
	{ "POST /api/v1/tickets", fk_ticket_fields },
	{ "POST /api/v1/tickets/{id}/moves", fk_move_fields },
	{ "POST /api/v1/tickets/{id}/reveal", fk_ticket_reveal_fields },
	{ "PUT /api/v1/hotline/calendar", fk_workday_fields },
	{ "PUT /api/v1/hotline/limits", fk_limit_fields },
	{ "POST /api/v1/answers", fk_answer_fields },
	{ "POST /api/v1/doctor-teams", fk_team_fields },
	{ "POST /api/v1/doctors", fk_doctor_fields },
	{ "POST /api/v1/duty-shifts", fk_shift_fields },
	{ "POST /api/v1/public/messages", fk_message_fields },
	{ "POST /api/v1/public/lookup", fk_lookup_fields },
	/* supplies, donations and special funds */
	{ "POST /api/v1/items", fk_item_fields },
	{ "POST /api/v1/warehouses", fk_warehouse_fields },
	{ "POST /api/v1/stock/receipts", fk_receipt_fields },
	{ "POST /api/v1/stock/issues", fk_issue_fields },
	{ "POST /api/v1/stock/adjustments", fk_adjust_fields },
	{ "POST /api/v1/stock/counts", fk_count_fields, { { "lines", fk_count_line_fields, true } } },
	{ "POST /api/v1/requests", fk_request_fields, { { "lines", fk_request_line_fields, true } } },
	{ "POST /api/v1/requests/{id}/transitions", fk_request_move_fields,
	  { { "lines", fk_request_move_line_fields, true } } },
	{ "POST /api/v1/kits/tests", fk_kit_tests_fields },
	{ "POST /api/v1/donations", fk_donation_fields },
	{ "POST /api/v1/donations/allocations", fk_allocation_fields },
	{ "POST /api/v1/donations/allocations/{id}/deliver", fk_delivery_fields },
	{ "POST /api/v1/donations/allocations/{id}/reverse", fk_reversal_fields },
	{ "POST /api/v1/funds/allocations", fk_fund_alloc_fields },
	{ "POST /api/v1/funds/disbursements", fk_disburse_fields },
	{ "POST /api/v1/funds/entries/{id}/reverse", fk_reversal_fields },
	{ "POST /api/v1/volunteers", fk_volunteer_fields },
	{ "POST /api/v1/volunteers/register", fk_volunteer_register_fields },
	{ "PATCH /api/v1/volunteers/{id}", fk_volunteer_update_fields },
	{ "POST /api/v1/volunteers/{id}/approve", fk_approve_fields },
	{ "POST /api/v1/duty-reports", fk_duty_report_fields },
	{ "POST /api/v1/pledges", fk_pledge_fields },
	{ "POST /api/v1/pledges/{id}/assignment", fk_pledge_assign_fields },
	{ "POST /api/v1/teams", fk_mob_team_fields },
	{ "POST /api/v1/posts", fk_post_fields },
	{ "POST /api/v1/shifts", fk_mob_shift_fields },
	{ "POST /api/v1/shifts/{id}/people", fk_assign_fields },
	{ "POST /api/v1/shift-people/{id}/checkin", fk_clock_fields },
	{ "POST /api/v1/shift-people/{id}/checkout", fk_clock_fields },
	{ "POST /api/v1/shift-people/{id}/corrections", fk_correction_fields },
	{ "POST /api/v1/corrections/{id}/decide", fk_decide_fields },
	{ "POST /api/v1/tasks", fk_task_fields },
	{ "POST /api/v1/tasks/{id}/state", fk_task_state_fields },
	{ "POST /api/v1/inspections", fk_inspection_fields, { { "findings", fk_finding_fields_sv, true } } },
	{ "POST /api/v1/findings/{id}/rectify", fk_rectify_fields },
	{ "POST /api/v1/findings/{id}/verify", fk_verify_fields },
	{ "POST /api/v1/supervision/notices", fk_notice_fields },
	{ "POST /api/v1/announcements", fk_announce_fields },
	{ "POST /api/v1/bulletins", fk_bulletin_fields },
};

/* The exported arrays, as the functions the table below takes. */
static const char *const *symptoms(void) { return fk_symptom_names; }
static const char *const *history(void) { return fk_history_names; }
static const char *const *tags(void) { return fk_tag_names; }
static const char *const *finding_categories(void) { return fk_category_names; }
static const char *const *ticket_categories(void) { return fk_ticket_category_names; }
static const char *const *ticket_channels(void) { return fk_ticket_channel_names; }
static const char *const *ticket_urgencies(void) { return fk_ticket_urgency_names; }
static const char *const *ticket_moves(void) { return fk_ticket_move_names; }
static const char *const *ticket_satisfactions(void) { return fk_ticket_satisfaction_names; }
static const char *const *team_kinds(void) { return fk_team_kind_names; }
static const char *const *post_kinds(void) { return fk_post_kind_names; }
static const char *const *task_kinds(void) { return fk_task_kind_names; }
static const char *const *notice_kinds(void) { return fk_notice_kind_names; }

/* The code lists a body field takes (those GET /api/v1/vocab serves), by
 * field name; route NULL: in every body that has the field, else only in
 * that route's (nested objects included).  An array field's items take
 * them. */
static const struct {
	const char *route, *field;
	const char *const *(*names)(void);
} enums[] = {
	{ NULL, "symptoms", symptoms },
	{ NULL, "history", history },
	{ NULL, "tags", tags },
	{ NULL, "sex", fk_sex_names },
	{ NULL, "doc_type", fk_doc_type_names },
	{ NULL, "place", fk_case_place_names },
	{ NULL, "setting", fk_contact_setting_names },
	{ NULL, "mode", fk_observation_mode_names },
	{ "POST /api/v1/screenings", "status", fk_screening_status_names },
	{ "POST /api/v1/screenings", "category", finding_categories },
	{ "POST /api/v1/cases", "category", fk_case_category_names },
	{ "POST /api/v1/tickets", "category", ticket_categories },
	{ "POST /api/v1/tickets", "channel", ticket_channels },
	{ "POST /api/v1/tickets", "urgency", ticket_urgencies },
	{ "POST /api/v1/public/messages", "category", ticket_categories },
	{ "POST /api/v1/answers", "category", ticket_categories },
	{ "POST /api/v1/tickets/{id}/moves", "move", ticket_moves },
	{ "POST /api/v1/tickets/{id}/moves", "satisfaction", ticket_satisfactions },
	{ "PUT /api/v1/hotline/limits", "urgency", ticket_urgencies },
	{ "POST /api/v1/teams", "kind", team_kinds },
	{ "POST /api/v1/posts", "kind", post_kinds },
	{ "POST /api/v1/tasks", "kind", task_kinds },
	{ "POST /api/v1/supervision/notices", "kind", notice_kinds },
};

/* "METHOD path" of rt in buf. */
static const char *route_key(const fk_route *rt, char *buf, size_t n)
{
	snprintf(buf, n, "%s %s", rt->method, rt->pattern);
	return buf;
}

static const char *const *field_enum(const char *route, const char *field);
static json_t *names_enum(const char *const *names);

/* The schema of one declared field (nest: its nested declaration). */
static json_t *field_schema(const char *route, const fk_field *f, const nested *nest);

/* The object schema of fields (additional properties are refused: an
 * unknown field is a 400). */
static json_t *fields_schema(const char *route, const fk_field *fields, const nested *nest, size_t nnest)
{
	json_t *props = json_object(), *req = json_array();
	for (const fk_field *f = fields; f->name; f++) {
		const nested *sub = NULL;
		for (size_t i = 0; i < nnest; i++)
			if (nest[i].field && strcmp(nest[i].field, f->name) == 0)
				sub = &nest[i];
		json_object_set_new(props, f->name, field_schema(route, f, sub));
		if (f->required)
			json_array_append_new(req, json_string(f->name));
	}
	json_t *o = json_pack("{s:s, s:o, s:b}", "type", "object", "properties", props, "additionalProperties", 0);
	if (json_array_size(req) > 0)
		json_object_set_new(o, "required", req);
	else
		json_decref(req);
	return o;
}

static json_t *field_schema(const char *route, const fk_field *f, const nested *nest)
{
	bool bounded = f->min != 0 || f->max != 0;
	const char *const *codes = field_enum(route, f->name);
	json_t *s;
	switch (f->type) {
	case FK_FT_STRING:
		if (codes)
			return names_enum(codes);
		s = json_pack("{s:s}", "type", "string");
		if (bounded) {
			json_object_set_new(s, "minLength", json_integer(f->min));
			json_object_set_new(s, "maxLength", json_integer(f->max));
		}
		return s;
	case FK_FT_INT:
		s = json_pack("{s:s}", "type", "integer");
		if (bounded) {
			json_object_set_new(s, "minimum", json_integer(f->min));
			if (f->max != INT64_MAX)
				json_object_set_new(s, "maximum", json_integer(f->max));
		}
		return s;
	case FK_FT_NUMBER:
		return json_pack("{s:s}", "type", "number");
	case FK_FT_BOOL:
		return json_pack("{s:s}", "type", "boolean");
	case FK_FT_ARRAY:
		s = json_pack("{s:s}", "type", "array");
		if (bounded) {
			json_object_set_new(s, "minItems", json_integer(f->min));
			json_object_set_new(s, "maxItems", json_integer(f->max));
		}
		json_object_set_new(s, "items",
				    nest && nest->items ? fields_schema(route, nest->fields, NULL, 0)
				    : codes		? names_enum(codes)
							: json_pack("{s:s}", "type", "string"));
		return s;
	case FK_FT_OBJECT:
		return nest ? fields_schema(route, nest->fields, NULL, 0) : json_pack("{s:s}", "type", "object");
	}
	return json_object();
}

/* The codes field takes in route's body, or NULL. */
static const char *const *field_enum(const char *route, const char *field)
{
	for (size_t i = 0; i < sizeof(enums) / sizeof(enums[0]); i++)
		if (strcmp(enums[i].field, field) == 0 && (!enums[i].route || strcmp(enums[i].route, route) == 0))
			return enums[i].names();
	return NULL;
}

/* A query or path parameter. */
static json_t *param(const char *in, const char *name, bool required, json_t *schema, const char *desc)
{
	json_t *p = json_pack("{s:s, s:s, s:b, s:o}", "name", name, "in", in, "required", required, "schema", schema);
	if (desc)
		json_object_set_new(p, "description", json_string(desc));
	return p;
}

static json_t *flag_schema(void)
{
	return json_pack("{s:s, s:[ssss]}", "type", "string", "enum", "0", "1", "false", "true");
}

/* The schema of a hand-written query parameter's type. */
static json_t *qtype_schema(const char *type)
{
	if (strcmp(type, "integer") == 0)
		return json_pack("{s:s, s:i}", "type", "integer", "minimum", 1);
	if (strcmp(type, "limit") == 0)
		return json_pack("{s:s, s:i, s:i}", "type", "integer", "minimum", 1, "maximum", FK_PAGE_MAX);
	if (strcmp(type, "date") == 0)
		return json_pack("{s:s, s:s}", "type", "string", "format", "date");
	if (strcmp(type, "flag") == 0)
		return flag_schema();
	if (strcmp(type, "region") == 0)
		return json_pack("{s:s, s:s}", "type", "string", "pattern", "^(root|[0-9]{2,15})$");
	if (strcmp(type, "grid") == 0)
		return json_pack("{s:s, s:s}", "type", "string", "pattern", "^[0-9]{15}$");
	return json_pack("{s:s}", "type", "string");
}

static json_t *names_enum(const char *const *names)
{
	json_t *a = json_array();
	for (int i = 0; names && names[i]; i++)
		json_array_append_new(a, json_string(names[i]));
	return json_pack("{s:s, s:o}", "type", "string", "enum", a);
}

/* The query parameter of one declared filter. */
static json_t *filter_param(const fk_filter *f)
{
	json_t *s;
	switch (f->kind) {
	case FK_F_ENUM:
	case FK_F_BIT:
		s = names_enum(f->names);
		break;
	case FK_F_ID:
		s = json_pack("{s:s, s:i}", "type", "integer", "minimum", 1);
		break;
	case FK_F_DATE:
		s = json_pack("{s:s, s:s}", "type", "string", "format", "date");
		break;
	case FK_F_FLAG:
		s = flag_schema();
		break;
	default:
		s = json_pack("{s:s}", "type", "string");
		if (f->max > 0)
			json_object_set_new(s, "maxLength", json_integer(f->max));
		break;
	}
	return param("query", f->name, false, s, f->what);
}

/* Whether name is a {name} of rt's path (h_list reads those first). */
static bool in_path(const fk_route *rt, const char *name)
{
	char brace[40];
	snprintf(brace, sizeof(brace), "{%s}", name);
	return strstr(rt->pattern, brace) != NULL;
}

/* The query parameters of rt's declared list: its region, its filters
 * (those not taken from the path), limit and after. */
static void list_params(json_t *params, const fk_route *rt)
{
	const fk_list *l = rt->list;
	if (l->region && !in_path(rt, l->region))
		json_array_append_new(params, param("query", l->region, false, qtype_schema("region"),
						    "a region in scope (root: the country)"));
	for (const fk_filter *f = l->filters; f && f->name; f++)
		if (!in_path(rt, f->name))
			json_array_append_new(params, filter_param(f));
	json_array_append_new(params, param("query", "limit", false, qtype_schema("limit"), "page size (default 100)"));
	json_array_append_new(params, param("query", "after", false, qtype_schema("cursor"),
					    "the previous page's next"));
}

/* Adds the query parameters of rt to params; false when none are declared
 * for it. */
static bool query_params(json_t *params, const fk_route *rt)
{
	if (rt->list) {
		list_params(params, rt);
		return true;
	}
	char key[160];
	route_key(rt, key, sizeof(key));
	for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
		if (strcmp(queries[i].route, key) != 0)
			continue;
		for (const qparam *q = queries[i].params; q->name; q++)
			json_array_append_new(params, param("query", q->name, q->required, qtype_schema(q->type), q->desc));
		return true;
	}
	/* a body route takes no query unless declared above */
	return strcmp(rt->method, "GET") != 0;
}

/* The request body of rt, or NULL when its body is not declared here. */
static json_t *request_body(const fk_route *rt)
{
	if (rt->flags & FK_ROUTE_UPLOAD)
		return json_pack("{s:b, s:{s:{s:{s:s}}}}", "required", 1, "content", "text/csv", "schema", "type",
				 "string");
	char key[160];
	route_key(rt, key, sizeof(key));
	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		if (strcmp(bodies[i].route, key) != 0)
			continue;
		json_t *s = fields_schema(key, bodies[i].fields, bodies[i].nest, 2);
		if (bodies[i].batch)
			s = json_pack("{s:[o, {s:s, s:i, s:O}]}", "oneOf", s, "type", "array", "minItems", 1, "items", s);
		return json_pack("{s:b, s:{s:{s:o}}}", "required", 1, "content", "application/json", "schema", s);
	}
	return NULL;
}

/* Adds the error answer under status to responses r. */
static void error_answer(json_t *r, const char *status)
{
	json_object_set_new(r, status, json_pack("{s:s}", "$ref", "#/components/responses/Error"));
}

/* The answers of rt: success (CSV for an export, JSON otherwise), and the
 * errors it can give (docs/api.md, Errors); "default" covers the rest
 * (405, 414, 431, 500). */
static json_t *responses(const fk_route *rt)
{
	json_t *r = json_object();
	bool get = strcmp(rt->method, "GET") == 0;
	const char *type = strstr(rt->pattern, "/export") ? "text/csv" : "application/json";
	json_object_set_new(r, "2XX", json_pack("{s:s, s:{s:{s:{}}}}", "description", "success", "content", type,
						"schema"));
	error_answer(r, "400");
	if (rt->perm != FK_PERM_PUBLIC)
		error_answer(r, "401");
	if (rt->perm != FK_PERM_PUBLIC || !get)
		error_answer(r, "403"); /* a role without the permission; csrf */
	error_answer(r, "404");
	if (rt->flags & FK_ROUTE_WRITES && !get)
		error_answer(r, "409");
	if (rt->flags & (FK_ROUTE_BODY | FK_ROUTE_UPLOAD)) {
		error_answer(r, "413");
		error_answer(r, "415");
	}
	if (strcmp(rt->pattern, "/api/v1/session") == 0 && !get)
		error_answer(r, "429");
	if (rt->flags & FK_ROUTE_WRITES)
		error_answer(r, "503");
	error_answer(r, "default");
	return r;
}

/* "get_api_v1_regions_code_children" for GET /api/v1/regions/{code}/children. */
static json_t *operation_id(const fk_route *rt)
{
	char id[200];
	size_t n = 0;
	for (const char *m = rt->method; *m && n < sizeof(id) - 1; m++)
		id[n++] = (char)(*m | 0x20);
	for (const char *p = rt->pattern; *p && n < sizeof(id) - 1; p++) {
		char c = *p;
		if (c == '{' || c == '}')
			continue;
		id[n++] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ? c : '_';
	}
	id[n] = '\0';
	return json_string(id);
}

/* The tag of rt: the first segment after /api/v1/ ("cases"), in buf. */
static const char *route_tag(const fk_route *rt, char *buf, size_t n)
{
	const char *seg = rt->pattern + strlen("/api/v1/");
	snprintf(buf, n, "%.*s", (int)strcspn(seg, "/"), seg);
	return buf;
}

static json_t *operation(const fk_route *rt)
{
	json_t *op = json_pack("{s:o, s:s, s:s, s:s, s:s}", "operationId", operation_id(rt), "summary", rt->summary,
			       "description", rt->summary, "x-permission", fk_perm_name(rt->perm), "x-runs",
			       rt->flags & FK_ROUTE_HEAVY	 ? "heavy"
			       : rt->flags & FK_ROUTE_WRITES ? "writer"
							       : "reader");
	char tag[40];
	json_object_set_new(op, "tags", json_pack("[s]", route_tag(rt, tag, sizeof(tag))));
	if (rt->audit)
		json_object_set_new(op, "x-audit", json_string(rt->audit));
	if (rt->perm == FK_PERM_PUBLIC)
		json_object_set_new(op, "security", json_array());
	json_t *params = json_array(), *undeclared = json_array();
	for (const char *p = strchr(rt->pattern, '{'); p; p = strchr(p + 1, '{')) {
		const char *end = strchr(p, '}');
		if (!end)
			break;
		char name[32];
		snprintf(name, sizeof(name), "%.*s", (int)(end - p - 1), p + 1);
		json_t *s = strcmp(name, "id") == 0 ? json_pack("{s:s, s:i}", "type", "integer", "minimum", 1)
						    : json_pack("{s:s}", "type", "string");
		json_array_append_new(params, param("path", name, true, s, NULL));
	}
	if (!query_params(params, rt))
		json_array_append_new(undeclared, json_string("query"));
	json_object_set_new(op, "parameters", params);
	if (rt->flags & (FK_ROUTE_BODY | FK_ROUTE_UPLOAD)) {
		json_t *body = request_body(rt);
		if (body)
			json_object_set_new(op, "requestBody", body);
		else
			json_array_append_new(undeclared, json_string("body"));
	}
	if (json_array_size(undeclared) > 0)
		json_object_set_new(op, "x-undeclared", undeclared);
	else
		json_decref(undeclared);
	json_object_set_new(op, "responses", responses(rt));
	return op;
}

static json_t *components(void)
{
	return json_pack(
		"{s:{s:{s:s, s:s, s:[s], s:{s:{s:s, s:[ss], s:{s:{s:s}, s:{s:s}, s:{s:s}}}}}},"
		" s:{s:{s:s, s:o}},"
		" s:{s:{s:s, s:s}, s:{s:s, s:s, s:s}}}",
		"schemas", "Error", "type", "object", "description", "every error answer (docs/api.md, Errors)",
		"required", "error", "properties", "error", "type", "object", "required", "code", "message",
		"properties", "code", "type", "string", "message", "type", "string", "field", "type", "string",
		"responses", "Error", "description", "an error: the code says which (docs/api.md, Errors)", "content",
		json_pack("{s:{s:{s:s}}}", "application/json", "schema", "$ref", "#/components/schemas/Error"),
		"securitySchemes", "bearer", "type", "http", "scheme", "bearer", "cookie", "type", "apiKey", "in",
		"cookie", "name", "fk_session");
}

json_t *fk_openapi(void)
{
	json_t *paths = json_object(), *tags = json_array(), *seen = json_object();
	for (size_t i = 0; i < fk_routes_count; i++) {
		const fk_route *rt = &fk_routes[i];
		char tag[40];
		if (!json_object_get(seen, route_tag(rt, tag, sizeof(tag)))) {
			json_object_set_new(seen, tag, json_true());
			json_array_append_new(tags, json_pack("{s:s}", "name", tag));
		}
		json_t *item = json_object_get(paths, rt->pattern);
		if (!item) {
			item = json_object();
			json_object_set_new(paths, rt->pattern, item);
		}
		char method[8];
		size_t n = 0;
		for (; rt->method[n] && n < sizeof(method) - 1; n++)
			method[n] = (char)(rt->method[n] | 0x20);
		method[n] = '\0';
		json_object_set_new(item, method, operation(rt));
	}
	json_decref(seen);
	return json_pack("{s:s, s:{s:s, s:s, s:s, s:{s:s}}, s:[{s:s}], s:[{s:[]}, {s:[]}], s:o, s:o, s:o}",
			 "openapi", "3.1.0", "info", "title", "fangkong", "version", FK_VERSION, "description",
			 "The JSON API of fangkong (docs/api.md), generated from its route table.", "contact", "name",
			 "fangkong maintainers (README.md)", "servers", "url", "/", "security", "bearer", "cookie", "tags", tags,
			 "paths", paths, "components", components());
}
