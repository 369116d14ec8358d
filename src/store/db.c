/* db.c - driver dispatch, parameter binding from a format string, and the
 * $N → ?N rewriting shared by drivers that need it (see db.h). */
#include "store/db_internal.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"

bool fk_db_is_server(const char *target)
{
	if (strncmp(target, "postgresql://", 13) == 0 || strncmp(target, "postgres://", 11) == 0)
		return true;
	/* libpq's keyword form: "host=/run/postgresql dbname=fk" */
	size_t k = strspn(target, "abcdefghijklmnopqrstuvwxyz_");
	return k > 0 && target[k] == '=';
}

int fk_db_open(fk_db **out, const char *target, bool readonly)
{
	if (fk_db_is_server(target))
		return fk_db_pg_driver.open(out, target, readonly);
	return fk_db_sqlite_driver.open(out, target, readonly);
}

const char *fk_db_engine(fk_db *db)
{
	return db->drv->name;
}

void fk_db_close(fk_db *db)
{
	if (db)
		db->drv->close(db);
}

static _Atomic long long failures[3]; /* FK_DB_ERROR, FK_DB_CONSTRAINT, FK_DB_BUSY */

static int counted(fk_db *db, int rc)
{
	if (rc < 0 && rc >= FK_DB_BUSY)
		failures[-rc - 1]++;
	if (rc == FK_DB_BUSY)
		db->busy = true;
	return rc;
}

void fk_db_failures(long long *errors, long long *constraints, long long *busy)
{
	*errors = failures[0];
	*constraints = failures[1];
	*busy = failures[2];
}

int fk_db_exec(fk_db *db, const char *sql)
{
	return counted(db, db->drv->exec(db, sql));
}

bool fk_db_take_busy(fk_db *db)
{
	bool b = db->busy;
	db->busy = false;
	return b;
}

static int bind_va(fk_stmt *st, const char *fmt, va_list ap)
{
	const fk_db_driver *d = st->drv;
	int rc = 0;
	/* A format that does not match the SQL's parameters is a programming
	 * error; refuse it rather than bind garbage. */
	if ((int)strlen(fmt ? fmt : "") != d->param_count(st))
		return fk_log_err("db: %d parameter(s) in the SQL but format \"%s\"", d->param_count(st), fmt);
	for (int i = 0; fmt && fmt[i] && rc == 0; i++) {
		int idx = i + 1;
		switch (fmt[i]) {
		case 'i':
			rc = d->bind_int64(st, idx, va_arg(ap, int64_t));
			break;
		case 'd':
			rc = d->bind_double(st, idx, va_arg(ap, double));
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			rc = s ? d->bind_text(st, idx, s, strlen(s)) : d->bind_null(st, idx);
			break;
		}
		case 'b': {
			const void *p = va_arg(ap, const void *);
			size_t n = va_arg(ap, size_t);
			rc = d->bind_blob(st, idx, p, n);
			break;
		}
		case 'n':
			rc = d->bind_null(st, idx);
			break;
		default:
			rc = fk_log_err("db: bad bind format '%c'", fmt[i]);
		}
	}
	return rc;
}

static int query_va(fk_db *db, fk_stmt **out, const char *sql, const char *fmt, va_list ap)
{
	fk_stmt *st;
	int rc = db->drv->prepare(db, sql, &st);
	if (rc < 0)
		return rc;
	rc = bind_va(st, fmt, ap);
	if (rc < 0) {
		db->drv->reset(st);
		return rc;
	}
	*out = st;
	return 0;
}

int fk_db_query(fk_db *db, fk_stmt **out, const char *sql, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = query_va(db, out, sql, fmt, ap);
	va_end(ap);
	return rc;
}

int fk_db_query_vals(fk_db *db, fk_stmt **out, const char *sql, const fk_val *v, int n)
{
	fk_stmt *st;
	int rc = db->drv->prepare(db, sql, &st);
	if (rc < 0)
		return rc;
	const fk_db_driver *d = st->drv;
	if (n != d->param_count(st)) {
		d->reset(st);
		return fk_log_err("db: %d parameter(s) in the SQL but %d value(s)", d->param_count(st), n);
	}
	for (int i = 0; i < n && rc == 0; i++) {
		switch (v[i].t) {
		case 'i': rc = d->bind_int64(st, i + 1, v[i].i); break;
		case 'd': rc = d->bind_double(st, i + 1, v[i].d); break;
		case 's':
			rc = v[i].p ? d->bind_text(st, i + 1, v[i].p, strlen(v[i].p)) : d->bind_null(st, i + 1);
			break;
		case 'b': rc = d->bind_blob(st, i + 1, v[i].p, v[i].n); break;
		default: rc = d->bind_null(st, i + 1);
		}
	}
	if (rc < 0) {
		d->reset(st);
		return rc;
	}
	*out = st;
	return 0;
}

int fk_db_run_vals(fk_db *db, const char *sql, const fk_val *vals, int nvals)
{
	fk_stmt *st;
	int rc = fk_db_query_vals(db, &st, sql, vals, nvals);
	if (rc < 0)
		return rc;
	while ((rc = fk_stmt_step(st)) == FK_ROW)
		;
	fk_stmt_done(st);
	return rc;
}

int fk_db_insert_vals(fk_db *db, int64_t *id, const char *sql, const fk_val *vals, int nvals)
{
	*id = 0;
	int rc = fk_db_run_vals(db, sql, vals, nvals);
	if (rc < 0)
		return rc;
	if (db->drv->changes(db) > 0)
		*id = db->drv->last_id(db);
	return 0;
}

int fk_db_run(fk_db *db, const char *sql, const char *fmt, ...)
{
	fk_stmt *st;
	va_list ap;
	va_start(ap, fmt);
	int rc = query_va(db, &st, sql, fmt, ap);
	va_end(ap);
	if (rc < 0)
		return rc;
	while ((rc = fk_stmt_step(st)) == FK_ROW)
		;
	fk_stmt_done(st);
	return rc;
}

int fk_db_int64(fk_db *db, int64_t *out, const char *sql, const char *fmt, ...)
{
	fk_stmt *st;
	va_list ap;
	va_start(ap, fmt);
	int rc = query_va(db, &st, sql, fmt, ap);
	va_end(ap);
	if (rc < 0)
		return rc;
	rc = fk_stmt_step(st);
	if (rc == FK_ROW)
		*out = fk_stmt_int64(st, 0);
	fk_stmt_done(st);
	return rc;
}

int fk_stmt_step(fk_stmt *st)
{
	return counted(st->db, st->drv->step(st));
}

void fk_stmt_done(fk_stmt *st)
{
	if (st)
		st->drv->reset(st);
}

int fk_stmt_columns(fk_stmt *st)
{
	return st->drv->column_count(st);
}

const char *fk_stmt_name(fk_stmt *st, int col)
{
	return st->drv->column_name(st, col);
}

bool fk_stmt_is_null(fk_stmt *st, int col)
{
	return st->drv->column_type(st, col) == FK_COL_NULL;
}

fk_coltype fk_stmt_type(fk_stmt *st, int col)
{
	return st->drv->column_type(st, col);
}

int64_t fk_stmt_int64(fk_stmt *st, int col)
{
	return st->drv->column_int64(st, col);
}

double fk_stmt_double(fk_stmt *st, int col)
{
	return st->drv->column_double(st, col);
}

const char *fk_stmt_text(fk_stmt *st, int col)
{
	const char *s = st->drv->column_text(st, col);
	return s ? s : "";
}

const void *fk_stmt_blob(fk_stmt *st, int col, size_t *n)
{
	return st->drv->column_blob(st, col, n);
}

int fk_db_backup(fk_db *db, const char *to, int64_t *pages)
{
	*pages = 0;
	if (!db->drv->backup)
		return fk_log_err("backup: a %s database is backed up with its server's tools (pg_dump, "
				  "pg_basebackup; docs/OPERATIONS.md)", db->drv->name);
	return db->drv->backup(db, to, pages);
}

int64_t fk_db_changes(fk_db *db)
{
	return db->drv->changes(db);
}

int64_t fk_db_total_changes(fk_db *db)
{
	return db->drv->total_changes ? db->drv->total_changes(db) : -1;
}

int fk_db_checkpoint(fk_db *db, fk_ckpt mode, int wait_ms)
{
	return db->drv->checkpoint ? db->drv->checkpoint(db, mode, wait_ms) : 1;
}

int fk_db_log_limit(fk_db *db, int64_t bytes)
{
	return db->drv->log_limit ? db->drv->log_limit(db, bytes) : 0;
}

int64_t fk_db_log_bytes(fk_db *db)
{
	return db->drv->log_bytes ? db->drv->log_bytes(db) : 0;
}

int fk_db_check(fk_db *db, char *problem, size_t n)
{
	problem[0] = '\0';
	return db->drv->check ? db->drv->check(db, problem, n) : 0;
}

int fk_db_set_cache(fk_db *db, int megabytes)
{
	return db->drv->set_cache(db, megabytes);
}

const char *fk_db_errmsg(fk_db *db)
{
	return db->drv->errmsg(db);
}

int fk_db_duty_lock(fk_db *db, int64_t key)
{
	if (strcmp(db->drv->name, "postgresql") != 0)
		return 1;
	int64_t got = 0;
	int rc = fk_db_int64(db, &got, "SELECT pg_try_advisory_xact_lock($1)", "i", key);
	return rc == FK_ROW ? got != 0 : rc < 0 ? rc : FK_DB_ERROR;
}

int fk_db_begin(fk_db *db)
{
	return fk_db_exec(db, "BEGIN");
}

int fk_db_begin_write(fk_db *db)
{
	/* PostgreSQL takes row locks as it goes; SQLite needs the write lock up
	 * front or a reader-turned-writer can fail with SQLITE_BUSY. */
	return fk_db_exec(db, strcmp(db->drv->name, "sqlite") == 0 ? "BEGIN IMMEDIATE" : "BEGIN");
}

int fk_db_commit(fk_db *db)
{
	return fk_db_exec(db, "COMMIT");
}

int fk_db_rollback(fk_db *db)
{
	return fk_db_exec(db, "ROLLBACK");
}

int fk_db_savepoint(fk_db *db)
{
	return fk_db_exec(db, "SAVEPOINT fk_sp");
}

int fk_db_release(fk_db *db)
{
	return fk_db_exec(db, "RELEASE SAVEPOINT fk_sp");
}

int fk_db_rollback_to(fk_db *db)
{
	int rc = fk_db_exec(db, "ROLLBACK TO SAVEPOINT fk_sp");
	if (rc == 0)
		rc = fk_db_release(db);
	return rc;
}

#define CACHE_INITIAL 256 /* slots, a power of two; the table doubles when 3/4 full */

static unsigned hash_sql(const char *s)
{
	unsigned h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static void cache_grow(fk_stmt_cache *c)
{
	unsigned n = c->nslots ? c->nslots * 2 : CACHE_INITIAL;
	fk_stmt **t = calloc(n, sizeof(*t));
	if (!t)
		abort();
	for (unsigned i = 0; i < c->nslots; i++) {
		fk_stmt *s = c->slots[i];
		if (!s)
			continue;
		unsigned j = s->hash & (n - 1);
		while (t[j])
			j = (j + 1) & (n - 1);
		t[j] = s;
	}
	free(c->slots);
	c->slots = t;
	c->nslots = n;
}

fk_stmt *fk_stmt_cache_find(fk_stmt_cache *c, const char *sql, unsigned *hash, unsigned *slot)
{
	unsigned h = hash_sql(sql);
	if (c->used * 4 >= c->nslots * 3)
		cache_grow(c);
	unsigned i = h & (c->nslots - 1);
	for (; c->slots[i]; i = (i + 1) & (c->nslots - 1)) {
		fk_stmt *s = c->slots[i];
		if (s->hash == h && strcmp(s->sql, sql) == 0)
			return s;
	}
	*hash = h;
	*slot = i;
	return NULL;
}

void fk_stmt_cache_put(fk_stmt_cache *c, fk_stmt *s, const fk_db_driver *drv, fk_db *db, const char *sql,
		       unsigned hash, unsigned slot)
{
	s->drv = drv;
	s->db = db;
	s->sql = strdup(sql);
	if (!s->sql)
		abort();
	s->hash = hash;
	c->slots[slot] = s;
	c->used++;
}

void fk_stmt_cache_clear(fk_stmt_cache *c, void (*free_stmt)(fk_stmt *))
{
	for (unsigned i = 0; i < c->nslots; i++)
		if (c->slots[i])
			free_stmt(c->slots[i]);
	free(c->slots);
	c->slots = NULL;
	c->nslots = c->used = 0;
}

char *fk_sql_rewrite_params(const char *sql)
{
	size_t n = strlen(sql);
	char *out = malloc(n + 1);
	if (!out)
		abort();
	char quote = 0;
	size_t j = 0;
	for (size_t i = 0; i < n; i++) {
		char c = sql[i];
		if (quote) {
			if (c == quote)
				quote = 0;
		} else if (c == '\'' || c == '"') {
			quote = c;
		} else if (c == '$' && sql[i + 1] >= '0' && sql[i + 1] <= '9') {
			c = '?';
		}
		out[j++] = c;
	}
	out[j] = '\0';
	return out;
}
