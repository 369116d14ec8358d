/* h_system.c - health. */
#include "http/handlers.h"
#include "store/migrate.h"
#include "version.h"

int h_health(fk_req *r)
{
	return fk_req_reply(r, 200, json_pack("{s:s, s:s, s:i}", "status", "ok", "version", FK_VERSION, "schema",
					      fk_schema_latest()));
}
