/* announce.h - announcements (大喇叭): the one owner of the tables
 * announcements and announcement_receipts.
 *
 * An announcement goes to the accounts of chosen roles in a region's
 * subtree (a region outside the sender's scope is 404); one receipt per
 * recipient is made when it is sent, so its reader and acknowledgement
 * counts are kept on write and read in one row.  Urgent ones ask each
 * recipient to acknowledge, and are shown again until they do.  Each has a
 * loudspeaker script (short plain text, given or made from the text) and a
 * printable poster (PDF).
 *
 * Who may call what: everything — the http layer and the demo;
 * fk_announce_send — supervision too (notices published to a region's
 * staff, chases of overdue rectifications).  Writes run inside the caller's
 * write transaction.
 */
#ifndef FK_ANNOUNCE_H
#define FK_ANNOUNCE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/base/actor.h"
#include "core/base/fields.h"
#include "store/db.h"
#include "util/err.h"
#include "util/strbuf.h"

#define FK_SCRIPT_MAX 300 /* characters of a loudspeaker script */
#define FK_INBOX_MAX 50   /* announcements one inbox answer holds */

typedef struct fk_announce_in {
	const char *region, *title, *body, *script; /* script NULL: made from title and body */
	uint64_t roles; /* bit 1 << fk_role */
	bool urgent;
	bool public; /* also shown to residents on the public pages */
} fk_announce_in;
extern const fk_field fk_announce_fields[];
/* {region, roles: [names], urgent?, public?, title, body, script?}. */
int fk_announce_parse(const json_t *in, fk_announce_in *a, fk_err *e);
/* Sends: the announcement and a receipt for each enabled account of those
 * roles under region.  Returns it with its recipient count. */
json_t *fk_announce_send(fk_db *db, const fk_actor *who, const fk_announce_in *a, fk_err *e);

/* who read (ack: and acknowledged) announcement id: 404 when who is not a
 * recipient.  Counts move only the first time.  Returns the receipt. */
json_t *fk_announce_mark(fk_db *db, const fk_actor *who, int64_t id, bool ack, fk_err *e);
/* who's announcements, newest first (FK_INBOX_MAX), with the urgent ones
 * not yet acknowledged counted apart (must_ack). */
json_t *fk_announce_inbox(fk_db *db, const fk_actor *who, fk_err *e);
/* The residents' notices of a community (anyone may read them): the public
 * announcements sent to it or to a region above it, newest first
 * (FK_INBOX_MAX).  404 naming "community" when it is no community. */
json_t *fk_announce_public(fk_db *db, const char *community, fk_err *e);
/* The poster (A4 PDF, Chinese) of announcement id in scope. */
int fk_announce_poster(fk_db *db, const fk_actor *who, int64_t id, fk_strbuf *out, fk_err *e);

/* Announcements in a region, newest first, with recipients, readers and
 * acknowledgements. */
extern const struct fk_list fk_announce_list;

#endif
