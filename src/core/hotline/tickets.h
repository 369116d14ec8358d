/* tickets.h - hotline tickets (工单) and their closed loop: the one owner
 * of tickets, ticket_events, ticket_seq, hotline_hits and the ticket
 * roll-ups (ticket_daily, ticket_outcome_daily, ticket_unit_daily,
 * ticket_category_daily).
 *
 * A ticket is taken by an operator (phone), left by a resident on the
 * public form (message), or raised by a grid worker or a family doctor.
 * Its state moves only along the declared table of moves (fk_ticket_moves:
 * from which states, to which, with which permission); anything else is a
 * 409 naming the moves allowed from where it stands.  Each move is one
 * event (who, when, what, note); internal notes are never shown to the
 * resident.  Deadlines are computed when read from the events and the
 * working calendar (core/hotline/calendar.h), each with its derivation.
 * The caller's phone is sealed and hashed exactly as persons' are (their
 * functions in core/grid/registry.h), so the caller's earlier tickets are
 * found by keyed hash and the registry's person by the same hash.
 *
 * Who may call what: everything here is for the http layer and the demo
 * (which writes through the same functions); fk_ticket_* write functions
 * run inside the caller's write transaction and audit themselves.
 */
#ifndef FK_HOTLINE_TICKETS_H
#define FK_HOTLINE_TICKETS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/base/actor.h"
#include "core/base/fields.h"
#include "core/base/rows.h"
#include "store/db.h"
#include "util/err.h"
#include "util/pii.h"

/* Vocabularies (NULL-terminated). */
extern const char *const fk_ticket_category_names[]; /* tree: "consultation", "consultation.pass", … */
extern const char *const fk_ticket_urgency_names[];
extern const char *const fk_ticket_channel_names[];
extern const char *const fk_ticket_state_names[];
extern const char *const fk_ticket_closed_states[];   /* the states typed closed */
extern const char *const fk_ticket_move_names[];
extern const char *const fk_ticket_satisfaction_names[];
extern const char *const fk_ticket_public_states[];   /* what the resident sees */

#define FK_TICKET_ACCEPT_HOURS 2 /* a ticket accepted (answered or dispatched) within */
#define FK_TICKET_RETURN_DAYS 2  /* a unit returns a wrong dispatch within, in working days */
#define FK_TICKET_CALLBACK_DAYS 1 /* the callback falls due the working day after the reply */

/* One declared move of the protocol. */
typedef struct fk_ticket_move {
	const char *name;
	const char *from[16]; /* NULL-terminated */
	const char *to;       /* NULL: the state does not change */
	uint64_t perm;        /* FK_PERM_* bits: the actor needs one of them */
} fk_ticket_move;
extern const fk_ticket_move fk_ticket_moves[];

/* The move named name, or NULL. */
const fk_ticket_move *fk_ticket_move_find(const char *name);
/* Whether move m may be made from state. */
bool fk_ticket_move_allowed(const fk_ticket_move *m, const char *state);
/* The moves allowed from state, comma-separated into out. */
void fk_ticket_moves_from(const char *state, char *out, size_t n);
/* Whether a role may make move m (it holds one of the move's permissions). */
bool fk_ticket_move_permitted(const fk_ticket_move *m, fk_role role);
/* Whether state is typed closed. */
bool fk_ticket_closed(const char *state);
/* The state the resident sees for state. */
const char *fk_ticket_public_state(const char *state);
/* Whether category is a medical one (may go to a family doctor). */
bool fk_ticket_medical(const char *category);

/* A new ticket, parsed. */
typedef struct fk_ticket_in {
	const char *channel, *category, *urgency, *caller_name, *text;
	const char *region;  /* community or grid code; NULL: matched by phone */
	char phone[32];      /* normalised; "" when none */
	/* taken at once (in the same request, same transaction) */
	const char *dispatch_to; /* a unit: street or community */
	const char *unit_kind;   /* office (default), doctors */
	int64_t answer_id;       /* answered directly from this standard answer */
	const char *reply;       /* answered directly with this text */
	/* public messages */
	bool public_form;
	const char *addr;
	int64_t at; /* the demo's clock: 0 = now */
} fk_ticket_in;
extern const fk_field fk_ticket_fields[];
extern const fk_field fk_message_fields[];
int fk_ticket_parse(const json_t *in, fk_ticket_in *t, fk_err *e);
/* The public form: {name, phone, region, category, text, website}.  A
 * filled honeypot (website) sets *bot. */
int fk_message_parse(const json_t *in, fk_ticket_in *t, bool *bot, fk_err *e);

/* Creates a ticket (and answers or dispatches it at once when asked).
 * Returns the ticket as fk_ticket_get shows it, or NULL with e set: 404
 * when the region is not in who's scope, 409 when the dispatch or answer
 * is refused. */
json_t *fk_ticket_create(fk_db *db, const fk_actor *who, const fk_ticket_in *t, fk_err *e);

/* A move, parsed. */
typedef struct fk_move_in {
	const char *move, *note, *text;
	const char *unit, *unit_kind;
	const char *satisfaction, *outcome;
	int64_t into, answer_id, days;
	bool internal;
	int64_t at; /* the demo's clock: 0 = now */
} fk_move_in;
extern const fk_field fk_move_fields[];
int fk_move_parse(const json_t *in, fk_move_in *m, fk_err *e);

/* Makes move m on ticket id: 404 when missing or out of scope, 403 when
 * who may not make it (alert: a medical ticket whose caller the registry
 * knows raises a screening alert for that person, once — 409 otherwise), 409 "transition" with the allowed moves when the
 * state does not allow it, 409 "too_late" for a return after 2 working
 * days or an extension asked after the deadline.  Returns the ticket. */
json_t *fk_ticket_move_make(fk_db *db, const fk_actor *who, int64_t id, const fk_move_in *m, fk_err *e);

/* The caller's phone in the clear, for calling back: the operators (ticket
 * write) and the unit or family doctor handling the ticket (403 for the
 * rest); audited as ticket.reveal with reason.  {id, number, phone}. */
extern const fk_field fk_ticket_reveal_fields[];
json_t *fk_ticket_reveal(fk_db *db, const fk_actor *who, int64_t id, const char *reason, fk_err *e);

/* One ticket with its events (internal ones included), its deadlines and
 * their derivation, and the moves allowed now; 404 when missing or out of
 * scope. */
json_t *fk_ticket_get(fk_db *db, const fk_actor *who, int64_t id, fk_err *e);

/* The deadlines of a page of tickets (items with "id"): adds "deadlines"
 * to each.  Returns 0 or -1. */
int fk_ticket_deadlines_page(fk_db *db, json_t *items, int64_t now);

/* The public form: a message from a resident without an account.  The
 * limits per address and per phone hash answer 429 with *retry_after set.
 * Returns {number, code} or NULL with e set. */
json_t *fk_message_create(fk_db *db, const fk_ticket_in *t, int64_t *retry_after, fk_err *e);

/* The public lookup: {number, phone_last4 | code}. */
typedef struct fk_lookup_in {
	const char *number, *last4, *code, *addr;
} fk_lookup_in;
extern const fk_field fk_lookup_fields[];
int fk_lookup_parse(const json_t *in, fk_lookup_in *l, fk_err *e);
/* State and reply only; 404 alike for no such ticket and wrong digits;
 * 429 with *retry_after when the address asked too often. */
json_t *fk_lookup(fk_db *db, const fk_lookup_in *l, int64_t *retry_after, fk_err *e);

/* The measures (三率) of region over days from..to: totals, per day, per
 * child region, per unit, per category, and the overdue count now. */
json_t *fk_ticket_measures(fk_db *db, const fk_actor *who, const char *region, int64_t from, int64_t to,
			   fk_err *e);

/* Recomputes due_at for the open tickets under region (after a calendar
 * change).  Returns the number updated, or -1. */
int64_t fk_ticket_refresh_due(fk_db *db, const char *region);

/* Declared lists (core/base/list.h). */
extern const struct fk_list fk_ticket_list;     /* all tickets in scope; ?phone= the caller's history */
extern const struct fk_list fk_inbox_list;      /* tickets dispatched to units in scope, open */
extern const struct fk_list fk_chase_list;      /* open tickets past a deadline */
extern const struct fk_list fk_callback_list;   /* replied, to be called back */
extern const struct fk_list fk_doctor_queue;    /* routed to family doctors, open */

#endif
