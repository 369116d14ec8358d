/* donations.h - donations received, allocated and delivered: the one owner
 * of donations and donation_allocations.
 *
 * A donation is recorded with its voucher and receipt number and published
 * at once to the public ledger (ledger.h) — an organisation by name, a
 * person never by name: the entry holds SHA-256(salt ‖ name) and the donor
 * is given the salt and the entry's index to find and check their gift.
 * Goods go into a warehouse through the stock ledger (a receipt of a lot
 * referring to the donation) and leave it by allocation (an issue of that
 * lot), so a box is followed from receipt to the unit that signed for it.
 * A designation binds: an allocation elsewhere, or for another purpose, is
 * refused (409); a designation to a party the donor declares related is
 * refused.  Corrections are reversing allocations naming what they
 * reverse; a published record is never changed or deleted.
 *
 * Publication deadlines (fk_donation_settings): a receipt within 1 day of
 * receiving in a declared emergency (24 hours) or 7 otherwise; a delivery
 * within 30 days; later publications are flagged late.
 *
 * Who may call what: the http layer (parse, writes, reads), the demo.
 */
#ifndef FK_DONATIONS_H
#define FK_DONATIONS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/base/actor.h"
#include "core/base/fields.h"
#include "store/db.h"
#include "util/err.h"

#define FK_DONATION_RELATED_MAX 10

/* The publication deadlines in days (set by `fangkong serve` from
 * FK_DONATION_RECEIPT_DAYS, FK_DONATION_RECEIPT_DAYS_NORMAL and
 * FK_DONATION_USE_DAYS; the defaults otherwise). */
typedef struct fk_donation_config {
	int64_t receipt_days, receipt_days_normal, use_days;
} fk_donation_config;
extern fk_donation_config fk_donation_settings;

extern const char *const fk_donor_kinds[];
extern const char *const fk_donation_kinds[];

typedef struct fk_donation_in {
	const char *region, *donor_kind, *donor_name, *kind, *designated_region, *designated_purpose, *voucher,
		*receipt_no, *lot_no;
	bool donor_public, emergency;
	int64_t amount_fen, item_id, qty, value_fen, received_on, warehouse_id, expiry; /* expiry -1: none */
	const char *related[FK_DONATION_RELATED_MAX];
	int nrelated;
} fk_donation_in;
extern const fk_field fk_donation_fields[];
int fk_donation_parse(const json_t *in, fk_donation_in *d, fk_err *e);
/* Records and publishes a donation; answers {id, ledger_index, salt (hex),
 * donor_commit (hex), late}. */
json_t *fk_donation_receive(fk_db *db, const fk_actor *who, const fk_donation_in *d, fk_err *e);

typedef struct fk_allocation_in {
	int64_t donation_id, amount;
	const char *to_region, *recipient, *purpose;
} fk_allocation_in;
extern const fk_field fk_allocation_fields[];
int fk_allocation_parse(const json_t *in, fk_allocation_in *a, fk_err *e);
json_t *fk_donation_allocate(fk_db *db, const fk_actor *who, const fk_allocation_in *a, fk_err *e);

typedef struct fk_delivery_in {
	int64_t id, delivered_on;
	const char *signed_by;
} fk_delivery_in;
extern const fk_field fk_delivery_fields[];
int fk_delivery_parse(const json_t *in, fk_delivery_in *d, fk_err *e);
json_t *fk_donation_deliver(fk_db *db, const fk_actor *who, const fk_delivery_in *d, fk_err *e);

/* A reversal of allocation id, with its reason. */
typedef struct fk_reversal_in {
	int64_t id;
	const char *reason;
} fk_reversal_in;
extern const fk_field fk_reversal_fields[];
int fk_reversal_parse(const json_t *in, fk_reversal_in *r, fk_err *e);
json_t *fk_donation_reverse(fk_db *db, const fk_actor *who, const fk_reversal_in *r, fk_err *e);

/* 0 when donation id (allocation id when allocation) is in who's scope,
 * else -1 with a 404 (for the 405 of a change to a published record). */
int fk_donation_in_scope(fk_db *db, const fk_actor *who, int64_t id, bool allocation, fk_err *e);

/* One donation as the list shows it: 404 alike for missing and out of
 * scope.  NULL with e set. */
json_t *fk_donation_get(fk_db *db, const fk_actor *who, int64_t id, fk_err *e);

/* Donations in scope, newest first, with allocated, late, ledger_index. */
extern const struct fk_list fk_donation_list;
/* Allocations in scope, newest first. */
extern const struct fk_list fk_allocation_list;

#endif
