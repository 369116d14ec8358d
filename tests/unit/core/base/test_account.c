/* test_account.c - users, passwords, logins with throttling, and sessions
 * (core/base/account.h), on a temporary database with small limits. */
#include <setjmp.h>
#include <sodium.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../testutil.h"
#include "core/base/account.h"
#include "core/base/list.h"
#include "core/base/audit.h"

static const fk_actor admin42 = { .user_id = 0, .username = "boss", .role = FK_ROLE_ADMIN, .region = "42",
				  .addr = "10.0.0.1" };

/* A cheap argon2id hash (minimum cost): tests need many users, and the
 * stored parameters being old is itself a case under test (rehash). */
static void quick_hash(const char *pw, char out[FK_PWHASH_LEN])
{
	assert_int_equal(crypto_pwhash_str(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN),
			 0);
}

static int64_t add_user(fk_db *db, const char *name, const char *pw, const char *role, const char *region)
{
	char h[FK_PWHASH_LEN];
	quick_hash(pw, h);
	fk_err e = { 0 };
	int64_t id = 0;
	assert_int_equal(fk_db_begin_write(db), 0);
	int rc = fk_user_add(db, &fk_actor_cli, name, h, role, region, "显示名", &id, &e);
	assert_int_equal(fk_db_commit(db), 0);
	assert_int_equal(rc, 0);
	assert_true(id > 0);
	return id;
}

static const char *last_action(fk_db *db)
{
	static char buf[64];
	fk_stmt *st;
	assert_int_equal(fk_db_query(db, &st, "SELECT action FROM audit ORDER BY id DESC LIMIT 1", ""), 0);
	assert_int_equal(fk_stmt_step(st), FK_ROW);
	snprintf(buf, sizeof(buf), "%s", fk_stmt_text(st, 0));
	fk_stmt_done(st);
	return buf;
}

static int setup(void **state)
{
	assert_true(sodium_init() >= 0);
	fk_account_config.session_ttl = 3600;
	fk_account_config.max_failures = 3;
	fk_account_config.max_addr_failures = 3;
	fk_account_config.max_pair_failures = 5;
	fk_account_config.fail_window = 60;
	fk_account_config.lock_delay = 60;
	fk_account_config.session_idle = 3600;
	tu_db *t = tu_db_new(1);
	assert_int_equal(fk_db_exec(t->db,
				    "INSERT INTO regions (code, parent, level, name, created_at) VALUES"
				    " ('42', '', 1, '湖北省', 0), ('4201', '42', 2, '武汉市', 0),"
				    " ('11', '', 1, '北京市', 0)"),
			 0);
	add_user(t->db, "alice", "alice-password", "officer", "4201");
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	tu_db_free(*state);
	return 0;
}

static void test_password_hash(void **state)
{
	(void)state;
	char h[FK_PWHASH_LEN];
	fk_err e = { 0 };
	assert_int_equal(fk_password_hash("short7!", h, &e), -1);
	assert_int_equal(e.status, 400);
	assert_string_equal(e.field, "password");
	char long_pw[130];
	memset(long_pw, 'p', 129);
	long_pw[129] = '\0';
	assert_int_equal(fk_password_hash(long_pw, h, &e), -1);
	assert_string_equal(e.field, "password");
	assert_int_equal(fk_password_hash(NULL, h, &e), -1);

	assert_int_equal(fk_password_hash("eight888", h, &e), 0);
	assert_int_equal(strncmp(h, "$argon2id$", 10), 0);
	assert_int_equal(crypto_pwhash_str_verify(h, "eight888", 8), 0);
	assert_int_not_equal(crypto_pwhash_str_verify(h, "eight889", 8), 0);
	long_pw[128] = '\0'; /* 128 bytes: the longest allowed */
	assert_int_equal(fk_password_hash(long_pw, h, &e), 0);
}

static void expect_add_fails(fk_db *db, const fk_actor *who, const char *user, const char *role,
			     const char *region, const char *display, int status, const char *field)
{
	fk_err e = { 0 };
	int64_t id = -5;
	assert_int_equal(fk_user_add(db, who, user, "$argon2id$fake", role, region, display, &id, &e), -1);
	assert_int_equal(e.status, status);
	assert_string_equal(e.field, field);
	assert_int_equal(id, -5);
}

static void test_user_add_validations(void **state)
{
	tu_db *t = *state;
	fk_db *db = t->db;
	assert_int_equal(fk_db_begin_write(db), 0);
	expect_add_fails(db, &fk_actor_cli, "a", "admin", "42", NULL, 400, "username");
	char u65[66];
	memset(u65, 'u', 65);
	u65[65] = '\0';
	expect_add_fails(db, &fk_actor_cli, u65, "admin", "42", NULL, 400, "username");
	expect_add_fails(db, &fk_actor_cli, "has space", "admin", "42", NULL, 400, "username");
	expect_add_fails(db, &fk_actor_cli, "张三", "admin", "42", NULL, 400, "username");
	expect_add_fails(db, &fk_actor_cli, NULL, "admin", "42", NULL, 400, "username");
	expect_add_fails(db, &fk_actor_cli, "bob", "root", "42", NULL, 400, "role");
	expect_add_fails(db, &fk_actor_cli, "bob", NULL, "42", NULL, 400, "role");
	expect_add_fails(db, &fk_actor_cli, "bob", "admin", "43", NULL, 404, "");
	expect_add_fails(db, &fk_actor_cli, "bob", "admin", NULL, NULL, 404, "");
	/* Outside who's scope answers like a region that does not exist. */
	fk_err e1 = { 0 }, e2 = { 0 };
	assert_int_equal(fk_user_add(db, &admin42, "bob", "h", "admin", "11", NULL, NULL, &e1), -1);
	assert_int_equal(fk_user_add(db, &admin42, "bob", "h", "admin", "43", NULL, NULL, &e2), -1);
	assert_int_equal(e1.status, 404);
	assert_string_equal(e1.code, e2.code);
	char d65[66];
	memset(d65, 'd', 65);
	d65[65] = '\0';
	expect_add_fails(db, &fk_actor_cli, "bob", "admin", "42", d65, 400, "display_name");
	expect_add_fails(db, &fk_actor_cli, "alice", "admin", "42", NULL, 409, "username");
	assert_int_equal(fk_db_commit(db), 0);

	/* The message for a bad character says where it is. */
	fk_err e = { 0 };
	assert_int_equal(fk_user_add(db, &fk_actor_cli, "ab!c", "h", "admin", "42", NULL, NULL, &e), -1);
	assert_non_null(strstr(e.message, "position 3"));
	assert_int_equal(fk_user_add(db, &fk_actor_cli, "bob", "h", "nobody", "42", NULL, NULL, &e), -1);
	assert_non_null(strstr(e.message, "volunteer")); /* lists the roles */

	/* Nothing was stored by the failures: alice only. */
	int64_t n = -1;
	assert_int_equal(fk_db_int64(db, &n, "SELECT count(*) FROM users", ""), FK_ROW);
	assert_int_equal(n, 1);
}

static void test_user_add_ok(void **state)
{
	tu_db *t = *state;
	fk_err e = { 0 };
	int64_t id = 0;
	assert_int_equal(fk_db_begin_write(t->db), 0);
	assert_int_equal(fk_user_add(t->db, &admin42, "bob.w_2-x", "$argon2id$h", "doctor", "4201", NULL, &id, &e), 0);
	assert_int_equal(fk_db_commit(t->db), 0);
	assert_true(id > 1);
	fk_stmt *st;
	assert_int_equal(fk_db_query(t->db, &st, "SELECT role, region, display_name, disabled FROM users WHERE id = $1",
				     "i", id),
			 0);
	assert_int_equal(fk_stmt_step(st), FK_ROW);
	assert_string_equal(fk_stmt_text(st, 0), "doctor");
	assert_string_equal(fk_stmt_text(st, 1), "4201");
	assert_string_equal(fk_stmt_text(st, 2), "");
	assert_int_equal(fk_stmt_int64(st, 3), 0);
	fk_stmt_done(st);
	assert_string_equal(last_action(t->db), "user.create");
	int64_t bad;
	assert_int_equal(fk_audit_verify(t->db, &bad), 2);
}

static void test_user_list_in_scope(void **state)
{
	tu_db *t = *state;
	add_user(t->db, "carol", "carol-password", "auditor", "11");
	fk_err e = { 0 };
	fk_page page = { .limit = 10 };
	json_t *l = fk_list_run(t->db, &admin42, &fk_user_list, fk_list_arg, NULL, &page, 0, &e);
	assert_non_null(l);
	json_t *items = json_object_get(l, "items");
	assert_int_equal(json_array_size(items), 1);
	json_t *alice = json_array_get(items, 0);
	assert_string_equal(json_string_value(json_object_get(alice, "username")), "alice");
	assert_string_equal(json_string_value(json_object_get(alice, "region_name")), "武汉市");
	assert_true(json_is_false(json_object_get(alice, "disabled")));
	assert_null(json_object_get(alice, "password_hash"));
	json_decref(l);
	l = fk_list_run(t->db, &fk_actor_cli, &fk_user_list, fk_list_arg, NULL, &page, 0, &e);
	assert_int_equal(json_array_size(json_object_get(l, "items")), 2);
	json_decref(l);
}

static void login(fk_db *db, const char *user, const char *pw, const char *addr, fk_login *out)
{
	assert_int_equal(fk_login_check(db, user, pw, addr, out), 0);
}

/* Records a login outcome in its own write transaction. */
static void record(fk_db *db, fk_login *l, const char *user, const char *addr, char *token)
{
	int64_t exp = 0;
	char scratch[FK_TOKEN_LEN + 1];
	assert_int_equal(fk_db_begin_write(db), 0);
	assert_int_equal(fk_login_record(db, l, user, addr, token ? token : scratch, &exp), 0);
	assert_int_equal(fk_db_commit(db), 0);
}

static void test_login_check(void **state)
{
	tu_db *t = *state;
	fk_login l;
	login(t->db, "alice", "alice-password", "1.1.1.1", &l);
	assert_int_equal(l.result, FK_LOGIN_OK);
	assert_string_equal(l.user.username, "alice");
	assert_string_equal(l.user.region, "4201");
	assert_int_equal(l.user.role, FK_ROLE_OFFICER);
	assert_false(l.user.disabled);

	login(t->db, "alice", "wrong-password", "1.1.1.1", &l);
	assert_int_equal(l.result, FK_LOGIN_BAD);
	login(t->db, "nobody", "alice-password", "1.1.1.1", &l);
	assert_int_equal(l.result, FK_LOGIN_BAD);
	login(t->db, "alice", "", "1.1.1.1", &l);
	assert_int_equal(l.result, FK_LOGIN_BAD);

	fk_err e = { 0 };
	assert_int_equal(fk_db_begin_write(t->db), 0);
	assert_int_equal(fk_user_disable(t->db, &fk_actor_cli, "alice", true, &e), 0);
	assert_int_equal(fk_db_commit(t->db), 0);
	assert_string_equal(last_action(t->db), "user.disable");
	login(t->db, "alice", "alice-password", "1.1.1.1", &l);
	assert_int_equal(l.result, FK_LOGIN_BAD); /* one answer for all */
	assert_int_equal(fk_db_begin_write(t->db), 0);
	assert_int_equal(fk_user_disable(t->db, &fk_actor_cli, "alice", false, &e), 0);
	assert_int_equal(fk_db_commit(t->db), 0);
	login(t->db, "alice", "alice-password", "1.1.1.1", &l);
	assert_int_equal(l.result, FK_LOGIN_OK);
}

static void test_rehash_on_login(void **state)
{
	/* alice's stored hash uses the minimum cost: a good login asks for a
	 * rehash with the current parameters, and recording it stores one. */
	tu_db *t = *state;
	fk_login l;
	login(t->db, "alice", "alice-password", "1.1.1.1", &l);
	assert_int_equal(l.result, FK_LOGIN_OK);
	assert_true(l.rehash);
	assert_int_equal(crypto_pwhash_str_verify(l.new_hash, "alice-password", 14), 0);
	assert_int_equal(crypto_pwhash_str_needs_rehash(l.new_hash, crypto_pwhash_OPSLIMIT_INTERACTIVE,
							crypto_pwhash_MEMLIMIT_INTERACTIVE),
			 0);
	char token[FK_TOKEN_LEN + 1];
	record(t->db, &l, "alice", "1.1.1.1", token);
	login(t->db, "alice", "alice-password", "1.1.1.1", &l);
	assert_int_equal(l.result, FK_LOGIN_OK);
	assert_false(l.rehash);
}

static void fail_login(fk_db *db, const char *user, const char *addr)
{
	fk_login l;
	login(db, user, "definitely-wrong", addr, &l);
	assert_int_equal(l.result, FK_LOGIN_BAD);
	record(db, &l, user, addr, NULL);
	/* the failure, and the lock it may start */
	const char *last = last_action(db);
	assert_true(strcmp(last, "login.failed") == 0 || strcmp(last, "login.locked") == 0);
}

/* The detail of the newest audit entry with action, or "" */
static const char *last_detail(fk_db *db, const char *action)
{
	static char buf[256];
	fk_stmt *st;
	buf[0] = '\0';
	assert_int_equal(fk_db_query(db, &st, "SELECT detail FROM audit WHERE action = $1 ORDER BY id DESC LIMIT 1",
				     "s", action),
			 0);
	if (fk_stmt_step(st) == FK_ROW)
		snprintf(buf, sizeof(buf), "%s", fk_stmt_text(st, 0));
	fk_stmt_done(st);
	return buf;
}

static void age_failures(fk_db *db, int64_t seconds)
{
	assert_int_equal(fk_db_run(db, "UPDATE login_failures SET at = at - $1", "i", seconds), 0);
}

static void test_throttle_progressive(void **state)
{
	tu_db *t = *state;
	fk_account_config.fail_window = 3600;
	fk_account_config.lock_delay = 10;
	fk_login l;
	for (int i = 0; i < 3; i++)
		fail_login(t->db, "alice", i == 0 ? "8.8.8.1" : i == 1 ? "8.8.8.2" : "8.8.8.3");
	assert_string_equal(last_action(t->db), "login.locked");
	assert_non_null(strstr(last_detail(t->db, "login.locked"), "\"scope\":\"account\""));
	login(t->db, "alice", "alice-password", "8.8.8.4", &l);
	assert_int_equal(l.result, FK_LOGIN_THROTTLED);
	assert_true(l.retry_after >= 9 && l.retry_after <= 10);
	/* The first lock lapses after lock_delay, not after the window... */
	age_failures(t->db, 11);
	login(t->db, "alice", "wrong-again", "8.8.8.4", &l);
	assert_int_equal(l.result, FK_LOGIN_BAD);
	record(t->db, &l, "alice", "8.8.8.4", NULL);
	/* ...and each further failure doubles it. */
	login(t->db, "alice", "alice-password", "8.8.8.4", &l);
	assert_int_equal(l.result, FK_LOGIN_THROTTLED);
	assert_true(l.retry_after >= 19 && l.retry_after <= 20);
	age_failures(t->db, 21);
	fail_login(t->db, "alice", "8.8.8.4");
	login(t->db, "alice", "alice-password", "8.8.8.4", &l);
	assert_true(l.retry_after >= 39 && l.retry_after <= 40);
	/* never longer than the window */
	fk_account_config.lock_delay = 3000;
	login(t->db, "alice", "alice-password", "8.8.8.4", &l);
	assert_true(l.retry_after >= 3599 && l.retry_after <= 3600);
}

static void test_throttle_pair_spares_the_address(void **state)
{
	tu_db *t = *state;
	fk_account_config.max_failures = 10;
	fk_account_config.max_pair_failures = 2;
	fk_account_config.max_addr_failures = 100;
	fk_login l;
	fail_login(t->db, "alice", "5.5.5.5");
	fail_login(t->db, "alice", "5.5.5.5");
	assert_non_null(strstr(last_detail(t->db, "login.locked"), "\"scope\":\"account+address\""));
	login(t->db, "alice", "alice-password", "5.5.5.5", &l);
	assert_int_equal(l.result, FK_LOGIN_THROTTLED);
	/* the same address, another account: a street behind one NAT address */
	add_user(t->db, "dave", "dave-password", "keeper", "42");
	login(t->db, "dave", "dave-password", "5.5.5.5", &l);
	assert_int_equal(l.result, FK_LOGIN_OK);
	/* the same account from elsewhere */
	login(t->db, "alice", "alice-password", "5.5.5.6", &l);
	assert_int_equal(l.result, FK_LOGIN_OK);
}

static void test_passwd_unlocks(void **state)
{
	tu_db *t = *state;
	fk_login l;
	fk_err e = { 0 };
	for (int i = 0; i < 3; i++)
		fail_login(t->db, "alice", "9.9.9.9");
	login(t->db, "alice", "alice-password", "9.9.9.1", &l);
	assert_int_equal(l.result, FK_LOGIN_THROTTLED);
	char h[FK_PWHASH_LEN];
	quick_hash("new-password", h);
	assert_int_equal(fk_db_begin_write(t->db), 0);
	assert_int_equal(fk_user_passwd(t->db, &fk_actor_cli, "alice", h, &e), 0);
	assert_int_equal(fk_db_commit(t->db), 0);
	assert_string_equal(last_action(t->db), "login.unlocked");
	assert_non_null(strstr(last_detail(t->db, "login.unlocked"), "\"failures\":3"));
	login(t->db, "alice", "new-password", "9.9.9.9", &l);
	assert_int_equal(l.result, FK_LOGIN_OK);
}

static void test_throttle_by_username(void **state)
{
	tu_db *t = *state;
	fk_login l;
	fail_login(t->db, "alice", "2.2.2.1");
	fail_login(t->db, "alice", "2.2.2.2");
	login(t->db, "alice", "alice-password", "2.2.2.3", &l);
	assert_int_equal(l.result, FK_LOGIN_OK); /* 2 failures: still allowed */
	fail_login(t->db, "alice", "2.2.2.3");
	/* The third failure within the window throttles, even the right password
	 * and from a new address. */
	login(t->db, "alice", "alice-password", "2.2.2.4", &l);
	assert_int_equal(l.result, FK_LOGIN_THROTTLED);
	assert_true(l.retry_after >= 1 && l.retry_after <= 60);
	/* A throttled attempt is audited but adds no failure row. */
	int64_t before = 0, after = 0;
	assert_int_equal(fk_db_int64(t->db, &before, "SELECT count(*) FROM login_failures", ""), FK_ROW);
	record(t->db, &l, "alice", "2.2.2.4", NULL);
	assert_int_equal(fk_db_int64(t->db, &after, "SELECT count(*) FROM login_failures", ""), FK_ROW);
	assert_int_equal(before, after);
	assert_string_equal(last_action(t->db), "login.failed");
	/* Another user is not affected. */
	add_user(t->db, "dave", "dave-password", "keeper", "42");
	login(t->db, "dave", "dave-password", "2.2.2.5", &l);
	assert_int_equal(l.result, FK_LOGIN_OK);
}

static void test_throttle_by_address(void **state)
{
	tu_db *t = *state;
	fk_login l;
	fail_login(t->db, "x1", "3.3.3.3");
	fail_login(t->db, "x2", "3.3.3.3");
	fail_login(t->db, "x3", "3.3.3.3");
	login(t->db, "alice", "alice-password", "3.3.3.3", &l);
	assert_int_equal(l.result, FK_LOGIN_THROTTLED);
	login(t->db, "alice", "alice-password", "3.3.3.4", &l);
	assert_int_equal(l.result, FK_LOGIN_OK);
}

static void test_old_failures_expire(void **state)
{
	tu_db *t = *state;
	int64_t old = (int64_t)time(NULL) - 61;
	for (int i = 0; i < 5; i++)
		assert_int_equal(fk_db_run(t->db, "INSERT INTO login_failures (username, addr, at) VALUES ('alice', $1, $2)",
					   "si", "4.4.4.4", old),
				 0);
	fk_login l;
	login(t->db, "alice", "alice-password", "4.4.4.4", &l);
	assert_int_equal(l.result, FK_LOGIN_OK);
}

static void test_success_clears_failures(void **state)
{
	tu_db *t = *state;
	fk_login l;
	fail_login(t->db, "alice", "5.5.5.1");
	fail_login(t->db, "alice", "5.5.5.2");
	login(t->db, "alice", "alice-password", "5.5.5.3", &l);
	assert_int_equal(l.result, FK_LOGIN_OK);
	record(t->db, &l, "alice", "5.5.5.3", NULL);
	fail_login(t->db, "alice", "5.5.5.4");
	fail_login(t->db, "alice", "5.5.5.5");
	login(t->db, "alice", "alice-password", "5.5.5.6", &l);
	assert_int_equal(l.result, FK_LOGIN_OK);
}

static void test_session_lifecycle(void **state)
{
	tu_db *t = *state;
	fk_login l;
	login(t->db, "alice", "alice-password", "6.6.6.6", &l);
	assert_int_equal(l.result, FK_LOGIN_OK);
	char token[FK_TOKEN_LEN + 1];
	int64_t exp = 0, now = (int64_t)time(NULL);
	assert_int_equal(fk_db_begin_write(t->db), 0);
	assert_int_equal(fk_login_record(t->db, &l, "alice", "6.6.6.6", token, &exp), 0);
	assert_int_equal(fk_db_commit(t->db), 0);
	assert_int_equal(strlen(token), FK_TOKEN_LEN);
	assert_true(exp >= now + 3600 && exp <= now + 3601);
	assert_string_equal(last_action(t->db), "login");

	/* Only the token's hash is stored. */
	int64_t n = -1;
	assert_int_equal(fk_db_int64(t->db, &n,
				     "SELECT count(*) FROM sessions WHERE token_hash = $1 OR length(token_hash) != 32",
				     "b", token, strlen(token)),
			 FK_ROW);
	assert_int_equal(n, 0);

	fk_arena a = { 0 };
	fk_actor who;
	int64_t exp2 = 0;
	assert_int_equal(fk_session_lookup(t->db, token, "6.6.6.7", &a, &who, &exp2, NULL), 1);
	assert_string_equal(who.username, "alice");
	assert_string_equal(who.region, "4201");
	assert_string_equal(who.addr, "6.6.6.7");
	assert_int_equal(who.role, FK_ROLE_OFFICER);
	assert_true(who.user_id > 0);
	assert_int_equal(exp2, exp);

	/* Wrong tokens: one character changed, too short, too long, empty. */
	char other[FK_TOKEN_LEN + 2];
	snprintf(other, sizeof(other), "%s", token);
	other[5] = other[5] == 'A' ? 'B' : 'A';
	assert_int_equal(fk_session_lookup(t->db, other, "", &a, &who, NULL, NULL), 0);
	assert_int_equal(fk_session_lookup(t->db, "", "", &a, &who, NULL, NULL), 0);
	snprintf(other, sizeof(other), "%.*s", FK_TOKEN_LEN - 1, token);
	assert_int_equal(fk_session_lookup(t->db, other, "", &a, &who, NULL, NULL), 0);
	snprintf(other, sizeof(other), "%sA", token);
	assert_int_equal(fk_session_lookup(t->db, other, "", &a, &who, NULL, NULL), 0);

	/* A disabled user's session is not valid, even if the row remains. */
	assert_int_equal(fk_db_exec(t->db, "UPDATE users SET disabled = 1 WHERE username = 'alice'"), 0);
	assert_int_equal(fk_session_lookup(t->db, token, "", &a, &who, NULL, NULL), 0);
	assert_int_equal(fk_db_exec(t->db, "UPDATE users SET disabled = 0 WHERE username = 'alice'"), 0);
	assert_int_equal(fk_session_lookup(t->db, token, "", &a, &who, NULL, NULL), 1);

	/* Ending the session. */
	assert_int_equal(fk_db_begin_write(t->db), 0);
	assert_int_equal(fk_session_end(t->db, &who, token), 0);
	assert_int_equal(fk_db_commit(t->db), 0);
	assert_string_equal(last_action(t->db), "logout");
	assert_int_equal(fk_session_lookup(t->db, token, "", &a, &who, NULL, NULL), 0);
	fk_arena_release(&a);
	int64_t bad;
	assert_true(fk_audit_verify(t->db, &bad) > 0);
}

static void new_session(fk_db *db, char *token)
{
	fk_login l;
	login(db, "alice", "alice-password", "7.7.7.7", &l);
	assert_int_equal(l.result, FK_LOGIN_OK);
	record(db, &l, "alice", "7.7.7.7", token);
}

static void test_session_expiry(void **state)
{
	tu_db *t = *state;
	fk_account_config.session_ttl = 1;
	char token[FK_TOKEN_LEN + 1];
	new_session(t->db, token);
	fk_arena a = { 0 };
	fk_actor who;
	assert_int_equal(fk_session_lookup(t->db, token, "", &a, &who, NULL, NULL), 1);
	sleep(2);
	assert_int_equal(fk_session_lookup(t->db, token, "", &a, &who, NULL, NULL), 0);
	/* The next login sweeps expired sessions away. */
	fk_account_config.session_ttl = 3600;
	char token2[FK_TOKEN_LEN + 1];
	new_session(t->db, token2);
	assert_string_not_equal(token, token2);
	int64_t n = -1;
	assert_int_equal(fk_db_int64(t->db, &n, "SELECT count(*) FROM sessions", ""), FK_ROW);
	assert_int_equal(n, 1);
	fk_arena_release(&a);
}

static void test_session_idle(void **state)
{
	tu_db *t = *state;
	fk_account_config.session_idle = 100;
	char token[FK_TOKEN_LEN + 1];
	new_session(t->db, token);
	fk_arena a = { 0 };
	fk_actor who;
	bool stale = true;
	assert_int_equal(fk_session_lookup(t->db, token, "", &a, &who, NULL, &stale), 1);
	assert_false(stale);
	/* used a while ago: still valid, and its use is to be recorded */
	assert_int_equal(fk_db_exec(t->db, "UPDATE sessions SET seen_at = seen_at - 30"), 0);
	assert_int_equal(fk_session_lookup(t->db, token, "", &a, &who, NULL, &stale), 1);
	assert_true(stale);
	assert_int_equal(fk_db_begin_write(t->db), 0);
	assert_int_equal(fk_session_touch(t->db, token, (int64_t)time(NULL)), 0);
	assert_int_equal(fk_db_commit(t->db), 0);
	assert_int_equal(fk_session_lookup(t->db, token, "", &a, &who, NULL, &stale), 1);
	assert_false(stale);
	/* unused for longer than session_idle: ended, though its lifetime is not over */
	assert_int_equal(fk_db_exec(t->db, "UPDATE sessions SET seen_at = seen_at - 101"), 0);
	assert_int_equal(fk_session_lookup(t->db, token, "", &a, &who, NULL, &stale), 0);
	fk_arena_release(&a);
}

static void test_passwd_and_disable_end_sessions(void **state)
{
	tu_db *t = *state;
	char token[FK_TOKEN_LEN + 1];
	fk_arena a = { 0 };
	fk_actor who;
	fk_err e = { 0 };
	new_session(t->db, token);
	char h[FK_PWHASH_LEN];
	quick_hash("new-password", h);
	assert_int_equal(fk_db_begin_write(t->db), 0);
	assert_int_equal(fk_user_passwd(t->db, &fk_actor_cli, "alice", h, &e), 0);
	assert_int_equal(fk_db_commit(t->db), 0);
	assert_string_equal(last_action(t->db), "user.passwd");
	assert_int_equal(fk_session_lookup(t->db, token, "", &a, &who, NULL, NULL), 0);
	fk_login l;
	login(t->db, "alice", "alice-password", "7.7.7.7", &l);
	assert_int_equal(l.result, FK_LOGIN_BAD);
	login(t->db, "alice", "new-password", "7.7.7.7", &l);
	assert_int_equal(l.result, FK_LOGIN_OK);
	record(t->db, &l, "alice", "7.7.7.7", token);
	assert_int_equal(fk_session_lookup(t->db, token, "", &a, &who, NULL, NULL), 1);

	assert_int_equal(fk_db_begin_write(t->db), 0);
	assert_int_equal(fk_user_disable(t->db, &fk_actor_cli, "alice", true, &e), 0);
	assert_int_equal(fk_db_commit(t->db), 0);
	int64_t n = -1;
	assert_int_equal(fk_db_int64(t->db, &n, "SELECT count(*) FROM sessions", ""), FK_ROW);
	assert_int_equal(n, 0);

	/* Out of scope or unknown: 404. */
	const fk_actor beijing = { .username = "b", .role = FK_ROLE_ADMIN, .region = "11", .addr = "" };
	assert_int_equal(fk_user_passwd(t->db, &beijing, "alice", h, &e), -1);
	assert_int_equal(e.status, 404);
	assert_int_equal(fk_user_disable(t->db, &fk_actor_cli, "nobody", true, &e), -1);
	assert_int_equal(e.status, 404);
	fk_arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_password_hash),
		cmocka_unit_test_setup_teardown(test_user_add_validations, setup, teardown),
		cmocka_unit_test_setup_teardown(test_user_add_ok, setup, teardown),
		cmocka_unit_test_setup_teardown(test_user_list_in_scope, setup, teardown),
		cmocka_unit_test_setup_teardown(test_login_check, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rehash_on_login, setup, teardown),
		cmocka_unit_test_setup_teardown(test_throttle_by_username, setup, teardown),
		cmocka_unit_test_setup_teardown(test_throttle_by_address, setup, teardown),
		cmocka_unit_test_setup_teardown(test_old_failures_expire, setup, teardown),
		cmocka_unit_test_setup_teardown(test_throttle_progressive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_throttle_pair_spares_the_address, setup, teardown),
		cmocka_unit_test_setup_teardown(test_passwd_unlocks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_idle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_success_clears_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_lifecycle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_expiry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_passwd_and_disable_end_sessions, setup, teardown),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
