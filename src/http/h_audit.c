/* h_audit.c - the audit log's head (the log itself is a declared list). */
#include <sodium.h>

#include "core/base/audit.h"
#include "core/base/checkpoint.h"
#include "http/handlers.h"

/* base64 of a 32-byte hash, in the request's arena */
static const char *hash64(fk_req *r, const unsigned char h[32])
{
	size_t n = sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL);
	char *out = fk_arena_alloc(&r->arena, n);
	return sodium_bin2base64(out, n, h, 32, sodium_base64_VARIANT_ORIGINAL);
}

/* On the writer, like the list: the head holds every entry answered before
 * it was asked for. */
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
