/* chains.h - transmission chains and community states.
 *
 * Cases are linked when one's person was recorded as a close contact of the
 * other (directly, or through a contact of a contact).  The links are kept
 * on write (case_links, by fk_chains_contact and fk_chains_case in the same
 * transaction as the contact or case); clusters are the connected
 * components, found by union-find over the cases and links in scope each
 * time they are asked for, so no stored grouping can go stale.  A cluster's
 * id is its smallest case id.
 */
#ifndef FK_CHAINS_H
#define FK_CHAINS_H

#include <jansson.h>
#include <stdint.h>

#include "core/base/actor.h"
#include "core/base/rows.h"
#include "store/db.h"
#include "util/err.h"

/* After recording contact contact_id: its link, when its person is a case
 * and its source is (or is the contact of) a case; marks that case traced.
 * Write transaction.  Returns 0 or -1. */
int fk_chains_contact(fk_db *db, int64_t contact_id);

/* After person_id became case case_id: the links of every contact record of
 * the person, and of the contacts traced from those records; the case is
 * traced when the person was anybody's contact.  Returns 0 or -1. */
int fk_chains_case(fk_db *db, int64_t person_id, int64_t case_id);

/* Clusters of two or more cases in scope (under region), largest first:
 * {id, size, first_onset, last_onset, communities: [codes]}. */
json_t *fk_cluster_list(fk_db *db, const fk_actor *who, const char *region, const fk_page *page, fk_err *e);

/* One cluster: {id, size, nodes: [{id, category, outcome, onset_date,
 * region}], edges: [{from, to, setting}]}. */
json_t *fk_cluster_get(fk_db *db, const fk_actor *who, int64_t id, fk_err *e);

/* The state of every community under region over the last 14 days:
 * 1 no case, 2 cases (outbreak set when a cluster there reaches the
 * edition's threshold: 2 cases, 5 from edition 7), 3 community transmission
 * (≥ 2 cases of unknown source). */
json_t *fk_community_states(fk_db *db, const fk_actor *who, const char *region, const fk_page *page, fk_err *e);

#endif
