/* db_sqlite.c - the SQLite driver behind db.h.
 *
 * Each connection keeps its prepared statements in a small hash table keyed by
 * SQL text, so a module's hot queries are compiled once per connection.  WAL
 * mode, synchronous=FULL (unless FK_SYNC=NORMAL for throwaway databases),
 * foreign keys on, and a busy timeout so readers never fail on a checkpoint.
 */
#include "store/db_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/log.h"

typedef struct sq_stmt {
	fk_stmt base; /* base.sql: the caller's SQL text */
	sqlite3_stmt *st;
} sq_stmt;

typedef struct sq_db {
	fk_db base;
	sqlite3 *h;
	fk_stmt_cache cache;
	int log_frames; /* the log's length in frames after this connection's last commit */
	int page_size;  /* set by log_limit */
} sq_db;

#define BUSY_MS 10000

static int map_rc(sq_db *d, int rc)
{
	switch (rc) {
	case SQLITE_OK:
		return 0;
	case SQLITE_CONSTRAINT:
		return FK_DB_CONSTRAINT;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return FK_DB_BUSY;
	default:
		fk_log_err("sqlite: %s", sqlite3_errmsg(d->h));
		return FK_DB_ERROR;
	}
}

static void stmt_free(fk_stmt *st)
{
	sq_stmt *s = (sq_stmt *)st;
	sqlite3_finalize(s->st);
	free(s->base.sql);
	free(s);
}

static int sq_open(fk_db **out, const char *path, bool readonly)
{
	sq_db *d = calloc(1, sizeof(*d));
	if (!d)
		abort();
	d->base.drv = &fk_db_sqlite_driver;
	int flags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	flags |= SQLITE_OPEN_NOMUTEX; /* one thread per connection */
	if (sqlite3_open_v2(path, &d->h, flags, NULL) != SQLITE_OK) {
		fk_log_err("sqlite: cannot open %s: %s", path, d->h ? sqlite3_errmsg(d->h) : "out of memory");
		sqlite3_close(d->h);
		free(d);
		return FK_DB_ERROR;
	}
	sqlite3_busy_timeout(d->h, BUSY_MS);
	sqlite3_extended_result_codes(d->h, 0);
	const char *sync = getenv("FK_SYNC");
	char pragmas[256];
	snprintf(pragmas, sizeof(pragmas),
		 "PRAGMA foreign_keys=ON; PRAGMA synchronous=%s; PRAGMA temp_store=MEMORY;"
		 "PRAGMA cache_size=-16000;",
		 sync && strcmp(sync, "NORMAL") == 0 ? "NORMAL" : "FULL");
	if (!readonly && sqlite3_exec(d->h, "PRAGMA journal_mode=WAL", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	if (sqlite3_exec(d->h, pragmas, NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	*out = &d->base;
	return 0;
fail:
	fk_log_err("sqlite: %s: %s", path, sqlite3_errmsg(d->h));
	sqlite3_close(d->h);
	free(d);
	return FK_DB_ERROR;
}

static void sq_close(fk_db *db)
{
	sq_db *d = (sq_db *)db;
	fk_stmt_cache_clear(&d->cache, stmt_free);
	sqlite3_close(d->h);
	free(d);
}

static int sq_exec(fk_db *db, const char *sql)
{
	sq_db *d = (sq_db *)db;
	/* After a full disk or an I/O error, SQLite may have rolled the
	 * transaction back itself: nothing is left to roll back. */
	if (strcmp(sql, "ROLLBACK") == 0 && sqlite3_get_autocommit(d->h))
		return 0;
	char *msg = NULL;
	int rc = sqlite3_exec(d->h, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK && rc != SQLITE_CONSTRAINT && rc != SQLITE_BUSY)
		fk_log_err("sqlite: %s", msg ? msg : sqlite3_errstr(rc));
	sqlite3_free(msg);
	return rc == SQLITE_OK ? 0 : rc == SQLITE_CONSTRAINT ? FK_DB_CONSTRAINT
		: rc == SQLITE_BUSY ? FK_DB_BUSY : FK_DB_ERROR;
}

static int sq_prepare(fk_db *db, const char *sql, fk_stmt **out)
{
	sq_db *d = (sq_db *)db;
	unsigned h, slot;
	fk_stmt *hit = fk_stmt_cache_find(&d->cache, sql, &h, &slot);
	if (hit) {
		sqlite3_reset(((sq_stmt *)hit)->st);
		sqlite3_clear_bindings(((sq_stmt *)hit)->st);
		*out = hit;
		return 0;
	}
	char *rewritten = fk_sql_rewrite_params(sql);
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v3(d->h, rewritten, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
	free(rewritten);
	if (rc != SQLITE_OK) {
		fk_log_err("sqlite: prepare: %s: %.200s", sqlite3_errmsg(d->h), sql);
		return FK_DB_ERROR;
	}
	sq_stmt *s = calloc(1, sizeof(*s));
	if (!s)
		abort();
	s->st = st;
	fk_stmt_cache_put(&d->cache, &s->base, &fk_db_sqlite_driver, db, sql, h, slot);
	*out = &s->base;
	return 0;
}

#define SQ(st) (((sq_stmt *)(st))->st)
#define SQDB(st) ((sq_db *)(st)->db)

static int sq_bind_int64(fk_stmt *st, int idx, int64_t v)
{
	return map_rc(SQDB(st), sqlite3_bind_int64(SQ(st), idx, v));
}

static int sq_bind_double(fk_stmt *st, int idx, double v)
{
	return map_rc(SQDB(st), sqlite3_bind_double(SQ(st), idx, v));
}

/* Values are bound without a copy (SQLITE_STATIC): db.h's contract is that
 * they stay valid until the statement is stepped to its end or reset, which
 * every caller does before its buffers go.  The copy SQLite would otherwise
 * make (a malloc and a memcpy per value) was a tenth of a bulk import. */
static int sq_bind_text(fk_stmt *st, int idx, const char *s, size_t n)
{
	return map_rc(SQDB(st), sqlite3_bind_text(SQ(st), idx, s, (int)n, SQLITE_STATIC));
}

static int sq_bind_blob(fk_stmt *st, int idx, const void *p, size_t n)
{
	return map_rc(SQDB(st), sqlite3_bind_blob(SQ(st), idx, p, (int)n, SQLITE_STATIC));
}

static int sq_bind_null(fk_stmt *st, int idx)
{
	return map_rc(SQDB(st), sqlite3_bind_null(SQ(st), idx));
}

static int sq_step(fk_stmt *st)
{
	int rc = sqlite3_step(SQ(st));
	if (rc == SQLITE_ROW)
		return FK_ROW;
	if (rc == SQLITE_DONE) {
		sqlite3_reset(SQ(st));
		return FK_DONE;
	}
	sqlite3_reset(SQ(st));
	return map_rc(SQDB(st), rc);
}

static void sq_reset(fk_stmt *st)
{
	sqlite3_reset(SQ(st));
	sqlite3_clear_bindings(SQ(st));
}

static int sq_param_count(fk_stmt *st)
{
	return sqlite3_bind_parameter_count(SQ(st));
}

static int sq_column_count(fk_stmt *st)
{
	return sqlite3_column_count(SQ(st));
}

static const char *sq_column_name(fk_stmt *st, int col)
{
	return sqlite3_column_name(SQ(st), col);
}

static fk_coltype sq_column_type(fk_stmt *st, int col)
{
	switch (sqlite3_column_type(SQ(st), col)) {
	case SQLITE_INTEGER:
		return FK_COL_INT;
	case SQLITE_FLOAT:
		return FK_COL_FLOAT;
	case SQLITE_TEXT:
		return FK_COL_TEXT;
	case SQLITE_BLOB:
		return FK_COL_BLOB;
	default:
		return FK_COL_NULL;
	}
}

static int64_t sq_column_int64(fk_stmt *st, int col)
{
	return sqlite3_column_int64(SQ(st), col);
}

static double sq_column_double(fk_stmt *st, int col)
{
	return sqlite3_column_double(SQ(st), col);
}

static const char *sq_column_text(fk_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(SQ(st), col);
}

static const void *sq_column_blob(fk_stmt *st, int col, size_t *n)
{
	const void *p = sqlite3_column_blob(SQ(st), col);
	*n = (size_t)sqlite3_column_bytes(SQ(st), col);
	return p;
}

static int64_t sq_total_changes(fk_db *db)
{
	return sqlite3_total_changes64(((sq_db *)db)->h);
}

static int64_t sq_changes(fk_db *db)
{
	return sqlite3_changes64(((sq_db *)db)->h);
}

static int sq_set_cache(fk_db *db, int megabytes)
{
	char sql[64];
	snprintf(sql, sizeof(sql), "PRAGMA cache_size=-%d", megabytes * 1024);
	return sq_exec(db, sql);
}

static int sq_checkpoint(fk_db *db, fk_ckpt mode, int wait_ms)
{
	sq_db *d = (sq_db *)db;
	static const int modes[] = { SQLITE_CHECKPOINT_PASSIVE, SQLITE_CHECKPOINT_RESTART, SQLITE_CHECKPOINT_TRUNCATE };
	int log = 0, copied = 0;
	if (mode != FK_CKPT_PASSIVE) /* the busy handler waits for the writer and readers */
		sqlite3_busy_timeout(d->h, wait_ms);
	int rc = sqlite3_wal_checkpoint_v2(d->h, NULL, modes[mode], &log, &copied);
	if (mode != FK_CKPT_PASSIVE)
		sqlite3_busy_timeout(d->h, BUSY_MS);
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return 0;
	if (rc != SQLITE_OK) {
		fk_log_err("sqlite: checkpoint: %s", sqlite3_errmsg(d->h));
		return -1;
	}
	return log == copied;
}

/* Called after each commit on the writing connection, with the log's length.
 * Setting it replaces SQLite's own hook, which checkpoints at commit. */
static int wal_hook(void *arg, sqlite3 *h, const char *name, int frames)
{
	(void)h;
	(void)name;
	((sq_db *)arg)->log_frames = frames;
	return SQLITE_OK;
}

static int sq_log_limit(fk_db *db, int64_t bytes)
{
	sq_db *d = (sq_db *)db;
	char sql[64];
	snprintf(sql, sizeof(sql), "PRAGMA journal_size_limit=%lld", (long long)bytes);
	sqlite3_stmt *st = NULL;
	if (sq_exec(db, sql) < 0 || sqlite3_prepare_v2(d->h, "PRAGMA page_size", -1, &st, NULL) != SQLITE_OK)
		return -1;
	d->page_size = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 4096;
	sqlite3_finalize(st);
	sqlite3_wal_hook(d->h, wal_hook, d);
	return 0;
}

/* A WAL file: a 32-byte header, then frames of a 24-byte header and a page. */
static int64_t sq_log_bytes(fk_db *db)
{
	sq_db *d = (sq_db *)db;
	return d->log_frames ? 32 + (int64_t)d->log_frames * (24 + d->page_size) : 0;
}

static int64_t sq_last_id(fk_db *db)
{
	return sqlite3_last_insert_rowid(((sq_db *)db)->h);
}

/* PRAGMA quick_check: every page and row readable, every index entry's
 * shape; reads the whole file (a 226 MB database: 3.1 s from disk, 0.7 s
 * from the page cache, on this machine under load; docs/SECURITY.md). */
static int sq_check(fk_db *db, char *problem, size_t n)
{
	sq_db *d = (sq_db *)db;
	sqlite3_stmt *st;
	problem[0] = '\0';
	if (sqlite3_prepare_v2(d->h, "PRAGMA quick_check(3)", -1, &st, NULL) != SQLITE_OK) {
		snprintf(problem, n, "%s", sqlite3_errmsg(d->h));
		return 1;
	}
	int rc = 0, step;
	size_t used = 0;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *row = (const char *)sqlite3_column_text(st, 0);
		if (row && strcmp(row, "ok") == 0)
			break;
		rc = 1;
		if (used + 1 < n)
			used += (size_t)snprintf(problem + used, n - used, "%s%s", used ? "; " : "", row ? row : "");
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE) {
		rc = 1;
		if (used + 1 < n)
			snprintf(problem + used, n - used, "%s%s", used ? "; " : "", sqlite3_errmsg(d->h));
	}
	sqlite3_finalize(st);
	return rc;
}

/* The online backup: 256 pages a step, a short pause between steps so the
 * writer's commits go on; a commit by another connection restarts the copy
 * (SQLite does that itself), so the result is one commit's database. */
static int sq_backup(fk_db *db, const char *to, int64_t *pages)
{
	sq_db *d = (sq_db *)db;
	sqlite3 *dst = NULL;
	int fd = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600); /* never over another file */
	if (fd < 0)
		return fk_log_err("backup: %s: %s", to, strerror(errno));
	close(fd);
	if (sqlite3_open_v2(to, &dst, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		fk_log_err("backup: cannot create %s: %s", to, dst ? sqlite3_errmsg(dst) : "out of memory");
		sqlite3_close(dst);
		return FK_DB_ERROR;
	}
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", d->h, "main");
	int rc = SQLITE_OK;
	if (b) {
		do {
			rc = sqlite3_backup_step(b, 256);
			if (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
				sqlite3_sleep(5);
		} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
		*pages = sqlite3_backup_pagecount(b);
		sqlite3_backup_finish(b);
	}
	int ok = b && rc == SQLITE_DONE && sqlite3_errcode(dst) == SQLITE_OK;
	if (!ok)
		fk_log_err("backup: %s: %s", to, sqlite3_errmsg(dst));
	/* the copy is a plain database file (no log beside it) */
	if (ok && sqlite3_exec(dst, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) != SQLITE_OK)
		ok = 0;
	sqlite3_close(dst);
	return ok ? 0 : FK_DB_ERROR;
}

static const char *sq_errmsg(fk_db *db)
{
	return sqlite3_errmsg(((sq_db *)db)->h);
}

const fk_db_driver fk_db_sqlite_driver = {
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.exec = sq_exec,
	.prepare = sq_prepare,
	.bind_int64 = sq_bind_int64,
	.bind_double = sq_bind_double,
	.bind_text = sq_bind_text,
	.bind_blob = sq_bind_blob,
	.bind_null = sq_bind_null,
	.step = sq_step,
	.reset = sq_reset,
	.param_count = sq_param_count,
	.column_count = sq_column_count,
	.column_name = sq_column_name,
	.column_type = sq_column_type,
	.column_int64 = sq_column_int64,
	.column_double = sq_column_double,
	.column_text = sq_column_text,
	.column_blob = sq_column_blob,
	.changes = sq_changes,
	.total_changes = sq_total_changes,
	.errmsg = sq_errmsg,
	.set_cache = sq_set_cache,
	.checkpoint = sq_checkpoint,
	.log_limit = sq_log_limit,
	.log_bytes = sq_log_bytes,
	.last_id = sq_last_id,
	.check = sq_check,
	.backup = sq_backup,
};
