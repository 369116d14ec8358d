/* h_contacts.c - close contacts, observation, follow-ups, sites. */
#include <stdlib.h>
#include <string.h>

#include "core/epi/contacts.h"
#include "core/epi/sites.h"
#include "http/handlers.h"
#include "http/write.h"

FK_BODY_WRITE(h_contact_create, fk_contact_in, fk_contact_parse, fk_contact_create, 201)

int h_observations_due(fk_req *r)
{
	fk_page page;
	int pending;
	if (fk_req_page(r, &page) < 0 || fk_req_flag(r, "pending", &pending) < 0)
		return -1;
	return fk_req_reply(r, 200, fk_observation_due(r->db, &r->actor, fk_req_region(r, "region"), pending == 1,
						       &page, &r->err));
}

FK_ID_WRITE(h_followup_create, fk_followup_in, fk_followup_parse, fk_followup_add, 201)
FK_ID_WRITE(h_observation_release, fk_release_in, fk_release_parse, fk_observation_release, 200)
FK_ID_WRITE(h_observation_convert, fk_convert_in, fk_convert_parse, fk_observation_convert, 201)

FK_BODY_WRITE(h_site_create, fk_site_in, fk_site_parse, fk_site_create, 201)
