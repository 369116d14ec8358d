/* h_region.c - the division tree and grids. */
#include <string.h>

#include "core/base/audit.h"
#include "core/base/fields.h"
#include "core/base/region.h"
#include "http/handlers.h"

/* The country has code ""; in a path it is written "root". */
static const char *code_param(fk_req *r)
{
	const char *c = fk_req_param(r, "code");
	return c && strcmp(c, "root") == 0 ? "" : c;
}

int h_regions_search(fk_req *r)
{
	fk_page page;
	if (fk_req_page(r, &page) < 0)
		return -1;
	return fk_req_reply(r, 200, fk_region_search(r->db, &r->actor, fk_req_query(r, "q"),
						     fk_req_query(r, "within"), &page, &r->err));
}

int h_region_get(fk_req *r)
{
	return fk_req_reply(r, 200, fk_region_get(r->db, &r->actor, code_param(r), &r->err));
}

const fk_field fk_grid_fields[] = {
	{ "parent", FK_FT_STRING, true, 12, 12 },
	{ "name", FK_FT_STRING, true, 1, 50 },
	{ 0 },
};

/* A new grid: {parent, name}, strings borrowed from the body. */
typedef struct grid_in {
	const char *parent, *name;
} grid_in;

static int create_job(fk_db *db, const fk_actor *who, void *in, json_t **out, fk_err *e)
{
	const grid_in *g = in;
	return (*out = fk_region_create_grid(db, who, g->parent, g->name, e)) ? 0 : -1;
}

int h_region_create(fk_req *r)
{
	if (fk_fields_check(r->json, fk_grid_fields, &r->err) < 0)
		return -1;
	grid_in *g = fk_arena_alloc(&r->arena, sizeof(*g));
	g->parent = fk_json_str(r->json, "parent");
	g->name = fk_json_str(r->json, "name");
	return fk_req_write(r, &(fk_job){ .run = create_job, .in = g, .status = 201 });
}
