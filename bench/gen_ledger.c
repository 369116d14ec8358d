/* gen_ledger.c - the public ledger and the stock ledger at benchmark scale,
 * through the core functions the API uses (fk_ledger_append, fk_stock_move),
 * and the machine's own limit measured beside them.
 *
 *   gen_ledger DB ENTRIES MOVES BATCH
 *
 * 1. ENTRIES ledger entries of a donation's size (about 330 bytes of JSON),
 *    BATCH per transaction as the writer's group commit makes them, with
 *    synchronous=FULL: entries per second, durable.
 * 2. The same number of rows of the same bytes into a bare table (one insert
 *    each, BATCH per transaction, same settings): the limit of this disk and
 *    SQLite for that shape; the ratio of 1 to 2 is what the tree costs.
 * 3. MOVES stock movements over 1,000 items in one warehouse (receipts and
 *    issues), BATCH per transaction.
 * Prints one line per figure.  DB is made by `fangkong init` beforehand. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "core/base/actor.h"
#include "core/ledger/ledger.h"
#include "core/supplies/stock.h"
#include "util/date.h"
#include "util/log.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static json_t *entry(long i)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:b}", "donation", (json_int_t)i, "region",
			 "420106001", "region_name", "积玉桥街道", "donor", "某医药有限公司", "donor_commit",
			 "af98b03550e6d8b0d6b1a2c9419412baad27ba5eb54e36ec26058a22075aeec1", "donation_kind", "money",
			 "amount_fen", (json_int_t)(i * 100), "received_on", "2020-02-01", "receipt_no", "JZ2020-000001",
			 "late", 0);
}

int main(int argc, char **argv)
{
	if (argc != 5)
		return fprintf(stderr, "usage: gen_ledger DB ENTRIES MOVES BATCH\n"), 2;
	long n = atol(argv[2]), moves = atol(argv[3]), batch = atol(argv[4]);
	fk_db *db;
	if (cli_open_db(argv[1], 0, &db) < 0)
		return 1;
	/* 1. the ledger */
	double t0 = now_s();
	for (long i = 0; i < n;) {
		if (fk_db_begin_write(db) < 0)
			return 1;
		for (long k = 0; k < batch && i < n; k++, i++) {
			json_t *e = entry(i);
			int64_t idx;
			if (fk_ledger_append(db, "donation.receipt", NULL, e, 1580000000 + i, &idx) < 0)
				return fprintf(stderr, "append %ld failed\n", i), 1;
			json_decref(e);
		}
		if (fk_db_commit(db) < 0)
			return 1;
	}
	double t1 = now_s();
	printf("ledger_append %ld entries %.2f s %.0f entries/s (batches of %ld, durable)\n", n, t1 - t0,
	       (double)n / (t1 - t0), batch);
	/* 2. the limit: the same bytes into a bare table */
	fk_db_exec(db, "CREATE TABLE bench_bare (idx INTEGER PRIMARY KEY, leaf BLOB NOT NULL)");
	t0 = now_s();
	for (long i = 0; i < n;) {
		fk_db_begin_write(db);
		for (long k = 0; k < batch && i < n; k++, i++) {
			json_t *e = entry(i);
			char *bytes = json_dumps(e, JSON_COMPACT | JSON_SORT_KEYS);
			fk_db_run(db, "INSERT INTO bench_bare (idx, leaf) VALUES ($1, $2)", "ib", (int64_t)i, bytes,
				  strlen(bytes));
			free(bytes);
			json_decref(e);
		}
		fk_db_commit(db);
	}
	t1 = now_s();
	printf("bare_insert %ld rows %.2f s %.0f rows/s\n", n, t1 - t0, (double)n / (t1 - t0));
	fk_db_exec(db, "DROP TABLE bench_bare");
	/* 3. the stock ledger: 1,000 items, one warehouse */
	fk_db_begin_write(db);
	/* the district the warehouse belongs to (a fresh database holds only the country) */
	fk_db_run(db, "INSERT INTO regions (code, parent, level, name, created_at) VALUES ('420106', '', 3, 'bench', 0)"
		      " ON CONFLICT DO NOTHING", "");
	int64_t wh = 0;
	fk_db_int64(db, &wh,
		    "INSERT INTO warehouses (region, name, kind, created_at) VALUES ('420106', 'bench', 'district', 0)"
		    " RETURNING id",
		    "");
	int64_t lots[1000];
	fk_err e = { 0 };
	for (int i = 0; i < 1000; i++) {
		char code[32];
		int64_t item = 0;
		snprintf(code, sizeof(code), "BENCH-%04d", i);
		fk_db_int64(db, &item,
			    "INSERT INTO items (code, name, category, unit, pack_size, low_days, created_at)"
			    " VALUES ($1, $1, 'mask', 'piece', 1, 7, 0) RETURNING id",
			    "s", code);
		if (fk_lot_get(db, item, "L1", 30000, &lots[i], &e) < 0)
			return 1;
	}
	fk_db_commit(db);
	fk_actor who = { 1, "keeper", FK_ROLE_KEEPER, "420106", "local" };
	t0 = now_s();
	for (long i = 0; i < moves;) {
		fk_db_begin_write(db);
		for (long k = 0; k < batch && i < moves; k++, i++) {
			int64_t q = i % 2 == 0 ? 10 : -5; /* a receipt, then an issue of the same lot */
			if (fk_stock_move(db, &who, wh, "420106", lots[(i / 2) % 1000], q > 0 ? "receipt" : "issue", NULL, q,
					  NULL, NULL, &e) < 0)
				return fprintf(stderr, "move %ld: %s\n", i, e.message), 1;
		}
		fk_db_commit(db);
	}
	t1 = now_s();
	printf("stock_moves %ld %.2f s %.0f moves/s warehouse %lld\n", moves, t1 - t0, (double)moves / (t1 - t0),
	       (long long)wh);
	fk_db_close(db);
	return 0;
}
