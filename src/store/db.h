/* db.h - the storage driver interface.
 *
 * Modules talk to the database only through these calls, in the SQL subset
 * shared by SQLite and PostgreSQL: $1…$n parameters, INSERT … ON CONFLICT,
 * RETURNING, integer dates (days since 1970-01-01) and times (Unix seconds).
 * A driver (db_sqlite.c, db_pg.c) fills an fk_db_driver table;
 * this file dispatches to it, so adding a driver touches no module.
 *
 * A connection is used by one thread at a time.  Prepared statements are
 * cached per connection by SQL text: fk_db_query() on the same text reuses
 * the statement.  Bound strings and blobs are not copied: they must stay
 * valid until the statement is stepped to its end or reset.  A statement is reset by the next fk_db_query() on the same
 * text, by fk_stmt_done(), or when it returns FK_DONE.
 */
#ifndef FK_DB_H
#define FK_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct fk_db fk_db;
typedef struct fk_stmt fk_stmt;

enum {
	FK_DONE = 0, /* fk_stmt_step: no more rows */
	FK_ROW = 1,  /* fk_stmt_step: a row is ready */
	FK_DB_ERROR = -1,
	FK_DB_CONSTRAINT = -2, /* unique / foreign key / check violated */
	FK_DB_BUSY = -3,
};

/* How far fk_db_checkpoint goes (see there). */
typedef enum fk_ckpt { FK_CKPT_PASSIVE, FK_CKPT_RESTART, FK_CKPT_TRUNCATE } fk_ckpt;

/* Column value types, as fk_stmt_type reports them. */
typedef enum fk_coltype { FK_COL_NULL, FK_COL_INT, FK_COL_FLOAT, FK_COL_TEXT, FK_COL_BLOB } fk_coltype;

typedef struct fk_db_driver {
	const char *name;
	int (*open)(fk_db **out, const char *target, bool readonly);
	void (*close)(fk_db *db);
	int (*exec)(fk_db *db, const char *sql);
	int (*prepare)(fk_db *db, const char *sql, fk_stmt **out);
	int (*bind_int64)(fk_stmt *st, int idx, int64_t v);
	int (*bind_double)(fk_stmt *st, int idx, double v);
	int (*bind_text)(fk_stmt *st, int idx, const char *s, size_t n);
	int (*bind_blob)(fk_stmt *st, int idx, const void *p, size_t n);
	int (*bind_null)(fk_stmt *st, int idx);
	int (*step)(fk_stmt *st);
	void (*reset)(fk_stmt *st);
	int (*param_count)(fk_stmt *st);
	int (*column_count)(fk_stmt *st);
	const char *(*column_name)(fk_stmt *st, int col);
	fk_coltype (*column_type)(fk_stmt *st, int col);
	int64_t (*column_int64)(fk_stmt *st, int col);
	double (*column_double)(fk_stmt *st, int col);
	const char *(*column_text)(fk_stmt *st, int col);
	const void *(*column_blob)(fk_stmt *st, int col, size_t *n);
	int64_t (*changes)(fk_db *db);
	int64_t (*total_changes)(fk_db *db);
	const char *(*errmsg)(fk_db *db);
	int (*set_cache)(fk_db *db, int megabytes);
	int (*checkpoint)(fk_db *db, fk_ckpt mode, int wait_ms);
	int (*log_limit)(fk_db *db, int64_t bytes);
	int64_t (*log_bytes)(fk_db *db);
	int64_t (*last_id)(fk_db *db);
	int (*check)(fk_db *db, char *problem, size_t n);
	int (*backup)(fk_db *db, const char *to, int64_t *pages);
} fk_db_driver;

/* Opens a connection.  target is a file path (SQLite) or a PostgreSQL
 * server in libpq's forms: a postgresql:// or postgres:// URI, or keywords
 * ("host=/run/postgresql dbname=fk").  Returns 0 or FK_DB_ERROR (logged,
 * naming the cause, the password never shown). */
int fk_db_open(fk_db **out, const char *target, bool readonly);
/* Whether target names a database server rather than a file. */
bool fk_db_is_server(const char *target);
/* The engine behind a connection: "sqlite" or "postgresql". */
const char *fk_db_engine(fk_db *db);
/* target with its password (URI user:PASSWORD@, password=...) shown as
 * "***", for logs and messages. */
void fk_db_redact(const char *target, char *out, size_t n);
void fk_db_close(fk_db *db);

/* Runs SQL without parameters (may hold several statements). */
int fk_db_exec(fk_db *db, const char *sql);

/* Prepares (or takes from the cache) sql and binds parameters described by
 * fmt, one character each:
 *   i int64_t   d double   s const char* (NULL binds NULL)
 *   b const void*, size_t (a blob)   n NULL (no argument)
 * Returns 0 and the statement in *out, or a negative FK_DB_* code. */
int fk_db_query(fk_db *db, fk_stmt **out, const char *sql, const char *fmt, ...);

/* A parameter for queries built at run time: t is 'i', 'd', 's', 'b' or 'n'
 * as in fk_db_query (s: p is the string; b: p and n). */
typedef struct fk_val {
	char t;
	int64_t i;
	double d;
	const void *p;
	size_t n;
} fk_val;

/* fk_db_query with the parameters in an array (for SQL assembled from
 * optional filters). */
int fk_db_query_vals(fk_db *db, fk_stmt **out, const char *sql, const fk_val *vals, int nvals);

/* fk_db_run with the parameters in an array. */
int fk_db_run_vals(fk_db *db, const char *sql, const fk_val *vals, int nvals);

/* Runs a statement that returns no rows (or ignores them).  Returns 0 or a
 * negative FK_DB_* code. */
int fk_db_run(fk_db *db, const char *sql, const char *fmt, ...);
/* Runs an INSERT of one row (with no RETURNING clause; ON CONFLICT ... DO
 * NOTHING allowed) and sets *id to the new row's id, or 0 when a conflict
 * left nothing inserted.  Cheaper than RETURNING on SQLite (no result table
 * per statement), for the bulk paths.  Returns 0 or negative. */
int fk_db_insert_vals(fk_db *db, int64_t *id, const char *sql, const fk_val *vals, int nvals);

/* Runs a query expected to return one integer in the first column of the first
 * row.  Returns FK_ROW with *out set, FK_DONE when no row, or negative. */
int fk_db_int64(fk_db *db, int64_t *out, const char *sql, const char *fmt, ...);

int fk_stmt_step(fk_stmt *st);
void fk_stmt_done(fk_stmt *st);
int fk_stmt_columns(fk_stmt *st);
const char *fk_stmt_name(fk_stmt *st, int col);
bool fk_stmt_is_null(fk_stmt *st, int col);
fk_coltype fk_stmt_type(fk_stmt *st, int col);
int64_t fk_stmt_int64(fk_stmt *st, int col);
double fk_stmt_double(fk_stmt *st, int col);
/* Text of a column; never NULL ("" for NULL); valid until the next step. */
const char *fk_stmt_text(fk_stmt *st, int col);
const void *fk_stmt_blob(fk_stmt *st, int col, size_t *n);

int64_t fk_db_changes(fk_db *db);
/* Rows changed by every statement since the connection opened (rolled-back
 * ones included): a job that did not move it changed nothing.  -1 when the
 * driver cannot tell. */
int64_t fk_db_total_changes(fk_db *db);
/* Copies the database to the file to (which must not exist), online: other
 * connections go on reading and writing meanwhile, and the copy is the
 * database as of one commit (SQLite's backup API, a few hundred pages at a
 * time, starting again when a write lands between two steps).  *pages
 * receives the copy's size in pages.  A server database is backed up with
 * its own tools (pg_dump, pg_basebackup): FK_DB_ERROR, said so.  Returns 0
 * or a negative FK_DB_* code. */
int fk_db_backup(fk_db *db, const char *to, int64_t *pages);
/* Whether a statement on db met FK_DB_BUSY (a serialisation failure, a
 * deadlock, a lock not granted) since the last call; clears it.  The writer
 * retries a batch that did. */
bool fk_db_take_busy(fk_db *db);
/* Statements (on every connection of the process) that failed, by kind. */
void fk_db_failures(long long *errors, long long *constraints, long long *busy);
/* Sizes the connection's page cache: bulk loads into large indexes need
 * far more than the default.  Returns 0 or -1. */
int fk_db_set_cache(fk_db *db, int megabytes);
const char *fk_db_errmsg(fk_db *db);
/* Log-structured storage (SQLite's WAL) appends committed pages to a log
 * and copies them back into the main file from time to time (a checkpoint);
 * the log starts again from its beginning only once everything in it has
 * been copied back and no reader still reads from it.
 *
 * fk_db_log_limit(db, bytes) is for the one connection that writes: it turns
 * off checkpoints at commit (its commits then never wait for one), makes the
 * log file shrink back to at most bytes each time the log starts again
 * (SQLite's journal_size_limit), and makes fk_db_log_bytes() report the log's
 * length after this connection's last commit (0 before the first).
 *
 * fk_db_checkpoint(db, mode, wait_ms) copies the log back now, from another
 * connection:
 *   FK_CKPT_PASSIVE   as far as it can without waiting for anyone;
 *   FK_CKPT_RESTART   all of it, waiting up to wait_ms for the writer and
 *                     for readers of the log, so that the next commit
 *                     starts the log again from its beginning;
 *   FK_CKPT_TRUNCATE  the same, and empties the log file.
 * Returns 1 when everything was copied back (and, for RESTART and TRUNCATE,
 * the log was started again), 0 when a reader or writer kept part of it, -1
 * on an error.  Servers that manage their own log: no-ops returning 1. */
int fk_db_log_limit(fk_db *db, int64_t bytes);
int64_t fk_db_log_bytes(fk_db *db);
int fk_db_checkpoint(fk_db *db, fk_ckpt mode, int wait_ms);

/* Checks that the whole database can be read (for SQLite, PRAGMA
 * quick_check: every page, row and index entry).  Returns 0 when it can, 1
 * when it is damaged, with the first problems in problem (n bytes, always
 * NUL-terminated).  A driver without such a check returns 0. */
int fk_db_check(fk_db *db, char *problem, size_t n);
/* A duty by the clock (a sweep) that instances sharing a database must not
 * run together: takes lock number key until the transaction ends, without
 * waiting.  Returns 1 when taken (always on SQLite: one process writes), 0
 * when another instance holds it, or negative. */
int fk_db_duty_lock(fk_db *db, int64_t key);

/* Transactions.  begin_write takes the write lock at once (SQLite
 * BEGIN IMMEDIATE); savepoints nest inside a transaction. */
int fk_db_begin(fk_db *db);
int fk_db_begin_write(fk_db *db);
int fk_db_commit(fk_db *db);
int fk_db_rollback(fk_db *db);
int fk_db_savepoint(fk_db *db);
int fk_db_release(fk_db *db);
int fk_db_rollback_to(fk_db *db);

/* Rewrites $N parameters (outside string literals and quoted names) to ?N.
 * Returns a malloc'd string.  Used by the SQLite driver; exposed for tests. */
char *fk_sql_rewrite_params(const char *sql);

#endif
