/* test_writer.c - the single writer with group commit (store/writer.h):
 * jobs from many threads, a failing job rolled back alone, a failed commit
 * reported to every job of its batch that wrote (those that only read run
 * again), done called exactly once per job. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../testutil.h"
#include "store/writer.h"

#define THREADS 6
#define PER_THREAD 150
#define TOTAL (THREADS * PER_THREAD)

typedef struct job {
	fk_write w;
	int n;          /* the value the job inserts */
	bool fail;      /* insert, then return -1 */
	bool orphan;    /* insert a row whose deferred foreign key fails at commit */
	atomic_int done_calls;
	atomic_int runs; /* count_run: how often it ran */
	int rc;
	struct ctx *ctx;
} job;

typedef struct ctx {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int done;
	/* the gate: a job that holds the writer busy until opened */
	bool gate_open;
} ctx;

static int job_run(fk_db *db, void *arg)
{
	job *j = arg;
	if (fk_db_run(db, j->orphan ? "INSERT INTO child (n, parent) VALUES ($1, 999999)"
				    : "INSERT INTO t (n) VALUES ($1)",
		      "i", (int64_t)j->n) < 0)
		return -5;
	return j->fail ? -7 : 0;
}

static void job_done(void *arg, int rc)
{
	job *j = arg;
	j->rc = rc;
	atomic_fetch_add(&j->done_calls, 1);
	pthread_mutex_lock(&j->ctx->lock);
	j->ctx->done++;
	pthread_cond_broadcast(&j->ctx->cond);
	pthread_mutex_unlock(&j->ctx->lock);
}

/* Holds the writer thread inside its batch until the test opens the gate. */
static int gate_run(fk_db *db, void *arg)
{
	(void)db;
	job *j = arg;
	pthread_mutex_lock(&j->ctx->lock);
	while (!j->ctx->gate_open)
		pthread_cond_wait(&j->ctx->cond, &j->ctx->lock);
	pthread_mutex_unlock(&j->ctx->lock);
	return 0;
}

/* A job that only reads: how many rows t holds, and how often it ran. */
static int count_run(fk_db *db, void *arg)
{
	job *j = arg;
	int64_t n = -1;
	if (fk_db_int64(db, &n, "SELECT count(*) FROM t", "") < 0)
		return -5;
	j->n = (int)n;
	atomic_fetch_add(&j->runs, 1);
	return 0;
}

static void wait_done(ctx *c, int n)
{
	pthread_mutex_lock(&c->lock);
	while (c->done < n)
		pthread_cond_wait(&c->cond, &c->lock);
	pthread_mutex_unlock(&c->lock);
}

static void job_init(job *j, ctx *c, int n)
{
	memset(j, 0, sizeof(*j));
	j->n = n;
	j->ctx = c;
	j->rc = 12345;
	j->w.run = job_run;
	j->w.done = job_done;
	j->w.arg = j;
}

typedef struct fixture {
	tu_db *t;
	fk_writer *w;
	ctx c;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	f->t = tu_db_new(0);
	assert_int_equal(fk_db_exec(f->t->db,
				    "CREATE TABLE t (n INTEGER PRIMARY KEY);"
				    "CREATE TABLE parent (id INTEGER PRIMARY KEY);"
				    "CREATE TABLE child (n INTEGER PRIMARY KEY,"
				    " parent INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)"),
			 0);
	pthread_mutex_init(&f->c.lock, NULL);
	pthread_cond_init(&f->c.cond, NULL);
	assert_int_equal(fk_writer_start(&f->w, f->t->path), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	if (f->w)
		fk_writer_stop(f->w);
	pthread_mutex_destroy(&f->c.lock);
	pthread_cond_destroy(&f->c.cond);
	tu_db_free(f->t);
	free(f);
	return 0;
}

static int64_t count(fk_db *db, const char *sql)
{
	int64_t n = -1;
	assert_int_equal(fk_db_int64(db, &n, sql, ""), FK_ROW);
	return n;
}

typedef struct submitter {
	fk_writer *w;
	job *jobs;
} submitter;

static void *submit_main(void *p)
{
	submitter *s = p;
	for (int i = 0; i < PER_THREAD; i++)
		fk_writer_submit(s->w, &s->jobs[i].w);
	return NULL;
}

static void test_many_threads_one_failing_job(void **state)
{
	fixture *f = *state;
	job *jobs = calloc(TOTAL, sizeof(*jobs));
	for (int i = 0; i < TOTAL; i++) {
		job_init(&jobs[i], &f->c, i + 1);
		jobs[i].fail = (i % 97) == 13; /* a few failing jobs spread over the batches */
	}
	pthread_t th[THREADS];
	submitter s[THREADS];
	for (int i = 0; i < THREADS; i++) {
		s[i] = (submitter){ f->w, jobs + i * PER_THREAD };
		assert_int_equal(pthread_create(&th[i], NULL, submit_main, &s[i]), 0);
	}
	for (int i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	wait_done(&f->c, TOTAL);

	int failing = 0;
	for (int i = 0; i < TOTAL; i++) {
		assert_int_equal(atomic_load(&jobs[i].done_calls), 1);
		assert_int_equal(jobs[i].rc, jobs[i].fail ? -7 : 0);
		failing += jobs[i].fail;
	}
	long long batches = 0, njobs = 0;
	fk_writer_stats(f->w, &batches, &njobs);
	assert_int_equal(njobs, TOTAL);
	assert_true(batches >= 1 && batches <= TOTAL);

	/* Every job but the failing ones committed; the failing ones left nothing. */
	assert_int_equal(count(f->t->db, "SELECT count(*) FROM t"), TOTAL - failing);
	for (int i = 0; i < TOTAL; i++) {
		if (!jobs[i].fail)
			continue;
		int64_t n = -1;
		assert_int_equal(fk_db_int64(f->t->db, &n, "SELECT count(*) FROM t WHERE n = $1", "i",
					     (int64_t)jobs[i].n),
				 FK_ROW);
		assert_int_equal(n, 0);
	}
	free(jobs);
}

static void test_group_commit_batches(void **state)
{
	/* While the writer is held inside a batch, queued jobs gather; once
	 * released they commit together, far fewer batches than jobs. */
	fixture *f = *state;
	enum { N = 300 };
	job gate, *jobs = calloc(N, sizeof(*jobs));
	job_init(&gate, &f->c, 0);
	gate.w.run = gate_run;
	fk_writer_submit(f->w, &gate.w);
	for (int i = 0; i < N; i++) {
		job_init(&jobs[i], &f->c, i + 1);
		jobs[i].fail = i == 150; /* one failure in the middle of the batch */
		fk_writer_submit(f->w, &jobs[i].w);
	}
	pthread_mutex_lock(&f->c.lock);
	f->c.gate_open = true;
	pthread_cond_broadcast(&f->c.cond);
	pthread_mutex_unlock(&f->c.lock);
	wait_done(&f->c, N + 1);

	long long batches = 0, njobs = 0;
	fk_writer_stats(f->w, &batches, &njobs);
	assert_int_equal(njobs, N + 1);
	assert_true(batches <= 3); /* the gate's batch, then up to 512 at once */
	assert_int_equal(gate.rc, 0);
	for (int i = 0; i < N; i++) {
		assert_int_equal(atomic_load(&jobs[i].done_calls), 1);
		assert_int_equal(jobs[i].rc, i == 150 ? -7 : 0);
	}
	assert_int_equal(count(f->t->db, "SELECT count(*) FROM t"), N - 1);
	assert_int_equal(count(f->t->db, "SELECT count(*) FROM t WHERE n = 151"), 0);
	free(jobs);
}

static void test_failed_commit_loses_the_batch(void **state)
{
	/* A deferred foreign key fails only at COMMIT: every job in that batch
	 * that wrote hears FK_WRITE_LOST and nothing of the batch is kept; the
	 * jobs that only read run again and answer; the writer goes on with the
	 * next batch. */
	fixture *f = *state;
	job gate, a, reader, orphan, b, later;
	job_init(&gate, &f->c, 0);
	gate.w.run = gate_run;
	job_init(&a, &f->c, 1);
	job_init(&reader, &f->c, -1);
	reader.w.run = count_run;
	job_init(&orphan, &f->c, 2);
	orphan.orphan = true;
	job_init(&b, &f->c, 3);
	fk_writer_submit(f->w, &gate.w);
	fk_writer_submit(f->w, &a.w);
	fk_writer_submit(f->w, &reader.w);
	fk_writer_submit(f->w, &orphan.w);
	fk_writer_submit(f->w, &b.w);
	pthread_mutex_lock(&f->c.lock);
	f->c.gate_open = true;
	pthread_cond_broadcast(&f->c.cond);
	pthread_mutex_unlock(&f->c.lock);
	wait_done(&f->c, 5);
	/* the jobs that changed nothing ran again on their own and succeeded;
	 * the reader's second run no longer sees the row the lost batch wrote */
	assert_int_equal(gate.rc, 0);
	assert_int_equal(reader.rc, 0);
	assert_int_equal(atomic_load(&reader.runs), 2);
	assert_int_equal(reader.n, 0);
	assert_int_equal(atomic_load(&reader.done_calls), 1);
	assert_int_equal(a.rc, FK_WRITE_LOST);
	assert_int_equal(orphan.rc, FK_WRITE_LOST);
	assert_int_equal(b.rc, FK_WRITE_LOST);
	assert_int_equal(atomic_load(&a.done_calls), 1);
	assert_int_equal(atomic_load(&orphan.done_calls), 1);
	assert_int_equal(atomic_load(&b.done_calls), 1);
	assert_int_equal(count(f->t->db, "SELECT count(*) FROM t"), 0);
	assert_int_equal(count(f->t->db, "SELECT count(*) FROM child"), 0);

	job_init(&later, &f->c, 4);
	fk_writer_submit(f->w, &later.w);
	wait_done(&f->c, 6);
	assert_int_equal(later.rc, 0);
	assert_int_equal(count(f->t->db, "SELECT count(*) FROM t WHERE n = 4"), 1);
}

static void test_stop_runs_what_is_queued(void **state)
{
	fixture *f = *state;
	enum { N = 50 };
	job jobs[N];
	for (int i = 0; i < N; i++) {
		job_init(&jobs[i], &f->c, i + 1);
		fk_writer_submit(f->w, &jobs[i].w);
	}
	fk_writer_stop(f->w);
	f->w = NULL;
	for (int i = 0; i < N; i++) {
		assert_int_equal(atomic_load(&jobs[i].done_calls), 1);
		assert_int_equal(jobs[i].rc, 0);
	}
	assert_int_equal(count(f->t->db, "SELECT count(*) FROM t"), N);
}

static void test_start_fails_on_bad_path(void **state)
{
	(void)state;
	fk_writer *w = NULL;
	assert_true(fk_writer_start(&w, "/nonexistent-dir/x/y.db") < 0);
	fk_writer_stop(NULL); /* harmless */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_many_threads_one_failing_job, setup, teardown),
		cmocka_unit_test_setup_teardown(test_group_commit_batches, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_commit_loses_the_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_runs_what_is_queued, setup, teardown),
		cmocka_unit_test(test_start_fails_on_bad_path),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
