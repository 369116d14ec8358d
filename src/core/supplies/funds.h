/* funds.h - special funds (专项资金): the one owner of fund_allocations and
 * fund_entries.
 *
 * Money comes into a region as an appropriation (no parent) and is passed
 * down the hierarchy (逐级拨付) as allocations, each with its purpose and
 * document number (文号): a child allocation keeps its parent's purpose and
 * cannot pass its balance.  Disbursements spend an allocation within its
 * purpose and balance (409 otherwise), with payee, voucher and approver;
 * subsidies are person-days at 300 or 200 yuan.  Corrections are
 * reversing entries naming what they reverse; nothing published is changed
 * or deleted.  Every allocation, disbursement and reversal is published to
 * the ledger; a private payee is published as "person", never by name.
 *
 * Who may call what: the http layer, the demo.
 */
#ifndef FK_FUNDS_H
#define FK_FUNDS_H

#include <jansson.h>
#include <stdint.h>

#include "core/base/actor.h"
#include "core/base/fields.h"
#include "store/db.h"
#include "util/err.h"

extern const char *const fk_fund_purposes[];
extern const char *const fk_payee_kinds[];

typedef struct fk_fund_alloc_in {
	const char *region, *purpose, *doc_no;
	int64_t parent_id, amount_fen; /* parent_id 0: an appropriation */
} fk_fund_alloc_in;
extern const fk_field fk_fund_alloc_fields[];
int fk_fund_alloc_parse(const json_t *in, fk_fund_alloc_in *a, fk_err *e);
json_t *fk_fund_allocate(fk_db *db, const fk_actor *who, const fk_fund_alloc_in *a, fk_err *e);

typedef struct fk_disburse_in {
	int64_t allocation_id, amount_fen, persons, rate_fen;
	const char *purpose, *payee, *payee_kind, *voucher, *approver;
} fk_disburse_in;
extern const fk_field fk_disburse_fields[];
int fk_disburse_parse(const json_t *in, fk_disburse_in *d, fk_err *e);
json_t *fk_fund_disburse(fk_db *db, const fk_actor *who, const fk_disburse_in *d, fk_err *e);

/* Reverses disbursement id (reason required). */
typedef struct fk_fund_reversal_in {
	int64_t id;
	const char *reason;
} fk_fund_reversal_in;
json_t *fk_fund_reverse(fk_db *db, const fk_actor *who, const fk_fund_reversal_in *r, fk_err *e);

/* 0 when fund entry id is in who's scope, else -1 with a 404. */
int fk_fund_entry_in_scope(fk_db *db, const fk_actor *who, int64_t id, fk_err *e);

/* One allocation as the list shows it: 404 alike for missing and out of
 * scope.  NULL with e set. */
json_t *fk_fund_allocation_get(fk_db *db, const fk_actor *who, int64_t id, fk_err *e);

extern const struct fk_list fk_fund_alloc_list;
extern const struct fk_list fk_fund_entry_list;

/* The auditor's report by the five checks (管理、使用、分配、公示、绩效)
 * over the allocations in a region's subtree.  NULL with e set. */
json_t *fk_fund_audit(fk_db *db, const fk_actor *who, const char *region, fk_err *e);

#endif
