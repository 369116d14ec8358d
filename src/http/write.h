/* write.h - a write route as a declaration: parse the body on the
 * request's thread into a T (arena memory), then run one core function on
 * the writer as a job (fk_req_write), answered with code (201 for a
 * create, 200 otherwise).  Each macro defines the handler and its job:
 *
 *   FK_BODY_WRITE(h, T, parse, fn, code)   parse(json, T *, e);
 *                                          fn(db, who, const T *, e)
 *   FK_BODY_WRITE_A(h, T, parse, fn, code) the same with
 *                                          parse(json, T *, arena, e)
 *   FK_RECORD_WRITE(h, T, parse, fn, code) T has an id: the path's {id},
 *                                          then the body as above
 *   FK_RECORD_WRITE_A(…)                   the same, parse with an arena
 *   FK_ID_WRITE(h, T, parse, fn, code)     the path's {id} beside the body:
 *                                          fn(db, who, id, const T *, e)
 *   FK_ID_ONLY_WRITE(h, fn, code)          a write on the path's {id} alone
 *                                          (no body read): fn(db, who, id, e)
 *   FK_REVEAL_WRITE(h, fields, fn)         a reveal of the record {id}: the
 *                                          body {reason} checked by fields;
 *                                          fn(db, who, id, reason, e)
 *
 * A missing or malformed {id} is answered 404 before the body is read. */
#ifndef FK_HTTP_WRITE_H
#define FK_HTTP_WRITE_H

#include "core/base/fields.h"
#include "http/req.h"

#define FK_WRITE_JOB_(handler, fn)                                                                  \
	static int handler##_job(fk_db *db, const fk_actor *who, void *in, json_t **out, fk_err *e) \
	{                                                                                           \
		return (*out = fn(db, who, in, e)) ? 0 : -1;                                        \
	}

#define FK_WRITE_HANDLER_(handler, T, failed, code)                                            \
	int handler(fk_req *r)                                                                 \
	{                                                                                      \
		T *x = fk_arena_alloc(&r->arena, sizeof(*x));                                  \
		if (failed)                                                                    \
			return -1;                                                             \
		return fk_req_write(r, &(fk_job){ .run = handler##_job, .in = x, .status = code }); \
	}

#define FK_BODY_WRITE(handler, T, parse, fn, code) \
	FK_WRITE_JOB_(handler, fn)                 \
	FK_WRITE_HANDLER_(handler, T, parse(r->json, x, &r->err) < 0, code)

#define FK_BODY_WRITE_A(handler, T, parse, fn, code) \
	FK_WRITE_JOB_(handler, fn)                   \
	FK_WRITE_HANDLER_(handler, T, parse(r->json, x, &r->arena, &r->err) < 0, code)

#define FK_RECORD_WRITE(handler, T, parse, fn, code) \
	FK_WRITE_JOB_(handler, fn)                   \
	FK_WRITE_HANDLER_(handler, T, (x->id = fk_req_id(r, "id")) < 0 || parse(r->json, x, &r->err) < 0, code)

#define FK_RECORD_WRITE_A(handler, T, parse, fn, code) \
	FK_WRITE_JOB_(handler, fn)                     \
	FK_WRITE_HANDLER_(handler, T,                  \
			  (x->id = fk_req_id(r, "id")) < 0 || parse(r->json, x, &r->arena, &r->err) < 0, code)

#define FK_ID_WRITE(handler, T, parse, fn, code)                                                    \
	typedef struct handler##_in {                                                               \
		int64_t id;                                                                         \
		T body;                                                                             \
	} handler##_in;                                                                             \
	static int handler##_job(fk_db *db, const fk_actor *who, void *in, json_t **out, fk_err *e) \
	{                                                                                           \
		handler##_in *b = in;                                                               \
		return (*out = fn(db, who, b->id, &b->body, e)) ? 0 : -1;                           \
	}                                                                                           \
	FK_WRITE_HANDLER_(handler, handler##_in,                                                    \
			  (x->id = fk_req_id(r, "id")) < 0 || parse(r->json, &x->body, &r->err) < 0, code)

#define FK_ID_ONLY_WRITE(handler, fn, code)                                                         \
	static int handler##_job(fk_db *db, const fk_actor *who, void *in, json_t **out, fk_err *e) \
	{                                                                                           \
		return (*out = fn(db, who, *(const int64_t *)in, e)) ? 0 : -1;                      \
	}                                                                                           \
	FK_WRITE_HANDLER_(handler, int64_t, (*x = fk_req_id(r, "id")) < 0, code)

/* A reveal's input: the record and the reason given. */
typedef struct fk_reveal_in {
	int64_t id;
	const char *reason;
} fk_reveal_in;

static inline int fk_reveal_read_(const json_t *in, const fk_field *fields, fk_reveal_in *x, fk_err *e)
{
	if (fk_fields_check(in, fields, e) < 0)
		return -1;
	x->reason = fk_json_str(in, "reason");
	return 0;
}

#define FK_REVEAL_WRITE(handler, fields, fn)                                                        \
	static int handler##_job(fk_db *db, const fk_actor *who, void *in, json_t **out, fk_err *e) \
	{                                                                                           \
		const fk_reveal_in *b = in;                                                         \
		return (*out = fn(db, who, b->id, b->reason, e)) ? 0 : -1;                          \
	}                                                                                           \
	FK_WRITE_HANDLER_(handler, fk_reveal_in,                                                    \
			  (x->id = fk_req_id(r, "id")) < 0 || fk_reveal_read_(r->json, fields, x, &r->err) < 0, 200)

#endif
