/* h_screening.c - screening records, coverage, gaps, alerts, zero reports. */
#include <stdlib.h>
#include <string.h>

#include "core/grid/alerts.h"
#include "core/grid/screening.h"
#include "http/handlers.h"
#include "http/write.h"
#include "util/date.h"

/* ?date= (default today).  Returns 0 or -1 with a 400. */
static int date_param(fk_req *r, int64_t *day)
{
	return fk_req_date(r, "date", fk_today(), day, NULL);
}

/* A checked batch, and whether it came as one record (not an array). */
typedef struct batch_in {
	json_t *records; /* the request's cleanup owns it */
	bool lone;
} batch_in;

/* A lone record's errors need no index: "[0].persons[1].temperature"
 * becomes "persons[1].temperature". */
static int lone_error(const batch_in *b, fk_err *e)
{
	if (b->lone && strncmp(e->field, "[0]", 3) == 0) {
		const char *f = e->field + 3 + (e->field[3] == '.');
		memmove(e->field, f, strlen(f) + 1);
		if (strncmp(e->message, "[0]", 3) == 0) {
			const char *m = e->message + 3;
			while (*m == '.' || *m == ':' || *m == ' ')
				m++;
			memmove(e->message, m, strlen(m) + 1);
		}
	}
	return -1;
}

static int screenings_job(fk_db *db, const fk_actor *who, void *in, json_t **out, fk_err *e)
{
	const batch_in *b = in;
	json_t *res = fk_screening_store(db, who, b->records, e);
	if (!res)
		return lone_error(b, e);
	*out = json_pack("{s:o}", "items", res);
	return 0;
}

/* One record in, one result out: 201 when stored, 200 on a replay. */
static void screening_lone(fk_req *r, void *in)
{
	(void)in;
	if (r->err.status)
		return;
	json_t *one = json_incref(json_array_get(json_object_get(r->out, "items"), 0));
	if (!one)
		return;
	json_decref(r->out);
	r->out = one;
	r->status = strcmp(json_string_value(json_object_get(one, "result")), "created") == 0 ? 201 : 200;
}

int h_screenings_create(fk_req *r)
{
	batch_in *b = fk_arena_alloc(&r->arena, sizeof(*b));
	b->lone = !json_is_array(r->json);
	b->records = b->lone ? json_pack("[O]", r->json) : json_incref(r->json);
	r->cleanup = b->records;
	if (fk_screening_check(b->records, &r->err) < 0)
		return lone_error(b, &r->err);
	fk_job job = { .run = screenings_job, .in = b, .finish = b->lone ? screening_lone : NULL };
	return json_array_size(b->records) > 10 ? fk_req_write_heavy(r, &job) : fk_req_write(r, &job);
}

int h_coverage(fk_req *r)
{
	int64_t day;
	if (date_param(r, &day) < 0)
		return -1;
	return fk_req_reply(r, 200, fk_coverage_get(r->db, &r->actor, fk_req_region(r, "region"), day, &r->err));
}

int h_coverage_gaps(fk_req *r)
{
	int64_t day, since;
	bool dated, from;
	fk_page page;
	if (fk_req_date(r, "date", fk_today(), &day, &dated) < 0 || fk_req_date(r, "since", 0, &since, &from) < 0 ||
	    fk_req_page(r, &page) < 0)
		return -1;
	if (from && dated)
		return fk_req_fail(r, 400, "invalid", "since", "since: give date (one day) or since (every day to today), not both");
	if (from && since > fk_today())
		return fk_req_fail(r, 400, "invalid", "since", "since: a day not after today");
	const char *g = fk_req_region(r, "grid");
	if (!g)
		g = fk_req_region(r, "region");
	return fk_req_reply(r, 200,
			    fk_coverage_gaps(r->db, &r->actor, g, from ? since : day, from, &page, &r->err));
}

FK_ID_WRITE(h_alert_close, fk_alert_close_in, fk_alert_close_parse, fk_alert_close, 200)
FK_BODY_WRITE(h_report_submit, fk_report_in, fk_report_parse, fk_report_submit, 201)

int fk_report_hour = 20;

int h_reports_list(fk_req *r)
{
	int64_t day;
	fk_page page;
	int missing;
	if (date_param(r, &day) < 0 || fk_req_page(r, &page) < 0 || fk_req_flag(r, "missing", &missing) < 0)
		return -1;
	return fk_req_reply(r, 200, fk_report_list(r->db, &r->actor, fk_req_region(r, "region"), day, missing == 1,
						   fk_report_hour, &page, &r->err));
}

int h_worklist(fk_req *r)
{
	int64_t day;
	if (date_param(r, &day) < 0)
		return -1;
	const char *grid = fk_req_query(r, "grid");
	json_t *w = fk_screening_worklist(r->db, &r->actor, grid, day, &r->err);
	if (!w)
		return -1;
	/* It names the grid's residents: audited like a search. */
	json_t *d = json_pack("{s:s, s:I}", "grid", grid,
			      "households", (json_int_t)json_array_size(json_object_get(w, "items")));
	return fk_req_reply_audited_masked(r, 200, w, "screening.worklist", "persons", grid, d);
}
