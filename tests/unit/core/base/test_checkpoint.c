/* test_checkpoint.c - signed checkpoints of the audit log's head
 * (core/base/checkpoint.h): the key file, signing and reading notes, and
 * checking a log against them after truncation and a recomputed rewrite. */
#include <setjmp.h>
#include <sodium.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "../../testutil.h"
#include "core/base/audit.h"
#include "core/base/checkpoint.h"

typedef struct fixture {
	tu_db *t;
	fk_audit_key k;
} fixture;

static void append(fk_db *db, const char *action, int n)
{
	assert_int_equal(fk_db_begin_write(db), 0);
	for (int i = 0; i < n; i++)
		assert_int_equal(fk_audit_append(db, &fk_actor_cli, action, NULL, NULL, NULL), 0);
	assert_int_equal(fk_db_commit(db), 0);
}

static int setup(void **state)
{
	assert_true(sodium_init() >= 0);
	fixture *f = calloc(1, sizeof(*f));
	f->t = tu_db_new(1);
	assert_int_equal(fk_audit_key_create(f->t->file), 0);
	assert_int_equal(fk_audit_key_load(f->t->file, &f->k), 0);
	append(f->t->db, "region.import", 6);
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

/* Signs the log's head now and appends the note to buf. */
static void sign_head(fixture *f, char *buf, size_t cap)
{
	fk_checkpoint c = { .time = 1581711660 };
	assert_int_equal(fk_audit_head(f->t->db, &c.size, c.hash), 0);
	char note[FK_CHECKPOINT_MAX];
	fk_checkpoint_sign(&f->k, &c, note);
	assert_true(strlen(buf) + strlen(note) + 2 < cap);
	strcat(buf, note);
	strcat(buf, "\n");
}

static void test_key_file(void **state)
{
	fixture *f = *state;
	char p[512];
	snprintf(p, sizeof(p), "%s.audit-key", f->t->file);
	struct stat sb;
	assert_int_equal(stat(p, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(sb.st_size, 64);
	/* a second create keeps the key */
	assert_int_equal(fk_audit_key_create(f->t->file), 0);
	fk_audit_key again;
	assert_int_equal(fk_audit_key_load(f->t->file, &again), 0);
	assert_memory_equal(again.pk, f->k.pk, 32);
	chmod(p, 0644);
	assert_int_equal(fk_audit_key_load(f->t->file, &again), -1);
	chmod(p, 0600);
	char missing[512];
	snprintf(missing, sizeof(missing), "%s/none.db", f->t->dir);
	assert_int_equal(fk_audit_key_load(missing, &again), -1);
}

static void test_sign_and_open(void **state)
{
	fixture *f = *state;
	fk_checkpoint c = { .size = 1234, .time = 1581711660 }, back;
	for (int i = 0; i < 32; i++)
		c.hash[i] = (unsigned char)i;
	char note[FK_CHECKPOINT_MAX];
	size_t n = fk_checkpoint_sign(&f->k, &c, note), used = 0;
	assert_int_equal(n, strlen(note));
	assert_true(strncmp(note, "fangkong audit log\n1234\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n"
				  "time 1581711660\n\n\xe2\x80\x94 fangkong-audit ",
			    strlen("fangkong audit log\n1234\n") + 45 + strlen("time 1581711660\n\n— fangkong-audit ")) ==
		    0);
	assert_int_equal(fk_checkpoint_open(&f->k, note, &back, &used), 0);
	assert_int_equal(used, n);
	assert_int_equal(back.size, 1234);
	assert_int_equal(back.time, 1581711660);
	assert_memory_equal(back.hash, c.hash, 32);
	assert_int_equal(fk_checkpoint_open(&f->k, note + used, &back, &used), 1);

	/* another size, another hash, another time: the signature fails */
	char bad[FK_CHECKPOINT_MAX];
	static const struct {
		const char *from, *to;
	} edits[] = { { "1234", "1233" }, { "AAEC", "AAED" }, { "time 158", "time 159" } };
	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		snprintf(bad, sizeof(bad), "%s", note);
		char *at = strstr(bad, edits[i].from);
		assert_non_null(at);
		memcpy(at, edits[i].to, strlen(edits[i].to));
		assert_int_equal(fk_checkpoint_open(&f->k, bad, &back, &used), -2);
	}
	/* a signature of another key, or a changed signature byte */
	fk_audit_key other;
	crypto_sign_keypair(other.pk, other.sk);
	memcpy(other.id, f->k.id, 4); /* even claiming the same key id */
	assert_int_equal(fk_checkpoint_open(&other, note, &back, &used), -2);
	snprintf(bad, sizeof(bad), "%s", note);
	bad[n - 10] = bad[n - 10] == 'A' ? 'B' : 'A';
	assert_int_equal(fk_checkpoint_open(&f->k, bad, &back, &used), -2);
	/* not a note */
	assert_int_equal(fk_checkpoint_open(&f->k, "fangkong audit log\n12\n", &back, &used), -1);
	assert_int_equal(fk_checkpoint_open(&f->k, "other log\n1\nAA==\ntime 1\n\n— x y\n", &back, &used), -1);
	assert_int_equal(fk_checkpoint_open(&f->k, "fangkong audit log\n-1\nAA==\ntime 1\n\n— x y\n", &back, &used),
			 -1);
}

static void test_verify_intact(void **state)
{
	fixture *f = *state;
	char text[4096] = "";
	fk_checkpoint_check c;
	/* no checkpoints: the chain alone */
	assert_int_equal(fk_checkpoint_verify(f->t->db, &f->k, text, &c), FK_CP_INTACT);
	assert_int_equal(c.entries, 6);
	assert_int_equal(c.notes, 0);
	sign_head(f, text, sizeof(text));
	append(f->t->db, "login", 2);
	sign_head(f, text, sizeof(text));
	sign_head(f, text, sizeof(text)); /* the same head twice */
	assert_int_equal(fk_checkpoint_verify(f->t->db, &f->k, text, &c), FK_CP_INTACT);
	assert_int_equal(c.entries, 8);
	assert_int_equal(c.notes, 3);
	assert_int_equal(c.latest.size, 8);
	/* a forged note among them */
	char forged[4096];
	snprintf(forged, sizeof(forged), "%s", text);
	char *second = strstr(forged + 1, "fangkong audit log\n8\n");
	assert_non_null(second);
	second[strlen("fangkong audit log\n")] = '7';
	assert_int_equal(fk_checkpoint_verify(f->t->db, &f->k, forged, &c), FK_CP_BAD_NOTE);
	assert_int_equal(c.note, 2);
	assert_int_equal(c.bad_signature, 1);
}

static void test_verify_truncated(void **state)
{
	fixture *f = *state;
	char text[4096] = "";
	sign_head(f, text, sizeof(text));
	assert_int_equal(fk_db_exec(f->t->db, "DELETE FROM audit WHERE id >= 5"), 0);
	int64_t bad = -1;
	assert_int_equal(fk_audit_verify(f->t->db, &bad), 4); /* the chain alone sees nothing */
	fk_checkpoint_check c;
	assert_int_equal(fk_checkpoint_verify(f->t->db, &f->k, text, &c), FK_CP_TRUNCATED);
	assert_int_equal(c.bad_id, 5);
	assert_int_equal(c.entries, 4);
	assert_int_equal(c.first_bad.size, 6);
}

static void test_verify_rewritten(void **state)
{
	fixture *f = *state;
	char text[4096] = "";
	assert_int_equal(fk_db_exec(f->t->db, "DELETE FROM audit WHERE id > 3"), 0);
	append(f->t->db, "login", 3);
	sign_head(f, text, sizeof(text)); /* 6 entries */
	append(f->t->db, "login", 4);
	sign_head(f, text, sizeof(text)); /* 10 entries */
	/* entries 7 on rewritten, the chain recomputed (by appending anew), as many as before */
	assert_int_equal(fk_db_exec(f->t->db, "DELETE FROM audit WHERE id >= 7"), 0);
	append(f->t->db, "logout", 4);
	int64_t bad = -1;
	assert_int_equal(fk_audit_verify(f->t->db, &bad), 10);
	fk_checkpoint_check c;
	assert_int_equal(fk_checkpoint_verify(f->t->db, &f->k, text, &c), FK_CP_REWRITTEN);
	assert_int_equal(c.bad_id, 10);
	assert_int_equal(c.good_below, 6);
	/* and entry 2, under both checkpoints: the first one fails */
	assert_int_equal(fk_db_exec(f->t->db, "DELETE FROM audit WHERE id >= 2"), 0);
	append(f->t->db, "login", 9);
	assert_int_equal(fk_checkpoint_verify(f->t->db, &f->k, text, &c), FK_CP_REWRITTEN);
	assert_int_equal(c.bad_id, 6);
	assert_int_equal(c.good_below, 0);
	/* a row changed without recomputing: the chain names it first */
	assert_int_equal(fk_db_exec(f->t->db, "UPDATE audit SET action = 'y' WHERE id = 4"), 0);
	assert_int_equal(fk_checkpoint_verify(f->t->db, &f->k, text, &c), FK_CP_CHAIN);
	assert_int_equal(c.bad_id, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_key_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sign_and_open, setup, teardown),
		cmocka_unit_test_setup_teardown(test_verify_intact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_verify_truncated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_verify_rewritten, setup, teardown),
	};
	return cmocka_run_group_tests_name("core/base/checkpoint", tests, NULL, NULL);
}
