/* writer.h - the single writer connection, with group commit.
 *
 * Requests hand their writes to one writer thread as jobs.  The thread takes
 * every job queued, opens one write transaction, runs each job inside its own
 * savepoint (a failing job is rolled back alone), commits once, and then
 * reports each job's outcome through its done callback.  With
 * synchronous=FULL, one fsync thus covers a whole batch of requests.
 */
#ifndef FK_WRITER_H
#define FK_WRITER_H

#include <stdbool.h>
#include <stdint.h>

#include "store/db.h"

typedef struct fk_writer fk_writer;

typedef struct fk_write {
	/* Runs on the writer thread inside the batch's transaction.  Returns 0
	 * to keep its changes or a negative value to roll them back.  A job
	 * that changed no row (a read that runs here, an update with nothing
	 * to do) is run once more, in a transaction of its own, when its
	 * batch's commit fails (a full disk): run must then start afresh. */
	int (*run)(fk_db *db, void *arg);
	/* Called on the writer thread after the commit (or its failure):
	 * rc is run's result, or FK_WRITE_LOST when the commit failed. */
	void (*done)(void *arg, int rc);
	void *arg;
	/* Heavy jobs (a batch of hundreds of records, an import) go after the
	 * light ones queued before them, at most 32 per transaction, so a light
	 * job (a sign-in, an audit entry) never waits behind more than one such
	 * transaction. */
	bool heavy;
	/* Makes the job ready to run again, undoing what run left in arg: a
	 * batch that met a serialisation failure or deadlock (another instance
	 * writing the same rows) is rolled back and run again, up to
	 * FK_WRITE_RETRIES times, when every job in it has this; otherwise, or
	 * when the retries are spent, every job is answered FK_WRITE_LOST
	 * (503).  Jobs whose run only reads arg may set fk_write_rerun. */
	void (*again)(void *arg);
	struct fk_write *next; /* owned by the writer: queue link */
	int rc;                /* owned by the writer: run's result */
	bool wrote;            /* owned by the writer: run changed a row */
} fk_write;

#define FK_WRITE_LOST (-100)
#define FK_WRITE_RETRIES 3

/* An again for jobs whose run leaves arg as it found it. */
void fk_write_rerun(void *arg);

/* The bound on the database's log (FK_WAL_LIMIT, in bytes), read by
 * fk_writer_start: from half of it on, the writer pauses between batches
 * until the log is copied back and can start again from its beginning, so
 * it never holds more than the limit plus one batch (see writer.c). */
#define FK_WAL_LIMIT_DEFAULT (256LL << 20)
extern int64_t fk_writer_wal_limit;

/* Opens the writer connection on path and starts the thread.  Returns 0 or -1. */
int fk_writer_start(fk_writer **out, const char *path);
/* Queues a job; its done callback always runs exactly once. */
void fk_writer_submit(fk_writer *w, fk_write *job);
/* Runs what is queued, stops the thread and closes the connection. */
void fk_writer_stop(fk_writer *w);

/* Batches committed and jobs run since start (for logs and benchmarks). */
void fk_writer_stats(fk_writer *w, long long *batches, long long *jobs);
/* Checkpoints after which the log started again from its beginning. */
long long fk_writer_restarts(fk_writer *w);

/* What the writer has done, for /metrics. */
#define FK_WRITER_SIZE_BUCKETS 10
typedef struct fk_writer_figures {
	long long batches, jobs, retries, lost, restarts;
	long long queued;    /* jobs waiting now */
	int64_t log_bytes;   /* the log's length after the last commit (SQLite; 0 on a server) */
	/* batches by jobs: 1, 2, ≤4, ≤8, ≤16, ≤32, ≤64, ≤128, ≤256, more */
	long long sizes[FK_WRITER_SIZE_BUCKETS];
} fk_writer_figures;
void fk_writer_figures_get(fk_writer *w, fk_writer_figures *f);

#endif
