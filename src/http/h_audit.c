/* h_audit.c - reading the audit log. */
#include "core/audit.h"
#include "http/handlers.h"

int h_audit_list(fk_req *r)
{
	fk_page page;
	if (fk_req_page(r, &page) < 0)
		return -1;
	/* an empty filter is no filter */
	const char *action = fk_req_query(r, "action"), *user = fk_req_query(r, "username");
	return fk_req_reply(r, 200, fk_audit_list(r->db, &r->actor, &page, action && *action ? action : NULL,
						  user && *user ? user : NULL, &r->err));
}
