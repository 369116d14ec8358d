/* test_ledger.c - the ledger in the database (core/ledger/ledger.h):
 * appends give the same roots as the tree in memory, proofs served verify,
 * checkpoints are signed only when consistent with the one before, and
 * verification names the first entry changed, removed or the checkpoint
 * forged. */
#include <setjmp.h>
#include <sodium.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../testutil.h"
#include "core/ledger/ledger.h"

typedef struct fixture {
	tu_db *t;
	fk_audit_key k;
} fixture;

static void append_n(fk_db *db, int from, int n)
{
	assert_int_equal(fk_db_begin_write(db), 0);
	for (int i = from; i < from + n; i++) {
		json_t *e = json_pack("{s:i, s:s}", "n", i, "what", "测试");
		int64_t idx = -1;
		assert_int_equal(fk_ledger_append(db, "test", NULL, e, 1580000000 + i, &idx), 0);
		assert_int_equal(idx, i);
		json_decref(e);
	}
	assert_int_equal(fk_db_commit(db), 0);
}

static int setup(void **state)
{
	assert_true(sodium_init() >= 0);
	fixture *f = calloc(1, sizeof(*f));
	f->t = tu_db_new(1);
	assert_int_equal(fk_audit_key_create(f->t->file), 0);
	assert_int_equal(fk_audit_key_load(f->t->file, &f->k), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	tu_db_free(f->t);
	free(f);
	return 0;
}

static int put_node(void *ctx, int level, int64_t index, const unsigned char hash[32])
{
	return fk_db_run(ctx, "INSERT INTO ledger_nodes (node, hash) VALUES ($1, $2)", "ib",
			 ((int64_t)level << 48) | index, hash, (size_t)32);
}

static void sign_store(fixture *f, int want)
{
	fk_ledger_cp cp;
	int rc = fk_ledger_checkpoint_make(f->t->db, &f->k, &cp);
	assert_int_equal(rc, want);
	if (rc == 0) {
		assert_int_equal(fk_db_begin_write(f->t->db), 0);
		assert_int_equal(fk_ledger_checkpoint_store(f->t->db, &cp, 1), 0);
		assert_int_equal(fk_db_commit(f->t->db), 0);
	}
}

static void test_proofs_served_verify(void **state)
{
	fixture *f = *state;
	fk_db *db = f->t->db;
	append_n(db, 0, 37);
	int64_t size = 0;
	assert_int_equal(fk_ledger_size(db, &size), 0);
	assert_int_equal(size, 37);
	unsigned char root[32];
	assert_int_equal(fk_ledger_root(db, 37, root), 0);
	fk_err e = { 0 };
	json_t *page = fk_ledger_entries(db, 0, 100, &e);
	assert_non_null(page);
	json_t *entries = json_object_get(page, "entries");
	assert_int_equal(json_array_size(entries), 37);
	for (size_t i = 0; i < 37; i++) {
		/* the leaf bytes answered hash to the leaf the proof starts from */
		const char *b = json_string_value(json_object_get(json_array_get(entries, i), "leaf"));
		unsigned char bytes[256], leaf[32];
		size_t n = 0;
		assert_int_equal(sodium_base642bin(bytes, sizeof(bytes), b, strlen(b), NULL, &n, NULL,
						   sodium_base64_VARIANT_ORIGINAL),
				 0);
		fk_merkle_leaf(bytes, n, leaf);
		json_t *p = fk_ledger_inclusion_json(db, (int64_t)i, 37, &e);
		assert_non_null(p);
		json_t *path = json_object_get(p, "path");
		unsigned char hp[FK_MERKLE_MAX_PATH][32];
		size_t k;
		json_t *h;
		json_array_foreach(path, k, h)
		{
			size_t len = 0;
			const char *s = json_string_value(h);
			assert_int_equal(sodium_base642bin(hp[k], 32, s, strlen(s), NULL, &len, NULL,
							   sodium_base64_VARIANT_ORIGINAL),
					 0);
		}
		assert_int_equal(fk_merkle_verify_inclusion(leaf, (int64_t)i, 37, (const unsigned char(*)[32])hp,
							    (int)json_array_size(path), root),
				 0);
		json_decref(p);
	}
	json_decref(page);
	assert_null(fk_ledger_inclusion_json(db, 37, 37, &e));
	assert_int_equal(e.status, 404);
	assert_string_equal(e.field, "index");
	assert_null(fk_ledger_inclusion_json(db, 0, 38, &e));
	assert_int_equal(e.status, 404);
	assert_null(fk_ledger_consistency_json(db, 5, 4, &e));
	assert_int_equal(e.status, 400);
	json_t *c = fk_ledger_consistency_json(db, 10, 37, &e);
	assert_non_null(c);
	assert_true(json_array_size(json_object_get(c, "path")) > 0);
	json_decref(c);
}

static void test_checkpoints_and_verify(void **state)
{
	fixture *f = *state;
	fk_db *db = f->t->db;
	append_n(db, 0, 5);
	sign_store(f, 0);
	sign_store(f, 1); /* nothing new: nothing signed */
	char note[FK_NOTE_MAX];
	int64_t size = 0;
	assert_int_equal(fk_ledger_checkpoint_latest(db, note, &size), 0);
	assert_int_equal(size, 5);
	char first[FK_NOTE_MAX];
	snprintf(first, sizeof(first), "%s", note);
	append_n(db, 5, 20);
	sign_store(f, 0);

	fk_ledger_check ck;
	assert_int_equal(fk_ledger_verify(db, first, fk_ledger_origin(), f->k.pk, &ck), 0);
	assert_int_equal(ck.size, 25);
	assert_int_equal(ck.cp_size, 5);
	assert_int_equal(fk_ledger_verify(db, NULL, NULL, NULL, &ck), 0);

	/* a forged checkpoint: its size changed after signing */
	char forged[FK_NOTE_MAX];
	snprintf(forged, sizeof(forged), "%s", first);
	char *sz = strchr(forged, '\n') + 1;
	*sz = '6';
	assert_int_equal(fk_ledger_verify(db, forged, fk_ledger_origin(), f->k.pk, &ck), 1);
	assert_non_null(strstr(ck.what, "not signed"));

	/* an entry's bytes changed in the database */
	assert_int_equal(fk_db_run(db, "UPDATE ledger_entries SET leaf = $1 WHERE idx = 3", "b", "{}", (size_t)2), 0);
	assert_int_equal(fk_ledger_verify(db, first, fk_ledger_origin(), f->k.pk, &ck), 1);
	assert_int_equal(ck.bad, 3);
	assert_non_null(strstr(ck.what, "entry 3"));

	/* the change recomputed into the tree: the old checkpoint shows it, and
	 * no new checkpoint is signed over the rewritten history */
	assert_int_equal(fk_db_run(db, "DELETE FROM ledger_nodes", ""), 0);
	fk_stmt *st;
	assert_int_equal(fk_db_query(db, &st, "SELECT leaf FROM ledger_entries ORDER BY idx", ""), 0);
	int64_t n = 0;
	unsigned char leaves[25][32];
	while (fk_stmt_step(st) == FK_ROW) {
		size_t len = 0;
		const void *b = fk_stmt_blob(st, 0, &len);
		fk_merkle_leaf(b, len, leaves[n++]);
	}
	assert_int_equal(n, 25);
	for (int64_t i = 0; i < n; i++)
		assert_int_equal(fk_merkle_append(fk_ledger_get, put_node, db, i, leaves[i]), 0);
	assert_int_equal(fk_ledger_verify(db, NULL, NULL, NULL, &ck), 0); /* consistent with itself */
	assert_int_equal(fk_ledger_verify(db, first, fk_ledger_origin(), f->k.pk, &ck), 1);
	assert_non_null(strstr(ck.what, "root for 5 entries differs"));
	append_n(db, 25, 1);
	sign_store(f, -2);

	/* entries removed from the end */
	assert_int_equal(fk_db_run(db, "DELETE FROM ledger_entries WHERE idx >= 2", ""), 0);
	assert_int_equal(fk_ledger_verify(db, first, fk_ledger_origin(), f->k.pk, &ck), 1);
	assert_non_null(strstr(ck.what, "the log only 2"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_proofs_served_verify, setup, teardown),
		cmocka_unit_test_setup_teardown(test_checkpoints_and_verify, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
