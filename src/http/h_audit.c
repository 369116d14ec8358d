/* h_audit.c - the audit log's head (the log itself is a declared list). */
#include <sodium.h>

#include "core/base/audit.h"
#include "core/base/checkpoint.h"
#include "http/handlers.h"

#define HASH64_LEN sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL)

/* base64 of a 32-byte hash into out */
static const char *hash64(char out[HASH64_LEN], const unsigned char h[32])
{
	return sodium_bin2base64(out, HASH64_LEN, h, 32, sodium_base64_VARIANT_ORIGINAL);
}

/* On the writer, like the list: the head holds every entry answered before
 * it was asked for. */
static int audit_head_job(fk_db *db, const fk_actor *who, void *in, json_t **out, fk_err *e)
{
	(void)who;
	(void)in;
	int64_t size;
	unsigned char h[32];
	if (fk_audit_head(db, &size, h) < 0)
		return fk_err_set(e, 500, "internal", NULL, "cannot read the audit log's head");
	char note[FK_CHECKPOINT_MAX], b1[HASH64_LEN], b2[HASH64_LEN];
	fk_checkpoint c;
	json_t *cp = json_null();
	if (fk_checkpoint_latest(note, &c) == 0)
		cp = json_pack("{s:I, s:s, s:I, s:s}", "size", (json_int_t)c.size, "hash", hash64(b1, c.hash), "time",
			       (json_int_t)c.time, "note", note);
	*out = json_pack("{s:I, s:s, s:o}", "size", (json_int_t)size, "hash", hash64(b2, h), "checkpoint", cp);
	return 0;
}

int h_audit_head(fk_req *r)
{
	return fk_req_write(r, &(fk_job){ .run = audit_head_job });
}
