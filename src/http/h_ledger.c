/* h_ledger.c - the public ledger's endpoints: no account needed.  The
 * checkpoint and the verifier key are plain text in the forms existing
 * verifiers read (C2SP tlog-checkpoint and signed-note); entries and
 * proofs are JSON with base64 hashes. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/ledger/ledger.h"
#include "http/handlers.h"

/* The query parameter name as an integer >= 0 (dflt when absent).
 * Returns 0, or -1 having answered 400 naming it. */
static int query_count(fk_req *r, const char *name, int64_t dflt, int64_t *out)
{
	const char *s = fk_req_query(r, name);
	*out = dflt;
	if (!s)
		return 0;
	char *end;
	long long v = strtoll(s, &end, 10);
	if (!*s || *end || v < 0 || s[0] == '-' || s[0] == '+')
		return fk_req_fail(r, 400, "invalid", name, "%s: a whole number, 0 or more", name);
	*out = v;
	return 0;
}

static int text_stream(fk_req *r, fk_strbuf *out)
{
	fk_strbuf_add(out, r->ctx, strlen(r->ctx));
	return 0;
}

/* Answers text as text/plain. */
static int reply_text(fk_req *r, const char *text)
{
	r->ctx = fk_arena_printf(&r->arena, "%s", text);
	r->stream = text_stream;
	r->stream_type = "text/plain; charset=utf-8";
	return fk_req_reply(r, 200, json_object());
}

int h_ledger_checkpoint(fk_req *r)
{
	char note[FK_NOTE_MAX];
	int64_t size;
	int rc = fk_ledger_checkpoint_latest(r->db, note, &size);
	if (rc < 0)
		return fk_req_fail(r, 500, "internal", NULL, "internal error");
	if (rc == 1)
		return fk_req_fail(r, 404, "not_found", NULL, "no checkpoint has been signed yet");
	return reply_text(r, note);
}

int h_ledger_key(fk_req *r)
{
	char vkey[256];
	if (fk_ledger_key_latest(vkey, sizeof(vkey)) < 0)
		return fk_req_fail(r, 404, "not_found", NULL, "the server has not loaded its signing key");
	return reply_text(r, fk_arena_printf(&r->arena, "%s\n", vkey));
}

int h_ledger_entries(fk_req *r)
{
	int64_t start, limit;
	if (query_count(r, "start", 0, &start) < 0 || query_count(r, "limit", 100, &limit) < 0)
		return -1;
	if (limit < 1 || limit > FK_LEDGER_PAGE_MAX)
		return fk_req_fail(r, 400, "invalid", "limit", "limit: a whole number from 1 to %d", FK_LEDGER_PAGE_MAX);
	return fk_req_reply(r, 200, fk_ledger_entries(r->db, start, limit, &r->err));
}

/* The size of the latest checkpoint: the tree a proof is asked of by
 * default.  Returns 0, or -1 having answered. */
static int checkpoint_size(fk_req *r, int64_t *size)
{
	char note[FK_NOTE_MAX];
	int rc = fk_ledger_checkpoint_latest(r->db, note, size);
	if (rc < 0)
		return fk_req_fail(r, 500, "internal", NULL, "internal error");
	if (rc == 1)
		return fk_req_fail(r, 404, "not_found", "size", "no checkpoint has been signed yet: give size");
	return 0;
}

int h_ledger_inclusion(fk_req *r)
{
	int64_t index, size = -1;
	if (!fk_req_query(r, "index"))
		return fk_req_fail(r, 400, "invalid", "index", "index: required");
	if (query_count(r, "index", 0, &index) < 0 || query_count(r, "size", -1, &size) < 0)
		return -1;
	if (size < 0 && checkpoint_size(r, &size) < 0)
		return -1;
	return fk_req_reply(r, 200, fk_ledger_inclusion_json(r->db, index, size, &r->err));
}

int h_ledger_consistency(fk_req *r)
{
	int64_t first, second = -1;
	if (!fk_req_query(r, "first"))
		return fk_req_fail(r, 400, "invalid", "first", "first: required");
	if (query_count(r, "first", 0, &first) < 0 || query_count(r, "second", -1, &second) < 0)
		return -1;
	if (second < 0 && checkpoint_size(r, &second) < 0)
		return -1;
	return fk_req_reply(r, 200, fk_ledger_consistency_json(r->db, first, second, &r->err));
}
