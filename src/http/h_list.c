/* h_list.c - the one handler of every declared list (core/base/list.h).
 *
 * The route names the list; this reads the parameters its declaration
 * names (path parameters first, then the query), runs it, and audits the
 * read when the declaration says so.  A route with FK_ROUTE_WRITES runs the
 * list on the writer, after every entry queued before it. */
#include <stdio.h>

#include "core/base/audit.h"
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
	const fk_list *l;
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

/* On the writer: the list, and its audit entry in the same transaction. */
static int list_job(fk_db *db, const fk_actor *who, void *in, json_t **out, fk_err *e)
{
	list_ctx *c = in;
	const fk_list *l = c->l;
	*out = fk_list_run(db, who, l, fk_list_arg, c->args, &c->page, 0, e);
	if (!*out)
		return -1;
	if (!l->audit.action)
		return 0;
	const char *region = l->audit.at_home ? NULL : fk_list_region(l, fk_list_arg, c->args);
	json_t *d = fk_list_detail(l, fk_list_arg, c->args, json_array_size(json_object_get(*out, "items")));
	int rc = fk_audit_append(db, who, l->audit.action, l->audit.object, region ? region : who->region, d);
	json_decref(d);
	return rc < 0 ? fk_err_internal(e) : 0;
}

int h_list(fk_req *r)
{
	list_ctx *c = fk_arena_alloc(&r->arena, sizeof(*c));
	if (fk_req_page(r, &c->page) < 0)
		return -1;
	const fk_list *l = c->l = r->match.route->list;
	if (r->match.route->flags & FK_ROUTE_WRITES) {
		c->args = list_snapshot(r, l);
		return fk_req_write(r, &(fk_job){ .run = list_job, .in = c });
	}
	json_t *out = fk_list_run(r->db, &r->actor, l, list_get, r, &c->page, 0, &r->err);
	if (!out || !l->audit.action)
		return fk_req_reply(r, 200, out);
	const char *region = l->audit.at_home ? NULL : fk_list_region(l, list_get, r);
	json_t *d = fk_list_detail(l, list_get, r, json_array_size(json_object_get(out, "items")));
	return fk_req_reply_audited_masked(r, 200, out, l->audit.action, l->audit.object,
					   region ? region : r->actor.region, d);
}

int fk_req_reply_record(fk_req *r, json_t *(*get)(fk_db *db, const fk_actor *who, int64_t id, fk_err *e),
			const char *noun)
{
	int64_t id = fk_req_id(r, "id");
	if (id < 0)
		return -1;
	json_t *o = get(r->db, &r->actor, id, &r->err);
	if (!o)
		return -1;
	char action[48], obj[48], region[32];
	snprintf(action, sizeof(action), "%s.view", noun);
	snprintf(obj, sizeof(obj), "%s:%lld", noun, (long long)id);
	snprintf(region, sizeof(region), "%s", fk_json_str_or(o, "region"));
	return fk_req_reply_audited_masked(r, 200, o, action, obj, region, NULL);
}
