/* stock.h - the catalogue, warehouses and the stock ledger: the one owner
 * of items, warehouses, lots, stock_moves, stock_lots and stock_items.
 *
 * Stock is the sum of an append-only ledger of movements (receipt, issue,
 * transfer out/in, adjustment with a reason code); the sums per warehouse
 * and lot and per warehouse and item are kept on write, so a warehouse's
 * stock on hand is read, never summed.  Issuing picks the earliest-expiring
 * lot first (FEFO) and never an expired one; a stock count records each
 * difference as an adjustment.  Quantities are whole units.
 *
 * Who may call what:
 *   parse functions, writes, fk_stock_json     the http layer
 *   fk_stock_move                              requests (shipments), donations
 *   fk_item_exists                             requests, donations
 * Writes run inside the caller's write transaction.
 */
#ifndef FK_STOCK_H
#define FK_STOCK_H

#include <jansson.h>
#include <stdint.h>

#include "core/base/actor.h"
#include "core/base/fields.h"
#include "store/db.h"
#include "util/arena.h"
#include "util/err.h"

#define FK_STOCK_EXPIRING_DAYS 30 /* a lot expiring within this many days is flagged */
#define FK_STOCK_ROWS_MAX 2000    /* rows of one stock answer */
#define FK_COUNT_LINES_MAX 500    /* lines of one stock count */

extern const char *const fk_item_categories[];
extern const char *const fk_warehouse_kinds[];
extern const char *const fk_move_kinds[];
extern const char *const fk_adjust_reasons[];

typedef struct fk_item_in {
	const char *code, *name, *category, *standard, *grade, *method, *maker, *unit;
	int64_t pack_size, tests_per_unit, low_days;
} fk_item_in;
extern const fk_field fk_item_fields[];
int fk_item_parse(const json_t *in, fk_item_in *it, fk_err *e);
json_t *fk_item_create(fk_db *db, const fk_actor *who, const fk_item_in *it, fk_err *e);
/* Every item of the catalogue, by code (at most FK_STOCK_ROWS_MAX). */
json_t *fk_items_json(fk_db *db, fk_err *e);
/* 0 when item id exists (its category into category, 32 bytes, when not
 * NULL), else -1 with a 404 naming field. */
int fk_item_exists(fk_db *db, int64_t id, const char *field, char *category, fk_err *e);

typedef struct fk_warehouse_in {
	const char *region, *name, *kind;
} fk_warehouse_in;
extern const fk_field fk_warehouse_fields[];
int fk_warehouse_parse(const json_t *in, fk_warehouse_in *w, fk_err *e);
json_t *fk_warehouse_create(fk_db *db, const fk_actor *who, const fk_warehouse_in *w, fk_err *e);
extern const struct fk_list fk_warehouse_list;
/* The warehouses that may supply a region in who's scope: its own and
 * those of the regions above it, nearest first (at most 100).  Names and
 * kinds only.  NULL with e set (404 outside scope). */
json_t *fk_warehouses_serving(fk_db *db, const fk_actor *who, const char *region, fk_err *e);
/* The region of warehouse id when in who's scope (into region, 16 bytes):
 * 0, or -1 with a 404 naming field, alike for missing and out of scope. */
int fk_warehouse_load(fk_db *db, const fk_actor *who, int64_t id, const char *field, char region[16], fk_err *e);

/* A receipt: {warehouse_id, item_id, lot_no, expiry (YYYY-MM-DD or null), qty, ref, note}. */
typedef struct fk_receipt_in {
	int64_t warehouse_id, item_id, qty, expiry; /* expiry: -1 when none */
	const char *lot_no, *ref, *note;
} fk_receipt_in;
extern const fk_field fk_receipt_fields[];
int fk_receipt_parse(const json_t *in, fk_receipt_in *r, fk_err *e);
json_t *fk_stock_receive(fk_db *db, const fk_actor *who, const fk_receipt_in *r, fk_err *e);

/* An issue: {warehouse_id, item_id, qty, to, lot_id (optional: that lot
 * only), ref}.  FEFO over the lots on hand that have not expired. */
typedef struct fk_issue_in {
	int64_t warehouse_id, item_id, qty, lot_id; /* lot_id 0: FEFO */
	const char *to, *ref;
} fk_issue_in;
extern const fk_field fk_issue_fields[];
int fk_issue_parse(const json_t *in, fk_issue_in *s, fk_err *e);
/* Issues; the answer lists the lots picked.  409 naming the lot when the
 * lot asked for has expired or holds too little, or when the unexpired
 * lots together hold too little (the first expired lot on hand named). */
json_t *fk_stock_issue(fk_db *db, const fk_actor *who, const fk_issue_in *s, fk_err *e);

/* An adjustment: {warehouse_id, lot_id, qty (signed, not 0), reason, note}. */
typedef struct fk_adjust_in {
	int64_t warehouse_id, lot_id, qty;
	const char *reason, *note;
} fk_adjust_in;
extern const fk_field fk_adjust_fields[];
int fk_adjust_parse(const json_t *in, fk_adjust_in *a, fk_err *e);
json_t *fk_stock_adjust(fk_db *db, const fk_actor *who, const fk_adjust_in *a, fk_err *e);

/* A stock count: {warehouse_id, lines: [{lot_id, counted}]}; each
 * difference becomes an adjustment with reason counted. */
typedef struct fk_count_line {
	int64_t lot_id, counted;
} fk_count_line;
typedef struct fk_count_in {
	int64_t warehouse_id;
	fk_count_line *lines;
	int n;
} fk_count_in;
extern const fk_field fk_count_fields[], fk_count_line_fields[];
int fk_count_parse(const json_t *in, fk_count_in *c, fk_arena *a, fk_err *e);
json_t *fk_stock_count(fk_db *db, const fk_actor *who, const fk_count_in *c, fk_err *e);

/* Appends one movement of lot in a warehouse (qty signed) and keeps the
 * sums; refuses to take a lot below zero (409 naming the lot).  Returns 0
 * or -1 with e set. */
int fk_stock_move(fk_db *db, const fk_actor *who, int64_t warehouse_id, const char *region, int64_t lot_id,
		  const char *kind, const char *reason, int64_t qty, const char *ref, const char *note, fk_err *e);
/* The lot of item with lot_no, created with expiry (-1: none) when new.
 * 409 when it exists with another expiry.  Returns 0 or -1. */
int fk_lot_get(fk_db *db, int64_t item_id, const char *lot_no, int64_t expiry, int64_t *lot_id, fk_err *e);

/* Stock on hand in a region's warehouses, a page of at most limit rows
 * (1..FK_STOCK_ROWS_MAX) after the row (after_wh, after_item) (0, 0: from
 * the first), by warehouse and item; next is the cursor of the next page
 * ("W:I") or null: one row per warehouse and item with on_hand, the consumption of the last 7 days (issues and consumed
 * adjustments), days_of_supply (null without consumption), low (days of
 * supply under the item's low_days, or nothing on hand), and its lots on
 * hand with expiry, expired and expiring (within 30 days).  Optional
 * warehouse filter.  NULL with e set. */
json_t *fk_stock_json(fk_db *db, const fk_actor *who, const char *region, int64_t warehouse_id, int64_t limit,
		      int64_t after_wh, int64_t after_item, fk_err *e);

/* Movements in a region's warehouses, newest first. */
extern const struct fk_list fk_move_list;

#endif
