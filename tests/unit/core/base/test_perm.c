/* test_perm.c - roles, permissions and region scope (core/base/perm.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/base/perm.h"
#include "core/base/scope.h"

static const char *const names[] = { "admin",	    "commander", "officer", "gridworker", "doctor",	"operator",
				     "coordinator", "keeper",	 "auditor", "volunteer",  "finance", "supervisor" };

static void test_role_names_round_trip(void **state)
{
	(void)state;
	assert_int_equal(sizeof(names) / sizeof(names[0]), FK_ROLE_COUNT - 1);
	for (int r = 1; r < FK_ROLE_COUNT; r++) {
		assert_string_equal(fk_role_name((fk_role)r), names[r - 1]);
		assert_int_equal(fk_role_parse(names[r - 1]), r);
		assert_non_null(strstr(fk_role_names(), names[r - 1]));
	}
	assert_string_equal(fk_role_names(),
			    "admin, commander, officer, gridworker, doctor, operator, coordinator, keeper, "
			    "auditor, volunteer, finance, supervisor");
	assert_int_equal(fk_role_parse("Admin"), FK_ROLE_NONE);
	assert_int_equal(fk_role_parse(""), FK_ROLE_NONE);
	assert_int_equal(fk_role_parse("root"), FK_ROLE_NONE);
	assert_int_equal(fk_role_parse(NULL), FK_ROLE_NONE);
	assert_string_equal(fk_role_name(FK_ROLE_NONE), "");
	assert_string_equal(fk_role_name(FK_ROLE_COUNT), "");
	assert_string_equal(fk_role_name((fk_role)-1), "");
}

static void test_permission_table(void **state)
{
	(void)state;
	/* Every role signs in and reads regions; the sensitive permissions
	 * belong to the roles the foundation gave them, and no others. */
	for (int r = 1; r < FK_ROLE_COUNT; r++) {
		fk_perms p = fk_role_perms((fk_role)r);
		assert_int_equal(p & (FK_PERM_SESSION | FK_PERM_REGION_READ), FK_PERM_SESSION | FK_PERM_REGION_READ);
		assert_int_equal((p & FK_PERM_USER_WRITE) != 0, r == FK_ROLE_ADMIN);
		assert_int_equal((p & FK_PERM_AUDIT_READ) != 0, r == FK_ROLE_ADMIN || r == FK_ROLE_AUDITOR);
		assert_int_equal((p & FK_PERM_REGION_WRITE) != 0, r == FK_ROLE_ADMIN || r == FK_ROLE_OFFICER);
		assert_int_equal((p & FK_PERM_USER_READ) != 0,
				 r == FK_ROLE_ADMIN || r == FK_ROLE_COMMANDER || r == FK_ROLE_OFFICER);
	}
	assert_int_equal(fk_role_perms(FK_ROLE_NONE), 0);
	assert_int_equal(fk_role_perms(FK_ROLE_COUNT), 0);
	assert_int_equal(fk_role_perms((fk_role)-1), 0);
}

static void test_role_can(void **state)
{
	(void)state;
	/* Public needs nothing, not even a role. */
	assert_true(fk_role_can(FK_ROLE_NONE, FK_PERM_PUBLIC));
	assert_false(fk_role_can(FK_ROLE_NONE, FK_PERM_SESSION));
	for (int r = 1; r < FK_ROLE_COUNT; r++) {
		assert_true(fk_role_can((fk_role)r, FK_PERM_SESSION));
		assert_true(fk_role_can((fk_role)r, FK_PERM_REGION_READ));
	}
	assert_true(fk_role_can(FK_ROLE_ADMIN, FK_PERM_USER_WRITE));
	assert_false(fk_role_can(FK_ROLE_COMMANDER, FK_PERM_USER_WRITE));
	assert_false(fk_role_can(FK_ROLE_VOLUNTEER, FK_PERM_USER_READ));
	assert_false(fk_role_can(FK_ROLE_AUDITOR, FK_PERM_REGION_WRITE));
	assert_true(fk_role_can(FK_ROLE_AUDITOR, FK_PERM_AUDIT_READ));
	assert_false(fk_role_can(FK_ROLE_OFFICER, FK_PERM_AUDIT_READ));
	/* Several bits at once: all are needed. */
	assert_true(fk_role_can(FK_ROLE_OFFICER, FK_PERM_REGION_WRITE | FK_PERM_USER_READ));
	assert_false(fk_role_can(FK_ROLE_OFFICER, FK_PERM_REGION_WRITE | FK_PERM_USER_WRITE));
}

static void test_perm_names(void **state)
{
	(void)state;
	assert_string_equal(fk_perm_name(FK_PERM_PUBLIC), "public");
	assert_string_equal(fk_perm_name(FK_PERM_SESSION), "session");
	assert_string_equal(fk_perm_name(FK_PERM_REGION_READ), "region.read");
	assert_string_equal(fk_perm_name(FK_PERM_REGION_WRITE), "region.write");
	assert_string_equal(fk_perm_name(FK_PERM_USER_READ), "user.read");
	assert_string_equal(fk_perm_name(FK_PERM_USER_WRITE), "user.write");
	assert_string_equal(fk_perm_name(FK_PERM_AUDIT_READ), "audit.read");
	assert_string_equal(fk_perm_name(FK_PERM_TICKET_READ), "ticket.read");
	assert_string_equal(fk_perm_name(FK_PERM_BULLETIN_APPROVE), "bulletin.approve");
	assert_string_equal(fk_perm_name(UINT64_C(1) << 40), "?");

	/* Every permission a role holds has a name, and /api/v1/me lists
	 * them all within the 64 slots the contract promises are enough;
	 * every declared bit has a name of its own. */
	for (int b = 0; b < 32; b++)
		assert_string_not_equal(fk_perm_name(UINT64_C(1) << b), "?");
	for (int r = 0; r < FK_ROLE_COUNT; r++) {
		fk_perms p = fk_role_perms((fk_role)r);
		const char *out[64];
		int n = fk_role_perm_names((fk_role)r, out, 64);
		assert_int_equal(n, __builtin_popcountll(p));
		for (int b = 0; b < 64; b++) {
			if (!(p & (UINT64_C(1) << b)))
				continue;
			const char *name = fk_perm_name(UINT64_C(1) << b);
			assert_string_not_equal(name, "?");
			int found = 0;
			for (int i = 0; i < n; i++)
				found += strcmp(out[i], name) == 0;
			assert_int_equal(found, 1);
		}
	}
	const char *out[16];
	assert_int_equal(fk_role_perm_names(FK_ROLE_ADMIN, out, 2), 2); /* bounded by max */
	assert_string_equal(out[0], "session");
	assert_string_equal(out[1], "region.read");
	assert_int_equal(fk_role_perm_names(FK_ROLE_NONE, out, 16), 0);
}

static void test_scope_contains(void **state)
{
	(void)state;
	assert_true(fk_scope_contains("", ""));
	assert_true(fk_scope_contains("", "42"));
	assert_true(fk_scope_contains("", "420106001001001"));
	assert_true(fk_scope_contains("42", "42"));
	assert_true(fk_scope_contains("42", "4201"));
	assert_true(fk_scope_contains("4201", "420106001001"));
	assert_false(fk_scope_contains("42", "43"));
	assert_false(fk_scope_contains("42", "4"));  /* an ancestor is outside */
	assert_false(fk_scope_contains("42", ""));   /* the country is outside a province */
	assert_false(fk_scope_contains("4201", "4202"));
	assert_false(fk_scope_contains("420106", "420107001"));
}

static void check_upper(const char *scope, const char *want)
{
	char hi[32];
	memset(hi, 'X', sizeof(hi));
	fk_scope_upper(scope, hi, (int)strlen(scope) + 2);
	assert_string_equal(hi, want);
}

static void test_scope_upper(void **state)
{
	(void)state;
	check_upper("", "~");
	check_upper("42", "43");
	check_upper("4201", "4202");
	check_upper("420106001001", "420106001002");
	/* Codes ending in 9: the last byte becomes ':', which sorts after every
	 * digit, so the range still holds exactly the subtree. */
	check_upper("19", "1:");
	check_upper("420109", "42010:");
	check_upper("99", "9:");
	char hi[8];
	fk_scope_upper("19", hi, sizeof(hi));
	assert_true(strcmp("19", hi) < 0);
	assert_true(strcmp("199999999999999", hi) < 0); /* deepest code under 19 */
	assert_true(strcmp("20", hi) > 0);              /* next province is outside */
	assert_true(strcmp("1", hi) < 0 && strcmp("1", "19") < 0); /* below the lower bound */
	/* The empty scope's bound is above every digit code. */
	fk_scope_upper("", hi, sizeof(hi));
	assert_true(strcmp("999999999999999", hi) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_role_names_round_trip), cmocka_unit_test(test_permission_table),
		cmocka_unit_test(test_role_can),	      cmocka_unit_test(test_perm_names),
		cmocka_unit_test(test_scope_contains),	      cmocka_unit_test(test_scope_upper),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
