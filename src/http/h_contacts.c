/* h_contacts.c - close contacts, observation, follow-ups, sites. */
#include <stdlib.h>
#include <string.h>

#include "core/epi/contacts.h"
#include "core/epi/sites.h"
#include "http/handlers.h"

static int contact_job(fk_db *db, const fk_actor *who, void *in, json_t **out, fk_err *e)
{
	return (*out = fk_contact_create(db, who, in, e)) ? 0 : -1;
}

int h_contact_create(fk_req *r)
{
	fk_contact_in *c = fk_arena_alloc(&r->arena, sizeof(*c));
	if (fk_contact_parse(r->json, c, &r->err) < 0)
		return -1;
	return fk_req_write(r, &(fk_job){ .run = contact_job, .in = c, .status = 201 });
}

int h_observations_due(fk_req *r)
{
	fk_page page;
	int pending;
	if (fk_req_page(r, &page) < 0 || fk_req_flag(r, "pending", &pending) < 0)
		return -1;
	return fk_req_reply(r, 200, fk_observation_due(r->db, &r->actor, fk_req_region(r, "region"), pending == 1,
						       &page, &r->err));
}

/* What a job on one observation carries: its id and the parsed body. */
typedef struct obs_in {
	int64_t id;
	union {
		fk_followup_in followup;
		fk_release_in release;
		fk_convert_in convert;
	} u;
} obs_in;

static int followup_job(fk_db *db, const fk_actor *who, void *in, json_t **out, fk_err *e)
{
	const obs_in *o = in;
	return (*out = fk_followup_add(db, who, o->id, &o->u.followup, e)) ? 0 : -1;
}

int h_followup_create(fk_req *r)
{
	obs_in *o = fk_arena_alloc(&r->arena, sizeof(*o));
	if ((o->id = fk_req_id(r, "id")) < 0 || fk_followup_parse(r->json, &o->u.followup, &r->err) < 0)
		return -1;
	return fk_req_write(r, &(fk_job){ .run = followup_job, .in = o, .status = 201 });
}

static int release_job(fk_db *db, const fk_actor *who, void *in, json_t **out, fk_err *e)
{
	const obs_in *o = in;
	return (*out = fk_observation_release(db, who, o->id, &o->u.release, e)) ? 0 : -1;
}

int h_observation_release(fk_req *r)
{
	obs_in *o = fk_arena_alloc(&r->arena, sizeof(*o));
	if ((o->id = fk_req_id(r, "id")) < 0 || fk_release_parse(r->json, &o->u.release, &r->err) < 0)
		return -1;
	return fk_req_write(r, &(fk_job){ .run = release_job, .in = o });
}

static int convert_job(fk_db *db, const fk_actor *who, void *in, json_t **out, fk_err *e)
{
	const obs_in *o = in;
	return (*out = fk_observation_convert(db, who, o->id, &o->u.convert, e)) ? 0 : -1;
}

int h_observation_convert(fk_req *r)
{
	obs_in *o = fk_arena_alloc(&r->arena, sizeof(*o));
	if ((o->id = fk_req_id(r, "id")) < 0 || fk_convert_parse(r->json, &o->u.convert, &r->err) < 0)
		return -1;
	return fk_req_write(r, &(fk_job){ .run = convert_job, .in = o, .status = 201 });
}

static int site_job(fk_db *db, const fk_actor *who, void *in, json_t **out, fk_err *e)
{
	return (*out = fk_site_create(db, who, in, e)) ? 0 : -1;
}

int h_site_create(fk_req *r)
{
	fk_site_in *s = fk_arena_alloc(&r->arena, sizeof(*s));
	if (fk_site_parse(r->json, s, &r->err) < 0)
		return -1;
	return fk_req_write(r, &(fk_job){ .run = site_job, .in = s, .status = 201 });
}

