/* h_audit.c - reading the audit log. */
#include "core/base/audit.h"
#include "http/handlers.h"

/* Runs on the writer, after every entry queued before it (the entries of
 * masked reads are written after their answers): the list an auditor sees
 * holds everything answered before they asked. */
static int audit_list_job(fk_req *r)
{
	fk_page *page = r->ctx;
	/* an empty filter is no filter */
	const char *action = fk_req_query(r, "action"), *user = fk_req_query(r, "username");
	json_t *out = fk_audit_list(r->db, &r->actor, page, action && *action ? action : NULL,
				    user && *user ? user : NULL, &r->err);
	return fk_req_reply(r, 200, out);
}

int h_audit_list(fk_req *r)
{
	fk_page *page = fk_arena_alloc(&r->arena, sizeof(*page));
	if (fk_req_page(r, page) < 0)
		return -1;
	r->ctx = page;
	return fk_req_defer(r, audit_list_job);
}
