/* req.h - one HTTP request as handlers see it.
 *
 * A handler reads its inputs (path parameters, query, parsed JSON body,
 * the actor), calls one module function and leaves the answer in r->out
 * (status in r->status, 200 by default), or returns -1 with r->err set.
 * Writes go to the writer thread: the handler parses its input (the
 * module's fk_<thing>_parse: a 400 naming the field is answered here, before
 * anything is queued), then returns fk_req_write(r, &job).  The job (an
 * fk_job) gets the parsed input and the actor, never the request: nothing
 * on the writer thread touches the connection.  All memory comes from
 * r->arena.  Handlers never see libmicrohttpd.
 */
#ifndef FK_REQ_H
#define FK_REQ_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "core/base/actor.h"
#include "core/base/rows.h"
#include "http/router.h"
#include "store/db.h"
#include "store/writer.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/strbuf.h"

#define FK_DEFER 1
#define FK_MAX_HEADERS 8

/* A write for the writer thread: the parsed input, and what to audit.
 * The writer runs it with the actor and its input only; it never sees the
 * request.  run (may be NULL: only the audit entry is written) runs on the
 * writer connection inside the batch's transaction, in its own savepoint:
 * it returns 0 with *out the answer (NULL for none), or -1 with e set to
 * roll back, or 0 with e set to keep its changes and answer the error (a
 * failed sign-in is recorded), or -1 with *out set and e clear to roll
 * back and answer *out all the same (a dry run).  When action is set and run succeeded, the
 * audit entry (action, object, region, detail) is appended in the same
 * savepoint. */
typedef struct fk_job {
	int (*run)(fk_db *db, const fk_actor *who, void *in, json_t **out, fk_err *e);
	void *in; /* arena memory: the parsed input (run may write its results
	           * there for finish) */
	int status;     /* the answer's status when run succeeds (200 when 0) */
	const char *action, *object, *region;
	json_t *detail; /* taken */
	/* Called on the request's thread once the write is done, before the
	 * answer goes (for headers: a cookie); may be NULL. */
	void (*finish)(struct fk_req *r, void *in);
} fk_job;

struct fk_plain_job;

typedef struct fk_req {
	fk_arena arena;
	void *conn; /* the server's connection handle */
	const char *method, *path;
	char id[17];
	struct timespec start;

	struct {
		size_t target_len; /* the raw request target, query included */
		int params;        /* query parameters */
		bool nul;          /* an escaped NUL (%00) in the target */
	} head;                    /* measured by the server before routing */

	fk_match match;
	fk_strbuf body;
	bool too_large; /* the body passed the limit: answered 413 */
	size_t body_limit;
	json_t *json; /* parsed body, when the route takes one */

	bool authed, via_cookie;
	fk_actor actor;
	const char *token;
	char addr[64];

	fk_db *db; /* reader, or the writer connection inside a job */

	int status;
	json_t *out;
	fk_err err;
	const char *hdr_name[FK_MAX_HEADERS];
	const char *hdr_value[FK_MAX_HEADERS];
	int nhdr;

	void *ctx; /* the handler's state for a stream (arena memory) */
	json_t *cleanup; /* released when the request ends */
	struct fk_plain_job *plain; /* server-private: the fk_job queued */

	/* A streamed answer (exports): called on the request's thread, with
	 * r->db its reader, to append the next part to out.  Returns 1 while
	 * more follows, 0 at the end, -1 on an error (the stream is cut). */
	int (*stream)(struct fk_req *r, fk_strbuf *out);
	/* Called once when the request ends, finished or cut (a stream's
	 * temporary file is closed there); may be NULL. */
	void (*stream_done)(struct fk_req *r);
	const char *stream_type; /* Content-Type */
	const char *stream_name; /* download file name */
	fk_write write;
	int state; /* server-private */
	struct fk_conn_track *conn_track; /* server-private: the connection's deadline */
} fk_req;

/* Add Secure to cookies (set by the server from its configuration). */
extern int fk_cookie_secure;

/* Path parameter by name ("code" for {code}); NULL when absent. */
const char *fk_req_param(fk_req *r, const char *name);
/* A region-code query argument ("root" means the country); NULL when absent. */
const char *fk_req_region(fk_req *r, const char *name);
/* Query-string argument; NULL when absent. */
const char *fk_req_query(fk_req *r, const char *name);
/* Request header; NULL when absent. */
const char *fk_req_header_in(fk_req *r, const char *name);
/* Adds a response header (strings must outlive the request: arena or static). */
void fk_req_header(fk_req *r, const char *name, const char *value);

/* Reads ?limit= and ?after= into page.  Returns 0 or -1 with r->err set. */
int fk_req_page(fk_req *r, fk_page *page);

/* Records an error as the answer; returns -1. */
int fk_req_fail(fk_req *r, int status, const char *code, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Queues job (copied; its detail is taken) for the writer.  The handler has
 * parsed and checked its input; it returns what this returns. */
int fk_req_write(fk_req *r, const fk_job *job);
/* The same for a job that writes a lot (a batch of many records, an
 * import): the writer runs one such job per transaction, so the light ones
 * (sign-ins, audit entries of reads) never wait behind a queue of them. */
int fk_req_write_heavy(fk_req *r, const fk_job *job);


/* Answers v (taking it) after appending an audit entry in a write: for
 * reads of personal data, which are audited like writes.  detail may be
 * NULL; it is taken.  The handler returns what this returns.  Full values
 * (a reveal, an export) are answered only once the entry is durable. */
int fk_req_reply_audited(fk_req *r, int status, json_t *v, const char *action, const char *object,
			 const char *region, json_t *detail);

/* The same for reads whose answer holds personal data masked (searches,
 * lists, a record's page): the entry is queued for the writer's next
 * transaction and the answer goes at once, so a read never waits behind a
 * heavy write.  A crash before that commit (tens of milliseconds) loses
 * the entry; a failure to write it is logged. */
int fk_req_reply_audited_masked(fk_req *r, int status, json_t *v, const char *action, const char *object,
				const char *region, json_t *detail);

/* An integer path parameter (e.g. {id}); -1 with a 404 when it is not a
 * positive integer. */
int64_t fk_req_id(fk_req *r, const char *name);
/* The query parameter name as a day (YYYY-MM-DD), dflt when absent (*given
 * says which, when not NULL).  Returns 0, or -1 having answered 400 naming it. */
int fk_req_date(fk_req *r, const char *name, int64_t dflt, int64_t *day, bool *given);
/* The query parameter name as a yes/no (1, true / 0, false): *flag is 1, 0,
 * or -1 when absent.  Returns 0, or -1 having answered 400 naming it. */
int fk_req_flag(fk_req *r, const char *name, int *flag);

/* Answers 200 with a file of n bytes (copied into the request's arena) as
 * a download: Content-Type type, file name name (arena or static). */
int fk_req_reply_file(fk_req *r, const void *data, size_t n, const char *type, const char *name);

/* Takes ownership of v as the answer with status; returns 0 (or -1 with a
 * 500 when v is NULL). */
int fk_req_reply(fk_req *r, int status, json_t *v);

#endif
