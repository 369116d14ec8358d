/* test_note.c - signed notes and tlog checkpoints (core/ledger/note.h):
 * the signed-note vector of golang.org/x/mod/sumdb/note (fixtures in
 * tests/fixtures/signed-note, see SOURCE.md) signed byte for byte, its
 * verifier key written and read, forgeries refused, checkpoints read back. */
#include <setjmp.h>
#include <sodium.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/ledger/note.h"

#define FIX "tests/fixtures/signed-note/"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	static char bufs[4][2048];
	static int next;
	char *b = bufs[next++ % 4];
	size_t n = fread(b, 1, 2047, f);
	b[n] = '\0';
	fclose(f);
	return b;
}

/* The vector's key pair from its "PRIVATE+KEY+name+id+base64(0x01 seed)". */
static void vector_key(unsigned char pk[32], unsigned char sk[64])
{
	char *skey = slurp(FIX "skey.txt");
	skey[strcspn(skey, "\n")] = '\0';
	/* the base64 may hold a '+' itself: the key is after the 4th '+' */
	const char *b = skey;
	for (int i = 0; i < 4; i++)
		b = strchr(b, '+') + 1;
	unsigned char typed[33];
	size_t len = 0;
	assert_int_equal(sodium_base642bin(typed, sizeof(typed), b, strlen(b), NULL, &len, NULL,
					   sodium_base64_VARIANT_ORIGINAL),
			 0);
	assert_int_equal(len, 33);
	assert_int_equal(typed[0], 0x01);
	assert_int_equal(crypto_sign_seed_keypair(pk, sk, typed + 1), 0);
}

static void test_vector_signed_alike(void **state)
{
	(void)state;
	unsigned char pk[32], sk[64];
	vector_key(pk, sk);
	char out[FK_NOTE_MAX];
	int n = fk_note_sign("PeterNeumann", sk, slurp(FIX "text.txt"), out, sizeof(out));
	assert_true(n > 0);
	assert_string_equal(out, slurp(FIX "note.txt"));
	char vkey[256];
	assert_true(fk_note_vkey("PeterNeumann", pk, vkey, sizeof(vkey)) > 0);
	char *want = slurp(FIX "vkey.txt");
	want[strcspn(want, "\n")] = '\0';
	assert_string_equal(vkey, want);
}

static void test_vector_opened(void **state)
{
	(void)state;
	char name[FK_NOTE_NAME_MAX], *vkey = slurp(FIX "vkey.txt");
	vkey[strcspn(vkey, "\n")] = '\0';
	unsigned char pk[32], id[4];
	assert_int_equal(fk_note_vkey_parse(vkey, name, pk, id), 0);
	assert_string_equal(name, "PeterNeumann");
	const char *note = slurp(FIX "note.txt");
	size_t tn = 0;
	assert_int_equal(fk_note_open(note, name, pk, &tn), 0);
	assert_int_equal(tn, strlen(slurp(FIX "text.txt")));

	char bad[FK_NOTE_MAX];
	/* one letter of the text changed: the signature fails */
	snprintf(bad, sizeof(bad), "%s", note);
	bad[strstr(bad, "cryptography") - bad + 11] = 'Y';
	assert_int_equal(fk_note_open(bad, name, pk, &tn), -2);
	/* another key's name */
	assert_int_equal(fk_note_open(note, "EnochRoot", pk, &tn), -2);
	/* a signature line that is not one */
	snprintf(bad, sizeof(bad), "%sgarbage\n", note);
	assert_int_equal(fk_note_open(bad, name, pk, &tn), -1);
	/* no blank line */
	assert_int_equal(fk_note_open("just text\n", name, pk, &tn), -1);
	/* a changed verifier key: its id no longer matches */
	char vbad[256];
	snprintf(vbad, sizeof(vbad), "%s", vkey);
	vbad[strlen(vbad) - 3] ^= 1;
	assert_int_equal(fk_note_vkey_parse(vbad, name, pk, id), -1);
	assert_int_equal(fk_note_vkey_parse("PeterNeumann+c74f20a3", name, pk, id), -1);
}

static void test_checkpoint_round_trip(void **state)
{
	(void)state;
	unsigned char pk[32], sk[64];
	crypto_sign_keypair(pk, sk);
	fk_tlog_checkpoint c = { .origin = "example.org/ledger", .size = 1234 };
	randombytes_buf(c.root, 32);
	char text[FK_NOTE_MAX], note[FK_NOTE_MAX];
	assert_true(fk_tlog_checkpoint_text(&c, text, sizeof(text)) > 0);
	assert_true(fk_note_sign(c.origin, sk, text, note, sizeof(note)) > 0);
	fk_tlog_checkpoint back;
	assert_int_equal(fk_tlog_checkpoint_open(note, c.origin, pk, &back), 0);
	assert_string_equal(back.origin, c.origin);
	assert_int_equal(back.size, 1234);
	assert_memory_equal(back.root, c.root, 32);
	/* a forged size: the signature fails */
	char forged[FK_NOTE_MAX];
	snprintf(forged, sizeof(forged), "%s", note);
	forged[strlen(c.origin) + 1] = '2';
	assert_int_equal(fk_tlog_checkpoint_open(forged, c.origin, pk, &back), -2);
	/* a size with a leading zero or a sign is malformed, signed or not */
	fk_tlog_checkpoint z = c;
	char t2[FK_NOTE_MAX], n2[FK_NOTE_MAX];
	snprintf(t2, sizeof(t2), "%s\n01234\nAAAA\n", c.origin);
	assert_true(fk_note_sign(c.origin, sk, t2, n2, sizeof(n2)) > 0);
	assert_int_equal(fk_tlog_checkpoint_open(n2, c.origin, pk, &z), -1);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vector_signed_alike),
		cmocka_unit_test(test_vector_opened),
		cmocka_unit_test(test_checkpoint_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
