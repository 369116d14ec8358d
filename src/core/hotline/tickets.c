/* tickets.c - taking tickets and moving them along the closed loop (see
 * tickets.h): the only writes to tickets, ticket_events, ticket_seq and
 * the ticket roll-ups.  Reads, deadlines, the public form and the
 * measures are in ticket_read.c.  Expected load: a city's hotline at its
 * peak, a few hundred tickets a second, each write a handful of rows. */
#include "core/hotline/tickets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/base/audit.h"
#include "core/base/list.h"
#include "core/base/perm.h"
#include "core/base/region.h"
#include "core/base/rollup.h"
#include "core/base/scope.h"
#include "core/grid/alerts.h"
#include "core/grid/registry.h"
#include "core/hotline/calendar.h"
#include "core/hotline/ticket_int.h"
#include "util/date.h"

const char *const fk_ticket_category_names[] = {
	"consultation", "consultation.pass", "consultation.health_code", "consultation.supplies",
	"consultation.medical", "consultation.psychological", "consultation.policy",
	"help", "help.daily_needs", "help.medical", "help.fever",
	"suggestion", "complaint", "report", NULL,
};
const char *const fk_ticket_urgency_names[] = { "life_safety", "utilities", "general", "complex", NULL };
const char *const fk_ticket_channel_names[] = { "phone", "message", "gridworker", "doctor", NULL };
const char *const fk_ticket_state_names[] = {
	"received", "answered", "dispatched", "signed", "in_progress", "waiting", "replied", "returned",
	"called_back", "reopened", "closed_resolved", "closed_unresolved", "closed_duplicate",
	"closed_not_responsible", NULL,
};
const char *const fk_ticket_closed_states[] = { "answered", "closed_resolved", "closed_unresolved",
						"closed_duplicate", "closed_not_responsible", NULL };
const char *const fk_ticket_satisfaction_names[] = { "satisfied", "basically_satisfied", "unsatisfied", NULL };
const char *const fk_ticket_public_states[] = { "received", "in_progress", "replied", "closed", NULL };
static const char *const medical_names[] = { "consultation.medical", "consultation.psychological", "help.medical",
					     "help.fever", NULL };
static const char *const unit_kind_names[] = { "office", "doctors", NULL };
static const char *const outcome_names[] = { "resolved", "unresolved", NULL };

#define W FK_PERM_TICKET_WRITE
#define H FK_PERM_TICKET_HANDLE
#define C FK_PERM_TICKET_CHASE
#define HANDLING "signed", "in_progress", "waiting", "reopened"
#define OPEN "received", "dispatched", "signed", "in_progress", "waiting", "reopened", "returned", "replied", \
	     "called_back"

/* The protocol (受理 → 派单 → 签收 → 办理 → 答复 → 回访 → 评价 → 办结):
 * every move and where it may be made from.  callback goes to reopened
 * instead when the resident is unsatisfied; close to closed_unresolved
 * when the outcome says so. */
const fk_ticket_move fk_ticket_moves[] = {
	{ "answer", { "received", "returned", NULL }, "answered", W },
	{ "dispatch", { "received", "returned", NULL }, "dispatched", W },
	{ "sign", { "dispatched", NULL }, "signed", H },
	{ "start", { "signed", "reopened", NULL }, "in_progress", H },
	{ "wait", { "signed", "in_progress", "reopened", NULL }, "waiting", H },
	{ "resume", { "waiting", NULL }, "in_progress", H },
	{ "reply", { HANDLING, NULL }, "replied", H },
	{ "return", { "dispatched", "signed", NULL }, "returned", H },
	{ "extend", { HANDLING, NULL }, NULL, H },
	{ "approve_extension", { HANDLING, NULL }, NULL, W },
	{ "refuse_extension", { HANDLING, NULL }, NULL, W },
	{ "callback", { "replied", NULL }, "called_back", W },
	{ "close", { "called_back", NULL }, "closed_resolved", W },
	{ "merge", { "received", "returned", "dispatched", "signed", "in_progress", "waiting", NULL },
	  "closed_duplicate", W },
	{ "not_responsible", { "received", "returned", NULL }, "closed_not_responsible", W },
	{ "reopen", { "closed_resolved", "closed_unresolved", NULL }, "reopened", W },
	{ "chase", { OPEN, NULL }, NULL, C },
	{ "note", { OPEN, "answered", "closed_resolved", "closed_unresolved", "closed_duplicate",
		    "closed_not_responsible", NULL },
	  NULL, W | H | C },
	{ "alert", { OPEN, "answered", NULL }, NULL, W | H },
	{ NULL },
};
const char *const fk_ticket_move_names[] = { "answer", "dispatch", "sign", "start", "wait", "resume", "reply",
					     "return", "extend", "approve_extension", "refuse_extension", "callback",
					     "close", "merge", "not_responsible", "reopen", "chase", "note", "alert", NULL };

bool fk_names_has(const char *const *names, const char *s)
{
	for (int i = 0; s && names[i]; i++)
		if (strcmp(names[i], s) == 0)
			return true;
	return false;
}

int fk_hotline_flag(const char *value, const char *name, fk_err *e)
{
	if (strcmp(value, "1") == 0 || strcmp(value, "true") == 0)
		return 1;
	if (strcmp(value, "0") == 0 || strcmp(value, "false") == 0)
		return 0;
	return fk_err_invalid(e, name, "%s: 1, true, 0 or false", name);
}

const fk_ticket_move *fk_ticket_move_find(const char *name)
{
	for (const fk_ticket_move *m = fk_ticket_moves; name && m->name; m++)
		if (strcmp(m->name, name) == 0)
			return m;
	return NULL;
}

bool fk_ticket_move_allowed(const fk_ticket_move *m, const char *state)
{
	return fk_names_has(m->from, state);
}

void fk_ticket_moves_from(const char *state, char *out, size_t n)
{
	size_t k = 0;
	out[0] = '\0';
	for (const fk_ticket_move *m = fk_ticket_moves; m->name; m++)
		if (fk_ticket_move_allowed(m, state))
			k += (size_t)snprintf(out + k, k < n ? n - k : 0, "%s%s", k ? "," : "", m->name);
}

bool fk_ticket_move_permitted(const fk_ticket_move *m, fk_role role)
{
	return (fk_role_perms(role) & m->perm) != 0;
}

bool fk_ticket_closed(const char *state)
{
	return fk_names_has(fk_ticket_closed_states, state);
}

const char *fk_ticket_public_state(const char *state)
{
	if (fk_ticket_closed(state))
		return "closed";
	if (strcmp(state, "received") == 0 || strcmp(state, "returned") == 0)
		return "received";
	if (strcmp(state, "replied") == 0 || strcmp(state, "called_back") == 0)
		return "replied";
	return "in_progress";
}

bool fk_ticket_medical(const char *category)
{
	return fk_names_has(medical_names, category);
}

/* ---- parsing ---- */

const fk_field fk_ticket_fields[] = {
	{ "channel", FK_FT_STRING, true, 1, 16 },
	{ "category", FK_FT_STRING, true, 1, 40 },
	{ "urgency", FK_FT_STRING, true, 1, 16 },
	{ "caller_name", FK_FT_STRING, false, 0, 50 },
	{ "phone", FK_FT_STRING, false, 1, 30 },
	{ "region", FK_FT_STRING, false, 12, 15 },
	{ "text", FK_FT_STRING, true, 1, 2000 },
	{ "dispatch_to", FK_FT_STRING, false, 9, 12 },
	{ "unit_kind", FK_FT_STRING, false, 1, 16 },
	{ "answer_id", FK_FT_INT, false, 1, INT64_MAX },
	{ "reply", FK_FT_STRING, false, 1, 2000 },
	{ 0 },
};

static int vocab_check(const char *value, const char *const *names, const char *field, fk_err *e)
{
	if (fk_names_has(names, value))
		return 0;
	char list[512];
	size_t k = 0;
	for (int i = 0; names[i]; i++)
		k += (size_t)snprintf(list + k, k < sizeof(list) ? sizeof(list) - k : 0, "%s%s", i ? ", " : "",
				      names[i]);
	return fk_err_invalid(e, field, "%s: one of %s", field, list);
}

int fk_ticket_parse(const json_t *in, fk_ticket_in *t, fk_err *e)
{
	memset(t, 0, sizeof(*t));
	if (fk_fields_check(in, fk_ticket_fields, e) < 0)
		return -1;
	t->channel = fk_json_str(in, "channel");
	t->category = fk_json_str(in, "category");
	t->urgency = fk_json_str(in, "urgency");
	if (vocab_check(t->channel, fk_ticket_channel_names, "channel", e) < 0 ||
	    vocab_check(t->category, fk_ticket_category_names, "category", e) < 0 ||
	    vocab_check(t->urgency, fk_ticket_urgency_names, "urgency", e) < 0)
		return -1;
	t->caller_name = fk_json_str_or(in, "caller_name");
	t->text = fk_json_str(in, "text");
	t->region = fk_json_str(in, "region");
	const char *phone = fk_json_str(in, "phone");
	if (phone && fk_phone_normalise(phone, t->phone, sizeof(t->phone), e) < 0)
		return -1;
	if (!t->region && !t->phone[0])
		return fk_err_invalid(e, "region", "region: required when no phone is given");
	if (t->region && fk_region_level_of(t->region) < FK_LEVEL_COMMUNITY)
		return fk_err_invalid(e, "region", "region: a community or grid code");
	t->dispatch_to = fk_json_str(in, "dispatch_to");
	t->unit_kind = fk_json_str(in, "unit_kind");
	if (t->unit_kind && vocab_check(t->unit_kind, unit_kind_names, "unit_kind", e) < 0)
		return -1;
	json_int_t aid = json_integer_value(json_object_get(in, "answer_id"));
	t->answer_id = aid;
	t->reply = fk_json_str(in, "reply");
	if (t->dispatch_to && (t->answer_id || t->reply))
		return fk_err_invalid(e, "dispatch_to", "dispatch_to: a ticket is answered directly or dispatched, not both");
	return 0;
}

const fk_field fk_message_fields[] = {
	{ "name", FK_FT_STRING, true, 1, 50 },
	{ "phone", FK_FT_STRING, true, 1, 30 },
	{ "region", FK_FT_STRING, true, 12, 15 },
	{ "category", FK_FT_STRING, true, 1, 40 },
	{ "text", FK_FT_STRING, true, 1, 1000 },
	{ "website", FK_FT_STRING, false, 0, 200 }, /* the honeypot: people leave it empty */
	{ 0 },
};

int fk_message_parse(const json_t *in, fk_ticket_in *t, bool *bot, fk_err *e)
{
	memset(t, 0, sizeof(*t));
	*bot = false;
	if (fk_fields_check(in, fk_message_fields, e) < 0)
		return -1;
	const char *hp = fk_json_str(in, "website");
	*bot = hp && hp[0];
	t->channel = "message";
	t->category = fk_json_str(in, "category");
	if (vocab_check(t->category, fk_ticket_category_names, "category", e) < 0)
		return -1;
	t->urgency = "general"; /* a message is general until an operator triages it */
	t->caller_name = fk_json_str(in, "name");
	t->text = fk_json_str(in, "text");
	t->region = fk_json_str(in, "region");
	if (fk_region_level_of(t->region) < FK_LEVEL_COMMUNITY)
		return fk_err_invalid(e, "region", "region: a community or grid code");
	if (fk_phone_normalise(fk_json_str(in, "phone"), t->phone, sizeof(t->phone), e) < 0)
		return -1;
	t->public_form = true;
	return 0;
}

const fk_field fk_move_fields[] = {
	{ "move", FK_FT_STRING, true, 1, 24 },
	{ "note", FK_FT_STRING, false, 0, 1000 },
	{ "text", FK_FT_STRING, false, 0, 2000 },
	{ "unit", FK_FT_STRING, false, 9, 12 },
	{ "unit_kind", FK_FT_STRING, false, 1, 16 },
	{ "satisfaction", FK_FT_STRING, false, 1, 24 },
	{ "outcome", FK_FT_STRING, false, 1, 16 },
	{ "into", FK_FT_INT, false, 1, INT64_MAX },
	{ "answer_id", FK_FT_INT, false, 1, INT64_MAX },
	{ "days", FK_FT_INT, false, 1, 30 },
	{ "internal", FK_FT_BOOL, false },
	{ 0 },
};

int fk_move_parse(const json_t *in, fk_move_in *m, fk_err *e)
{
	memset(m, 0, sizeof(*m));
	if (fk_fields_check(in, fk_move_fields, e) < 0)
		return -1;
	m->move = fk_json_str(in, "move");
	if (vocab_check(m->move, fk_ticket_move_names, "move", e) < 0)
		return -1;
	m->note = fk_json_str_or(in, "note");
	m->text = fk_json_str_or(in, "text");
	m->unit = fk_json_str(in, "unit");
	m->unit_kind = fk_json_str(in, "unit_kind");
	m->satisfaction = fk_json_str(in, "satisfaction");
	m->outcome = fk_json_str(in, "outcome");
	m->into = json_integer_value(json_object_get(in, "into"));
	m->answer_id = json_integer_value(json_object_get(in, "answer_id"));
	m->days = json_integer_value(json_object_get(in, "days"));
	m->internal = json_is_true(json_object_get(in, "internal"));
	const char *mv = m->move;
	bool noted = strcmp(mv, "wait") == 0 || strcmp(mv, "return") == 0 || strcmp(mv, "not_responsible") == 0 ||
		     strcmp(mv, "reopen") == 0 || strcmp(mv, "chase") == 0 || strcmp(mv, "note") == 0 ||
		     strcmp(mv, "extend") == 0;
	if (noted && !m->note[0])
		return fk_err_invalid(e, "note", "note: the reason is required for %s", mv);
	if (strcmp(mv, "reply") == 0 && !m->text[0])
		return fk_err_invalid(e, "text", "text: the reply to the resident is required");
	if (strcmp(mv, "answer") == 0 && !m->text[0] && !m->answer_id)
		return fk_err_invalid(e, "text", "text: the answer given (or answer_id) is required");
	if (strcmp(mv, "dispatch") == 0 && !m->unit)
		return fk_err_invalid(e, "unit", "unit: the street or community to dispatch to is required");
	if (m->unit_kind && vocab_check(m->unit_kind, unit_kind_names, "unit_kind", e) < 0)
		return -1;
	if (strcmp(mv, "callback") == 0) {
		if (!m->satisfaction)
			return fk_err_invalid(e, "satisfaction", "satisfaction: required for a callback");
		if (vocab_check(m->satisfaction, fk_ticket_satisfaction_names, "satisfaction", e) < 0)
			return -1;
	}
	if (strcmp(mv, "close") == 0) {
		if (!m->outcome)
			return fk_err_invalid(e, "outcome", "outcome: resolved or unresolved");
		if (vocab_check(m->outcome, outcome_names, "outcome", e) < 0)
			return -1;
		if (strcmp(m->outcome, "unresolved") == 0 && !m->note[0])
			return fk_err_invalid(e, "note", "note: closing unresolved needs the explanation");
	}
	if (strcmp(mv, "merge") == 0 && !m->into)
		return fk_err_invalid(e, "into", "into: the ticket this one duplicates is required");
	if (strcmp(mv, "extend") == 0 && !m->days)
		return fk_err_invalid(e, "days", "days: the working days asked for are required");
	if (strcmp(mv, "note") == 0)
		m->internal = true;
	return 0;
}

/* ---- the roll-ups (only this module adds to them) ---- */

static const fk_rollup_table ticket_daily = { "ticket_daily", 1,
	{ "received", "accepted", "accepted_on_time", "direct", "dispatched", "replied", "replied_on_time", "closed" } };
static const fk_rollup_table outcome_daily = { "ticket_outcome_daily", 1,
	{ "resolved", "callbacks", "satisfied", "basically", "unsatisfied", "returned", "reopened", "chased" } };
static const fk_rollup_table unit_daily = { "ticket_unit_daily", 1,
	{ "dispatched", "replied", "replied_on_time", "returned", "resolved", "closed", "callbacks", "satisfied" } };
static const fk_rollup_table category_daily = { "ticket_category_daily", 1,
	{ "consultation", "help", "suggestion", "complaint", "report", "direct_consultation" } };

const fk_rollup_table *fk_ticket_rollups[4] = { &ticket_daily, &outcome_daily, &unit_daily, &category_daily };

/* The top of a category ("consultation" of "consultation.pass"). */
static void category_top(const char *category, char out[24])
{
	size_t n = strcspn(category, ".");
	snprintf(out, 24, "%.*s", (int)(n < 23 ? n : 23), category);
}

/* ---- the ticket row ---- */

int fk_ticket_row_load(fk_db *db, int64_t id, fk_ticket_row *t)
{
	fk_stmt *st;
	if (fk_db_query(db, &st,
			"SELECT id, number, region, state, coalesce(unit, ''), coalesce(unit_kind, ''), category, urgency,"
			" channel, created_at, ext_days, ext_asked, coalesce(doctor_id, 0), coalesce(first_unit, '')"
			" FROM tickets WHERE id = $1",
			"i", id) < 0)
		return -1;
	int rc = fk_stmt_step(st);
	if (rc == FK_ROW) {
		t->id = fk_stmt_int64(st, 0);
		snprintf(t->number, sizeof(t->number), "%s", fk_stmt_text(st, 1));
		snprintf(t->region, sizeof(t->region), "%s", fk_stmt_text(st, 2));
		snprintf(t->state, sizeof(t->state), "%s", fk_stmt_text(st, 3));
		snprintf(t->unit, sizeof(t->unit), "%s", fk_stmt_text(st, 4));
		snprintf(t->unit_kind, sizeof(t->unit_kind), "%s", fk_stmt_text(st, 5));
		snprintf(t->category, sizeof(t->category), "%s", fk_stmt_text(st, 6));
		snprintf(t->urgency, sizeof(t->urgency), "%s", fk_stmt_text(st, 7));
		snprintf(t->channel, sizeof(t->channel), "%s", fk_stmt_text(st, 8));
		t->created_at = fk_stmt_int64(st, 9);
		t->ext_days = fk_stmt_int64(st, 10);
		t->ext_asked = fk_stmt_int64(st, 11);
		t->doctor_id = fk_stmt_int64(st, 12);
		snprintf(t->first_unit, sizeof(t->first_unit), "%s", fk_stmt_text(st, 13));
	}
	fk_stmt_done(st);
	return rc == FK_ROW ? 1 : rc < 0 ? -1 : 0;
}

static int event_add(fk_db *db, const fk_actor *who, int64_t id, int64_t at, const char *move, const char *from,
		     const char *to, const char *unit, const char *note, bool internal, json_t *detail)
{
	char *d = detail ? json_dumps(detail, JSON_COMPACT) : NULL;
	json_decref(detail);
	fk_val v[] = {
		{ 'i', .i = id },
		{ 'i', .i = at },
		{ who->user_id ? 'i' : 'n', .i = who->user_id },
		{ 's', .p = move },
		{ from ? 's' : 'n', .p = from },
		{ 's', .p = to },
		{ unit && unit[0] ? 's' : 'n', .p = unit },
		{ 's', .p = note ? note : "" },
		{ 'i', .i = internal ? 1 : 0 },
		{ d ? 's' : 'n', .p = d },
	};
	int rc = fk_db_run_vals(db,
				"INSERT INTO ticket_events (ticket_id, at, user_id, move, from_state, to_state, unit, note,"
				" internal, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
				v, 10);
	free(d);
	return rc < 0 ? -1 : 0;
}

/* Recomputes the ticket's next deadline (due_at) from its events. */
static int due_refresh(fk_db *db, const fk_ticket_row *t, int64_t now, fk_ticket_times *times)
{
	if (fk_ticket_times_compute(db, t, now, NULL, times) < 0)
		return -1;
	fk_val v[] = { { times->next_due ? 'i' : 'n', .i = times->next_due }, { 'i', .i = now }, { 'i', .i = t->id } };
	return fk_db_run_vals(db, "UPDATE tickets SET due_at = $1, updated_at = $2 WHERE id = $3", v, 3) < 0 ? -1 : 0;
}

/* A unit a ticket of region may go to: a street or community holding
 * region, in who's scope, that exists.  0, or -1 with e naming field. */
static int unit_check(fk_db *db, const fk_actor *who, const char *unit, const char *kind, const char *region,
		      const char *category, const char *field, fk_err *e)
{
	int lvl = fk_region_level_of(unit);
	if (lvl != FK_LEVEL_STREET && lvl != FK_LEVEL_COMMUNITY)
		return fk_err_invalid(e, field, "%s: a street or community code", field);
	if (strcmp(kind, "doctors") == 0) {
		if (lvl != FK_LEVEL_COMMUNITY)
			return fk_err_invalid(e, field, "%s: family doctors are a community's", field);
		if (!fk_ticket_medical(category))
			return fk_err_conflict(e, "unit_kind", "unit_kind: only medical tickets go to family doctors");
	}
	int64_t one = 0;
	int rc = fk_db_int64(db, &one, "SELECT 1 FROM regions WHERE code = $1", "s", unit);
	if (rc < 0)
		return fk_err_internal(e);
	if (rc != FK_ROW || !fk_scope_has(who, unit))
		return fk_err_set(e, 404, "not_found", field, "%s: region %s not found", field, unit);
	if (!fk_scope_contains(unit, region))
		return fk_err_conflict(e, field, "%s: %s does not hold the caller's region %s", field, unit, region);
	return 0;
}

/* The doctor on duty now in community, 0 when none. */
static int64_t on_duty(fk_db *db, const char *community, int64_t at)
{
	int64_t id = 0;
	if (fk_db_int64(db, &id,
			"SELECT doctor_id FROM duty_shifts WHERE region = $1 AND starts_at <= $2 AND ends_at > $2"
			" ORDER BY starts_at DESC, id LIMIT 1",
			"si", community, at) != FK_ROW)
		return 0;
	return id;
}

/* Number for a ticket taken at: its local day and the day's sequence. */
static int number_next(fk_db *db, int64_t at, char out[20])
{
	int64_t day = fk_day_of(at), n = 0;
	if (fk_db_run(db,
		      "INSERT INTO ticket_seq (day, n) VALUES ($1, 1)"
		      " ON CONFLICT (day) DO UPDATE SET n = ticket_seq.n + 1",
		      "i", day) < 0 ||
	    fk_db_int64(db, &n, "SELECT n FROM ticket_seq WHERE day = $1", "i", day) != FK_ROW)
		return -1;
	char d[11];
	fk_date_format(day, d);
	snprintf(out, 20, "%.4s%.2s%.2s-%06lld", d, d + 5, d + 8, (long long)n);
	return 0;
}

int64_t fk_ticket_insert(fk_db *db, const fk_actor *who, const fk_ticket_in *t, const char *region,
			 int64_t person_id, const unsigned char *addr_hash, char number[20], char code[8],
			 fk_err *e)
{
	int64_t at = t->at ? t->at : fk_now();
	if (number_next(db, at, number) < 0)
		return fk_err_internal(e);
	unsigned char ph[FK_PII_HASH_LEN], ps[FK_PII_HASH_LEN], penc[32 + FK_PII_OVERHEAD];
	size_t plen = 0;
	bool phone = t->phone[0];
	if (phone) {
		fk_phone_hashes(t->phone, ph, ps);
		plen = fk_pii_seal(&fk_pii_global, t->phone, penc);
	}
	code[0] = '\0';
	if (t->public_form) {
		static const char digits[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
		unsigned char rnd[6];
		randombytes_buf(rnd, sizeof(rnd));
		for (int i = 0; i < 6; i++)
			code[i] = digits[rnd[i] % 32];
		code[6] = '\0';
	}
	fk_val v[] = {
		{ 's', .p = number },
		{ 's', .p = region },
		{ 's', .p = t->channel },
		{ 's', .p = t->category },
		{ 's', .p = t->urgency },
		{ 's', .p = t->caller_name ? t->caller_name : "" },
		{ phone ? 'b' : 'n', .p = penc, .n = plen },
		{ phone ? 'b' : 'n', .p = ph, .n = FK_PII_HASH_LEN },
		{ phone ? 'b' : 'n', .p = ps, .n = FK_PII_HASH_LEN },
		{ 's', .p = t->text },
		{ person_id ? 'i' : 'n', .i = person_id },
		{ code[0] ? 's' : 'n', .p = code },
		{ addr_hash ? 'b' : 'n', .p = addr_hash, .n = FK_PII_HASH_LEN },
		{ who->user_id ? 'i' : 'n', .i = who->user_id },
		{ 'i', .i = at },
	};
	int64_t id = 0;
	if (fk_db_insert_vals(db, &id,
			      "INSERT INTO tickets (number, region, channel, category, urgency, caller_name, phone_enc,"
			      " phone_hash, phone_sfx, text, state, person_id, query_code, addr_hash, created_by,"
			      " created_at, updated_at, due_at)"
			      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'received', $11, $12, $13, $14, $15, $15,"
			      " $15 + 7200)",
			      v, 15) < 0 ||
	    id <= 0)
		return fk_err_internal(e);
	if (event_add(db, who, id, at, "receive", NULL, "received", NULL, "", false,
		      json_pack("{s:s}", "channel", t->channel)) < 0)
		return fk_err_internal(e);
	fk_rollup *r = fk_rollup_new();
	char top[24];
	category_top(t->category, top);
	fk_rollup_add_col(r, &ticket_daily, region, fk_day_of(at), "received", 1);
	fk_rollup_add_col(r, &category_daily, region, fk_day_of(at), top, 1);
	if (fk_rollup_apply(db, r) < 0)
		return fk_err_internal(e);
	return id;
}

/* The registry's person with this phone (in scope, and under region when
 * given): 0 when none.  Sets grid to their grid. */
static int64_t person_by_phone(fk_db *db, const fk_actor *who, const char *phone, const char *region, char grid[16])
{
	unsigned char h[FK_PII_HASH_LEN], s[FK_PII_HASH_LEN];
	fk_phone_hashes(phone, h, s);
	fk_stmt *st;
	if (fk_db_query(db, &st, "SELECT id, region FROM persons WHERE phone_hash = $1 ORDER BY id LIMIT 20", "b", h,
			(size_t)FK_PII_HASH_LEN) < 0)
		return -1;
	int64_t id = 0;
	while (fk_stmt_step(st) == FK_ROW) {
		const char *g = fk_stmt_text(st, 1);
		if ((who->user_id == 0 && !region) || (who->user_id && !fk_scope_has(who, g)))
			continue;
		if (region && !fk_scope_contains(region, g))
			continue;
		id = fk_stmt_int64(st, 0);
		snprintf(grid, 16, "%s", g);
		break;
	}
	fk_stmt_done(st);
	return id;
}

int fk_ticket_place(fk_db *db, const fk_actor *who, const fk_ticket_in *t, char region[16], int64_t *person_id,
		    fk_err *e)
{
	char grid[16] = "";
	*person_id = t->phone[0] ? person_by_phone(db, who, t->phone, t->region, grid) : 0;
	if (*person_id < 0)
		return fk_err_internal(e);
	if (t->region) {
		if (!t->public_form && fk_scope_ref(who, t->region, "region", "region", e) < 0)
			return -1;
		int64_t one = 0;
		int rc = fk_db_int64(db, &one, "SELECT 1 FROM regions WHERE code = $1", "s", t->region);
		if (rc < 0)
			return fk_err_internal(e);
		if (rc != FK_ROW)
			return fk_err_set(e, 404, "not_found", "region", "region %s not found", t->region);
		snprintf(region, 16, "%s", t->region);
		return 0;
	}
	if (!*person_id)
		return fk_err_invalid(e, "region", "region: required (no registered person in scope has this phone)");
	snprintf(region, 16, "%s", grid);
	return 0;
}

json_t *fk_ticket_create(fk_db *db, const fk_actor *who, const fk_ticket_in *t, fk_err *e)
{
	char region[16], number[20], code[8];
	int64_t person_id;
	if (fk_ticket_place(db, who, t, region, &person_id, e) < 0)
		return NULL;
	int64_t id = fk_ticket_insert(db, who, t, region, person_id, NULL, number, code, e);
	if (id < 0)
		return NULL;
	if (fk_audit_record(db, who, "ticket.create", "ticket", id, region,
			    json_pack("{s:s, s:s, s:s}", "number", number, "category", t->category, "channel",
				      t->channel)) < 0) {
		fk_err_internal(e);
		return NULL;
	}
	if (t->dispatch_to || t->answer_id || t->reply) {
		fk_move_in m = { .note = "", .text = t->reply ? t->reply : "", .at = t->at };
		m.move = t->dispatch_to ? "dispatch" : "answer";
		m.unit = t->dispatch_to;
		m.unit_kind = t->unit_kind;
		m.answer_id = t->answer_id;
		json_t *done = fk_ticket_move_make(db, who, id, &m, e);
		if (!done) {
			/* the field named is the create body's */
			if (strcmp(e->field, "unit") == 0)
				snprintf(e->field, sizeof(e->field), "dispatch_to");
			return NULL;
		}
		return done;
	}
	return fk_ticket_get(db, who, id, e);
}

/* The answer's text when it is in force (not replaced): 0, or -1 with e. */
static int answer_text(fk_db *db, int64_t id, char **text, fk_err *e)
{
	fk_stmt *st;
	if (fk_db_query(db, &st, "SELECT answer, replaced_by FROM answers WHERE id = $1", "i", id) < 0)
		return fk_err_internal(e);
	int rc = fk_stmt_step(st);
	bool replaced = rc == FK_ROW && !fk_stmt_is_null(st, 1);
	*text = rc == FK_ROW ? strdup(fk_stmt_text(st, 0)) : NULL;
	fk_stmt_done(st);
	if (rc != FK_ROW)
		return fk_err_set(e, 404, "not_found", "answer_id", "answer %lld not found", (long long)id);
	if (replaced) {
		free(*text);
		*text = NULL;
		return fk_err_conflict(e, "answer_id", "answer_id: answer %lld was replaced by a newer one",
				       (long long)id);
	}
	return 0;
}

/* Whether who may make a handling move on t: the unit is theirs, and a
 * doctor handles what went to doctors, an officer what went to an office. */
static int handler_check(const fk_actor *who, const fk_ticket_row *t, fk_err *e)
{
	bool doctors = strcmp(t->unit_kind, "doctors") == 0;
	if (!t->unit[0] || !fk_scope_has(who, t->unit))
		return fk_err_forbidden(e, "ticket %s is dispatched to %s, not to your unit (%s)", t->number,
					t->unit[0] ? t->unit : "no unit", fk_role_name(who->role));
	if (doctors != (who->role == FK_ROLE_DOCTOR))
		return fk_err_forbidden(e, "ticket %s is for %s (%s)", t->number,
					doctors ? "the family doctors" : "the unit's office", fk_role_name(who->role));
	return 0;
}

json_t *fk_ticket_move_make(fk_db *db, const fk_actor *who, int64_t id, const fk_move_in *m, fk_err *e)
{
	fk_ticket_row t;
	char what[48];
	json_t *detail = NULL;
	fk_rollup *r = NULL;
	char *text = NULL;
	snprintf(what, sizeof(what), "ticket %lld", (long long)id);
	int rc = fk_ticket_row_load(db, id, &t);
	if (rc < 0)
		goto internal;
	if (rc == 0)
		return fk_err_not_found(e, "%s not found", what), NULL;
	if (fk_scope_row(who, t.region, what, e) < 0)
		return NULL;
	const fk_ticket_move *mv = fk_ticket_move_find(m->move);
	if (!mv)
		return fk_err_invalid(e, "move", "move: unknown"), NULL;
	fk_perms need = mv->perm;
	if (!fk_ticket_move_permitted(mv, who->role)) {
		fk_err_forbidden(e, "%s needs %s (%s)", m->move,
				 need == FK_PERM_TICKET_WRITE || need == FK_PERM_TICKET_HANDLE || need == FK_PERM_TICKET_CHASE
					 ? fk_perm_name(need)
					 : "ticket.write or ticket.handle",
				 fk_role_name(who->role));
		return NULL;
	}
	if (!fk_ticket_move_allowed(mv, t.state)) {
		char allowed[256];
		fk_ticket_moves_from(t.state, allowed, sizeof(allowed));
		fk_err_set(e, 409, "transition", "move", "ticket %s is %s and cannot %s; allowed: %s", t.number, t.state,
			   m->move, allowed[0] ? allowed : "none");
		fk_err_allowed(e, allowed);
		return NULL;
	}
	if (need == FK_PERM_TICKET_HANDLE && handler_check(who, &t, e) < 0)
		return NULL;
	int64_t nevents = 0;
	if (fk_db_int64(db, &nevents, "SELECT count(*) FROM ticket_events WHERE ticket_id = $1", "i", id) != FK_ROW)
		goto internal;
	if (nevents >= FK_TICKET_MAX_EVENTS) {
		fk_err_conflict(e, "move", "ticket %s has %d events, the most one ticket holds", t.number,
				FK_TICKET_MAX_EVENTS);
		return NULL;
	}

	int64_t at = m->at ? m->at : fk_now(), day = fk_day_of(at);
	const char *to = mv->to ? mv->to : t.state;
	const char *name = m->move;
	detail = json_object();
	r = fk_rollup_new();
	/* the deadlines as they stand, for the moves bounded by one */
	fk_ticket_times before = { 0 };
	if ((strcmp(name, "return") == 0 || strcmp(name, "extend") == 0) &&
	    fk_ticket_times_compute(db, &t, at, NULL, &before) < 0)
		goto internal_r;
	bool first_accept = strcmp(t.state, "received") == 0;
	char from[24];
	snprintf(from, sizeof(from), "%s", t.state);

	if (strcmp(name, "answer") == 0) {
		if (m->answer_id && answer_text(db, m->answer_id, &text, e) < 0)
			goto fail;
		const char *reply = m->text[0] ? m->text : text;
		if (fk_db_run(db, "UPDATE tickets SET state = $1, reply = $2, answer_id = $3 WHERE id = $4", "ssii", to, reply,
			      m->answer_id ? m->answer_id : (int64_t)0, id) < 0)
			goto internal_r;
		if (!m->answer_id)
			fk_db_run(db, "UPDATE tickets SET answer_id = NULL WHERE id = $1", "i", id);
		else
			json_object_set_new(detail, "answer_id", json_integer(m->answer_id));
		char top[24];
		category_top(t.category, top);
		fk_rollup_add_col(r, &ticket_daily, t.region, day, "direct", 1);
		fk_rollup_add_col(r, &ticket_daily, t.region, day, "closed", 1);
		fk_rollup_add_col(r, &outcome_daily, t.region, day, "resolved", 1);
		if (strcmp(top, "consultation") == 0)
			fk_rollup_add_col(r, &category_daily, t.region, day, "direct_consultation", 1);
	} else if (strcmp(name, "dispatch") == 0) {
		const char *kind = m->unit_kind ? m->unit_kind : "office";
		if (unit_check(db, who, m->unit, kind, t.region, t.category, "unit", e) < 0)
			goto fail;
		int64_t doctor = strcmp(kind, "doctors") == 0 ? on_duty(db, m->unit, at) : 0;
		fk_val v[] = { { 's', .p = m->unit }, { 's', .p = kind }, { doctor ? 'i' : 'n', .i = doctor },
			       { 'i', .i = id } };
		if (fk_db_run_vals(db, "UPDATE tickets SET state = 'dispatched', unit = $1, unit_kind = $2, doctor_id = $3"
				       " WHERE id = $4",
				   v, 4) < 0)
			goto internal_r;
		json_object_set_new(detail, "unit_kind", json_string(kind));
		if (doctor)
			json_object_set_new(detail, "doctor_id", json_integer(doctor));
		snprintf(t.unit, sizeof(t.unit), "%s", m->unit);
		if (first_accept)
			fk_rollup_add_col(r, &ticket_daily, t.region, day, "dispatched", 1);
		fk_rollup_add_col(r, &unit_daily, m->unit, day, "dispatched", 1);
	} else if (strcmp(name, "sign") == 0) {
		if (fk_db_run(db, "UPDATE tickets SET state = $1, first_unit = coalesce(first_unit, unit) WHERE id = $2", "si",
			      to, id) < 0)
			goto internal_r;
	} else if (strcmp(name, "reply") == 0) {
		if (fk_db_run(db, "UPDATE tickets SET state = $1, reply = $2 WHERE id = $3", "ssi", to, m->text, id) < 0)
			goto internal_r;
	} else if (strcmp(name, "return") == 0) {
		if (before.return_by && at > before.return_by) {
			char d[11];
			fk_date_format(fk_day_of(before.return_by - 1), d);
			fk_err_set(e, 409, "too_late", "move",
				   "ticket %s can no longer be returned: the %d working days after dispatch ended on %s",
				   t.number, FK_TICKET_RETURN_DAYS, d);
			goto fail;
		}
		if (fk_db_run(db, "UPDATE tickets SET state = $1 WHERE id = $2", "si", to, id) < 0)
			goto internal_r;
		fk_rollup_add_col(r, &outcome_daily, t.region, day, "returned", 1);
		fk_rollup_add_col(r, &unit_daily, t.unit, day, "returned", 1);
	} else if (strcmp(name, "extend") == 0) {
		fk_limit lim;
		if (fk_limit_get(db, t.urgency, &lim) < 0)
			goto internal_r;
		if (lim.unit != FK_LIMIT_WORKDAYS) {
			fk_err_conflict(e, "move", "a %s ticket's limit is in hours and cannot be extended", t.urgency);
			goto fail;
		}
		if (t.ext_asked) {
			fk_err_conflict(e, "move", "an extension of %lld working days is waiting for a decision",
					(long long)t.ext_asked);
			goto fail;
		}
		if (t.ext_days + m->days > lim.ext_max) {
			fk_err_invalid(e, "days", "days: at most %lld more (extensions up to %d working days)",
				       (long long)(lim.ext_max - t.ext_days), lim.ext_max);
			goto fail;
		}
		if (!before.reply_due || at >= before.reply_due) {
			fk_err_set(e, 409, "too_late", "move", "an extension is asked before the deadline%s",
				   before.reply_due ? ", which has passed" : " (the clock is paused)");
			goto fail;
		}
		if (fk_db_run(db, "UPDATE tickets SET ext_asked = $1 WHERE id = $2", "ii", m->days, id) < 0)
			goto internal_r;
		json_object_set_new(detail, "days", json_integer(m->days));
	} else if (strcmp(name, "approve_extension") == 0 || strcmp(name, "refuse_extension") == 0) {
		if (!t.ext_asked) {
			fk_err_conflict(e, "move", "no extension was asked for ticket %s", t.number);
			goto fail;
		}
		bool yes = name[0] == 'a';
		if (fk_db_run(db, "UPDATE tickets SET ext_days = ext_days + $1, ext_asked = 0 WHERE id = $2", "ii",
			      yes ? t.ext_asked : (int64_t)0, id) < 0)
			goto internal_r;
		json_object_set_new(detail, "days", json_integer(t.ext_asked));
		t.ext_days += yes ? t.ext_asked : 0;
	} else if (strcmp(name, "callback") == 0) {
		bool unsat = strcmp(m->satisfaction, "unsatisfied") == 0;
		if (unsat)
			to = "reopened";
		if (fk_db_run(db,
			      "UPDATE tickets SET state = $1, satisfaction = $2, reopened = reopened + $3 WHERE id = $4",
			      "ssii", to, m->satisfaction, (int64_t)unsat, id) < 0)
			goto internal_r;
		json_object_set_new(detail, "satisfaction", json_string(m->satisfaction));
		const char *col = unsat ? "unsatisfied" : strcmp(m->satisfaction, "satisfied") == 0 ? "satisfied"
												: "basically";
		fk_rollup_add_col(r, &outcome_daily, t.region, day, "callbacks", 1);
		fk_rollup_add_col(r, &outcome_daily, t.region, day, col, 1);
		if (unsat)
			fk_rollup_add_col(r, &outcome_daily, t.region, day, "reopened", 1);
		fk_rollup_add_col(r, &unit_daily, t.unit, day, "callbacks", 1);
		if (!unsat)
			fk_rollup_add_col(r, &unit_daily, t.unit, day, "satisfied", 1);
	} else if (strcmp(name, "close") == 0) {
		bool resolved = strcmp(m->outcome, "resolved") == 0;
		to = resolved ? "closed_resolved" : "closed_unresolved";
		if (fk_db_run(db, "UPDATE tickets SET state = $1 WHERE id = $2", "si", to, id) < 0)
			goto internal_r;
		json_object_set_new(detail, "outcome", json_string(m->outcome));
		fk_rollup_add_col(r, &ticket_daily, t.region, day, "closed", 1);
		fk_rollup_add_col(r, &unit_daily, t.unit, day, "closed", 1);
		if (resolved) {
			fk_rollup_add_col(r, &outcome_daily, t.region, day, "resolved", 1);
			fk_rollup_add_col(r, &unit_daily, t.unit, day, "resolved", 1);
		}
	} else if (strcmp(name, "merge") == 0) {
		fk_ticket_row into;
		char iw[48];
		snprintf(iw, sizeof(iw), "ticket %lld", (long long)m->into);
		int irc = fk_ticket_row_load(db, m->into, &into);
		if (irc < 0)
			goto internal_r;
		if (irc == 0 || fk_scope_ref(who, into.region, "into", iw, e) < 0) {
			if (irc == 0)
				fk_err_set(e, 404, "not_found", "into", "%s not found", iw);
			goto fail;
		}
		if (m->into == id) {
			fk_err_invalid(e, "into", "into: a ticket cannot duplicate itself");
			goto fail;
		}
		if (strcmp(into.state, "closed_duplicate") == 0) {
			fk_err_conflict(e, "into", "into: ticket %s is itself a duplicate", into.number);
			goto fail;
		}
		if (fk_db_run(db, "UPDATE tickets SET state = $1, merged_into = $2 WHERE id = $3", "sii", to, m->into, id) < 0)
			goto internal_r;
		json_object_set_new(detail, "into", json_integer(m->into));
		json_object_set_new(detail, "into_number", json_string(into.number));
		fk_rollup_add_col(r, &ticket_daily, t.region, day, "closed", 1);
	} else if (strcmp(name, "not_responsible") == 0) {
		if (fk_db_run(db, "UPDATE tickets SET state = $1 WHERE id = $2", "si", to, id) < 0)
			goto internal_r;
		json_object_set_new(detail, "decided_by", json_string(who->username));
		fk_rollup_add_col(r, &ticket_daily, t.region, day, "closed", 1);
	} else if (strcmp(name, "reopen") == 0) {
		if (fk_db_run(db, "UPDATE tickets SET state = $1, reopened = reopened + 1 WHERE id = $2", "si", to, id) < 0)
			goto internal_r;
		fk_rollup_add_col(r, &outcome_daily, t.region, day, "reopened", 1);
	} else if (strcmp(name, "chase") == 0) {
		if (fk_db_run(db, "UPDATE tickets SET chases = chases + 1 WHERE id = $1", "i", id) < 0)
			goto internal_r;
		fk_rollup_add_col(r, &outcome_daily, t.region, day, "chased", 1);
	} else if (strcmp(name, "alert") == 0) {
		if (!fk_ticket_medical(t.category)) {
			fk_err_conflict(e, "move", "only a medical ticket raises a screening alert");
			goto fail;
		}
		int64_t person = 0, raised = 0;
		char grid[16] = "";
		fk_stmt *st;
		if (fk_db_query(db, &st,
				"SELECT t.person_id, p.region FROM tickets t JOIN persons p ON p.id = t.person_id WHERE t.id = $1",
				"i", id) < 0)
			goto internal_r;
		if (fk_stmt_step(st) == FK_ROW) {
			person = fk_stmt_int64(st, 0);
			snprintf(grid, sizeof(grid), "%s", fk_stmt_text(st, 1));
		}
		fk_stmt_done(st);
		if (!person) {
			fk_err_conflict(e, "move", "the caller is not matched to a registered person");
			goto fail;
		}
		if (fk_scope_ref(who, grid, "person_id", "person", e) < 0)
			goto fail;
		if (fk_db_int64(db, &raised, "SELECT count(*) FROM ticket_events WHERE ticket_id = $1 AND move = 'alert'", "i",
				id) != FK_ROW)
			goto internal_r;
		if (raised) {
			fk_err_conflict(e, "move", "ticket %s raised its alert already", t.number);
			goto fail;
		}
		int64_t alert = fk_alert_raise_hotline(db, grid, person, day, "[\"fever\"]", at);
		if (alert < 0)
			goto internal_r;
		json_object_set_new(detail, "alert_id", json_integer(alert));
		json_object_set_new(detail, "person_id", json_integer(person));
	} else if (mv->to) { /* sign, start, wait, resume */
		if (fk_db_run(db, "UPDATE tickets SET state = $1 WHERE id = $2", "si", to, id) < 0)
			goto internal_r;
	}

	if (event_add(db, who, id, at, name, t.state, to, t.unit, m->note, m->internal, detail) < 0) {
		detail = NULL;
		goto internal_r;
	}
	detail = NULL;
	snprintf(t.state, sizeof(t.state), "%s", to);
	fk_ticket_times after;
	if (due_refresh(db, &t, at, &after) < 0)
		goto internal_r;
	/* what the move met, once it is in the log */
	if (first_accept && (strcmp(name, "answer") == 0 || strcmp(name, "dispatch") == 0 || strcmp(name, "merge") == 0 ||
			     strcmp(name, "not_responsible") == 0)) {
		fk_rollup_add_col(r, &ticket_daily, t.region, day, "accepted", 1);
		if (after.accept_on_time)
			fk_rollup_add_col(r, &ticket_daily, t.region, day, "accepted_on_time", 1);
	}
	if (strcmp(name, "reply") == 0) {
		fk_rollup_add_col(r, &ticket_daily, t.region, day, "replied", 1);
		fk_rollup_add_col(r, &unit_daily, t.unit, day, "replied", 1);
		if (after.reply_on_time) {
			fk_rollup_add_col(r, &ticket_daily, t.region, day, "replied_on_time", 1);
			fk_rollup_add_col(r, &unit_daily, t.unit, day, "replied_on_time", 1);
		}
	}
	if (fk_rollup_apply(db, r) < 0) {
		r = NULL;
		goto internal;
	}
	r = NULL;
	char act[48];
	snprintf(act, sizeof(act), "ticket.%s", name);
	if (fk_audit_record(db, who, act, "ticket", id, t.region,
			    json_pack("{s:s, s:s, s:s}", "number", t.number, "from", from, "to", to)) < 0)
		goto internal;
	free(text);
	return fk_ticket_get(db, who, id, e);
internal_r:
	fk_err_internal(e);
fail:
	json_decref(detail);
	fk_rollup_free(r);
	free(text);
	return NULL;
internal:
	free(text);
	fk_err_internal(e);
	return NULL;
}

const fk_field fk_ticket_reveal_fields[] = {
	{ "reason", FK_FT_STRING, true, 2, 200 },
	{ 0 },
};

json_t *fk_ticket_reveal(fk_db *db, const fk_actor *who, int64_t id, const char *reason, fk_err *e)
{
	fk_ticket_row t;
	char what[48];
	snprintf(what, sizeof(what), "ticket %lld", (long long)id);
	int rc = fk_ticket_row_load(db, id, &t);
	if (rc < 0)
		return fk_err_internal(e), NULL;
	if (rc == 0)
		return fk_err_not_found(e, "%s not found", what), NULL;
	if (fk_scope_row(who, t.region, what, e) < 0)
		return NULL;
	/* the operators who take calls, and the unit (or doctor) handling it */
	if (!fk_role_can(who->role, FK_PERM_TICKET_WRITE) &&
	    (!fk_role_can(who->role, FK_PERM_TICKET_HANDLE) || handler_check(who, &t, e) < 0)) {
		if (!e->status)
			fk_err_forbidden(e, "only the operators and the unit handling ticket %s see the number (%s)", t.number,
					 fk_role_name(who->role));
		return NULL;
	}
	fk_stmt *st;
	if (fk_db_query(db, &st, "SELECT phone_enc FROM tickets WHERE id = $1", "i", id) < 0)
		return fk_err_internal(e), NULL;
	char phone[64] = "";
	size_t n = 0;
	const void *enc = fk_stmt_step(st) == FK_ROW ? fk_stmt_blob(st, 0, &n) : NULL;
	rc = enc && n ? fk_pii_open(&fk_pii_global, enc, n, phone, sizeof(phone)) : 0;
	fk_stmt_done(st);
	if (rc < 0)
		return fk_err_internal(e), NULL;
	if (fk_audit_record(db, who, "ticket.reveal", "ticket", id, t.region,
			    json_pack("{s:s, s:s}", "number", t.number, "reason", reason)) < 0)
		return fk_err_internal(e), NULL;
	return json_pack("{s:I, s:s, s:o}", "id", (json_int_t)id, "number", t.number, "phone",
			 phone[0] ? json_string(phone) : json_null());
}
