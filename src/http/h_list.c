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

/* The job's input: the page and, for a list run on the writer, the
 * parameters read on the request's thread (the writer never touches the
 * connection) as name, value pairs for fk_list_arg. */
typedef struct list_ctx {
	fk_page page;
	const char **args; /* NULL: read from the request */
} list_ctx;

static const char **list_snapshot(fk_req *r, const fk_list *l)
{
	size_t n = 1;
	for (const fk_filter *f = l->filters; f && f->name; f++)
		n++;
	const char **kv = fk_arena_alloc(&r->arena, (2 * n + 1) * sizeof(*kv));
	size_t k = 0;
	if (l->region) {
		kv[k++] = l->region;
		kv[k++] = list_get(r, l->region);
	}
	for (const fk_filter *f = l->filters; f && f->name; f++) {
		kv[k++] = f->name;
		kv[k++] = list_get(r, f->name);
	}
	/* absent values end the scan early in fk_list_arg: keep only the given */
	size_t w = 0;
	for (size_t i = 0; i < k; i += 2)
		if (kv[i + 1]) {
			kv[w++] = kv[i];
			kv[w++] = kv[i + 1];
		}
	kv[w] = NULL;
	return kv;
}

static int list_job(fk_req *r)
{
	const fk_list *l = r->match.route->list;
	list_ctx *c = r->ctx;
	fk_list_get get = c->args ? fk_list_arg : list_get;
	void *ctx = c->args ? (void *)c->args : (void *)r;
	json_t *out = fk_list_run(r->db, &r->actor, l, get, ctx, &c->page, 0, &r->err);
	if (!out || !l->audit.action)
		return fk_req_reply(r, 200, out);
	const char *region = l->audit.at_home ? NULL : fk_list_region(l, get, ctx);
	json_t *d = fk_list_detail(l, get, ctx, json_array_size(json_object_get(out, "items")));
	return fk_req_reply_audited_masked(r, 200, out, l->audit.action, l->audit.object,
					   region ? region : r->actor.region, d);
}

int h_list(fk_req *r)
{
	list_ctx *c = fk_arena_alloc(&r->arena, sizeof(*c));
	if (fk_req_page(r, &c->page) < 0)
		return -1;
	bool writes = r->match.route->flags & FK_ROUTE_WRITES;
	c->args = writes ? list_snapshot(r, r->match.route->list) : NULL;
	r->ctx = c;
	return writes ? fk_req_defer(r, list_job) : list_job(r);
}
