/* h_contacts.c - close contacts, observation, follow-ups, sites. */
#include <stdlib.h>
#include <string.h>

#include "core/epi/contacts.h"
#include "http/handlers.h"

static int contact_job(fk_req *r)
{
	return fk_req_reply(r, 201, fk_contact_create(r->db, &r->actor, r->json, &r->err));
}

int h_contact_create(fk_req *r)
{
	return fk_req_defer(r, contact_job);
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

static int followup_job(fk_req *r)
{
	int64_t id = fk_req_id(r, "id");
	return id < 0 ? -1 : fk_req_reply(r, 201, fk_followup_add(r->db, &r->actor, id, r->json, &r->err));
}

int h_followup_create(fk_req *r)
{
	return fk_req_defer(r, followup_job);
}

static int release_job(fk_req *r)
{
	int64_t id = fk_req_id(r, "id");
	return id < 0 ? -1 : fk_req_reply(r, 200, fk_observation_release(r->db, &r->actor, id, r->json, &r->err));
}

int h_observation_release(fk_req *r)
{
	return fk_req_defer(r, release_job);
}

static int convert_job(fk_req *r)
{
	int64_t id = fk_req_id(r, "id");
	return id < 0 ? -1 : fk_req_reply(r, 201, fk_observation_convert(r->db, &r->actor, id, r->json, &r->err));
}

int h_observation_convert(fk_req *r)
{
	return fk_req_defer(r, convert_job);
}

static int site_job(fk_req *r)
{
	return fk_req_reply(r, 201, fk_site_create(r->db, &r->actor, r->json, &r->err));
}

int h_site_create(fk_req *r)
{
	return fk_req_defer(r, site_job);
}

