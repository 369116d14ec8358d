/* h_hotline.c - tickets and their moves, the public message form and
 * lookup, the measures, the working calendar, standard answers and the
 * family doctors' teams and roster.  Lists are declared
 * (in core/hotline) and served by h_list. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/region.h"
#include "core/hotline/answers.h"
#include "core/hotline/calendar.h"
#include "core/hotline/doctors.h"
#include "core/hotline/tickets.h"
#include "http/handlers.h"
#include "http/write.h"
#include "util/date.h"

FK_BODY_WRITE(h_ticket_create, fk_ticket_in, fk_ticket_parse, fk_ticket_create, 201)

int h_ticket_get(fk_req *r)
{
	return fk_req_reply_record(r, fk_ticket_get, "ticket");
}

FK_ID_WRITE(h_ticket_move, fk_move_in, fk_move_parse, fk_ticket_move_make, 200)

FK_REVEAL_WRITE(h_ticket_reveal, fk_ticket_reveal_fields, fk_ticket_reveal)

FK_BODY_WRITE(h_answer_create, fk_answer_in, fk_answer_parse, fk_answer_create, 201)
FK_BODY_WRITE(h_team_create, fk_team_in, fk_team_parse, fk_team_create, 201)
FK_BODY_WRITE(h_doctor_create, fk_doctor_in, fk_doctor_parse, fk_doctor_create, 201)
FK_BODY_WRITE(h_shift_create, fk_shift_in, fk_shift_parse, fk_shift_create, 201)

/* ---- the public form and lookup (no account) ---- */

typedef struct public_ctx {
	fk_ticket_in t;
	fk_lookup_in l;
	int64_t retry_after;
} public_ctx;

static void public_finish(fk_req *r, void *in)
{
	public_ctx *c = in;
	if (r->err.status == 429)
		fk_req_header(r, "Retry-After", fk_arena_printf(&r->arena, "%lld", (long long)c->retry_after));
}

static int message_job(fk_db *db, const fk_actor *who, void *in, json_t **out, fk_err *e)
{
	(void)who;
	public_ctx *c = in;
	*out = fk_message_create(db, &c->t, &c->retry_after, e);
	if (*out)
		return 0;
	return e->status == 429 ? 0 : -1; /* keep the hit that was counted */
}

int h_message_create(fk_req *r)
{
	public_ctx *c = fk_arena_alloc(&r->arena, sizeof(*c));
	bool bot = false;
	if (fk_message_parse(r->json, &c->t, &bot, &r->err) < 0)
		return -1;
	if (bot) /* the hidden field was filled: nothing is stored, nothing told */
		return fk_req_reply(r, 202, json_pack("{s:b}", "received", 1));
	c->t.addr = r->addr;
	return fk_req_write(r, &(fk_job){ .run = message_job, .in = c, .status = 201, .finish = public_finish });
}

static int lookup_job(fk_db *db, const fk_actor *who, void *in, json_t **out, fk_err *e)
{
	(void)who;
	public_ctx *c = in;
	*out = fk_lookup(db, &c->l, &c->retry_after, e);
	return *out ? 0 : 0; /* a miss keeps its hit: guesses are counted */
}

int h_message_lookup(fk_req *r)
{
	public_ctx *c = fk_arena_alloc(&r->arena, sizeof(*c));
	if (fk_lookup_parse(r->json, &c->l, &r->err) < 0)
		return -1;
	c->l.addr = r->addr;
	return fk_req_write(r, &(fk_job){ .run = lookup_job, .in = c, .finish = public_finish });
}

/* The region tree for the public form: the children of ?parent= (a
 * country, province, city, county or street code).  Without it, the area
 * the deployment serves: the deepest region holding every account's home
 * (a county's streets for a county's deployment, a city's counties for a
 * city's), read from the small users table. */
int h_public_regions(fk_req *r)
{
	const char *parent = fk_req_query(r, "parent");
	char top[16] = "";
	if (!parent) {
		fk_stmt *st;
		if (fk_db_query(r->db, &st, "SELECT min(region), max(region) FROM users", "") == 0) {
			if (fk_stmt_step(st) == FK_ROW) {
				const char *lo = fk_stmt_text(st, 0), *hi = fk_stmt_text(st, 1);
				size_t n = 0;
				while (lo[n] && lo[n] == hi[n] && n < 12)
					n++;
				static const size_t cut[] = { 9, 6, 4, 2, 0 };
				size_t k = 0;
				while (cut[k] > n)
					k++;
				snprintf(top, sizeof(top), "%.*s", (int)cut[k], lo);
			}
			fk_stmt_done(st);
		}
		parent = top;
	}
	int lvl = fk_region_level_of(parent);
	if (lvl < FK_LEVEL_COUNTRY || lvl > FK_LEVEL_STREET)
		return fk_req_fail(r, 400, "invalid", "parent", "parent: a region code above the communities");
	fk_stmt *st;
	if (fk_db_query(r->db, &st, "SELECT code, name FROM regions WHERE parent = $1 ORDER BY code LIMIT 1000", "s",
			parent) < 0)
		return fk_req_fail(r, 500, "internal", NULL, "internal error");
	json_t *items = json_array();
	while (fk_stmt_step(st) == FK_ROW)
		json_array_append_new(items, fk_row_json(st));
	fk_stmt_done(st);
	char name[256];
	if (fk_region_name(r->db, parent, name, sizeof(name)) != 1) {
		json_decref(items);
		return fk_req_fail(r, 404, "not_found", "parent", "region %s not found", parent);
	}
	return fk_req_reply(r, 200, json_pack("{s:s, s:s, s:i, s:o}", "parent", parent, "name", name, "level", lvl + 1,
					      "items", items));
}

/* ---- measures and the calendar ---- */

/* ?from= and ?to= (to: today; from: 29 days before to). */
static int day_range(fk_req *r, int64_t *from, int64_t *to)
{
	bool given;
	if (fk_req_date(r, "to", fk_today(), to, NULL) < 0 || fk_req_date(r, "from", 0, from, &given) < 0)
		return -1;
	if (!given)
		*from = *to - 29;
	return 0;
}

int h_ticket_measures(fk_req *r)
{
	int64_t from, to;
	if (day_range(r, &from, &to) < 0)
		return -1;
	return fk_req_reply(r, 200, fk_ticket_measures(r->db, &r->actor, fk_req_region(r, "region"), from, to, &r->err));
}

int h_calendar_get(fk_req *r)
{
	int64_t from, to;
	if (day_range(r, &from, &to) < 0)
		return -1;
	return fk_req_reply(r, 200, fk_workcal_days(r->db, &r->actor, fk_req_region(r, "region"), from, to, &r->err));
}

static int limit_job(fk_db *db, const fk_actor *who, void *in, json_t **out, fk_err *e)
{
	*out = fk_limit_set(db, who, in, e);
	if (!*out)
		return -1;
	int64_t n = fk_ticket_refresh_due(db, who->region);
	if (n < 0)
		return fk_err_internal(e);
	json_object_set_new(*out, "tickets_updated", json_integer(n));
	return 0;
}

int h_limit_put(fk_req *r)
{
	fk_limit_in *l = fk_arena_alloc(&r->arena, sizeof(*l));
	if (fk_limit_parse(r->json, l, &r->err) < 0)
		return -1;
	return fk_req_write_heavy(r, &(fk_job){ .run = limit_job, .in = l, .action = "limits.set", .object = "ticket_limits",
					  .region = r->actor.region,
					  .detail = json_pack("{s:s, s:s, s:I, s:I}", "urgency", l->urgency, "reply_unit", l->unit,
							      "reply_n", (json_int_t)l->n, "ext_max", (json_int_t)l->ext_max) });
}

static int calendar_job(fk_db *db, const fk_actor *who, void *in, json_t **out, fk_err *e)
{
	fk_workday_in *w = in;
	*out = fk_workday_set(db, who, w, e);
	if (!*out)
		return -1;
	const char *region = fk_json_str_or(*out, "region");
	int64_t n = fk_ticket_refresh_due(db, region);
	if (n < 0)
		return fk_err_internal(e);
	json_object_set_new(*out, "tickets_updated", json_integer(n));
	return 0;
}

int h_calendar_put(fk_req *r)
{
	fk_workday_in *w = fk_arena_alloc(&r->arena, sizeof(*w));
	if (fk_workday_parse(r->json, w, &r->err) < 0)
		return -1;
	char d[11];
	fk_date_format(w->day, d);
	return fk_req_write_heavy(r, &(fk_job){ .run = calendar_job, .in = w, .action = "calendar.set", .object = "calendar",
					  .region = w->region ? w->region : r->actor.region,
					  .detail = json_pack("{s:s, s:b}", "date", d, "work", w->work) });
}
