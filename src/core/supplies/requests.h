/* requests.h - requests for supplies and their shipment, and the tests
 * done with test kits: the one owner of requests, request_lines,
 * request_events and kit_tests.
 *
 * States as OpenBoxes has them: created → submitted → approved | rejected
 * → picked → shipped → partially_received → received; cancelled before
 * shipping.  The level above the requesting region approves, in whole or in
 * part, or rejects with a reason; approving one's own request is 403; a
 * rejection stands (a higher level cannot override it: 409).  Picking
 * issues the approved quantities from the warehouse through the stock
 * ledger (FEFO, never an expired lot); the receiver records what arrived
 * and what was damaged, and the difference stays on the lines.  Each
 * transition needs the permission of whoever does it: approve and reject
 * supply.approve, pick and ship stock.write, submit, receive and cancel
 * supply.request (403 otherwise, after scope: another street's request is
 * 404 to everyone).
 *
 * Who may call what: the http layer, the demo.
 */
#ifndef FK_REQUESTS_H
#define FK_REQUESTS_H

#include <jansson.h>
#include <stdint.h>

#include "core/base/actor.h"
#include "core/base/fields.h"
#include "store/db.h"
#include "util/arena.h"
#include "util/err.h"

#define FK_REQUEST_LINES_MAX 50

extern const char *const fk_request_states[];

typedef struct fk_request_line {
	int64_t item_id, qty, damaged;
} fk_request_line;

typedef struct fk_request_in {
	const char *region, *reason;
	int64_t warehouse_id, needed_by;
	int draft; /* 1: stays created */
	fk_request_line *lines;
	int n;
} fk_request_in;
extern const fk_field fk_request_fields[], fk_request_line_fields[];
int fk_request_parse(const json_t *in, fk_request_in *q, fk_arena *a, fk_err *e);
json_t *fk_request_create(fk_db *db, const fk_actor *who, const fk_request_in *q, fk_err *e);

/* A transition: {to, note?, lines? [{item_id, qty, damaged?}]} — lines
 * give the approved quantities (approve; default: as requested) or what
 * arrived (receive). */
typedef struct fk_request_move_in {
	int64_t id;
	const char *to, *note;
	fk_request_line *lines;
	int n;
} fk_request_move_in;
extern const fk_field fk_request_move_fields[], fk_request_move_line_fields[];
int fk_request_move_parse(const json_t *in, fk_request_move_in *m, fk_arena *a, fk_err *e);
json_t *fk_request_move(fk_db *db, const fk_actor *who, const fk_request_move_in *m, fk_err *e);

/* One request with its lines (requested, approved, shipped, received,
 * damaged, short) and its events.  404 alike for missing and out of scope. */
json_t *fk_request_get(fk_db *db, const fk_actor *who, int64_t id, fk_err *e);
extern const struct fk_list fk_request_list;

/* Tests done with a kit in a region on a day: {region, item_id, day, tests}. */
typedef struct fk_kit_tests_in {
	const char *region;
	int64_t item_id, day, tests;
} fk_kit_tests_in;
extern const fk_field fk_kit_tests_fields[];
int fk_kit_tests_parse(const json_t *in, fk_kit_tests_in *k, fk_err *e);
json_t *fk_kit_tests_record(fk_db *db, const fk_actor *who, const fk_kit_tests_in *k, fk_err *e);
/* Per test kit in a region's subtree: kits received on requests, the tests
 * they allow, the tests recorded, and the tests not accounted for. */
json_t *fk_kits_json(fk_db *db, const fk_actor *who, const char *region, fk_err *e);

#endif
