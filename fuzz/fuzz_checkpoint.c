/* fuzz_checkpoint.c - libFuzzer target for the audit log's checkpoint
 * notes (core/base/checkpoint.c), which `fangkong audit verify` reads from
 * a file the operator keeps (so from outside the process).
 *
 * Input: the text of a checkpoint file.  It is read note by note as
 * fk_checkpoint_verify reads it, with a fixed key.  Checks: each step
 * consumes at least one byte and stays within the text; a verified note
 * is one the key signed (signing what it says gives a note that opens to
 * the same checkpoint); every answer is one of 0, 1, -1, -2.  When the
 * input is long enough its first bytes are also made into a checkpoint,
 * signed, and opened again, which must give it back.
 */
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/checkpoint.h"

#define CHECK(c)                                  \
	do {                                      \
		if (!(c))                         \
			__builtin_trap();         \
	} while (0)

static fk_audit_key key, other;

static void make_key(fk_audit_key *k, unsigned char fill)
{
	unsigned char seed[crypto_sign_SEEDBYTES];
	memset(seed, fill, sizeof(seed));
	crypto_sign_seed_keypair(k->pk, k->sk, seed);
	/* the key id: the first 4 bytes of SHA-256("fangkong-audit\n" 0x01 pk) */
	unsigned char buf[15 + 1 + 32], h[32];
	memcpy(buf, "fangkong-audit\n", 15);
	buf[15] = 0x01;
	memcpy(buf + 16, k->pk, 32);
	crypto_hash_sha256(h, buf, sizeof(buf));
	memcpy(k->id, h, 4);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		abort();
	make_key(&key, 1);
	make_key(&other, 2);
	/* the key id rule above is the module's */
	fk_checkpoint c = { 3, 1700000000, { 0 } };
	char note[FK_CHECKPOINT_MAX];
	fk_checkpoint_sign(&key, &c, note);
	fk_checkpoint got;
	size_t used = 0;
	if (fk_checkpoint_open(&key, note, &got, &used) != 0)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	size_t len = strlen(text);
	const char *p = text;
	for (int guard = 0; guard <= (int)len + 1; guard++) {
		fk_checkpoint c;
		memset(&c, 0, sizeof(c));
		size_t used = 0;
		int rc = fk_checkpoint_open(&key, p, &c, &used);
		CHECK(rc == 0 || rc == 1 || rc == -1 || rc == -2);
		if (rc == 1 || rc == -1)
			break;
		CHECK(used > 0 && used <= (size_t)(text + len - p));
		if (rc == 0) {
			CHECK(c.size >= 0 && c.time >= 0);
			char note[FK_CHECKPOINT_MAX];
			fk_checkpoint_sign(&key, &c, note);
			fk_checkpoint again;
			size_t u2 = 0;
			CHECK(fk_checkpoint_open(&key, note, &again, &u2) == 0);
			CHECK(memcmp(&again, &c, sizeof(c)) == 0);
			/* a note of this key is no note of another */
			CHECK(fk_checkpoint_open(&other, note, &again, &u2) == -2);
		}
		p += used;
	}
	if (size >= 48) {
		fk_checkpoint c;
		memcpy(&c.size, data, 8);
		memcpy(&c.time, data + 8, 8);
		memcpy(c.hash, data + 16, 32);
		c.size &= INT64_MAX;
		c.time &= INT64_MAX;
		char note[FK_CHECKPOINT_MAX];
		size_t n = fk_checkpoint_sign(&key, &c, note);
		CHECK(n > 0 && n < FK_CHECKPOINT_MAX && note[n] == '\0');
		fk_checkpoint again;
		size_t used = 0;
		CHECK(fk_checkpoint_open(&key, note, &again, &used) == 0);
		CHECK(used == n);
		CHECK(again.size == c.size && again.time == c.time && memcmp(again.hash, c.hash, 32) == 0);
	}
	free(text);
	return 0;
}
