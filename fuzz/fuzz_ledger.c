/* fuzz_ledger.c - libFuzzer target for what `fangkong ledger verify` and
 * the public ledger's verifiers read from outside: a checkpoint note
 * (core/ledger/note.c: fk_tlog_checkpoint_open) and a verifier key
 * (fk_note_vkey_parse).
 *
 * Input: text.  Checks: opening it as a checkpoint signed by a fixed key
 * answers 0, -1 or -2; a checkpoint that opens (0) is one the key signed:
 * signing its own text again gives a note that opens to the same origin,
 * size and root.  Read as a verifier key, a key that parses is written back
 * byte for byte.  Every note's text made from the input's first bytes is
 * signed and opened again.
 */
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/ledger/note.h"

#define CHECK(c)                                  \
	do {                                      \
		if (!(c))                         \
			__builtin_trap();         \
	} while (0)

static unsigned char pk[32], sk[64];
#define NAME "example.org/ledger"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		abort();
	unsigned char seed[crypto_sign_SEEDBYTES];
	memset(seed, 7, sizeof(seed));
	crypto_sign_seed_keypair(pk, sk, seed);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	fk_tlog_checkpoint c;
	int rc = fk_tlog_checkpoint_open(text, NAME, pk, &c);
	CHECK(rc == 0 || rc == -1 || rc == -2);
	if (rc == 0) {
		char body[FK_NOTE_MAX], note[FK_NOTE_MAX];
		CHECK(fk_tlog_checkpoint_text(&c, body, sizeof(body)) > 0);
		CHECK(fk_note_sign(NAME, sk, body, note, sizeof(note)) > 0);
		fk_tlog_checkpoint again;
		CHECK(fk_tlog_checkpoint_open(note, NAME, pk, &again) == 0);
		CHECK(strcmp(again.origin, c.origin) == 0 && again.size == c.size &&
		      memcmp(again.root, c.root, 32) == 0);
	}
	char name[FK_NOTE_NAME_MAX], back[512];
	unsigned char kpk[32], id[4];
	if (fk_note_vkey_parse(text, name, kpk, id) == 0) {
		CHECK(fk_note_vkey(name, kpk, back, sizeof(back)) > 0);
		CHECK(strcmp(back, text) == 0);
	}
	/* the input's first line as an origin: signed and opened again */
	size_t n = strcspn(text, "\n");
	if (n > 0 && n < FK_NOTE_NAME_MAX) {
		fk_tlog_checkpoint mine = { .size = (int64_t)size };
		memcpy(mine.origin, text, n);
		mine.origin[n] = '\0';
		memcpy(mine.root, pk, 32);
		char body[FK_NOTE_MAX], note[FK_NOTE_MAX];
		if (fk_tlog_checkpoint_text(&mine, body, sizeof(body)) > 0 &&
		    fk_note_sign(NAME, sk, body, note, sizeof(note)) > 0) {
			fk_tlog_checkpoint got;
			CHECK(fk_tlog_checkpoint_open(note, NAME, pk, &got) == 0);
			CHECK(got.size == mine.size && strcmp(got.origin, mine.origin) == 0);
		}
	}
	free(text);
	return 0;
}
