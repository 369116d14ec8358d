/* test_audit.c - the hash-chained audit log (core/base/audit.h): append, list in
 * scope, and verify detecting a changed row or a removed one. */
#include <setjmp.h>
#include <sodium.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../testutil.h"
#include "core/base/audit.h"
#include "core/base/list.h"

static const fk_actor alice = { .user_id = 0, .username = "alice", .role = FK_ROLE_ADMIN, .region = "42",
				.addr = "127.0.0.1" };

static int setup(void **state)
{
	assert_true(sodium_init() >= 0);
	tu_db *t = tu_db_new(1);
	/* Six entries in two provinces and at national scope. */
	assert_int_equal(fk_db_begin_write(t->db), 0);
	json_t *d = json_pack("{s:s, s:i}", "name", "第一网格", "n", 1);
	assert_int_equal(fk_audit_append(t->db, &fk_actor_cli, "region.import", "regions", "", NULL), 0);
	assert_int_equal(fk_audit_append(t->db, &alice, "region.create", "region:420106001001001",
					 "420106001001001", d),
			 0);
	assert_int_equal(fk_audit_append(t->db, &alice, "user.create", "user:bob", "4201", d), 0);
	assert_int_equal(fk_audit_append(t->db, &alice, "region.create", "region:110101001001001",
					 "110101001001001", d),
			 0);
	assert_int_equal(fk_audit_append(t->db, &alice, "login", "user:alice", "42", NULL), 0);
	assert_int_equal(fk_audit_append(t->db, &fk_actor_cli, "user.create", NULL, NULL, NULL), 0);
	assert_int_equal(fk_db_commit(t->db), 0);
	json_decref(d);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	tu_db_free(*state);
	return 0;
}

static void test_append_and_verify(void **state)
{
	tu_db *t = *state;
	int64_t bad = -1;
	assert_int_equal(fk_audit_verify(t->db, &bad), 6);
	assert_int_equal(bad, -1); /* untouched when intact */

	/* Stored as written: dense ids, NULL user_id for id 0, {} for no detail,
	 * detail as compact JSON with sorted keys. */
	fk_stmt *st;
	assert_int_equal(fk_db_query(t->db, &st,
				     "SELECT id, user_id, username, addr, object, region, detail, length(hash),"
				     " length(prev_hash) FROM audit ORDER BY id",
				     ""),
			 0);
	int64_t id = 0;
	while (fk_stmt_step(st) == FK_ROW) {
		id++;
		assert_int_equal(fk_stmt_int64(st, 0), id);
		assert_true(fk_stmt_is_null(st, 1));
		assert_int_equal(fk_stmt_int64(st, 7), 32);
		assert_int_equal(fk_stmt_int64(st, 8), 32);
		if (id == 1) {
			assert_string_equal(fk_stmt_text(st, 2), "cli");
			assert_string_equal(fk_stmt_text(st, 6), "{}");
		}
		if (id == 2) {
			assert_string_equal(fk_stmt_text(st, 2), "alice");
			assert_string_equal(fk_stmt_text(st, 3), "127.0.0.1");
			assert_string_equal(fk_stmt_text(st, 6), "{\"n\":1,\"name\":\"第一网格\"}");
		}
		if (id == 6) {
			assert_string_equal(fk_stmt_text(st, 4), "");
			assert_string_equal(fk_stmt_text(st, 5), "");
		}
	}
	fk_stmt_done(st);
	assert_int_equal(id, 6);

	/* Each entry links to the one before; the first to 32 zero bytes. */
	int64_t n = -1;
	assert_int_equal(fk_db_int64(t->db, &n,
				     "SELECT count(*) FROM audit a JOIN audit b ON b.id = a.id + 1"
				     " WHERE b.prev_hash = a.hash",
				     ""),
			 FK_ROW);
	assert_int_equal(n, 5);
	static const unsigned char zero[32];
	assert_int_equal(fk_db_int64(t->db, &n, "SELECT prev_hash = $1 FROM audit WHERE id = 1", "b", zero, sizeof(zero)),
			 FK_ROW);
	assert_int_equal(n, 1);
}

static void test_empty_log_verifies(void **state)
{
	(void)state;
	tu_db *e = tu_db_new(1);
	int64_t bad = -1;
	assert_int_equal(fk_audit_verify(e->db, &bad), 0);
	tu_db_free(e);
}

static void test_tampered_detail(void **state)
{
	tu_db *t = *state;
	assert_int_equal(fk_db_exec(t->db, "UPDATE audit SET detail = '{\"n\":2,\"name\":\"第一网格\"}' WHERE id = 3"), 0);
	int64_t bad = -1;
	assert_int_equal(fk_audit_verify(t->db, &bad), -2);
	assert_int_equal(bad, 3);
}

static void test_tampered_other_columns(void **state)
{
	tu_db *t = *state;
	static const char *const updates[] = {
		"UPDATE audit SET username = 'mallory' WHERE id = 4",
		"UPDATE audit SET at = at + 1 WHERE id = 4",
		"UPDATE audit SET action = 'login' WHERE id = 4",
		"UPDATE audit SET region = '11' WHERE id = 4",
	};
	for (size_t i = 0; i < sizeof(updates) / sizeof(updates[0]); i++) {
		assert_int_equal(fk_db_begin(t->db), 0);
		assert_int_equal(fk_db_exec(t->db, updates[i]), 0);
		int64_t bad = -1;
		assert_int_equal(fk_audit_verify(t->db, &bad), -2);
		assert_int_equal(bad, 4);
		assert_int_equal(fk_db_rollback(t->db), 0);
	}
	int64_t bad = -1;
	assert_int_equal(fk_audit_verify(t->db, &bad), 6);
}

static void test_random_hash(void **state)
{
	tu_db *t = *state;
	unsigned char other[32];
	for (size_t i = 0; i < sizeof(other); i++)
		other[i] = (unsigned char)(i * 37 + 11);
	assert_int_equal(fk_db_run(t->db, "UPDATE audit SET hash = $1 WHERE id = 2", "b", other, sizeof(other)), 0);
	int64_t bad = -1;
	assert_int_equal(fk_audit_verify(t->db, &bad), -2);
	assert_int_equal(bad, 2);
}

/* The entry hash as audit.c documents it: BLAKE2b-256 over the previous
 * hash, then id, at, user_id, username, addr, action, object, region and
 * detail, each followed by a NUL byte. */
static void rehash_row(fk_db *db, int64_t id)
{
	fk_stmt *st;
	assert_int_equal(fk_db_query(db, &st,
				     "SELECT id, at, coalesce(user_id, 0), username, addr, action, object, region,"
				     " detail, prev_hash FROM audit WHERE id = $1",
				     "i", id),
			 0);
	assert_int_equal(fk_stmt_step(st), FK_ROW);
	crypto_generichash_state h;
	unsigned char out[32];
	crypto_generichash_init(&h, NULL, 0, 32);
	size_t n;
	const void *prev = fk_stmt_blob(st, 9, &n);
	assert_int_equal(n, 32);
	crypto_generichash_update(&h, prev, 32);
	char num[80];
	int len = snprintf(num, sizeof(num), "%lld%c%lld%c%lld", (long long)fk_stmt_int64(st, 0), 0,
			   (long long)fk_stmt_int64(st, 1), 0, (long long)fk_stmt_int64(st, 2));
	crypto_generichash_update(&h, (const unsigned char *)num, (size_t)len + 1);
	for (int col = 3; col <= 8; col++) {
		const char *s = fk_stmt_text(st, col);
		crypto_generichash_update(&h, (const unsigned char *)s, strlen(s) + 1);
	}
	crypto_generichash_final(&h, out, 32);
	fk_stmt_done(st);
	assert_int_equal(fk_db_run(db, "UPDATE audit SET hash = $1 WHERE id = $2", "bi", out, sizeof(out), id), 0);
}

static void test_rehashed_row_breaks_the_next_link(void **state)
{
	/* Recomputing the hash of the untouched row keeps the chain intact
	 * (the test's hash is the real one); changing a row and recomputing
	 * its hash is caught at the next row, whose link no longer matches. */
	tu_db *t = *state;
	rehash_row(t->db, 2);
	int64_t bad = -1;
	assert_int_equal(fk_audit_verify(t->db, &bad), 6);
	assert_int_equal(fk_db_exec(t->db, "UPDATE audit SET detail = '{}' WHERE id = 2"), 0);
	rehash_row(t->db, 2);
	assert_int_equal(fk_audit_verify(t->db, &bad), -2);
	assert_int_equal(bad, 3);
}

static void test_deleted_middle_row(void **state)
{
	tu_db *t = *state;
	assert_int_equal(fk_db_exec(t->db, "DELETE FROM audit WHERE id = 3"), 0);
	int64_t bad = -1;
	assert_int_equal(fk_audit_verify(t->db, &bad), -2);
	assert_int_equal(bad, 3); /* names the missing entry */
}

static void test_deleted_first_row(void **state)
{
	tu_db *t = *state;
	assert_int_equal(fk_db_exec(t->db, "DELETE FROM audit WHERE id = 1"), 0);
	int64_t bad = -1;
	assert_int_equal(fk_audit_verify(t->db, &bad), -2);
	assert_int_equal(bad, 1);
}

static void test_append_continues_the_chain(void **state)
{
	tu_db *t = *state;
	assert_int_equal(fk_db_begin_write(t->db), 0);
	assert_int_equal(fk_audit_append(t->db, &alice, "logout", "user:alice", "42", NULL), 0);
	assert_int_equal(fk_db_commit(t->db), 0);
	int64_t bad = -1;
	assert_int_equal(fk_audit_verify(t->db, &bad), 7);
}

static json_t *audit_list(fk_db *db, const fk_actor *who, const fk_page *page, void *in, fk_err *e)
{
	return fk_list_run(db, who, &fk_audit_list, fk_list_arg, in, page, 0, e);
}

static void test_list_in_scope(void **state)
{
	tu_db *t = *state;
	fk_err e = { 0 };
	fk_page page = { .limit = 100 };
	/* alice's scope is 42: entries 2, 3 and 5, newest first. */
	json_t *l = audit_list(t->db, &alice, &page, NULL, &e);
	assert_non_null(l);
	json_t *items = json_object_get(l, "items");
	assert_int_equal(json_array_size(items), 3);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "id")), 5);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 2), "id")), 2);
	assert_true(json_is_null(json_object_get(l, "next")));
	json_decref(l);

	/* National scope sees everything, and filters apply. */
	l = audit_list(t->db, &fk_actor_cli, &page, (void *)(const char *const[]){ "action", "user.create", NULL }, &e);
	assert_int_equal(json_array_size(json_object_get(l, "items")), 2);
	json_decref(l);
	l = audit_list(t->db, &fk_actor_cli, &page, (void *)(const char *const[]){ "username", "alice", NULL }, &e);
	assert_int_equal(json_array_size(json_object_get(l, "items")), 4);
	json_decref(l);

	/* Pages: two at a time, the cursor names where to continue. */
	fk_page p2 = { .limit = 2 };
	l = audit_list(t->db, &fk_actor_cli, &p2, NULL, &e);
	assert_int_equal(json_array_size(json_object_get(l, "items")), 2);
	assert_true(json_is_string(json_object_get(l, "next")));
	fk_arena a = { 0 };
	p2.after = fk_cursor_decode(&a, json_string_value(json_object_get(l, "next")));
	assert_string_equal(p2.after, "5");
	json_decref(l);
	l = audit_list(t->db, &fk_actor_cli, &p2, NULL, &e);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(l, "items"), 0), "id")),
			 4);
	json_decref(l);
	fk_arena_release(&a);

	/* A cursor that is not an id is refused. */
	fk_page bad = { .limit = 2, .after = "abc" };
	assert_null(audit_list(t->db, &fk_actor_cli, &bad, NULL, &e));
	assert_int_equal(e.status, 400);
	assert_string_equal(e.field, "after");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_append_and_verify, setup, teardown),
		cmocka_unit_test(test_empty_log_verifies),
		cmocka_unit_test_setup_teardown(test_tampered_detail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tampered_other_columns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_hash, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rehashed_row_breaks_the_next_link, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deleted_middle_row, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deleted_first_row, setup, teardown),
		cmocka_unit_test_setup_teardown(test_append_continues_the_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_in_scope, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
