/* h_audit.c - reading the audit log and its head. */
#include <sodium.h>

#include "core/base/audit.h"
#include "core/base/checkpoint.h"
#include "http/handlers.h"

/* Runs on the writer, after every entry queued before it (the entries of
 * masked reads are written after their answers): the list an auditor sees
 * holds everything answered before they asked. */
typedef struct audit_list_ctx {
	fk_page page;
	const char *action, *user; /* NULL: no filter */
} audit_list_ctx;

static int audit_list_job(fk_req *r)
{
	audit_list_ctx *c = r->ctx;
	return fk_req_reply(r, 200, fk_audit_list(r->db, &r->actor, &c->page, c->action, c->user, &r->err));
}

int h_audit_list(fk_req *r)
{
	audit_list_ctx *c = fk_arena_alloc(&r->arena, sizeof(*c));
	if (fk_req_page(r, &c->page) < 0)
		return -1;
	/* an empty filter is no filter */
	c->action = fk_req_query(r, "action");
	c->user = fk_req_query(r, "username");
	if (c->action && !*c->action)
		c->action = NULL;
	if (c->user && !*c->user)
		c->user = NULL;
	r->ctx = c;
	return fk_req_defer(r, audit_list_job);
}

/* base64 of a 32-byte hash, in the request's arena */
static const char *hash64(fk_req *r, const unsigned char h[32])
{
	size_t n = sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL);
	char *out = fk_arena_alloc(&r->arena, n);
	return sodium_bin2base64(out, n, h, 32, sodium_base64_VARIANT_ORIGINAL);
}

/* On the writer, like the list: the head holds every entry answered before. */
static int audit_head_job(fk_req *r)
{
	int64_t size;
	unsigned char h[32];
	if (fk_audit_head(r->db, &size, h) < 0)
		return fk_req_fail(r, 500, "internal", NULL, "cannot read the audit log's head");
	char note[FK_CHECKPOINT_MAX];
	fk_checkpoint c;
	json_t *cp = json_null();
	if (fk_checkpoint_latest(note, &c) == 0)
		cp = json_pack("{s:I, s:s, s:I, s:s}", "size", (json_int_t)c.size, "hash", hash64(r, c.hash), "time",
			       (json_int_t)c.time, "note", note);
	return fk_req_reply(r, 200,
			    json_pack("{s:I, s:s, s:o}", "size", (json_int_t)size, "hash", hash64(r, h), "checkpoint", cp));
}

int h_audit_head(fk_req *r)
{
	return fk_req_defer(r, audit_head_job);
}
