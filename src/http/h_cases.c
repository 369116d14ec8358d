/* h_cases.c - cases, transitions and epidemic statistics. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/epi/cases.h"
#include "core/epi/chains.h"
#include "core/base/fields.h"
#include "http/handlers.h"
#include "http/write.h"
#include "util/date.h"

FK_BODY_WRITE(h_case_create, fk_case_in, fk_case_parse, fk_case_create, 201)

int h_case_get(fk_req *r)
{
	return fk_req_reply_record(r, fk_case_get, "case");
}

FK_ID_WRITE(h_case_transition, fk_case_move_in, fk_case_move_parse, fk_case_transition, 200)

int h_stats_daily(fk_req *r)
{
	int64_t from, to;
	bool from_given;
	if (fk_req_date(r, "to", fk_today(), &to, NULL) < 0 || fk_req_date(r, "from", 0, &from, &from_given) < 0)
		return -1;
	if (!from_given)
		from = to - 29;
	return fk_req_reply(r, 200, fk_case_stats(r->db, &r->actor, fk_req_region(r, "region"), from, to, &r->err));
}

int h_clusters_list(fk_req *r)
{
	fk_page page;
	if (fk_req_page(r, &page) < 0)
		return -1;
	return fk_req_reply(r, 200, fk_cluster_list(r->db, &r->actor, fk_req_region(r, "region"), &page, &r->err));
}

int h_cluster_get(fk_req *r)
{
	int64_t id = fk_req_id(r, "id");
	return id < 0 ? -1 : fk_req_reply(r, 200, fk_cluster_get(r->db, &r->actor, id, &r->err));
}

int h_community_states(fk_req *r)
{
	fk_page page;
	if (fk_req_page(r, &page) < 0)
		return -1;
	return fk_req_reply(r, 200, fk_community_states(r->db, &r->actor, fk_req_region(r, "region"), &page, &r->err));
}

int h_stats_rt(fk_req *r)
{
	int64_t to;
	const char *d = fk_req_query(r, "days");
	if (fk_req_date(r, "to", fk_today(), &to, NULL) < 0)
		return -1;
	long days = 60;
	if (d) {
		char *end;
		days = strtol(d, &end, 10);
		if (!*d || *end || days < 1 || days > 366)
			return fk_req_fail(r, 400, "invalid", "days", "days: a whole number up to 366");
	}
	return fk_req_reply(r, 200, fk_case_rt(r->db, &r->actor, fk_req_region(r, "region"), to, (int)days, &r->err));
}
