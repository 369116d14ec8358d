/* ticket_int.h - what tickets.c and ticket_read.c share; no other file
 * includes it. */
#ifndef FK_HOTLINE_TICKET_INT_H
#define FK_HOTLINE_TICKET_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/base/actor.h"
#include "core/base/rollup.h"
#include "core/hotline/tickets.h"
#include "store/db.h"
#include "util/err.h"

#define FK_TICKET_MAX_EVENTS 500 /* events one ticket holds, at most */

/* The columns of a ticket its moves need. */
typedef struct fk_ticket_row {
	int64_t id, created_at, ext_days, ext_asked, doctor_id;
	char number[20], region[16], state[24], unit[16], unit_kind[10], category[40], urgency[16], channel[12];
	char first_unit[16];
} fk_ticket_row;

/* Loads ticket id: 1, 0 when missing, -1 on error. */
int fk_ticket_row_load(fk_db *db, int64_t id, fk_ticket_row *t);

/* What the deadlines say at a moment. */
typedef struct fk_ticket_times {
	int64_t next_due;  /* the earliest deadline still running or passed unmet, 0 when none */
	int64_t reply_due; /* the current reply deadline, 0 when none or paused */
	int64_t return_by; /* the end of the return window, 0 when none */
	bool accept_on_time, reply_on_time;
} fk_ticket_times;

/* Computes t's deadlines at now from its events and the calendar; when
 * out is an array, appends each deadline with its derivation. */
int fk_ticket_times_compute(fk_db *db, const fk_ticket_row *t, int64_t now, json_t *out, fk_ticket_times *times);

bool fk_names_has(const char *const *names, const char *s);

/* A yes/no filter value (1, true / 0, false): 1 or 0, or -1 with a 400
 * naming the filter. */
int fk_hotline_flag(const char *value, const char *name, fk_err *e);

/* Where a new ticket goes (its region, the registry's person by phone). */
int fk_ticket_place(fk_db *db, const fk_actor *who, const fk_ticket_in *t, char region[16], int64_t *person_id,
		    fk_err *e);
/* Inserts a placed ticket with its first event and counts; returns its id
 * or -1 with e set. */
int64_t fk_ticket_insert(fk_db *db, const fk_actor *who, const fk_ticket_in *t, const char *region,
			 int64_t person_id, const unsigned char *addr_hash, char number[20], char code[8],
			 fk_err *e);

extern const fk_rollup_table *fk_ticket_rollups[4];

#endif
