/* rollup.h - counts kept per region chain (and day): the one mechanism for
 * every aggregate a dashboard reads instead of scanning fact tables.
 *
 * A roll-up table holds, per region code (and day, when it has one), a few
 * integer counters; each count made at a grid or region is added to that
 * code and to every ancestor up to the country (fk_region_chain), so reading
 * a region's figure costs one row.  The tables and their owners:
 *   region_stats (region; households, persons)          registry
 *   coverage (region, day; visited, not_home, …)         screening
 *   case_daily, onset_daily, case_current (region, day)  epi (cases)
 *   observation_daily (region, day; started, ended)      epi (contacts)
 * Each owner declares its table once (an fk_rollup_table) and only it adds
 * to it; any module may read them.
 *
 * An accumulator gathers deltas in memory - a growable hash table keyed by
 * (table, region, day), with no limit on distinct keys - and fk_rollup_flush
 * applies them with one upsert per key:
 *   INSERT … ON CONFLICT (region[, day]) DO UPDATE SET n = t.n + excluded.n
 * so concurrent flushes add up rather than overwrite, in the SQL subset
 * SQLite and PostgreSQL share.  Batch paths (a screening batch, an import)
 * accumulate the whole batch and flush once; keys are flushed in a fixed
 * order (table, region, day), so two PostgreSQL transactions take the rows'
 * locks in the same order.  Not thread-safe: one accumulator per write.
 */
#ifndef FK_ROLLUP_H
#define FK_ROLLUP_H

#include <stdint.h>

#include "store/db.h"

#define FK_ROLLUP_COLS 8 /* counters in one table, at most */

/* A roll-up table: its name, whether it is keyed by (region, day) or by
 * region alone, and its counter columns (NULL-terminated).  Names are SQL
 * identifiers fixed in the code, never input. */
typedef struct fk_rollup_table {
	const char *name;
	int by_day;
	const char *cols[FK_ROLLUP_COLS + 1];
} fk_rollup_table;

typedef struct fk_rollup fk_rollup;

/* A new, empty accumulator (aborts when out of memory, as a failed small
 * allocation does everywhere here). */
fk_rollup *fk_rollup_new(void);

/* Adds deltas (one per column of t, in its order) at code and at every
 * ancestor of code; day is ignored for a table without days. */
void fk_rollup_add(fk_rollup *r, const fk_rollup_table *t, const char *code, int64_t day, const int64_t *deltas);

/* Adds n to the one column named col; returns 0, or -1 when t has no such
 * column (nothing is added). */
int fk_rollup_add_col(fk_rollup *r, const fk_rollup_table *t, const char *code, int64_t day, const char *col,
		      int64_t n);

/* Keys held (for tests and diagnostics). */
size_t fk_rollup_size(const fk_rollup *r);

/* Applies every non-zero key in the current transaction and empties r, so a
 * second flush writes nothing.  Returns 0, or -1 when a statement failed:
 * then r is emptied all the same and the caller rolls the transaction back. */
int fk_rollup_flush(fk_db *db, fk_rollup *r);

/* fk_rollup_flush, then frees r (also when the flush failed). */
int fk_rollup_apply(fk_db *db, fk_rollup *r);

/* Applies n in the one column col of t at code and its ancestors at once
 * (the API's single-row writes): fk_rollup_add_col and fk_rollup_apply.
 * Returns 0 or -1 (also when t has no column col). */
int fk_rollup_apply_col(fk_db *db, const fk_rollup_table *t, const char *code, int64_t day, const char *col,
			int64_t n);

/* Frees r without applying it; NULL is allowed. */
void fk_rollup_free(fk_rollup *r);

#endif
