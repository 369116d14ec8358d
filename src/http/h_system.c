/* h_system.c - health and the OpenAPI document. */
#include "http/handlers.h"
#include "http/openapi.h"
#include "store/migrate.h"
#include "version.h"

/* Liveness, and whether the database answers (a server may be gone while
 * this process lives): 503 "unavailable" then. */
int h_health(fk_req *r)
{
	int64_t one = 0;
	bool up = fk_db_int64(r->db, &one, "SELECT 1", "") == FK_ROW && one == 1;
	return fk_req_reply(r, up ? 200 : 503,
			    json_pack("{s:s, s:s, s:i, s:s, s:s}", "status", up ? "ok" : "unavailable", "version",
				      FK_VERSION, "schema", fk_schema_latest(), "engine", fk_db_engine(r->db),
				      "database", up ? "ok" : "unavailable"));
}

int h_openapi(fk_req *r)
{
	return fk_req_reply(r, 200, fk_openapi());
}
