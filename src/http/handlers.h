/* handlers.h - every route handler, one group per module (h_*.c). */
#ifndef FK_HANDLERS_H
#define FK_HANDLERS_H

#include "http/req.h"

/* h_system.c */
int h_health(fk_req *r);

/* h_session.c */
int h_session_create(fk_req *r);
int h_session_delete(fk_req *r);
int h_me(fk_req *r);
int h_roles(fk_req *r);

/* h_region.c */
int h_regions_search(fk_req *r);
int h_region_create(fk_req *r);
int h_region_get(fk_req *r);
int h_region_children(fk_req *r);

/* h_user.c */
int h_users_list(fk_req *r);
int h_user_create(fk_req *r);
int h_user_update(fk_req *r);

/* h_audit.c */
int h_audit_list(fk_req *r);

#endif
