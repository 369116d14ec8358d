/* h_system.c - health and the OpenAPI document. */
#include "http/handlers.h"
#include "http/openapi.h"
#include "store/migrate.h"
#include "version.h"

int h_health(fk_req *r)
{
	return fk_req_reply(r, 200, json_pack("{s:s, s:s, s:i}", "status", "ok", "version", FK_VERSION, "schema",
					      fk_schema_latest()));
}

int h_openapi(fk_req *r)
{
	return fk_req_reply(r, 200, fk_openapi());
}
