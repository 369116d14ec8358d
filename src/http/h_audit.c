/* h_audit.c - reading the audit log. */
#include "core/audit.h"
#include "http/handlers.h"

int h_audit_list(fk_req *r)
{
	fk_page page;
	if (fk_req_page(r, &page) < 0)
		return -1;
	return fk_req_reply(r, 200, fk_audit_list(r->db, &r->actor, &page, fk_req_query(r, "action"),
						  fk_req_query(r, "username"), &r->err));
}
