/* ledger.c - the public ledger in the database (see ledger.h).  An append
 * writes one entry and on average two subtree hashes; a proof reads
 * O(log² n) subtree hashes by primary key; verification reads everything
 * once. */
#include "core/ledger/ledger.h"

#include <inttypes.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/audit.h"
#include "util/date.h"
#include "util/log.h"

#define B64 sodium_base64_VARIANT_ORIGINAL
#define B64_HASH sodium_base64_ENCODED_LEN(32, B64)

const char *fk_ledger_origin(void)
{
	const char *o = getenv("FK_LEDGER_ORIGIN");
	return o && *o ? o : "fangkong/ledger";
}

/* The key of subtree (level, index): level * 2^48 + index. */
static int64_t node_key(int level, int64_t index)
{
	return ((int64_t)level << 48) | index;
}

int fk_ledger_get(void *ctx, int level, int64_t index, unsigned char out[32])
{
	fk_db *db = ctx;
	fk_stmt *st;
	if (fk_db_query(db, &st, "SELECT hash FROM ledger_nodes WHERE node = $1", "i", node_key(level, index)) < 0)
		return -1;
	int rc = fk_stmt_step(st);
	size_t n = 0;
	const void *p = rc == FK_ROW ? fk_stmt_blob(st, 0, &n) : NULL;
	if (p && n == 32)
		memcpy(out, p, 32);
	fk_stmt_done(st);
	return p && n == 32 ? 0 : -1;
}

static int put_node(void *ctx, int level, int64_t index, const unsigned char hash[32])
{
	return fk_db_run(ctx, "INSERT INTO ledger_nodes (node, hash) VALUES ($1, $2)", "ib", node_key(level, index), hash,
			 (size_t)32) < 0
		       ? -1
		       : 0;
}

int fk_ledger_size(fk_db *db, int64_t *size)
{
	return fk_db_int64(db, size, "SELECT COALESCE(MAX(idx) + 1, 0) FROM ledger_entries", "") == FK_ROW ? 0 : -1;
}

int fk_ledger_root(fk_db *db, int64_t size, unsigned char root[32])
{
	return fk_merkle_root(fk_ledger_get, db, size, root);
}

int fk_ledger_append(fk_db *db, const char *kind, const char *ref, json_t *entry, int64_t at, int64_t *idx)
{
	json_t *e = json_deep_copy(entry);
	if (!e)
		return -1;
	json_object_set_new(e, "kind", json_string(kind));
	json_object_set_new(e, "time", json_integer(at));
	char *bytes = json_dumps(e, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(e);
	if (!bytes)
		return -1;
	size_t n = strlen(bytes);
	unsigned char leaf[32];
	fk_merkle_leaf(bytes, n, leaf);
	int rc = -1;
	if (fk_ledger_size(db, idx) < 0 || *idx >= ((int64_t)1 << 48))
		goto out;
	if (fk_db_run(db, "INSERT INTO ledger_entries (idx, kind, ref, leaf, at) VALUES ($1, $2, $3, $4, $5)", "issbi",
		      *idx, kind, ref, bytes, n, at) < 0)
		goto out;
	rc = fk_merkle_append(fk_ledger_get, put_node, db, *idx, leaf);
out:
	free(bytes);
	return rc;
}

static const char *hash64(char out[B64_HASH], const unsigned char h[32])
{
	return sodium_bin2base64(out, B64_HASH, h, 32, B64);
}

static json_t *path_json(unsigned char path[][32], int n)
{
	json_t *a = json_array();
	char b[B64_HASH];
	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_string(hash64(b, path[i])));
	return a;
}

json_t *fk_ledger_entries(fk_db *db, int64_t start, int64_t limit, fk_err *e)
{
	int64_t size;
	if (fk_ledger_size(db, &size) < 0) {
		fk_err_internal(e);
		return NULL;
	}
	fk_stmt *st;
	if (fk_db_query(db, &st,
			"SELECT idx, kind, ref, leaf, at FROM ledger_entries WHERE idx >= $1 ORDER BY idx LIMIT $2", "ii",
			start, limit) < 0) {
		fk_err_internal(e);
		return NULL;
	}
	json_t *list = json_array();
	int rc;
	while ((rc = fk_stmt_step(st)) == FK_ROW) {
		size_t n = 0;
		const char *leaf = fk_stmt_blob(st, 3, &n);
		char *b64 = malloc(sodium_base64_ENCODED_LEN(n, B64));
		if (!b64)
			break;
		sodium_bin2base64(b64, sodium_base64_ENCODED_LEN(n, B64), (const unsigned char *)leaf, n, B64);
		json_t *entry = json_loadb(leaf, n, 0, NULL);
		json_array_append_new(list, json_pack("{s:I, s:s, s:s?, s:I, s:s, s:o}", "index",
						      (json_int_t)fk_stmt_int64(st, 0), "kind", fk_stmt_text(st, 1),
						      "ref", fk_stmt_is_null(st, 2) ? NULL : fk_stmt_text(st, 2), "time",
						      (json_int_t)fk_stmt_int64(st, 4), "leaf", b64,
						      "entry", entry ? entry : json_null()));
		free(b64);
	}
	fk_stmt_done(st);
	if (rc < 0) {
		json_decref(list);
		fk_err_internal(e);
		return NULL;
	}
	return json_pack("{s:o, s:I}", "entries", list, "size", (json_int_t)size);
}

json_t *fk_ledger_inclusion_json(fk_db *db, int64_t index, int64_t size, fk_err *e)
{
	int64_t have;
	if (fk_ledger_size(db, &have) < 0)
		goto internal;
	if (size > have) {
		fk_err_set(e, 404, "not_found", "size", "size %" PRId64 " passes the log (%" PRId64 " entries)", size,
			   have);
		return NULL;
	}
	if (index >= size) {
		fk_err_set(e, 404, "not_found", "index", "index %" PRId64 " is beyond a tree of %" PRId64 " entries",
			   index, size);
		return NULL;
	}
	unsigned char path[FK_MERKLE_MAX_PATH][32], leaf[32];
	int n = 0;
	if (fk_merkle_inclusion(fk_ledger_get, db, index, size, path, &n) < 0 || fk_ledger_get(db, 0, index, leaf) < 0)
		goto internal;
	char b[B64_HASH];
	return json_pack("{s:I, s:I, s:s, s:o}", "index", (json_int_t)index, "size", (json_int_t)size, "leaf_hash",
			 hash64(b, leaf), "path", path_json(path, n));
internal:
	fk_err_internal(e);
	return NULL;
}

json_t *fk_ledger_consistency_json(fk_db *db, int64_t first, int64_t second, fk_err *e)
{
	int64_t have;
	if (fk_ledger_size(db, &have) < 0)
		goto internal;
	if (first > second) {
		fk_err_invalid(e, "first", "first (%" PRId64 ") is larger than second (%" PRId64 ")", first, second);
		return NULL;
	}
	if (second > have) {
		fk_err_set(e, 404, "not_found", "second", "second %" PRId64 " passes the log (%" PRId64 " entries)",
			   second, have);
		return NULL;
	}
	unsigned char path[FK_MERKLE_MAX_PATH][32];
	int n = 0;
	if (fk_merkle_consistency(fk_ledger_get, db, first, second, path, &n) < 0)
		goto internal;
	return json_pack("{s:I, s:I, s:o}", "first", (json_int_t)first, "second", (json_int_t)second, "path",
			 path_json(path, n));
internal:
	fk_err_internal(e);
	return NULL;
}

int fk_ledger_checkpoint_latest(fk_db *db, char *note, int64_t *size)
{
	fk_stmt *st;
	if (fk_db_query(db, &st, "SELECT size, note FROM ledger_checkpoints ORDER BY size DESC LIMIT 1", "") < 0)
		return -1;
	int rc = fk_stmt_step(st);
	if (rc == FK_ROW) {
		*size = fk_stmt_int64(st, 0);
		snprintf(note, FK_NOTE_MAX, "%s", fk_stmt_text(st, 1));
	}
	fk_stmt_done(st);
	return rc == FK_ROW ? 0 : rc == FK_DONE ? 1 : -1;
}

/* The latest checkpoint's size and root.  Returns 0, 1 when none, -1. */
static int latest_root(fk_db *db, int64_t *size, unsigned char root[32])
{
	fk_stmt *st;
	if (fk_db_query(db, &st, "SELECT size, root FROM ledger_checkpoints ORDER BY size DESC LIMIT 1", "") < 0)
		return -1;
	int rc = fk_stmt_step(st);
	size_t n = 0;
	if (rc == FK_ROW) {
		*size = fk_stmt_int64(st, 0);
		const void *p = fk_stmt_blob(st, 1, &n);
		if (p && n == 32)
			memcpy(root, p, 32);
	}
	fk_stmt_done(st);
	if (rc == FK_ROW && n != 32)
		return -1;
	return rc == FK_ROW ? 0 : rc == FK_DONE ? 1 : -1;
}

int fk_ledger_checkpoint_make(fk_db *db, const fk_audit_key *k, fk_ledger_cp *out)
{
	int rc = -1;
	int64_t old_size = 0;
	unsigned char old_root[32];
	if (fk_db_begin(db) < 0)
		return -1;
	int have_old = latest_root(db, &old_size, old_root);
	if (have_old < 0 || fk_ledger_size(db, &out->size) < 0 || fk_ledger_root(db, out->size, out->root) < 0)
		goto out;
	if (have_old == 0 && out->size == old_size) {
		rc = 1;
		goto out;
	}
	if (have_old == 0) {
		/* never sign a view inconsistent with what was signed before */
		unsigned char path[FK_MERKLE_MAX_PATH][32];
		int n = 0;
		if (out->size < old_size ||
		    (old_size > 0 && (fk_merkle_consistency(fk_ledger_get, db, old_size, out->size, path, &n) < 0 ||
				      fk_merkle_verify_consistency(old_size, out->size, old_root, out->root,
								   (const unsigned char(*)[32])path, n) < 0))) {
			fk_log_err("ledger: the log of %" PRId64 " entries is not consistent with the checkpoint of %"
				   PRId64 "; nothing signed",
				   out->size, old_size);
			rc = -2;
			goto out;
		}
	}
	char text[FK_NOTE_MAX];
	fk_tlog_checkpoint c = { .size = out->size };
	snprintf(c.origin, sizeof(c.origin), "%s", fk_ledger_origin());
	memcpy(c.root, out->root, 32);
	if (fk_tlog_checkpoint_text(&c, text, sizeof(text)) < 0 ||
	    fk_note_sign(c.origin, k->sk, text, out->note, sizeof(out->note)) < 0)
		goto out;
	rc = 0;
out:
	fk_db_rollback(db); /* a read: ends the snapshot */
	return rc;
}

int fk_ledger_checkpoint_store(fk_db *db, const fk_ledger_cp *cp, int64_t now)
{
	int64_t max = -1;
	if (fk_db_int64(db, &max, "SELECT COALESCE(MAX(size), -1) FROM ledger_checkpoints", "") != FK_ROW)
		return -1;
	if (cp->size <= max)
		return 0; /* a later one was stored meanwhile */
	return fk_db_run(db, "INSERT INTO ledger_checkpoints (size, root, note, signed_at) VALUES ($1, $2, $3, $4)",
			 "ibsi", cp->size, cp->root, (size_t)32, cp->note, now) < 0
		       ? -1
		       : 0;
}

int fk_ledger_vkey(const fk_audit_key *k, char *out, size_t cap)
{
	return fk_note_vkey(fk_ledger_origin(), k->pk, out, cap);
}

static pthread_mutex_t vkey_lock = PTHREAD_MUTEX_INITIALIZER;
static char vkey[256];

void fk_ledger_key_remember(const fk_audit_key *k)
{
	pthread_mutex_lock(&vkey_lock);
	if (fk_ledger_vkey(k, vkey, sizeof(vkey)) < 0)
		vkey[0] = '\0';
	pthread_mutex_unlock(&vkey_lock);
}

int fk_ledger_key_latest(char *out, size_t cap)
{
	pthread_mutex_lock(&vkey_lock);
	snprintf(out, cap, "%s", vkey);
	pthread_mutex_unlock(&vkey_lock);
	return out[0] ? 0 : -1;
}

int fk_ledger_audit_head(fk_db *db, int64_t day, int64_t now)
{
	char ref[32], d[11];
	snprintf(ref, sizeof(ref), "audit.head:%" PRId64, day);
	int64_t found = 0;
	if (fk_db_int64(db, &found, "SELECT COUNT(*) FROM ledger_entries WHERE ref = $1", "s", ref) != FK_ROW)
		return -1;
	if (found)
		return 0;
	int64_t size, idx;
	unsigned char h[32];
	char b[B64_HASH];
	if (fk_audit_head(db, &size, h) < 0)
		return -1;
	fk_date_format(day, d);
	json_t *entry = json_pack("{s:s, s:I, s:s}", "day", d, "audit_entries", (json_int_t)size, "audit_head",
				  hash64(b, h));
	int rc = fk_ledger_append(db, "audit.head", ref, entry, now, &idx);
	json_decref(entry);
	return rc;
}

/* Verification: the tree rebuilt from the entries' bytes, kept as a compact
 * range (the perfect subtrees of the prefix, largest first). */
typedef struct rebuild {
	unsigned char h[FK_MERKLE_MAX_PATH][32];
	int level[FK_MERKLE_MAX_PATH];
	int n;
} rebuild;

static void rebuild_root(const rebuild *r, unsigned char out[32])
{
	if (r->n == 0) {
		crypto_hash_sha256(out, NULL, 0);
		return;
	}
	memcpy(out, r->h[r->n - 1], 32);
	for (int i = r->n - 2; i >= 0; i--)
		fk_merkle_node(r->h[i], out, out);
}

/* Adds leaf number idx; checks every subtree it completes against the
 * stored one.  Returns 0, or 1 with out->what set. */
static int rebuild_add(fk_db *db, rebuild *r, int64_t idx, const unsigned char leaf[32], fk_ledger_check *out)
{
	memcpy(r->h[r->n], leaf, 32);
	r->level[r->n++] = 0;
	int64_t pos = idx;
	for (;;) {
		unsigned char stored[32];
		int lv = r->level[r->n - 1];
		if (fk_ledger_get(db, lv, pos, stored) < 0 || sodium_memcmp(stored, r->h[r->n - 1], 32) != 0) {
			out->bad = idx;
			snprintf(out->what, sizeof(out->what),
				 "entry %" PRId64 ": the stored tree node (level %d, position %" PRId64
				 ") differs from the one its entries give",
				 idx, lv, pos);
			return 1;
		}
		if (r->n < 2 || r->level[r->n - 2] != lv)
			return 0;
		fk_merkle_node(r->h[r->n - 2], r->h[r->n - 1], r->h[r->n - 2]);
		r->level[r->n - 2] = lv + 1;
		r->n--;
		pos >>= 1;
	}
}

int fk_ledger_verify(fk_db *db, const char *note, const char *name, const unsigned char pk[32], fk_ledger_check *out)
{
	memset(out, 0, sizeof(*out));
	out->bad = -1;
	fk_tlog_checkpoint c = { 0 };
	if (note) {
		int orc = fk_tlog_checkpoint_open(note, name, pk, &c);
		if (orc < 0) {
			snprintf(out->what, sizeof(out->what), "the checkpoint %s",
				 orc == -2 ? "is not signed by the ledger's key (forged or altered)" : "is malformed");
			return 1;
		}
		if (strcmp(c.origin, name) != 0) {
			snprintf(out->what, sizeof(out->what), "the checkpoint is of another log (%s)", c.origin);
			return 1;
		}
		out->cp_size = c.size;
	}
	if (fk_db_begin(db) < 0)
		return -1;
	int rc = -1;
	rebuild *r = calloc(1, sizeof(*r));
	unsigned char root[32], cp_root[32];
	crypto_hash_sha256(cp_root, NULL, 0);
	fk_stmt *st;
	if (!r || fk_ledger_size(db, &out->size) < 0)
		goto out;
	if (note && c.size > out->size) {
		snprintf(out->what, sizeof(out->what),
			 "the checkpoint holds %" PRId64 " entries, the log only %" PRId64 ": entries were removed",
			 c.size, out->size);
		rc = 1;
		goto out;
	}
	if (fk_db_query(db, &st, "SELECT idx, leaf FROM ledger_entries ORDER BY idx", "") < 0)
		goto out;
	int64_t expect = 0;
	int step;
	while ((step = fk_stmt_step(st)) == FK_ROW) {
		int64_t idx = fk_stmt_int64(st, 0);
		size_t n = 0;
		const void *bytes = fk_stmt_blob(st, 1, &n);
		unsigned char leaf[32];
		if (idx != expect) {
			out->bad = expect;
			snprintf(out->what, sizeof(out->what), "entry %" PRId64 " is missing", expect);
			fk_stmt_done(st);
			rc = 1;
			goto out;
		}
		fk_merkle_leaf(bytes, n, leaf);
		if (rebuild_add(db, r, idx, leaf, out)) {
			if (strstr(out->what, "level 0,"))
				snprintf(out->what, sizeof(out->what),
					 "entry %" PRId64 ": its bytes no longer give the leaf hash stored for it", idx);
			fk_stmt_done(st);
			rc = 1;
			goto out;
		}
		expect++;
		if (note && expect == c.size)
			rebuild_root(r, cp_root);
	}
	if (step < 0)
		goto out;
	rebuild_root(r, root);
	if (note && sodium_memcmp(cp_root, c.root, 32) != 0) {
		snprintf(out->what, sizeof(out->what),
			 "the checkpoint's root for %" PRId64 " entries differs from the root of the log's first %" PRId64
			 " entries: entries up to %" PRId64 " were changed",
			 c.size, c.size, c.size - 1);
		rc = 1;
		goto out;
	}
	if (note && c.size > 0 && c.size < out->size) {
		unsigned char path[FK_MERKLE_MAX_PATH][32];
		int n = 0;
		if (fk_merkle_consistency(fk_ledger_get, db, c.size, out->size, path, &n) < 0)
			goto out;
		if (fk_merkle_verify_consistency(c.size, out->size, c.root, root, (const unsigned char(*)[32])path, n) <
		    0) {
			snprintf(out->what, sizeof(out->what),
				 "the consistency proof from %" PRId64 " to %" PRId64 " entries fails", c.size, out->size);
			rc = 1;
			goto out;
		}
	}
	for (int64_t i = 0; i < out->size; i++) {
		unsigned char path[FK_MERKLE_MAX_PATH][32], leaf[32];
		int n = 0;
		if (fk_merkle_inclusion(fk_ledger_get, db, i, out->size, path, &n) < 0 || fk_ledger_get(db, 0, i, leaf) < 0)
			goto out;
		if (fk_merkle_verify_inclusion(leaf, i, out->size, (const unsigned char(*)[32])path, n, root) < 0) {
			out->bad = i;
			snprintf(out->what, sizeof(out->what), "entry %" PRId64 ": its inclusion proof fails", i);
			rc = 1;
			goto out;
		}
	}
	rc = 0;
out:
	fk_db_rollback(db);
	free(r);
	return rc;
}
