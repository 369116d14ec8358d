/* test_pii.c - personal data at rest (util/pii.h): sealing round trip,
 * tamper detection, keyed hashes, masks, key file loading. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "util/pii.h"

static fk_pii_keys keys;

static int setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	randombytes_buf(keys.enc, sizeof(keys.enc));
	randombytes_buf(keys.mac, sizeof(keys.mac));
	return 0;
}

static void test_seal_open(void **state)
{
	(void)state;
	unsigned char box[64 + FK_PII_OVERHEAD];
	size_t n = fk_pii_seal(&keys, "420106198001010015", box);
	assert_int_equal(n, 18 + FK_PII_OVERHEAD);
	/* the plain text does not appear in the ciphertext */
	assert_null(memmem(box, n, "42010619800101", 14));
	char out[64];
	assert_int_equal(fk_pii_open(&keys, box, n, out, sizeof(out)), 0);
	assert_string_equal(out, "420106198001010015");
	/* a fresh nonce each time: the same value seals differently */
	unsigned char box2[64 + FK_PII_OVERHEAD];
	fk_pii_seal(&keys, "420106198001010015", box2);
	assert_memory_not_equal(box, box2, n);
	/* one flipped bit is detected */
	box[n - 1] ^= 1;
	assert_int_equal(fk_pii_open(&keys, box, n, out, sizeof(out)), -1);
	/* too short, or too long for the buffer */
	assert_int_equal(fk_pii_open(&keys, box, 10, out, sizeof(out)), -1);
	box[n - 1] ^= 1;
	assert_int_equal(fk_pii_open(&keys, box, n, out, 5), -1);
	/* another key cannot open it */
	fk_pii_keys other;
	randombytes_buf(&other, sizeof(other));
	assert_int_equal(fk_pii_open(&other, box, n, out, sizeof(out)), -1);
}

static void test_hash(void **state)
{
	(void)state;
	unsigned char a[FK_PII_HASH_LEN], b[FK_PII_HASH_LEN], c[FK_PII_HASH_LEN];
	fk_pii_hash(&keys, "phone", "13812345678", a);
	fk_pii_hash(&keys, "phone", "13812345678", b);
	assert_memory_equal(a, b, FK_PII_HASH_LEN);
	/* domains separate equal values */
	fk_pii_hash(&keys, "doc", "13812345678", c);
	assert_memory_not_equal(a, c, FK_PII_HASH_LEN);
	/* the key matters */
	fk_pii_keys other = keys;
	other.mac[0] ^= 1;
	fk_pii_hash(&other, "phone", "13812345678", c);
	assert_memory_not_equal(a, c, FK_PII_HASH_LEN);
}

static void test_masks(void **state)
{
	(void)state;
	char out[64];
	fk_mask_doc("42010619800101123X", out);
	assert_string_equal(out, "420106********123X");
	fk_mask_doc("E12345678", out); /* a passport keeps its last 2 */
	assert_string_equal(out, "*******78");
	fk_mask_phone("13812345678", out);
	assert_string_equal(out, "138****5678");
	fk_mask_phone("88881234", out); /* a landline keeps its last 4 */
	assert_string_equal(out, "****1234");
	fk_mask_phone("12", out);
	assert_string_equal(out, "*2");
}

static void test_load(void **state)
{
	(void)state;
	char dir[] = "/tmp/fk-pii-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char db[256], key[300];
	snprintf(db, sizeof(db), "%s/x.db", dir);
	snprintf(key, sizeof(key), "%s.key", db);
	fk_pii_keys k1, k2;
	assert_int_equal(fk_pii_load(db, &k1), -1); /* no key file */
	FILE *f = fopen(key, "wb");
	unsigned char master[32];
	randombytes_buf(master, sizeof(master));
	fwrite(master, 1, 16, f); /* too short */
	fclose(f);
	assert_int_equal(fk_pii_load(db, &k1), -1);
	f = fopen(key, "wb");
	fwrite(master, 1, 32, f);
	fclose(f);
	assert_int_equal(fk_pii_load(db, &k1), 0);
	assert_int_equal(fk_pii_load(db, &k2), 0);
	assert_memory_equal(&k1, &k2, sizeof(k1));
	/* the two derived keys differ from each other and from the master */
	assert_memory_not_equal(k1.enc, k1.mac, 32);
	assert_memory_not_equal(k1.enc, master, 32);
	unlink(key);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seal_open),
		cmocka_unit_test(test_hash),
		cmocka_unit_test(test_masks),
		cmocka_unit_test(test_load),
	};
	return cmocka_run_group_tests_name("util/pii", tests, setup, NULL);
}
