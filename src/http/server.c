/* server.c - libmicrohttpd glue: the access handler state machine, auth,
 * limits, security headers, static files, request logs and shutdown.
 *
 * libmicrohttpd runs an epoll thread pool.  Per request the access handler
 * is called once for the headers (we only allocate state: queueing a
 * response here would cost keep-alive), once per body chunk, and once at
 * the end, when the route runs.  A route that writes is suspended while the
 * writer thread commits its batch and resumed to send the answer.  Each
 * request thread reads through its own SQLite connection.
 */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "core/base/account.h"
#include "core/base/audit.h"
#include "http/body.h"
#include "http/deadline.h"
#include "http/internal.h"
#include "http/metrics.h"
#include "http/req.h"
#include "http/schedule.h"
#include "util/date.h"
#include "util/log.h"
#include "util/text.h"


#define FK_STR_(x) #x
#define FK_STR(x) FK_STR_(x)

static const fk_server_config *cfg;
static int deadline_s; /* seconds for a request to arrive (fk_deadline_notify) */
static fk_writer *writer;
static atomic_int in_flight;
static unsigned id_base;
static atomic_uint id_next;
int fk_cookie_secure;

/* ---- per-thread reader connections ---- */

static pthread_mutex_t readers_lock = PTHREAD_MUTEX_INITIALIZER;
static fk_db *readers[256];
static int nreaders;
static _Thread_local fk_db *tl_reader;

static fk_db *reader(void)
{
	if (tl_reader)
		return tl_reader;
	if (fk_db_open(&tl_reader, cfg->db_path, false) < 0)
		return NULL;
	pthread_mutex_lock(&readers_lock);
	if (nreaders < (int)(sizeof(readers) / sizeof(readers[0])))
		readers[nreaders++] = tl_reader;
	pthread_mutex_unlock(&readers_lock);
	return tl_reader;
}

/* ---- helpers handlers use ---- */

const char *fk_req_param(fk_req *r, const char *name)
{
	size_t n = strlen(name);
	for (int i = 0; i < r->match.nparams; i++)
		if (r->match.name_lens[i] == n && memcmp(r->match.names[i], name, n) == 0)
			return fk_arena_strndup(&r->arena, r->match.values[i], r->match.value_lens[i]);
	return NULL;
}

const char *fk_req_query(fk_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *fk_req_region(fk_req *r, const char *name)
{
	const char *c = fk_req_query(r, name);
	return c && strcmp(c, "root") == 0 ? "" : c;
}

const char *fk_req_header_in(fk_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

void fk_req_header(fk_req *r, const char *name, const char *value)
{
	if (r->nhdr < FK_MAX_HEADERS) {
		r->hdr_name[r->nhdr] = name;
		r->hdr_value[r->nhdr] = value;
		r->nhdr++;
	}
}

int fk_req_fail(fk_req *r, int status, const char *code, const char *field, const char *fmt, ...)
{
	r->err.status = status;
	r->err.code = code;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->err.message, sizeof(r->err.message), fmt, ap);
	va_end(ap);
	snprintf(r->err.field, sizeof(r->err.field), "%s", field ? field : "");
	r->err.allowed[0] = '\0';
	return -1;
}

int fk_req_page(fk_req *r, fk_page *page)
{
	page->limit = FK_PAGE_DEFAULT;
	page->after = NULL;
	const char *l = fk_req_query(r, "limit"), *a = fk_req_query(r, "after");
	if (l) {
		char *end;
		long v = strtol(l, &end, 10);
		if (!*l || *end || v < 1 || v > FK_PAGE_MAX)
			return fk_req_fail(r, 400, "invalid", "limit", "limit: a whole number from 1 to %d",
					   FK_PAGE_MAX);
		page->limit = (int)v;
	}
	if (a && *a) {
		page->after = fk_cursor_decode(&r->arena, a);
		if (!page->after)
			return fk_req_fail(r, 400, "invalid", "after", "after: not a cursor from this list");
	}
	return 0;
}

/* The stream of a file held whole in the arena: sent in one part. */
static int whole_stream(fk_req *r, fk_strbuf *out)
{
	fk_strbuf *t = r->ctx;
	fk_strbuf_add(out, t->buf, t->len);
	return 0;
}

int fk_req_reply_file(fk_req *r, const void *data, size_t n, const char *type, const char *name)
{
	fk_strbuf *t = fk_arena_alloc(&r->arena, sizeof(*t));
	t->buf = fk_arena_alloc(&r->arena, n + 1);
	memcpy(t->buf, data, n);
	t->buf[n] = '\0';
	t->len = n;
	r->ctx = t;
	r->stream = whole_stream;
	r->stream_type = type;
	r->stream_name = name;
	return fk_req_reply(r, 200, json_object());
}

int fk_req_reply(fk_req *r, int status, json_t *v)
{
	if (!v)
		return r->err.status ? -1 : fk_req_fail(r, 500, "internal", NULL, "internal error");
	r->status = status;
	if (r->out)
		json_decref(r->out);
	r->out = v;
	return 0;
}

int64_t fk_req_id(fk_req *r, const char *name)
{
	const char *s = fk_req_param(r, name);
	char *end;
	long long v = s ? strtoll(s, &end, 10) : 0;
	if (!s || !*s || *end || v <= 0) {
		fk_req_fail(r, 404, "not_found", NULL, "%s not found", s ? s : name);
		return -1;
	}
	return v;
}

int fk_req_date(fk_req *r, const char *name, int64_t dflt, int64_t *day, bool *given)
{
	const char *s = fk_req_query(r, name);
	if (given)
		*given = s != NULL;
	*day = dflt;
	if (s && fk_date_parse(s, day) < 0)
		return fk_req_fail(r, 400, "invalid", name, "%s: a date YYYY-MM-DD", name);
	return 0;
}

int fk_req_flag(fk_req *r, const char *name, int *flag)
{
	const char *s = fk_req_query(r, name);
	*flag = -1;
	if (!s)
		return 0;
	if (strcmp(s, "1") == 0 || strcmp(s, "true") == 0)
		*flag = 1;
	else if (strcmp(s, "0") == 0 || strcmp(s, "false") == 0)
		*flag = 0;
	else
		return fk_req_fail(r, 400, "invalid", name, "%s: 1 or 0", name);
	return 0;
}

int fk_req_reply_audited(fk_req *r, int status, json_t *v, const char *action, const char *object,
			 const char *region, json_t *detail)
{
	if (fk_req_reply(r, status, v) < 0) {
		json_decref(detail);
		return -1;
	}
	return fk_req_write(r, &(fk_job){ .action = action, .object = object, .region = region ? region : "",
					  .detail = detail });
}

/* An audit entry written after the answer (fk_req_reply_audited_masked):
 * it owns copies of everything, since the request is gone by then. */
typedef struct later_audit {
	fk_write write;
	fk_actor actor;
	char *username, *region_scope, *addr, *action, *object, *region;
	json_t *detail;
} later_audit;

static int later_audit_run(fk_db *db, void *arg)
{
	later_audit *a = arg;
	return fk_audit_append(db, &a->actor, a->action, a->object, a->region, a->detail);
}

static void later_audit_done(void *arg, int rc)
{
	later_audit *a = arg;
	if (rc < 0)
		fk_log_err("audit: the entry %s %s of %s could not be written", a->action, a->object, a->username);
	json_decref(a->detail);
	free(a->username);
	free(a->region_scope);
	free(a->addr);
	free(a->action);
	free(a->object);
	free(a->region);
	free(a);
}

int fk_req_reply_audited_masked(fk_req *r, int status, json_t *v, const char *action, const char *object,
				const char *region, json_t *detail)
{
	if (fk_req_reply(r, status, v) < 0) {
		json_decref(detail);
		return -1;
	}
	later_audit *a = calloc(1, sizeof(*a));
	if (!a)
		abort();
	a->username = strdup(r->actor.username ? r->actor.username : "");
	a->region_scope = strdup(r->actor.region ? r->actor.region : "");
	a->addr = strdup(r->actor.addr ? r->actor.addr : "");
	a->action = strdup(action);
	a->object = strdup(object ? object : "");
	a->region = strdup(region ? region : "");
	if (!a->username || !a->region_scope || !a->addr || !a->action || !a->object || !a->region)
		abort();
	a->actor = r->actor;
	a->actor.username = a->username;
	a->actor.region = a->region_scope;
	a->actor.addr = a->addr;
	a->detail = detail;
	a->write = (fk_write){ .run = later_audit_run, .done = later_audit_done, .again = fk_write_rerun, .arg = a };
	fk_writer_submit(writer, &a->write);
	return 0;
}

/* ---- writes ---- */

/* A plain job as the writer holds it: the job, the actor, and where its
 * answer goes.  The writer thread reads and writes only this. */
typedef struct fk_plain_job {
	fk_job job;
	fk_actor actor;
	json_t *out;
	fk_err err;
	fk_req *req; /* for plain_done only: resumes the request */
} fk_plain_job;

static int plain_run(fk_db *db, void *arg)
{
	fk_plain_job *p = arg;
	int rc = 0;
	/* afresh: the writer runs a job that changed nothing again when its
	 * batch's commit failed (writer.h) */
	json_decref(p->out);
	p->out = NULL;
	memset(&p->err, 0, sizeof(p->err));
	if (p->job.run)
		rc = p->job.run(db, &p->actor, p->job.in, &p->out, &p->err);
	if (rc < 0 && !p->err.status && !p->out)
		fk_err_internal(&p->err);
	if (rc == 0 && !p->err.status && p->job.action &&
	    fk_audit_append(db, &p->actor, p->job.action, p->job.object, p->job.region, p->job.detail) < 0)
		rc = fk_err_internal(&p->err);
	return rc;
}

/* A batch run again (see fk_write.again): the job starts from its input,
 * which job functions only read. */
static void plain_again(void *arg)
{
	fk_plain_job *p = arg;
	json_decref(p->out);
	p->out = NULL;
	p->err = (fk_err){ 0 };
}

static void plain_done(void *arg, int rc)
{
	fk_plain_job *p = arg;
	fk_req *r = p->req;
	json_decref(p->job.detail);
	p->job.detail = NULL;
	if (rc == FK_WRITE_LOST) {
		p->err.status = 0;
		fk_err_set(&p->err, 503, "unavailable", NULL, "the change could not be saved; try again");
	}
	r->state = ST_RESUMED;
	MHD_resume_connection(r->conn);
}

/* Back on the request's thread: the job's answer becomes the request's. */
static void plain_take(fk_req *r)
{
	fk_plain_job *p = r->plain;
	if (!p)
		return;
	r->plain = NULL;
	if (p->err.status) {
		json_decref(p->out);
		json_decref(r->out);
		r->out = NULL;
		r->err = p->err;
	} else if (p->job.run) {
		json_decref(r->out);
		r->out = p->out;
		r->status = p->job.status ? p->job.status : 200;
	}
	if (p->job.finish)
		p->job.finish(r, p->job.in);
}

static int plain_queue(fk_req *r, const fk_job *job, bool heavy)
{
	fk_plain_job *p = fk_arena_alloc(&r->arena, sizeof(*p));
	memset(p, 0, sizeof(*p));
	p->job = *job;
	if (job->object)
		p->job.object = fk_arena_strdup(&r->arena, job->object);
	if (job->region)
		p->job.region = fk_arena_strdup(&r->arena, job->region);
	p->actor = r->actor;
	p->req = r;
	r->plain = p;
	r->write.heavy = heavy;
	return FK_DEFER;
}

int fk_req_write(fk_req *r, const fk_job *job)
{
	return plain_queue(r, job, false);
}

int fk_req_write_heavy(fk_req *r, const fk_job *job)
{
	return plain_queue(r, job, true);
}

/* ---- responses ---- */

void fk_http_common_headers(struct MHD_Response *resp, const fk_req *r)
{
	MHD_add_response_header(resp, "Content-Security-Policy",
				"default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
				"base-uri 'none'; form-action 'self'; object-src 'none'");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "X-Request-Id", r->id);
}

/* ---- streamed answers ---- */

typedef struct stream_state {
	fk_req *r;
	fk_strbuf buf;
	size_t off;
	bool done;
} stream_state;

static ssize_t stream_read(void *cls, uint64_t pos, char *out, size_t max)
{
	(void)pos;
	stream_state *s = cls;
	while (s->off == s->buf.len) {
		if (s->done)
			return MHD_CONTENT_READER_END_OF_STREAM;
		fk_strbuf_reset(&s->buf);
		s->off = 0;
		s->r->db = reader();
		int rc = s->r->db ? s->r->stream(s->r, &s->buf) : -1;
		if (rc < 0)
			return MHD_CONTENT_READER_END_WITH_ERROR;
		s->done = rc == 0;
	}
	size_t n = s->buf.len - s->off < max ? s->buf.len - s->off : max;
	memcpy(out, s->buf.buf + s->off, n);
	s->off += n;
	return (ssize_t)n;
}

static void stream_free(void *cls)
{
	stream_state *s = cls;
	fk_strbuf_release(&s->buf);
	free(s);
}

/* Sends resp as the answer (200, not to be stored) and lets it go. */
static enum MHD_Result send_200(fk_req *r, struct MHD_Response *resp)
{
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	fk_http_common_headers(resp, r);
	r->status = 200;
	r->state = ST_SENT;
	enum MHD_Result ret = MHD_queue_response(r->conn, 200, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result send_stream(fk_req *r)
{
	stream_state *s = calloc(1, sizeof(*s));
	if (!s)
		return MHD_NO;
	s->r = r;
	fk_strbuf_init(&s->buf);
	struct MHD_Response *resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, stream_read, s,
								      stream_free);
	if (!resp) {
		stream_free(s);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type", r->stream_type);
	if (r->stream_name)
		MHD_add_response_header(resp, "Content-Disposition",
					fk_arena_printf(&r->arena, "attachment; filename=\"%s\"", r->stream_name));
	return send_200(r, resp);
}

/* JSON answers of this size and more go gzip-compressed to clients that
 * take it: a grid's worklist of a thousand households is ~350 kB of JSON,
 * ~40 kB compressed, which is what a phone on a slow link waits for.
 * Smaller answers are not worth the CPU.  Answers never carry a secret
 * beside text a third party chose (sessions are SameSite=Strict cookies or
 * bearer headers), so compression leaks nothing by length (BREACH). */
#define FK_GZIP_MIN 8192

/* Replaces *body (malloc'd, *len bytes) by its gzip encoding.  Returns 0,
 * or -1 leaving the body as it was. */
static int gzip_body(char **body, size_t *len)
{
	z_stream z = { 0 };
	if (deflateInit2(&z, 4, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	uLong cap = deflateBound(&z, (uLong)*len);
	unsigned char *out = malloc(cap);
	if (!out) {
		deflateEnd(&z);
		return -1;
	}
	z.next_in = (unsigned char *)*body;
	z.avail_in = (uInt)*len;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	int rc = deflate(&z, Z_FINISH);
	size_t n = z.total_out;
	deflateEnd(&z);
	if (rc != Z_STREAM_END) {
		free(out);
		return -1;
	}
	free(*body);
	*body = (char *)out;
	*len = n;
	return 0;
}

static enum MHD_Result send_json(fk_req *r)
{
	if (!r->err.status && r->stream)
		return send_stream(r);
	int status = r->status ? r->status : 200;
	char *body;
	size_t len;
	if (r->err.status) {
		status = r->err.status;
		/* messages echo paths and values as the client sent them, and may
		 * be cut short mid-character: invalid UTF-8 would leave no body */
		fk_utf8_scrub(r->err.message);
		fk_utf8_scrub(r->err.field);
		json_t *e = json_pack("{s:{s:s, s:s}}", "error", "code", r->err.code ? r->err.code : "error",
				      "message", r->err.message);
		if (r->err.field[0])
			json_object_set_new(json_object_get(e, "error"), "field", json_string(r->err.field));
		if (r->err.allowed[0]) {
			json_t *a = json_array();
			char buf[sizeof(r->err.allowed)], *save = NULL;
			snprintf(buf, sizeof(buf), "%s", r->err.allowed);
			for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
				json_array_append_new(a, json_string(t));
			json_object_set_new(json_object_get(e, "error"), "allowed", a);
		}
		body = json_dumps(e, JSON_COMPACT);
		json_decref(e);
	} else if (r->out) {
		body = json_dumps(r->out, JSON_COMPACT | JSON_REAL_PRECISION(10));
	} else {
		body = NULL;
	}
	len = body ? strlen(body) : 0;
	bool gz = body && len >= FK_GZIP_MIN && fk_http_accepts_gzip(fk_req_header_in(r, "Accept-Encoding")) &&
		  gzip_body(&body, &len) == 0;
	struct MHD_Response *resp = body ? MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE)
					 : MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	if (!resp) {
		free(body);
		return MHD_NO;
	}
	if (body)
		MHD_add_response_header(resp, "Content-Type", "application/json; charset=utf-8");
	if (gz)
		MHD_add_response_header(resp, "Content-Encoding", "gzip");
	if (len >= FK_GZIP_MIN || gz)
		MHD_add_response_header(resp, "Vary", "Accept-Encoding");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	fk_http_common_headers(resp, r);
	for (int i = 0; i < r->nhdr; i++)
		MHD_add_response_header(resp, r->hdr_name[i], r->hdr_value[i]);
	r->status = status;
	r->state = ST_SENT;
	enum MHD_Result ret = MHD_queue_response(r->conn, (unsigned)status, resp);
	MHD_destroy_response(resp);
	return ret;
}

enum MHD_Result fk_http_fail_now(fk_req *r, int status, const char *code, const char *field, const char *fmt,
				 const char *arg)
{
	fk_req_fail(r, status, code, field, fmt, arg);
	return send_json(r);
}

/* ---- authentication ---- */

/* Records a session's use, on the writer (the request does not wait). */
typedef struct session_touch {
	fk_write write;
	int64_t now;
	char token[FK_TOKEN_LEN + 1];
} session_touch;

static int session_touch_run(fk_db *db, void *arg)
{
	session_touch *t = arg;
	return fk_session_touch(db, t->token, t->now);
}

static void session_touch_done(void *arg, int rc)
{
	if (rc < 0)
		fk_log_err("session: its last use could not be recorded");
	free(arg);
}

static void session_touch_queue(const char *token)
{
	session_touch *t = calloc(1, sizeof(*t));
	if (!t)
		return; /* the next request tries again */
	t->now = fk_now();
	snprintf(t->token, sizeof(t->token), "%s", token);
	t->write = (fk_write){ .run = session_touch_run, .done = session_touch_done, .again = fk_write_rerun, .arg = t };
	fk_writer_submit(writer, &t->write);
}

/* Finds the token (Authorization: Bearer, else the fk_session cookie) and
 * resolves the session.  Returns 0, or -1 on a database error. */
static int authenticate(fk_req *r)
{
	const char *auth = fk_req_header_in(r, "Authorization");
	const char *tok = NULL;
	if (auth && strncasecmp(auth, "Bearer ", 7) == 0) {
		tok = auth + 7;
	} else {
		tok = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "fk_session");
		r->via_cookie = tok != NULL;
	}
	if (!tok)
		return 0;
	int64_t exp;
	bool stale;
	int rc = fk_session_lookup(r->db, tok, r->addr, &r->arena, &r->actor, &exp, &stale);
	if (rc < 0)
		return -1;
	r->authed = rc == 1;
	if (r->authed)
		r->token = fk_arena_strdup(&r->arena, tok);
	if (r->authed && stale)
		session_touch_queue(tok);
	return 0;
}

static bool is_json_type(const char *ct)
{
	if (!ct)
		return false;
	size_t n = strlen("application/json");
	return strncasecmp(ct, "application/json", n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

static struct MHD_Daemon *daemon_ptr;

/* GET /metrics (metrics.h): for the addresses and token configured, 404
 * for everyone else. */
static enum MHD_Result send_metrics(fk_req *r)
{
	if (!fk_metrics_allowed(r->addr, fk_req_header_in(r, "Authorization")))
		return fk_http_fail_now(r, 404, "not_found", NULL, "no endpoint %s", r->path);
	if (strcmp(r->method, "GET") != 0) {
		fk_req_header(r, "Allow", "GET");
		return fk_http_fail_now(r, 405, "method_not_allowed", NULL, "%s is not allowed here", r->method);
	}
	const union MHD_DaemonInfo *di = daemon_ptr ? MHD_get_daemon_info(daemon_ptr, MHD_DAEMON_INFO_CURRENT_CONNECTIONS) : NULL;
	pthread_mutex_lock(&readers_lock);
	long long dbconns = nreaders + 1 + !fk_db_is_server(cfg->db_path); /* readers, the writer, its checkpointer */
	pthread_mutex_unlock(&readers_lock);
	fk_metrics_now now = {
		.engine = fk_db_is_server(cfg->db_path) ? "postgresql" : "sqlite",
		.connections = di ? (long long)di->num_connections : 0,
		.in_flight = atomic_load(&in_flight),
		.db_connections = dbconns,
	};
	size_t len;
	char *body = fk_metrics_render(&now, writer, &len);
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
	return send_200(r, resp);
}

static enum MHD_Result dispatch(fk_req *r)
{
	if (strcmp(r->path, "/metrics") == 0)
		return send_metrics(r);
	if (strncmp(r->path, "/api/", 5) != 0)
		return fk_static_send(r, cfg->web_dir);
	int m = fk_route_match(fk_routes, fk_routes_count, r->method, r->path, &r->match);
	if (m == 404)
		return fk_http_fail_now(r, 404, "not_found", NULL, "no endpoint %s", r->path);
	if (m == 405) {
		fk_req_header(r, "Allow", fk_arena_strdup(&r->arena, r->match.allow));
		return fk_http_fail_now(r, 405, "method_not_allowed", NULL, "%s is not allowed here", r->method);
	}
	const fk_route *rt = r->match.route;
	r->db = reader();
	if (!r->db)
		return fk_http_fail_now(r, 503, "unavailable", NULL, "%s", "the database is unavailable");
	if (authenticate(r) < 0)
		return fk_http_fail_now(r, 503, "unavailable", NULL, "%s", "the database is unavailable");
	if (rt->perm != FK_PERM_PUBLIC) {
		if (!r->authed)
			return fk_http_fail_now(r, 401, "unauthenticated", NULL, "%s", "sign in first");
		if (r->actor.must_change && !(rt->flags & FK_ROUTE_PWCHANGE))
			return fk_http_fail_now(r, 403, "password_change_required", NULL, "%s",
						"choose your own password first: POST /api/v1/me/password");
		if (!fk_role_can(r->actor.role, rt->perm))
			return fk_http_fail_now(r, 403, "forbidden", NULL, "your role (%s) may not do this",
					fk_role_name(r->actor.role));
	}
	bool safe = strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0;
	/* A cross-site form can send the cookie but not a custom header. */
	if (!safe && r->via_cookie && r->authed && !fk_req_header_in(r, "X-Requested-With"))
		return fk_http_fail_now(r, 403, "csrf", NULL, "%s",
				"requests signed in by cookie must carry the X-Requested-With header");
	if (rt->flags & FK_ROUTE_BODY) {
		if (!is_json_type(fk_req_header_in(r, "Content-Type")))
			return fk_http_fail_now(r, 415, "unsupported_media_type", NULL, "%s",
					"send the body as Content-Type: application/json");
		if (fk_body_parse(r->body.buf, r->body.len, &fk_body_defaults, &r->json, &r->err) < 0)
			return send_json(r);
	}
	int rc = rt->handler(r);
	if (rc == FK_DEFER) {
		/* the route table says which routes write (routes.c): keep it true */
		if (!(rt->flags & FK_ROUTE_WRITES) || (r->write.heavy && !(rt->flags & FK_ROUTE_HEAVY)))
			fk_log_err("route %s %s deferred a %s job but is not marked so in routes.c", rt->method,
				   rt->pattern, r->write.heavy ? "heavy" : "writer");
		r->state = ST_WAITING;
		r->write.run = plain_run;
		r->write.done = plain_done;
		r->write.again = plain_again;
		r->write.arg = r->plain;
		MHD_suspend_connection(r->conn);
		fk_writer_submit(writer, &r->write);
		return MHD_YES;
	}
	if (rc < 0 && !r->err.status)
		fk_req_fail(r, 500, "internal", NULL, "internal error");
	return send_json(r);
}

/* ---- libmicrohttpd callbacks ---- */

static void client_addr(struct MHD_Connection *c, char *out, size_t n)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	snprintf(out, n, "?");
	if (!ci || !ci->client_addr)
		return;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, (socklen_t)n);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out, (socklen_t)n);
}

/* ---- the request head ----
 *
 * libmicrohttpd keeps a request's head (the request line, headers, the
 * query's parameters) in the connection's memory (CONN_MEMORY), and
 * answers what does not fit with an HTML page of its own, or, in 0.9.75,
 * for a query whose parameters do not fit, not at all.  So the memory is
 * sized to hold any head within our own limits, which the access handler
 * enforces with JSON errors like every other answer. */
#define CONN_MEMORY (64 * 1024)
#define MAX_TARGET 8192        /* bytes of the request target (path and query): 414 */
#define MAX_PARAMS 100         /* query parameters: 431 */
#define MAX_HEADERS 100        /* header fields: 431 */
#define MAX_HEADER_BYTES 16384 /* header names and values together: 431 */

static fk_req *req_new(struct MHD_Connection *c)
{
	fk_req *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	atomic_fetch_add(&in_flight, 1);
	clock_gettime(CLOCK_MONOTONIC, &r->start);
	r->conn = c;
	r->method = "-";
	r->path = "-";
	fk_strbuf_init(&r->body);
	/* a random base drawn once, plus a counter: unique, unguessable
	 * enough to correlate logs, and no system call per request */
	snprintf(r->id, sizeof(r->id), "%08x%08x", id_base, (unsigned)atomic_fetch_add(&id_next, 1));
	client_addr(c, r->addr, sizeof(r->addr));
	r->actor.addr = r->addr;
	r->actor.username = "";
	r->actor.region = "";
	r->state = ST_NEW;
	r->conn_track = fk_deadline_of(c);
	return r;
}

/* Called by libmicrohttpd with the raw request target as soon as the
 * request line is read, before it parses the query; what it returns is the
 * request's *con_cls.  Measures the target for on_access. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	(void)cls;
	fk_req *r = req_new(c);
	if (!r)
		return NULL;
	r->head.target_len = strlen(uri);
	const char *q = strchr(uri, '?');
	/* non-empty parameters, as libmicrohttpd counts them */
	for (const char *p = q; p && *p; p++)
		r->head.params += (*p == '?' || *p == '&') && p[1] && p[1] != '&';
	/* A NUL byte, escaped, would cut the path or a value short. */
	for (const char *p = uri; (p = strchr(p, '%')) != NULL; p++)
		if (p[1] == '0' && p[2] == '0')
			r->head.nul = true;
#if MHD_VERSION <= 0x00097700
	/* Too many parameters would exhaust the connection's memory while
	 * libmicrohttpd parses them, right after this call, and it would then
	 * leave the client waiting without an answer.  The request is refused
	 * anyway (414 or 431): cut the query here so it is not parsed.  The
	 * target is libmicrohttpd's own writable read buffer (0.9.75 to 0.9.77). */
	if (q && (r->head.params > MAX_PARAMS || r->head.target_len > MAX_TARGET))
		((char *)q)[1] = '\0';
#endif
	return r;
}

typedef struct head_size {
	int count;
	size_t bytes;
} head_size;

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	head_size *h = cls;
	h->count++;
	h->bytes += strlen(key) + (value ? strlen(value) : 0);
	return MHD_YES;
}

/* Checks the head against our limits; answers and returns false when it
 * is refused. */
static bool head_ok(fk_req *r, enum MHD_Result *ret)
{
	head_size h = { 0 };
	MHD_get_connection_values(r->conn, MHD_HEADER_KIND, count_header, &h);
	if (r->head.target_len > MAX_TARGET)
		*ret = fk_http_fail_now(r, 414, "uri_too_long", NULL, "the request target is longer than %s bytes",
				FK_STR(MAX_TARGET));
	else if (r->head.params > MAX_PARAMS)
		*ret = fk_http_fail_now(r, 431, "too_many_parameters", NULL, "more than %s query parameters",
				FK_STR(MAX_PARAMS));
	else if (h.count > MAX_HEADERS)
		*ret = fk_http_fail_now(r, 431, "headers_too_large", NULL, "more than %s header fields", FK_STR(MAX_HEADERS));
	else if (h.bytes > MAX_HEADER_BYTES)
		*ret = fk_http_fail_now(r, 431, "headers_too_large", NULL, "the header fields hold more than %s bytes",
				FK_STR(MAX_HEADER_BYTES));
	else if (r->head.nul)
		*ret = fk_http_fail_now(r, 400, "invalid", NULL, "%s", "a NUL byte (%00) in the path or query");
	else
		return true;
	return false;
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *c, const char *url, const char *method,
				 const char *version, const char *upload_data, size_t *upload_size,
				 void **con_cls)
{
	(void)cls;
	(void)version;
	fk_req *r = *con_cls;
	if (!r)
		return MHD_NO; /* on_uri ran out of memory */
	if (r->state == ST_NEW) {
		r->method = method;
		r->path = url;
		r->state = ST_BODY;
		enum MHD_Result ret;
		if (!head_ok(r, &ret))
			return ret;
		/* File uploads may be larger than JSON bodies. */
		fk_match m;
		r->body_limit = cfg->max_body;
		if (strncmp(url, "/api/", 5) == 0 && fk_route_match(fk_routes, fk_routes_count, method, url, &m) == 200 &&
		    (m.route->flags & FK_ROUTE_UPLOAD)) {
			r->body_limit = cfg->max_upload;
			fk_deadline_extend(r->conn_track, cfg->upload_deadline);
		}
		/* A declared length over the limit is refused before the body is
		 * sent (and before "100 Continue"); the connection then closes. */
		const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
		if (cl && strtoull(cl, NULL, 10) > r->body_limit)
			return fk_http_fail_now(r, 413, "too_large", NULL, "the body is larger than %s bytes",
					fk_arena_printf(&r->arena, "%zu", r->body_limit));
		return MHD_YES;
	}
	if (r->state == ST_RESUMED) {
		plain_take(r);
		return send_json(r);
	}
	if (*upload_size) {
		/* A body without Content-Length that grows past the limit is
		 * read to its end but not kept, then answered 413. */
		if (r->body.len + *upload_size > r->body_limit) {
			r->too_large = true;
			fk_strbuf_release(&r->body);
		} else if (!r->too_large) {
			fk_strbuf_add(&r->body, upload_data, *upload_size);
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (r->too_large && r->state == ST_BODY)
		return fk_http_fail_now(r, 413, "too_large", NULL, "the body is larger than %s bytes",
				fk_arena_printf(&r->arena, "%zu", r->body_limit));
	if (r->state != ST_BODY)
		return MHD_YES;
	fk_deadline_arrived(r->conn_track);
	return dispatch(r);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)c;
	fk_req *r = *con_cls;
	if (!r)
		return;
	fk_deadline_restart(r->conn_track);
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	double ms = (double)(now.tv_sec - r->start.tv_sec) * 1e3 + (double)(now.tv_nsec - r->start.tv_nsec) / 1e6;
	fk_log_info("%s %s %d %.1fms %s%s", r->method, r->path, r->status, ms, r->id,
		    toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (aborted)");
	fk_metrics_request(r->match.route ? (int)(r->match.route - fk_routes) : -1, r->status, ms / 1e3);
	if (r->stream_done)
		r->stream_done(r);
	json_decref(r->json);
	json_decref(r->out);
	json_decref(r->cleanup);
	fk_strbuf_release(&r->body);
	fk_arena_release(&r->arena);
	free(r);
	*con_cls = NULL;
	atomic_fetch_sub(&in_flight, 1);
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	char buf[512];
	vsnprintf(buf, sizeof(buf), fmt, ap);
	size_t n = strlen(buf);
	while (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	fk_log_info("httpd: %s", buf);
}

int fk_server_run(const fk_server_config *c)
{
	cfg = c;
	fk_cookie_secure = c->cookie_secure;
	deadline_s = c->request_deadline;
	id_base = randombytes_random();
	atomic_store(&id_next, randombytes_random());
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	/* Every thread started from here inherits the mask; only sigwait
	 * below receives the signals. */
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof(ss));
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ITC |
			 MHD_USE_ERROR_LOG;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	if (inet_pton(AF_INET, c->host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)c->port);
	} else if (inet_pton(AF_INET6, c->host, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)c->port);
		flags |= MHD_USE_IPv6;
	} else {
		return fk_log_err("serve: cannot listen on %s: not an IP address", c->host);
	}
	if (fk_writer_start(&writer, c->db_path) < 0)
		return -1;
	fk_metrics_init(fk_routes_count);
	struct MHD_Daemon *d = MHD_start_daemon(
		flags, (uint16_t)c->port, NULL, NULL, on_access, NULL, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log,
		NULL, MHD_OPTION_SOCK_ADDR, &ss,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)c->threads, MHD_OPTION_CONNECTION_TIMEOUT,
		(unsigned)c->conn_timeout, MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
		MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024, MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL,
		MHD_OPTION_NOTIFY_CONNECTION, fk_deadline_notify, &deadline_s,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)c->max_conn_per_addr,
		/* MHD clears it for every request: enough for a head within our
		 * limits (see CONN_MEMORY), no more */
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONN_MEMORY,
		MHD_OPTION_END);
	if (!d) {
		fk_writer_stop(writer);
		return fk_log_err("serve: cannot listen on %s:%d: %s", c->host, c->port, strerror(errno));
	}
	daemon_ptr = d;
	/* With port 0 the kernel picks one; say which (test harnesses read it). */
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	int port = di && di->port ? di->port : c->port;
	char shown[1024];
	fk_db_redact(c->db_path, shown, sizeof(shown));
	fprintf(stderr, "fangkong serving http://%s%s%s:%d/ (%d threads, database %s, time zone %s)\n",
		strchr(c->host, ':') ? "[" : "", c->host, strchr(c->host, ':') ? "]" : "", port, c->threads,
		shown, fk_zone_name());

	/* The request log is written in batches; flush it every second. */
	fk_log_buffered(1);
	int sig = 0;
	struct timespec second = { 1, 0 };
	fk_schedule_tick(writer, fk_now());
	while ((sig = sigtimedwait(&sigs, NULL, &second)) < 0) {
		fk_deadline_sweep();
		fk_log_flush_all();
		fk_schedule_tick(writer, fk_now());
	}
	fk_log_info("signal %d: no new connections; finishing %d request(s) in flight", sig,
		    atomic_load(&in_flight));
	/* Stop listening at once: new connections are refused, not left hanging. */
	MHD_socket ls = MHD_quiesce_daemon(d);
	if (ls != MHD_INVALID_SOCKET)
		close(ls);
	for (int i = 0; i < 1000 && atomic_load(&in_flight) > 0; i++)
		usleep(10000);
	daemon_ptr = NULL;
	MHD_stop_daemon(d);
	fk_writer_stop(writer);
	fk_schedule_stop(); /* the final audit checkpoint */
	pthread_mutex_lock(&readers_lock);
	for (int i = 0; i < nreaders; i++)
		fk_db_close(readers[i]);
	nreaders = 0;
	pthread_mutex_unlock(&readers_lock);
	fk_log_info("stopped");
	fk_log_flush_all();
	fk_log_buffered(0);
	return 0;
}
