/* test_wal.c - the writer keeps the database's log bounded (store/writer.c):
 * under writes sustained far past FK_WAL_LIMIT the log file never exceeds
 * the limit plus one batch and the log starts again from its beginning; a
 * log grown past the limit by one huge transaction shrinks back to the limit
 * (journal_size_limit) while writes go on; once the writer is idle, the file
 * is emptied; a long reader makes the writer wait at the limit.  No timing
 * is asserted: the idle wait is polled. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cmocka.h>

#include "../testutil.h"
#include "store/writer.h"

#define LIMIT (4LL << 20)
#define GROUP 16 /* jobs queued at once: a batch holds at most these */
#define ROWS 8   /* rows a job inserts, each a 3000-byte blob on a page of its own */
/* One batch's worth of log: GROUP x ROWS leaf pages, plus the interior
 * pages and headers they touch (counted as many again), in 4 KB frames. */
#define BATCH_BYTES (2LL * GROUP * ROWS * (4096 + 24))

typedef struct wal_fx {
	tu_db *t;
	fk_writer *w;
	char wal[400];
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int done;
	atomic_bool sampling;
	atomic_llong peak;
	pthread_t sampler;
} wal_fx;

typedef struct bjob {
	fk_write w;
	int rows;
	int rc;
	wal_fx *f;
} bjob;

static long long file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (long long)st.st_size : 0;
}

static int bjob_run(fk_db *db, void *arg)
{
	bjob *j = arg;
	for (int i = 0; i < j->rows; i++)
		if (fk_db_run(db, "INSERT INTO big (b) VALUES (randomblob(3000))", "") < 0)
			return -1;
	return 0;
}

static void bjob_done(void *arg, int rc)
{
	bjob *j = arg;
	j->rc = rc;
	pthread_mutex_lock(&j->f->lock);
	j->f->done++;
	pthread_cond_broadcast(&j->f->cond);
	pthread_mutex_unlock(&j->f->lock);
}

/* Records the log file's largest size while the test writes. */
static void *sampler_main(void *p)
{
	wal_fx *f = p;
	while (atomic_load(&f->sampling)) {
		long long n = file_size(f->wal);
		if (n > atomic_load(&f->peak))
			atomic_store(&f->peak, n);
		nanosleep(&(struct timespec){ 0, 500000 }, NULL);
	}
	return NULL;
}

/* Queues n jobs of rows rows each at once and waits for them. */
static void write_group(wal_fx *f, int n, int rows)
{
	bjob jobs[GROUP];
	assert_true(n <= GROUP);
	pthread_mutex_lock(&f->lock);
	f->done = 0;
	pthread_mutex_unlock(&f->lock);
	for (int i = 0; i < n; i++) {
		jobs[i] = (bjob){ .w = { .run = bjob_run, .done = bjob_done }, .rows = rows, .rc = 12345, .f = f };
		jobs[i].w.arg = &jobs[i];
		jobs[i].w.heavy = rows > ROWS;
	}
	for (int i = 0; i < n; i++)
		fk_writer_submit(f->w, &jobs[i].w);
	pthread_mutex_lock(&f->lock);
	while (f->done < n)
		pthread_cond_wait(&f->cond, &f->lock);
	pthread_mutex_unlock(&f->lock);
	for (int i = 0; i < n; i++)
		assert_int_equal(jobs[i].rc, 0);
}

static int64_t rows_stored(wal_fx *f)
{
	int64_t n = -1;
	assert_int_equal(fk_db_int64(f->t->db, &n, "SELECT count(*) FROM big", ""), FK_ROW);
	return n;
}

static int setup(void **state)
{
	wal_fx *f = calloc(1, sizeof(*f));
	f->t = tu_db_new(0);
	assert_int_equal(fk_db_exec(f->t->db, "CREATE TABLE big (id INTEGER PRIMARY KEY, b BLOB)"), 0);
	snprintf(f->wal, sizeof(f->wal), "%s-wal", f->t->path);
	pthread_mutex_init(&f->lock, NULL);
	pthread_cond_init(&f->cond, NULL);
	fk_writer_wal_limit = LIMIT; /* what FK_WAL_LIMIT sets */
	assert_int_equal(fk_writer_start(&f->w, f->t->path), 0);
	atomic_store(&f->sampling, true);
	assert_int_equal(pthread_create(&f->sampler, NULL, sampler_main, f), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	wal_fx *f = *state;
	atomic_store(&f->sampling, false);
	pthread_join(f->sampler, NULL);
	fk_writer_stop(f->w);
	fk_writer_wal_limit = FK_WAL_LIMIT_DEFAULT;
	pthread_mutex_destroy(&f->lock);
	pthread_cond_destroy(&f->cond);
	tu_db_free(f->t);
	free(f);
	return 0;
}

static void test_log_stays_under_its_limit(void **state)
{
	wal_fx *f = *state;
	/* ten times the limit in page-sized rows, a group at a time */
	long long groups = 10 * LIMIT / (GROUP * ROWS * 3000LL) + 1;
	for (long long g = 0; g < groups; g++)
		write_group(f, GROUP, ROWS);
	long long peak = atomic_load(&f->peak);
	print_message("log peak %lld bytes (limit %lld + batch %lld), %lld restarts\n", peak, LIMIT, BATCH_BYTES,
		      fk_writer_restarts(f->w));
	assert_true(peak > LIMIT / 4); /* the test did fill the log */
	assert_true(peak <= LIMIT + BATCH_BYTES);
	assert_true(fk_writer_restarts(f->w) >= 5);
	assert_int_equal(rows_stored(f), groups * GROUP * ROWS);

	/* Idle: the checkpointer empties the file (polled, up to a minute). */
	for (int i = 0; i < 600 && file_size(f->wal) > 0; i++)
		nanosleep(&(struct timespec){ 0, 100000000 }, NULL);
	assert_int_equal(file_size(f->wal), 0);
	/* and writing goes on after that */
	write_group(f, 1, ROWS);
	assert_int_equal(rows_stored(f), groups * GROUP * ROWS + ROWS);
}

static void test_grown_log_shrinks_back(void **state)
{
	/* One transaction three times the limit must grow the log past it;
	 * with writes going on (never idle), the file then shrinks back to the
	 * limit when the log starts again: journal_size_limit. */
	wal_fx *f = *state;
	int rows = (int)(3 * LIMIT / 3000);
	write_group(f, 1, rows);
	assert_true(file_size(f->wal) >= 3 * LIMIT);
	/* checkpointed right after that commit (after its job heard) */
	int groups = 0;
	while (fk_writer_restarts(f->w) == 0 && groups < 4) {
		write_group(f, GROUP, ROWS);
		groups++;
	}
	assert_true(fk_writer_restarts(f->w) >= 1);
	write_group(f, GROUP, ROWS); /* the first commit after the restart truncates */
	groups++;
	assert_true(file_size(f->wal) <= LIMIT);
	assert_int_equal(rows_stored(f), rows + groups * GROUP * ROWS);
}

typedef struct writes {
	wal_fx *f;
	int groups;
} writes;

static void *writes_main(void *p)
{
	writes *x = p;
	for (int g = 0; g < x->groups; g++)
		write_group(x->f, GROUP, ROWS);
	return NULL;
}

static void test_reader_holds_the_log(void **state)
{
	/* A reader in the middle of a long read keeps the log from starting
	 * again.  The writer goes on past half the limit (trying again now and
	 * then), but at the limit it waits for that reader: writes queued
	 * meanwhile do not grow the log further.  Once the reader is done,
	 * they commit and the log starts again. */
	wal_fx *f = *state;
	write_group(f, GROUP, ROWS);
	assert_int_equal(fk_db_exec(f->t->db, "BEGIN"), 0);
	assert_true(rows_stored(f) > 0); /* the read transaction now holds the log */
	long long groups = 1;
	while (file_size(f->wal) < LIMIT) {
		write_group(f, GROUP, ROWS);
		groups++;
	}
	long long restarts = fk_writer_restarts(f->w);
	writes x = { f, 10 };
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, writes_main, &x), 0);
	/* time for those writes to grow the log, were the writer not waiting */
	nanosleep(&(struct timespec){ 1, 0 }, NULL);
	assert_true(atomic_load(&f->peak) <= LIMIT + BATCH_BYTES);
	assert_int_equal(fk_db_exec(f->t->db, "COMMIT"), 0);
	pthread_join(th, NULL);
	groups += x.groups;
	assert_true(atomic_load(&f->peak) <= LIMIT + BATCH_BYTES);
	assert_true(fk_writer_restarts(f->w) > restarts);
	assert_int_equal(rows_stored(f), groups * GROUP * ROWS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_log_stays_under_its_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_grown_log_shrinks_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reader_holds_the_log, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
