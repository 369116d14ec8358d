/* h_list.c - the one handler of every declared list (core/base/list.h).
 *
 * The route names the list; this reads the parameters its declaration
 * names (path parameters first, then the query), runs it, and audits the
 * read when the declaration says so.  A route with FK_ROUTE_WRITES runs the
 * list on the writer, after every entry queued before it. */
#include "core/base/list.h"
#include "http/handlers.h"

static const char *list_get(void *ctx, const char *name)
{
	fk_req *r = ctx;
	const char *v = fk_req_param(r, name);
	return v ? v : fk_req_query(r, name);
}

static int list_job(fk_req *r)
{
	const fk_list *l = r->match.route->list;
	json_t *out = fk_list_run(r->db, &r->actor, l, list_get, r, r->ctx, 0, &r->err);
	if (!out || !l->audit.action)
		return fk_req_reply(r, 200, out);
	const char *region = l->audit.at_home ? NULL : fk_list_region(l, list_get, r);
	json_t *d = fk_list_detail(l, list_get, r, json_array_size(json_object_get(out, "items")));
	return fk_req_reply_audited_masked(r, 200, out, l->audit.action, l->audit.object,
					   region ? region : r->actor.region, d);
}

int h_list(fk_req *r)
{
	fk_page *page = fk_arena_alloc(&r->arena, sizeof(*page));
	if (fk_req_page(r, page) < 0)
		return -1;
	r->ctx = page;
	return r->match.route->flags & FK_ROUTE_WRITES ? fk_req_defer(r, list_job) : list_job(r);
}
