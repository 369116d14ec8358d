/* writer.c - one writer thread, group commit (see writer.h).
 * Expected load: thousands of small writes per second from many request
 * threads; batches are bounded so one batch's latency stays short.
 *
 * The log (SQLite's WAL) and its bound.  A second thread, with its own
 * connection, copies the log back into the database file (checkpoints) a
 * few times a second, so no commit waits for that copy and its fsync: done
 * at commit, as SQLite does by default, it stalled the queue behind it for
 * hundreds of milliseconds on a large database under a heavy ingest.  But
 * under a sustained ingest those background copies never reach the end of
 * a log the writer keeps appending to, and the log only starts again from
 * its beginning once they do: it grew by ~110 MB/s without end.  So:
 *  - after a commit that leaves the log at half the limit (fk_writer_wal_limit)
 *    or more, the writer answers that batch's jobs and then waits, between
 *    batches, while the checkpointer copies the rest back and waits for the
 *    readers of the log (a RESTART checkpoint); the next commit starts the
 *    log from its beginning.  The background copies did most of the work
 *    already, so the wait is short, and the log file is reused in place
 *    (writes into a file that grows allocate and zero new blocks: a fifth
 *    of the writer's time when the log grew without end);
 *  - should a reader keep the log for longer than 100 ms (an export), the
 *    writer goes on and tries again once the log has grown by an eighth of
 *    the limit, until it reaches the limit: then it waits as long as that
 *    takes.  The log thus never exceeds the limit plus one batch;
 *  - the connection's journal_size_limit is the limit: a log that grew past
 *    it shrinks back to it when it starts again;
 *  - once the writer has been idle for a second, the checkpointer empties
 *    the log file (TRUNCATE, without waiting for readers), no batch
 *    starting meanwhile. */
#include "store/writer.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/log.h"

#define BATCH_MAX 512
/* Heavy jobs per transaction: one commit (one fsync) and one write of each
 * page they share is spread over this many batches.  Reads never wait for
 * the writer (masked reads' audit entries are written after the answer), so
 * only light writes wait behind such a transaction (~0.2 s at most). */
static int heavy_max = 32;

int64_t fk_writer_wal_limit = FK_WAL_LIMIT_DEFAULT;

struct fk_writer {
	fk_db *db;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;         /* wakes the writer: a job, the end of a checkpoint */
	fk_write *head, *tail;       /* light jobs */
	fk_write *hhead, *htail;     /* heavy jobs */
	bool stopping;
	long long batches, jobs;
	int64_t limit;             /* the log's bound, in bytes */
	bool writing;              /* a batch is in its transaction */
	int drain;                 /* > 0: the writer waits for a RESTART checkpoint
				    * that waits up to this many ms for readers */
	int64_t retry_at;          /* after a RESTART readers kept from completing:
				    * the log's length at which to try again */
	bool tidy;                 /* the checkpointer empties the log: no batch starts */
	bool tidied;               /* the log file is empty since the last batch */
	int drained;               /* the last RESTART's result (fk_db_checkpoint) */
	long long restarts;
	long long retries; /* batches run again after a conflict with another writer */
	long long lost;    /* batches that could not be committed */
	long long queued;  /* jobs waiting */
	int64_t log_bytes; /* after the last commit */
	long long sizes[FK_WRITER_SIZE_BUCKETS];
	bool db_busy;      /* the batch being run met such a conflict */
	fk_db *ckpt_db;            /* the checkpointer's connection */
	pthread_cond_t ckpt_cond;  /* wakes the checkpointer: a drain, stopping */
	pthread_t ckpt_thread;
	bool ckpt_started;
	bool ckpt_running;         /* the checkpointer takes drain requests */
};

#define CKPT_INTERVAL_MS 200
#define IDLE_TICKS 5 /* intervals without a batch before the log file is emptied */
#define SOFT_WAIT_MS 100
#define HARD_WAIT_MS 10000

/* Called with w->lock held; returns with it held. */
static int checkpoint_unlocked(fk_writer *w, fk_ckpt mode, int wait_ms)
{
	pthread_mutex_unlock(&w->lock);
	int rc = fk_db_checkpoint(w->ckpt_db, mode, wait_ms);
	if (rc < 0)
		fk_log_err("writer: checkpoint failed: %s", fk_db_errmsg(w->ckpt_db));
	pthread_mutex_lock(&w->lock);
	return rc;
}

static void *checkpointer_main(void *p)
{
	fk_writer *w = p;
	pthread_setname_np(pthread_self(), "fk-checkpoint");
	pthread_mutex_lock(&w->lock);
	long long seen = -1;
	int idle = 0;
	while (!w->stopping) {
		if (!w->drain) {
			struct timespec until;
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_nsec += CKPT_INTERVAL_MS * 1000000L;
			if (until.tv_nsec >= 1000000000L) {
				until.tv_sec++;
				until.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&w->ckpt_cond, &w->lock, &until);
		}
		if (w->stopping)
			break;
		if (w->drain) { /* the writer waits between batches */
			w->drained = checkpoint_unlocked(w, FK_CKPT_RESTART, w->drain);
			w->restarts += w->drained == 1;
			w->drain = 0;
			pthread_cond_broadcast(&w->cond);
			continue;
		}
		idle = w->batches == seen ? idle + 1 : 0;
		seen = w->batches;
		if (idle >= IDLE_TICKS && !w->tidied && !w->writing && !w->head && !w->hhead) {
			w->tidy = true;
			w->tidied = checkpoint_unlocked(w, FK_CKPT_TRUNCATE, 0) == 1;
			w->tidy = false;
			pthread_cond_broadcast(&w->cond);
		} else if (!w->tidied) {
			checkpoint_unlocked(w, FK_CKPT_PASSIVE, 0);
		}
	}
	w->ckpt_running = false;
	w->drain = 0;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

/* After a batch, with w->lock held: from half the limit on, waits for the
 * checkpointer to copy the log back so that the next commit restarts it,
 * giving readers SOFT_WAIT_MS to leave the log (when they keep it, tries
 * again once it has grown by an eighth of the limit); at the limit, waits
 * until it could, however long readers keep it. */
static void bound_log(fk_writer *w, int64_t log)
{
	if (log < w->limit / 2) {
		w->retry_at = 0;
		return;
	}
	if (log < w->retry_at && log < w->limit)
		return;
	while (w->ckpt_running && !w->stopping) {
		bool hard = log >= w->limit;
		w->drain = hard ? HARD_WAIT_MS : SOFT_WAIT_MS;
		pthread_cond_signal(&w->ckpt_cond);
		while (w->drain)
			pthread_cond_wait(&w->cond, &w->lock);
		if (w->drained == 1) {
			w->retry_at = 0;
			return;
		}
		if (!hard || w->drained < 0) { /* an error is logged; no busy loop on it */
			w->retry_at = log + w->limit / 8;
			return;
		}
		fk_log_err("writer: the log (%lld bytes) is at its limit; waiting for its readers", (long long)log);
	}
}

void fk_write_rerun(void *arg)
{
	(void)arg;
}

/* Runs one batch in one transaction.  Returns 0 when it committed, 1 when
 * a statement met a conflict with another writer (a serialisation failure,
 * a deadlock: the batch is rolled back whole, to be run again), -1 when
 * it failed otherwise. */
static int run_batch(fk_writer *w, fk_write *batch)
{
	fk_db_take_busy(w->db);
	if (fk_db_begin_write(w->db) < 0)
		goto fail;
	for (fk_write *j = batch; j; j = j->next) {
		if (fk_db_savepoint(w->db) < 0)
			goto fail;
		int64_t before = fk_db_total_changes(w->db);
		j->rc = j->run(w->db, j->arg);
		j->wrote = before < 0 || fk_db_total_changes(w->db) != before;
		if (fk_db_take_busy(w->db)) {
			w->db_busy = true;
			goto fail;
		}
		if (j->rc < 0 ? fk_db_rollback_to(w->db) < 0 : fk_db_release(w->db) < 0)
			goto fail;
	}
	if (fk_db_commit(w->db) == 0)
		return 0;
fail:
	fk_db_rollback(w->db);
	if (fk_db_take_busy(w->db))
		w->db_busy = true;
	return -1;
}

/* run_batch, again while it meets conflicts with other writers and every
 * job can be run again (see fk_write.again), after a growing pause.
 * Returns 0 when it committed. */
static int run_batch_retrying(fk_writer *w, fk_write *batch)
{
	for (int attempt = 0;; attempt++) {
		w->db_busy = false;
		if (run_batch(w, batch) == 0)
			return 0;
		if (!w->db_busy || attempt == FK_WRITE_RETRIES)
			return -1;
		for (fk_write *j = batch; j; j = j->next)
			if (!j->again)
				return -1;
		w->retries++;
		fk_log_info("writer: a conflict with another writer; running the batch again (%d)", attempt + 1);
		struct timespec pause = { 0, (long)(5 + 20 * attempt + (rand() % 10)) * 1000000L };
		nanosleep(&pause, NULL);
		for (fk_write *j = batch; j; j = j->next)
			j->again(j->arg);
	}
}

static void *writer_main(void *p)
{
	fk_writer *w = p;
	pthread_setname_np(pthread_self(), "fk-writer");
	for (;;) {
		pthread_mutex_lock(&w->lock);
		while ((!w->head && !w->hhead && !w->stopping) || w->tidy)
			pthread_cond_wait(&w->cond, &w->lock);
		if (!w->head && !w->hhead && w->stopping) {
			pthread_mutex_unlock(&w->lock);
			break;
		}
		/* every light job queued (up to BATCH_MAX), then up to heavy_max heavy ones */
		fk_write *batch = NULL, *last = NULL;
		int n = 0;
		if (w->head) {
			batch = last = w->head;
			n = 1;
			while (last->next && n < BATCH_MAX) {
				last = last->next;
				n++;
			}
			w->head = last->next;
			if (!w->head)
				w->tail = NULL;
			last->next = NULL;
		}
		for (int k = 0; w->hhead && k < heavy_max; k++) {
			fk_write *h = w->hhead;
			w->hhead = h->next;
			if (!w->hhead)
				w->htail = NULL;
			h->next = NULL;
			if (last)
				last->next = h;
			else
				batch = h;
			last = h;
			n++;
		}
		w->writing = true;
		pthread_mutex_unlock(&w->lock);

		int committed = run_batch_retrying(w, batch) == 0;
		/* The jobs that changed nothing did not need the commit that
		 * failed: they run again on their own, so that a full disk fails
		 * the writes and not the reads queued beside them. */
		fk_write *again = NULL;
		int again_ok = 0;
		if (!committed) {
			fk_log_err("writer: a batch of %d write(s) could not be committed", n);
			fk_write **link = &batch, **tail = &again;
			while (*link) {
				fk_write *j = *link;
				if (j->wrote) {
					link = &j->next;
					continue;
				}
				*link = j->next;
				j->next = NULL;
				*tail = j;
				tail = &j->next;
			}
			again_ok = again && run_batch(w, again) == 0;
		}
		int64_t log = fk_db_log_bytes(w->db);
		pthread_mutex_lock(&w->lock);
		w->writing = false;
		w->tidied = false;
		w->batches++;
		w->jobs += n;
		w->queued -= n;
		w->lost += !committed;
		w->log_bytes = log;
		int b = 0;
		while (b < FK_WRITER_SIZE_BUCKETS - 1 && n > (1 << b))
			b++;
		w->sizes[b]++;
		pthread_mutex_unlock(&w->lock);
		for (fk_write *j = batch, *next; j; j = next) {
			next = j->next; /* done() may free j */
			j->done(j->arg, committed ? j->rc : FK_WRITE_LOST);
		}
		for (fk_write *j = again, *next; j; j = next) {
			next = j->next;
			j->done(j->arg, again_ok ? j->rc : FK_WRITE_LOST);
		}
		pthread_mutex_lock(&w->lock);
		bound_log(w, log);
		pthread_mutex_unlock(&w->lock);
	}
	return NULL;
}

/* Stops the threads that run (the writer after what is queued), copies the
 * log back when the writer ran, and frees everything. */
static void teardown(fk_writer *w, bool writer_started)
{
	pthread_mutex_lock(&w->lock);
	w->stopping = true;
	pthread_cond_signal(&w->cond);
	pthread_cond_signal(&w->ckpt_cond);
	pthread_mutex_unlock(&w->lock);
	if (writer_started)
		pthread_join(w->thread, NULL);
	if (w->ckpt_started)
		pthread_join(w->ckpt_thread, NULL);
	if (w->ckpt_db) {
		if (writer_started) /* the last copy back, with nothing else writing */
			fk_db_checkpoint(w->ckpt_db, FK_CKPT_TRUNCATE, 0);
		fk_db_close(w->ckpt_db);
	}
	fk_db_close(w->db);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->cond);
	pthread_cond_destroy(&w->ckpt_cond);
	free(w);
}

int fk_writer_start(fk_writer **out, const char *path)
{
	fk_writer *w = calloc(1, sizeof(*w));
	if (!w)
		abort();
	if (fk_db_open(&w->db, path, false) < 0) {
		free(w);
		return -1;
	}
	/* The writer touches every index the ingest grows. */
	fk_db_set_cache(w->db, 64);
	w->limit = fk_writer_wal_limit;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	pthread_cond_init(&w->ckpt_cond, NULL);
	if (fk_db_open(&w->ckpt_db, path, false) < 0 || fk_db_log_limit(w->db, w->limit) < 0)
		goto fail;
	w->ckpt_running = true;
	if (pthread_create(&w->ckpt_thread, NULL, checkpointer_main, w) != 0) {
		w->ckpt_running = false;
		goto fail;
	}
	w->ckpt_started = true;
	if (pthread_create(&w->thread, NULL, writer_main, w) != 0)
		goto fail;
	*out = w;
	return 0;
fail:
	teardown(w, false);
	return fk_log_err("writer: cannot start");
}

void fk_writer_submit(fk_writer *w, fk_write *job)
{
	job->next = NULL;
	job->rc = 0;
	pthread_mutex_lock(&w->lock);
	fk_write **head = job->heavy ? &w->hhead : &w->head, **tail = job->heavy ? &w->htail : &w->tail;
	if (*tail)
		(*tail)->next = job;
	else
		*head = job;
	*tail = job;
	w->queued++;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

void fk_writer_stop(fk_writer *w)
{
	if (w)
		teardown(w, true);
}

void fk_writer_stats(fk_writer *w, long long *batches, long long *jobs)
{
	pthread_mutex_lock(&w->lock);
	*batches = w->batches;
	*jobs = w->jobs;
	pthread_mutex_unlock(&w->lock);
}

void fk_writer_figures_get(fk_writer *w, fk_writer_figures *f)
{
	pthread_mutex_lock(&w->lock);
	*f = (fk_writer_figures){ .batches = w->batches, .jobs = w->jobs, .retries = w->retries, .lost = w->lost,
				  .restarts = w->restarts, .queued = w->queued, .log_bytes = w->log_bytes };
	memcpy(f->sizes, w->sizes, sizeof(f->sizes));
	pthread_mutex_unlock(&w->lock);
}

long long fk_writer_restarts(fk_writer *w)
{
	pthread_mutex_lock(&w->lock);
	long long n = w->restarts;
	pthread_mutex_unlock(&w->lock);
	return n;
}
