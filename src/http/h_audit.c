/* h_audit.c - reading the audit log. */
#include "core/base/audit.h"
#include "http/handlers.h"

/* Runs on the writer, after every entry queued before it (the entries of
 * masked reads are written after their answers): the list an auditor sees
 * holds everything answered before they asked. */
typedef struct audit_list_ctx {
	fk_page page;
	const char *action, *user; /* NULL: no filter */
} audit_list_ctx;

static int audit_list_job(fk_req *r)
{
	audit_list_ctx *c = r->ctx;
	return fk_req_reply(r, 200, fk_audit_list(r->db, &r->actor, &c->page, c->action, c->user, &r->err));
}

int h_audit_list(fk_req *r)
{
	audit_list_ctx *c = fk_arena_alloc(&r->arena, sizeof(*c));
	if (fk_req_page(r, &c->page) < 0)
		return -1;
	/* an empty filter is no filter */
	c->action = fk_req_query(r, "action");
	c->user = fk_req_query(r, "username");
	if (c->action && !*c->action)
		c->action = NULL;
	if (c->user && !*c->user)
		c->user = NULL;
	r->ctx = c;
	return fk_req_defer(r, audit_list_job);
}
