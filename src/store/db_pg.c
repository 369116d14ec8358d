/* db_pg.c - the PostgreSQL driver behind db.h (libpq).
 *
 * The target is anything libpq's PQconnectdb takes: a postgresql:// or
 * postgres:// URI (a Unix socket as ?host=/dir) or the keyword form
 * ("host=/run/postgresql dbname=fk").  Each connection keeps its prepared
 * statements in a hash table keyed by SQL text, as the SQLite driver does.
 *
 * A statement is prepared on the server at its first run, once its first
 * parameters are bound: the parameters' types are left for the server to
 * infer from where they stand ($1 compared with an integer column is an
 * integer), and only where the SQL does not say (SELECT $1, $1 IS NULL) is
 * the statement prepared again with the bound values' types.  Values go as
 * text, blobs as binary; results come back whole as text (a statement can be
 * stepped while others run on the same connection, as SQLite allows), bytea
 * decoded from its hex form, booleans read as 1 and 0.
 *
 * Errors map to db.h's codes by SQLSTATE: class 23 (integrity) is
 * FK_DB_CONSTRAINT; 40001 (serialisation failure), 40P01 (deadlock) and
 * 55P03 (lock not available) are FK_DB_BUSY, for the writer to retry.  A
 * connection the server dropped is reset at the next statement, its prepared
 * statements then prepared again.
 */
#include "store/db_internal.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/log.h"

#define MAX_PARAMS 32766 /* as SQLite: the arrays below are sized per statement */

typedef struct pg_stmt {
	fk_stmt base; /* base.sql: the caller's SQL text */
	char name[16];
	int nparams;
	bool prepared;
	bool writes;    /* INSERT, UPDATE, DELETE: guarded inside a transaction */
	unsigned epoch; /* the connection's epoch it was prepared in */
	/* nparams each (at least one), allocated with the statement */
	const char **vals;
	int *lens;
	int *fmts;
	Oid *types;
	char (*num)[32]; /* numbers as text */
	char **owned;    /* copies of strings not ending at their length */
	PGresult *res;
	int row, nrows;
	struct {
		unsigned char *p; /* a bytea column decoded, valid until the next step */
		size_t cap;
	} *blobs;
	int nblobs;
} pg_stmt;

typedef struct pg_db {
	fk_db base;
	PGconn *c;
	fk_stmt_cache cache;
	unsigned next_name;
	unsigned epoch; /* bumped when the connection is reset */
	int64_t changes;
	int64_t total;  /* rows changed by every statement since the connection opened */
	char err[512];
} pg_db;

static void quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

/* Maps a failed result to a db.h code, keeping the message; logs what is
 * neither a constraint nor a conflict between transactions. */
static int map_res(pg_db *d, PGresult *r, const char *sql)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = r ? PQresultErrorMessage(r) : PQerrorMessage(d->c);
	snprintf(d->err, sizeof(d->err), "%s", msg && *msg ? msg : "connection lost");
	d->err[strcspn(d->err, "\n")] = '\0';
	if (state && strncmp(state, "23", 2) == 0)
		return FK_DB_CONSTRAINT;
	if (state && (!strcmp(state, "40001") || !strcmp(state, "40P01") || !strcmp(state, "55P03")))
		return FK_DB_BUSY;
	if (sql)
		fk_log_err("postgresql: %s: %.200s", d->err, sql);
	else
		fk_log_err("postgresql: %s", d->err);
	return FK_DB_ERROR;
}

/* The target with any password replaced by "***", for messages. */
void fk_db_redact(const char *target, char *out, size_t n)
{
	snprintf(out, n, "%s", target);
	/* URI: scheme://user:PASSWORD@host */
	char *scheme = strstr(out, "://");
	if (scheme) {
		char *at = strchr(scheme + 3, '@');
		char *colon = strchr(scheme + 3, ':');
		if (at && colon && colon < at) {
			memmove(colon + 4, at, strlen(at) + 1);
			memcpy(colon + 1, "***", 3);
		}
	}
	/* password=... as a keyword or a URI query parameter */
	for (char *p = out; (p = strstr(p, "password=")) != NULL;) {
		if (p != out && p[-1] != ' ' && p[-1] != '?' && p[-1] != '&') {
			p += 9;
			continue;
		}
		char *v = p + 9, *end = v;
		if (*v == '\'') {
			for (end = v + 1; *end && *end != '\''; end++)
				if (*end == '\\' && end[1])
					end++;
			if (*end)
				end++;
		} else {
			while (*end && *end != ' ' && *end != '&')
				end++;
		}
		size_t tail = strlen(end);
		if ((size_t)(v - out) + 3 + tail + 1 > n)
			break;
		memmove(v + 3, end, tail + 1);
		memcpy(v, "***", 3);
		p = v + 3;
	}
}

static int pg_open(fk_db **out, const char *target, bool readonly)
{
	pg_db *d = calloc(1, sizeof(*d));
	if (!d)
		abort();
	d->base.drv = &fk_db_pg_driver;
	d->c = PQconnectdb(target);
	if (!d->c || PQstatus(d->c) != CONNECTION_OK) {
		char shown[1024];
		fk_db_redact(target, shown, sizeof(shown));
		const char *msg = d->c ? PQerrorMessage(d->c) : "out of memory";
		char m[512];
		snprintf(m, sizeof(m), "%s", msg);
		/* libpq's message may run over several lines; the first names the cause */
		for (char *p = m; *p; p++)
			if (*p == '\n')
				*p = *(p + 1) ? ' ' : '\0';
		fk_log_err("postgresql: cannot connect to %s: %s", shown, m);
		PQfinish(d->c);
		free(d);
		return FK_DB_ERROR;
	}
	PQsetNoticeProcessor(d->c, quiet, NULL);
	PGresult *r = PQexec(d->c, readonly ? "SET default_transaction_read_only = on; SET client_min_messages = warning"
					   : "SET client_min_messages = warning");
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		map_res(d, r, NULL);
	PQclear(r);
	if (!ok) {
		PQfinish(d->c);
		free(d);
		return FK_DB_ERROR;
	}
	*out = &d->base;
	return 0;
}

static void stmt_clear(pg_stmt *s)
{
	PQclear(s->res);
	s->res = NULL;
	s->row = s->nrows = 0;
	for (int i = 0; i < s->nparams; i++) {
		free(s->owned[i]);
		s->owned[i] = NULL;
		s->vals[i] = NULL;
		s->lens[i] = 0;
		s->fmts[i] = 0;
		s->types[i] = 0;
	}
}

static void stmt_free(fk_stmt *st)
{
	pg_stmt *s = (pg_stmt *)st;
	stmt_clear(s);
	for (int b = 0; b < s->nblobs; b++)
		free(s->blobs[b].p);
	free(s->blobs);
	free(s->base.sql);
	free(s->vals);
	free(s->lens);
	free(s->fmts);
	free(s->types);
	free(s->num);
	free(s->owned);
	free(s);
}

static void pg_close(fk_db *db)
{
	pg_db *d = (pg_db *)db;
	fk_stmt_cache_clear(&d->cache, stmt_free);
	PQfinish(d->c);
	free(d);
}

/* A connection the server dropped (a restart, a failover) is opened again;
 * its statements are prepared again on their next run.  Returns 0 when the
 * connection is usable. */
static int ensure_conn(pg_db *d)
{
	if (PQstatus(d->c) == CONNECTION_OK)
		return 0;
	PQreset(d->c);
	if (PQstatus(d->c) != CONNECTION_OK) {
		snprintf(d->err, sizeof(d->err), "the database server does not answer");
		return FK_DB_ERROR;
	}
	PQsetNoticeProcessor(d->c, quiet, NULL);
	PQclear(PQexec(d->c, "SET client_min_messages = warning"));
	d->epoch++;
	fk_log_info("postgresql: connection restored");
	return 0;
}

/* Whether a command changed rows (its tag: INSERT, UPDATE, DELETE, MERGE);
 * a SELECT's tag carries its row count too, which is not a change. */
static bool wrote(PGresult *r)
{
	const char *tag = PQcmdStatus(r);
	return tag && (!strncmp(tag, "INSERT", 6) || !strncmp(tag, "UPDATE", 6) || !strncmp(tag, "DELETE", 6) ||
		       !strncmp(tag, "MERGE", 5));
}

static int pg_exec(fk_db *db, const char *sql)
{
	pg_db *d = (pg_db *)db;
	if (ensure_conn(d) < 0)
		return FK_DB_ERROR;
	bool alone = PQtransactionStatus(d->c) == PQTRANS_IDLE;
	PGresult *r = PQexec(d->c, sql);
	if (PQresultStatus(r) == PGRES_FATAL_ERROR && alone && PQstatus(d->c) == CONNECTION_BAD &&
	    ensure_conn(d) == 0) { /* dropped since the last statement: once more */
		PQclear(r);
		r = PQexec(d->c, sql);
	}
	ExecStatusType st = PQresultStatus(r);
	int rc = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? 0 : map_res(d, r, sql);
	if (rc == 0) {
		const char *n = PQcmdTuples(r);
		d->changes = *n ? strtoll(n, NULL, 10) : 0;
		d->total += wrote(r) ? d->changes : 0;
	}
	PQclear(r);
	return rc;
}

/* The highest $N outside string literals and quoted names. */
static int count_params(const char *sql)
{
	int max = 0;
	char quote = 0;
	for (const char *p = sql; *p; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
		} else if (*p == '$' && p[1] >= '0' && p[1] <= '9') {
			int n = (int)strtol(p + 1, NULL, 10);
			if (n > max)
				max = n;
		}
	}
	return max;
}

static int pg_prepare(fk_db *db, const char *sql, fk_stmt **out)
{
	pg_db *d = (pg_db *)db;
	unsigned h, slot;
	fk_stmt *hit = fk_stmt_cache_find(&d->cache, sql, &h, &slot);
	if (hit) {
		stmt_clear((pg_stmt *)hit);
		*out = hit;
		return 0;
	}
	int np = count_params(sql);
	if (np > MAX_PARAMS) {
		fk_log_err("postgresql: %d parameters, at most %d: %.200s", np, MAX_PARAMS, sql);
		return FK_DB_ERROR;
	}
	pg_stmt *s = calloc(1, sizeof(*s));
	if (!s)
		abort();
	s->nparams = np;
	size_t k = np ? (size_t)np : 1;
	s->vals = calloc(k, sizeof(*s->vals));
	s->lens = calloc(k, sizeof(*s->lens));
	s->fmts = calloc(k, sizeof(*s->fmts));
	s->types = calloc(k, sizeof(*s->types));
	s->num = calloc(k, sizeof(*s->num));
	s->owned = calloc(k, sizeof(*s->owned));
	if (!s->vals || !s->lens || !s->fmts || !s->types || !s->num || !s->owned)
		abort();
	const char *w = sql + strspn(sql, " \t\n");
	s->writes = !strncasecmp(w, "INSERT", 6) || !strncasecmp(w, "UPDATE", 6) || !strncasecmp(w, "DELETE", 6) ||
		    !strncasecmp(w, "WITH", 4);
	snprintf(s->name, sizeof(s->name), "fk%u", d->next_name++);
	fk_stmt_cache_put(&d->cache, &s->base, &fk_db_pg_driver, db, sql, h, slot);
	*out = &s->base;
	return 0;
}

#define PS(st) ((pg_stmt *)(st))
#define PDB(st) ((pg_db *)(st)->db)

/* A parameter sent as text (numbers formatted into the statement's own
 * buffer) or, for bytea, in binary. */
static pg_stmt *param(fk_stmt *st, int idx, Oid type, const void *v, int len, int fmt)
{
	pg_stmt *s = PS(st);
	if (idx < 1 || idx > s->nparams) {
		fk_log_err("postgresql: parameter %d of %d", idx, s->nparams);
		return NULL;
	}
	s->vals[idx - 1] = v;
	s->lens[idx - 1] = len;
	s->fmts[idx - 1] = fmt;
	s->types[idx - 1] = type;
	return s;
}

static int pg_bind_int64(fk_stmt *st, int idx, int64_t v)
{
	pg_stmt *s = param(st, idx, 20 /* int8 */, NULL, 0, 0);
	if (!s)
		return FK_DB_ERROR;
	snprintf(s->num[idx - 1], sizeof(s->num[0]), "%lld", (long long)v);
	s->vals[idx - 1] = s->num[idx - 1];
	return 0;
}

static int pg_bind_double(fk_stmt *st, int idx, double v)
{
	pg_stmt *s = param(st, idx, 701 /* float8 */, NULL, 0, 0);
	if (!s)
		return FK_DB_ERROR;
	snprintf(s->num[idx - 1], sizeof(s->num[0]), "%.17g", v);
	s->vals[idx - 1] = s->num[idx - 1];
	return 0;
}

static int pg_bind_text(fk_stmt *st, int idx, const char *str, size_t n)
{
	pg_stmt *s = param(st, idx, 25 /* text */, str, 0, 0);
	if (!s)
		return FK_DB_ERROR;
	if (str[n] != '\0') { /* text goes NUL-terminated */
		s->owned[idx - 1] = strndup(str, n);
		if (!s->owned[idx - 1])
			abort();
		s->vals[idx - 1] = s->owned[idx - 1];
	}
	return 0;
}

static int pg_bind_blob(fk_stmt *st, int idx, const void *p, size_t n)
{
	return param(st, idx, 17 /* bytea */, p ? p : "", (int)n, 1) ? 0 : FK_DB_ERROR;
}

static int pg_bind_null(fk_stmt *st, int idx)
{
	return param(st, idx, 0, NULL, 0, 0) ? 0 : FK_DB_ERROR;
}

/* Prepares s on the server: first with every parameter's type left to the
 * server; when the SQL does not determine one, with the bound values'
 * types (a NULL's still left to the server, which knows it from its
 * column); then each NULL parameter the server names as undetermined
 * ("could not determine data type of parameter $N") is declared text, one
 * at a time (bytea is always declared: a blob is sent in binary). */
static int server_prepare(pg_db *d, pg_stmt *s)
{
	Oid *types = calloc(s->nparams ? (size_t)s->nparams : 1, sizeof(Oid));
	if (!types)
		abort();
	for (int i = 0; i < s->nparams; i++)
		types[i] = s->types[i] == 17 ? 17 : 0;
	/* inside a transaction, a failed attempt must not abort it */
	bool in_tx = PQtransactionStatus(d->c) == PQTRANS_INTRANS;
	int rc = FK_DB_ERROR;
	for (int attempt = 0; attempt < s->nparams + 2; attempt++) {
		if (in_tx)
			PQclear(PQexec(d->c, "SAVEPOINT fk_prepare"));
		PGresult *r = PQprepare(d->c, s->name, s->base.sql, s->nparams, types);
		if (in_tx)
			PQclear(PQexec(d->c, PQresultStatus(r) == PGRES_COMMAND_OK
						  ? "RELEASE SAVEPOINT fk_prepare"
						  : "ROLLBACK TO SAVEPOINT fk_prepare; RELEASE SAVEPOINT fk_prepare"));
		if (PQresultStatus(r) == PGRES_COMMAND_OK) {
			PQclear(r);
			s->prepared = true;
			s->epoch = d->epoch;
			rc = 0;
			break;
		}
		const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
		const char *msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
		const char *dollar = msg ? strstr(msg, "parameter $") : NULL;
		int which = dollar ? atoi(dollar + 11) : 0;
		bool retry = false;
		if (state && strncmp(state, "42", 2) == 0) {
			if (attempt == 0) { /* the bound values' types, NULLs left open */
				for (int i = 0; i < s->nparams; i++)
					types[i] = s->types[i];
				retry = true;
			} else if (which >= 1 && which <= s->nparams && types[which - 1] == 0) {
				types[which - 1] = 25; /* text */
				retry = true;
			}
		}
		if (!retry) {
			rc = map_res(d, r, s->base.sql);
			PQclear(r);
			break;
		}
		PQclear(r);
	}
	free(types);
	return rc;
}

/* Runs a write inside a transaction between SAVEPOINT and RELEASE, sent
 * together in one round trip (libpq's pipeline mode): a statement that
 * fails (a unique key taken) then undoes only itself, as it does on SQLite,
 * where callers go on after FK_DB_CONSTRAINT (a bulk creation rejects one
 * row and keeps the others); PostgreSQL would otherwise refuse everything
 * up to the end of the transaction. */
static PGresult *exec_guarded(pg_db *d, pg_stmt *s)
{
	if (!PQenterPipelineMode(d->c))
		return PQexecPrepared(d->c, s->name, s->nparams, s->vals, s->lens, s->fmts, 0);
	PQsendQueryParams(d->c, "SAVEPOINT fk_statement", 0, NULL, NULL, NULL, NULL, 0);
	PQsendQueryPrepared(d->c, s->name, s->nparams, s->vals, s->lens, s->fmts, 0);
	PQsendQueryParams(d->c, "RELEASE SAVEPOINT fk_statement", 0, NULL, NULL, NULL, NULL, 0);
	PQpipelineSync(d->c);
	PGresult *out = NULL;
	bool failed = false;
	for (int q = 0; q < 4;) {
		PGresult *r = PQgetResult(d->c);
		if (!r) {
			if (PQstatus(d->c) != CONNECTION_OK)
				break;
			q++;
			continue;
		}
		ExecStatusType st = PQresultStatus(r);
		if (st == PGRES_PIPELINE_SYNC) {
			PQclear(r);
			break;
		}
		if (q == 1 && !out) {
			out = r;
			failed = st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK;
		} else {
			PQclear(r);
		}
	}
	PQexitPipelineMode(d->c);
	if (failed)
		PQclear(PQexec(d->c, "ROLLBACK TO SAVEPOINT fk_statement; RELEASE SAVEPOINT fk_statement"));
	return out;
}

/* Prepares s when this connection has not, and runs it.  Returns 0 with
 * its result in s->res, or a negative FK_DB_* code. */
static int execute(pg_db *d, pg_stmt *s)
{
	if (ensure_conn(d) < 0)
		return FK_DB_ERROR;
	if (!s->prepared || s->epoch != d->epoch) {
		int rc = server_prepare(d, s);
		if (rc < 0)
			return rc;
	}
	PGresult *r = s->writes && PQtransactionStatus(d->c) == PQTRANS_INTRANS
			      ? exec_guarded(d, s)
			      : PQexecPrepared(d->c, s->name, s->nparams, s->vals, s->lens, s->fmts, 0);
	ExecStatusType rs = PQresultStatus(r);
	if (rs != PGRES_TUPLES_OK && rs != PGRES_COMMAND_OK) {
		int rc = map_res(d, r, s->base.sql);
		PQclear(r);
		return rc;
	}
	const char *n = PQcmdTuples(r);
	d->changes = *n ? strtoll(n, NULL, 10) : 0;
	d->total += wrote(r) ? d->changes : 0;
	s->res = r;
	s->nrows = PQntuples(r);
	s->row = -1;
	return 0;
}

static int pg_step(fk_stmt *st)
{
	pg_stmt *s = PS(st);
	pg_db *d = PDB(st);
	if (!s->res) {
		/* a statement outside a transaction that found the connection
		 * dropped (the server restarted, a standby took over) runs once
		 * more on a new one; inside a transaction the transaction is lost */
		bool alone = PQstatus(d->c) != CONNECTION_OK || PQtransactionStatus(d->c) == PQTRANS_IDLE;
		int rc = execute(d, s);
		if (rc == FK_DB_ERROR && alone && PQstatus(d->c) == CONNECTION_BAD)
			rc = execute(d, s);
		if (rc < 0) {
			stmt_clear(s);
			return rc;
		}
	}
	if (++s->row < s->nrows)
		return FK_ROW;
	PQclear(s->res);
	s->res = NULL;
	return FK_DONE;
}

static void pg_reset(fk_stmt *st)
{
	stmt_clear(PS(st));
}

static int pg_param_count(fk_stmt *st)
{
	return PS(st)->nparams;
}

static int pg_column_count(fk_stmt *st)
{
	pg_stmt *s = PS(st);
	return s->res ? PQnfields(s->res) : 0;
}

static const char *pg_column_name(fk_stmt *st, int col)
{
	pg_stmt *s = PS(st);
	return s->res ? PQfname(s->res, col) : "";
}

static bool has_value(pg_stmt *s, int col)
{
	return s->res && s->row >= 0 && s->row < s->nrows && col < PQnfields(s->res) &&
	       !PQgetisnull(s->res, s->row, col);
}

static fk_coltype pg_column_type(fk_stmt *st, int col)
{
	pg_stmt *s = PS(st);
	if (!has_value(s, col))
		return FK_COL_NULL;
	switch (PQftype(s->res, col)) {
	case 16: /* bool */
	case 20: /* int8 */
	case 21: /* int2 */
	case 23: /* int4 */
	case 26: /* oid */
		return FK_COL_INT;
	case 700: /* float4 */
	case 701: /* float8 */
		return FK_COL_FLOAT;
	case 1700: /* numeric: sum() of integers is whole */
		return strpbrk(PQgetvalue(s->res, s->row, col), ".eEN") ? FK_COL_FLOAT : FK_COL_INT;
	case 17: /* bytea */
		return FK_COL_BLOB;
	default:
		return FK_COL_TEXT;
	}
}

/* A number column's value: booleans as 1 and 0, numeric and floats read as
 * doubles (*whole false), the rest as integers. */
static double number(fk_stmt *st, int col, int64_t *i, bool *whole)
{
	pg_stmt *s = PS(st);
	*i = 0;
	*whole = true;
	if (!has_value(s, col))
		return 0;
	const char *v = PQgetvalue(s->res, s->row, col);
	Oid t = PQftype(s->res, col);
	if (t == 16)
		return (double)(*i = v[0] == 't');
	if (t == 1700 || t == 700 || t == 701) {
		*whole = false;
		return strtod(v, NULL);
	}
	*i = strtoll(v, NULL, 10);
	return (double)*i;
}

static int64_t pg_column_int64(fk_stmt *st, int col)
{
	int64_t i;
	bool whole;
	double d = number(st, col, &i, &whole);
	return whole ? i : (int64_t)d;
}

static double pg_column_double(fk_stmt *st, int col)
{
	int64_t i;
	bool whole;
	return number(st, col, &i, &whole);
}

static const char *pg_column_text(fk_stmt *st, int col)
{
	pg_stmt *s = PS(st);
	if (!has_value(s, col))
		return NULL;
	const char *v = PQgetvalue(s->res, s->row, col);
	if (PQftype(s->res, col) == 16)
		return v[0] == 't' ? "1" : "0";
	return v;
}

static int hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static const void *pg_column_blob(fk_stmt *st, int col, size_t *n)
{
	pg_stmt *s = PS(st);
	*n = 0;
	if (!has_value(s, col))
		return NULL;
	const char *v = PQgetvalue(s->res, s->row, col);
	size_t len = (size_t)PQgetlength(s->res, s->row, col);
	if (PQftype(s->res, col) != 17 || len < 2 || v[0] != '\\' || v[1] != 'x') {
		*n = len; /* text read as bytes */
		return v;
	}
	size_t out = (len - 2) / 2;
	if (col >= s->nblobs) { /* one buffer per column: two blobs of a row are read together */
		int m = PQnfields(s->res);
		s->blobs = realloc(s->blobs, (size_t)m * sizeof(*s->blobs));
		if (!s->blobs)
			abort();
		memset(s->blobs + s->nblobs, 0, (size_t)(m - s->nblobs) * sizeof(*s->blobs));
		s->nblobs = m;
	}
	if (out + 1 > s->blobs[col].cap) {
		s->blobs[col].cap = out + 1;
		s->blobs[col].p = realloc(s->blobs[col].p, out + 1);
		if (!s->blobs[col].p)
			abort();
	}
	unsigned char *b = s->blobs[col].p;
	for (size_t i = 0; i < out; i++)
		b[i] = (unsigned char)(hexval(v[2 + 2 * i]) << 4 | hexval(v[3 + 2 * i]));
	*n = out;
	return b;
}

/* As SQLite's total_changes: the writer tells a job that changed nothing
 * (a read) from one that wrote, to run the reads again after a failed
 * commit.  A SELECT's PQcmdTuples is empty: it adds nothing. */
static int64_t pg_total_changes(fk_db *db)
{
	return ((pg_db *)db)->total;
}

static int64_t pg_changes(fk_db *db)
{
	return ((pg_db *)db)->changes;
}

static const char *pg_errmsg(fk_db *db)
{
	return ((pg_db *)db)->err;
}

static int pg_set_cache(fk_db *db, int megabytes)
{
	(void)db;
	(void)megabytes; /* the server's shared_buffers: its operators' choice */
	return 0;
}

/* The id of the row the last INSERT made: the value its identity sequence
 * last gave in this session. */
static int64_t pg_last_id(fk_db *db)
{
	pg_db *d = (pg_db *)db;
	PGresult *r = PQexec(d->c, "SELECT lastval()");
	int64_t id = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 ? strtoll(PQgetvalue(r, 0, 0), NULL, 10) : 0;
	PQclear(r);
	return id;
}

const fk_db_driver fk_db_pg_driver = {
	.name = "postgresql",
	.open = pg_open,
	.close = pg_close,
	.exec = pg_exec,
	.prepare = pg_prepare,
	.bind_int64 = pg_bind_int64,
	.bind_double = pg_bind_double,
	.bind_text = pg_bind_text,
	.bind_blob = pg_bind_blob,
	.bind_null = pg_bind_null,
	.step = pg_step,
	.reset = pg_reset,
	.param_count = pg_param_count,
	.column_count = pg_column_count,
	.column_name = pg_column_name,
	.column_type = pg_column_type,
	.column_int64 = pg_column_int64,
	.column_double = pg_column_double,
	.column_text = pg_column_text,
	.column_blob = pg_column_blob,
	.changes = pg_changes,
	.total_changes = pg_total_changes,
	.errmsg = pg_errmsg,
	.set_cache = pg_set_cache,
	.last_id = pg_last_id,
};
