/* audit.c - append, list and verify the hash-chained audit log.
 *
 * The hash of entry n is BLAKE2b-256 over: the previous entry's hash (32 zero
 * bytes for the first), then id, at, user_id, username, addr, action, object,
 * region and detail, each followed by a NUL byte.  Entries are appended only
 * by the single writer (the server's writer thread or a CLI command holding
 * the write lock), so ids are dense and the chain is linear.
 */
#include "core/base/audit.h"
#include "core/base/list.h"
#include "core/base/scope.h"
#include "util/date.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HASH_LEN 32

typedef struct entry {
	int64_t id, at, user_id;
	const char *username, *addr, *action, *object, *region, *detail;
} entry;

static void entry_hash(const unsigned char prev[HASH_LEN], const entry *e, unsigned char out[HASH_LEN])
{
	crypto_generichash_state h;
	char num[64];
	crypto_generichash_init(&h, NULL, 0, HASH_LEN);
	crypto_generichash_update(&h, prev, HASH_LEN);
	int n = snprintf(num, sizeof(num), "%" PRId64 "%c%" PRId64 "%c%" PRId64, e->id, 0, e->at, 0, e->user_id);
	crypto_generichash_update(&h, (const unsigned char *)num, (size_t)n + 1);
	const char *fields[] = { e->username, e->addr, e->action, e->object, e->region, e->detail };
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		crypto_generichash_update(&h, (const unsigned char *)fields[i], strlen(fields[i]) + 1);
	crypto_generichash_final(&h, out, HASH_LEN);
}

int fk_audit_append(fk_db *db, const fk_actor *who, const char *action, const char *object,
		    const char *region, const json_t *detail)
{
	unsigned char prev[HASH_LEN] = { 0 }, hash[HASH_LEN];
	int64_t last_id = 0;
	fk_stmt *st;
	/* Instances sharing a PostgreSQL database append one at a time, so the
	 * chain keeps one order (the lock is held to the commit); SQLite has
	 * one writer already. */
	if (strcmp(fk_db_engine(db), "postgresql") == 0 && fk_db_exec(db, "SELECT pg_advisory_xact_lock(7236313)") < 0)
		return -1;
	int rc = fk_db_query(db, &st, "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1", "");
	if (rc < 0)
		return -1;
	rc = fk_stmt_step(st);
	if (rc == FK_ROW) {
		size_t n;
		const void *p = fk_stmt_blob(st, 1, &n);
		last_id = fk_stmt_int64(st, 0);
		if (n == HASH_LEN)
			memcpy(prev, p, HASH_LEN);
	}
	fk_stmt_done(st);
	if (rc < 0)
		return -1;

	char *dj = detail ? json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	entry e = {
		.id = last_id + 1,
		.at = fk_now(),
		.user_id = who->user_id,
		.username = who->username ? who->username : "",
		.addr = who->addr ? who->addr : "",
		.action = action,
		.object = object ? object : "",
		.region = region ? region : "",
		.detail = dj ? dj : "{}",
	};
	entry_hash(prev, &e, hash);
	rc = fk_db_run(db,
		       "INSERT INTO audit (id, at, user_id, username, addr, action, object, region, detail, prev_hash, hash)"
		       " VALUES ($1, $2, NULLIF($3, 0), $4, $5, $6, $7, $8, $9, $10, $11)",
		       "iiissssssbb", e.id, e.at, e.user_id, e.username, e.addr, e.action, e.object, e.region,
		       e.detail, prev, (size_t)HASH_LEN, hash, (size_t)HASH_LEN);
	free(dj);
	return rc < 0 ? -1 : 0;
}

static const fk_filter audit_filters[] = {
	{ "action", FK_F_TEXT, "action = ?", .opt = FK_FO_BLANK },
	{ "username", FK_F_TEXT, "username = ?", .opt = FK_FO_BLANK },
	{ 0 },
};

const fk_list fk_audit_list = {
	.select = "id, at, user_id, username, addr, action, object, region, detail FROM audit",
	.scope = "region",
	.key = FK_KEY_ID,
	.id = "id",
	.desc = true,
	.filters = audit_filters,
};

int64_t fk_audit_verify(fk_db *db, int64_t *bad_id)
{
	return fk_audit_verify_each(db, bad_id, NULL, NULL);
}

int fk_audit_head(fk_db *db, int64_t *size, unsigned char hash[HASH_LEN])
{
	*size = 0;
	memset(hash, 0, HASH_LEN);
	fk_stmt *st;
	if (fk_db_query(db, &st, "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1", "") < 0)
		return -1;
	int rc = fk_stmt_step(st);
	if (rc == FK_ROW) {
		size_t n;
		const void *p = fk_stmt_blob(st, 1, &n);
		*size = fk_stmt_int64(st, 0);
		if (n == HASH_LEN)
			memcpy(hash, p, HASH_LEN);
	}
	fk_stmt_done(st);
	return rc < 0 ? -1 : 0;
}

int64_t fk_audit_verify_each(fk_db *db, int64_t *bad_id,
			     void (*head)(int64_t id, const unsigned char hash[HASH_LEN], void *arg), void *arg)
{
	unsigned char prev[HASH_LEN] = { 0 }, hash[HASH_LEN];
	int64_t n = 0, expect_id = 1;
	fk_stmt *st;
	if (fk_db_query(db, &st,
			"SELECT id, at, user_id, username, addr, action, object, region, detail, prev_hash, hash"
			" FROM audit ORDER BY id",
			"") < 0)
		return -1;
	int rc;
	while ((rc = fk_stmt_step(st)) == FK_ROW) {
		entry e = {
			.id = fk_stmt_int64(st, 0),
			.at = fk_stmt_int64(st, 1),
			.user_id = fk_stmt_int64(st, 2),
			.username = fk_stmt_text(st, 3),
			.addr = fk_stmt_text(st, 4),
			.action = fk_stmt_text(st, 5),
			.object = fk_stmt_text(st, 6),
			.region = fk_stmt_text(st, 7),
			.detail = fk_stmt_text(st, 8),
		};
		size_t plen, hlen;
		const void *p = fk_stmt_blob(st, 9, &plen);
		const void *h = fk_stmt_blob(st, 10, &hlen);
		entry_hash(prev, &e, hash);
		if (e.id != expect_id || plen != HASH_LEN || hlen != HASH_LEN ||
		    sodium_memcmp(p, prev, HASH_LEN) != 0 || sodium_memcmp(h, hash, HASH_LEN) != 0) {
			*bad_id = e.id != expect_id && e.id > expect_id ? expect_id : e.id;
			fk_stmt_done(st);
			return -2;
		}
		memcpy(prev, h, HASH_LEN);
		if (head)
			head(e.id, prev, arg);
		expect_id++;
		n++;
	}
	fk_stmt_done(st);
	return rc < 0 ? -1 : n;
}

int fk_audit_record(fk_db *db, const fk_actor *who, const char *action, const char *kind, int64_t id,
		    const char *region, json_t *detail)
{
	char obj[64];
	snprintf(obj, sizeof(obj), "%s:%lld", kind, (long long)id);
	int rc = fk_audit_append(db, who, action, obj, region, detail);
	json_decref(detail);
	return rc;
}
