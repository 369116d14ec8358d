/* note.c - signed notes and tlog checkpoints (see note.h).  Called when a
 * checkpoint is signed (each time the ledger grows, at most once a second)
 * and by verifiers; nothing here is on an append's path. */
#include "core/ledger/note.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/checkpoint.h"

#define SIG_PREFIX "\xe2\x80\x94 " /* "— ", an em dash and a space */
#define B64 sodium_base64_VARIANT_ORIGINAL

/* A key name: non-empty, no spaces, no '+', no newline. */
static int name_ok(const char *name, size_t n)
{
	if (n == 0 || n >= FK_NOTE_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (name[i] == ' ' || name[i] == '+' || name[i] == '\n' || (unsigned char)name[i] < 0x20)
			return 0;
	return 1;
}

int fk_note_vkey(const char *name, const unsigned char pk[32], char *out, size_t cap)
{
	unsigned char id[4], typed[33];
	char b64[sodium_base64_ENCODED_LEN(33, B64)];
	fk_note_key_id(name, pk, id);
	typed[0] = 0x01;
	memcpy(typed + 1, pk, 32);
	sodium_bin2base64(b64, sizeof(b64), typed, sizeof(typed), B64);
	int n = snprintf(out, cap, "%s+%02x%02x%02x%02x+%s", name, id[0], id[1], id[2], id[3], b64);
	return n < 0 || (size_t)n >= cap ? -1 : n;
}

int fk_note_vkey_parse(const char *vkey, char *name, unsigned char pk[32], unsigned char id[4])
{
	const char *p1 = strchr(vkey, '+');
	if (!p1 || !name_ok(vkey, (size_t)(p1 - vkey)))
		return -1;
	const char *p2 = strchr(p1 + 1, '+');
	if (!p2 || p2 - p1 - 1 != 8)
		return -1;
	unsigned char typed[64], want[4];
	size_t len = 0;
	if (sodium_hex2bin(id, 4, p1 + 1, 8, NULL, &len, NULL) != 0 || len != 4)
		return -1;
	if (sodium_base642bin(typed, sizeof(typed), p2 + 1, strlen(p2 + 1), NULL, &len, NULL, B64) != 0 || len != 33 ||
	    typed[0] != 0x01)
		return -1;
	memcpy(name, vkey, (size_t)(p1 - vkey));
	name[p1 - vkey] = '\0';
	memcpy(pk, typed + 1, 32);
	fk_note_key_id(name, pk, want);
	if (memcmp(want, id, 4) != 0)
		return -1;
	/* one spelling only (lower-case hex, canonical base64): the key as
	 * written again must be the text given */
	char again[512];
	return fk_note_vkey(name, pk, again, sizeof(again)) > 0 && strcmp(again, vkey) == 0 ? 0 : -1;
}

/* A note's text: non-empty, ends in one newline, no blank line inside. */
static int text_ok(const char *text, size_t n)
{
	return n > 0 && text[n - 1] == '\n' && !memmem(text, n, "\n\n", 2) && text[0] != '\n';
}

int fk_note_sign(const char *name, const unsigned char sk[64], const char *text, char *out, size_t cap)
{
	size_t n = strlen(text);
	if (!text_ok(text, n) || !name_ok(name, strlen(name)))
		return -1;
	unsigned char sig[4 + crypto_sign_BYTES], pk[32];
	crypto_sign_ed25519_sk_to_pk(pk, sk);
	fk_note_key_id(name, pk, sig);
	crypto_sign_detached(sig + 4, NULL, (const unsigned char *)text, n, sk);
	char s64[sodium_base64_ENCODED_LEN(sizeof(sig), B64)];
	sodium_bin2base64(s64, sizeof(s64), sig, sizeof(sig), B64);
	int w = snprintf(out, cap, "%s\n" SIG_PREFIX "%s %s\n", text, name, s64);
	return w < 0 || (size_t)w >= cap ? -1 : w;
}

int fk_note_open(const char *note, const char *name, const unsigned char pk[32], size_t *text_len)
{
	const char *blank = strstr(note, "\n\n");
	if (!blank)
		return -1;
	size_t tn = (size_t)(blank + 1 - note);
	if (!text_ok(note, tn))
		return -1;
	unsigned char id[4];
	fk_note_key_id(name, pk, id);
	size_t nl = strlen(name);
	int sigs = 0, ok = 0;
	for (const char *s = blank + 2; *s;) {
		const char *eol = strchr(s, '\n');
		if (!eol || strncmp(s, SIG_PREFIX, strlen(SIG_PREFIX)) != 0)
			return -1; /* every signature line ends in a newline */
		const char *who = s + strlen(SIG_PREFIX), *sp = memchr(who, ' ', (size_t)(eol - who));
		if (!sp || !name_ok(who, (size_t)(sp - who)))
			return -1;
		unsigned char sig[4 + crypto_sign_BYTES + 1];
		size_t len = 0;
		if (sodium_base642bin(sig, sizeof(sig), sp + 1, (size_t)(eol - sp - 1), NULL, &len, NULL, B64) != 0 ||
		    len < 5)
			return -1;
		sigs++;
		if ((size_t)(sp - who) == nl && memcmp(who, name, nl) == 0 && len == 4 + crypto_sign_BYTES &&
		    memcmp(sig, id, 4) == 0 &&
		    crypto_sign_verify_detached(sig + 4, (const unsigned char *)note, tn, pk) == 0)
			ok = 1;
		s = eol + 1;
	}
	if (!sigs)
		return -1;
	*text_len = tn;
	return ok ? 0 : -2;
}

int fk_tlog_checkpoint_text(const fk_tlog_checkpoint *c, char *out, size_t cap)
{
	char r64[sodium_base64_ENCODED_LEN(32, B64)];
	sodium_bin2base64(r64, sizeof(r64), c->root, 32, B64);
	int n = snprintf(out, cap, "%s\n%" PRId64 "\n%s\n", c->origin, c->size, r64);
	return n < 0 || (size_t)n >= cap ? -1 : n;
}

int fk_tlog_checkpoint_open(const char *note, const char *name, const unsigned char pk[32], fk_tlog_checkpoint *c)
{
	size_t tn = 0;
	int rc = fk_note_open(note, name, pk, &tn);
	if (rc == -1)
		return -1;
	memset(c, 0, sizeof(*c));
	/* origin line */
	const char *p = note, *eol = memchr(p, '\n', tn);
	if (!eol || eol == p || (size_t)(eol - p) >= sizeof(c->origin))
		return -1;
	memcpy(c->origin, p, (size_t)(eol - p));
	/* size: decimal, no sign, no leading zero */
	p = eol + 1;
	eol = memchr(p, '\n', tn - (size_t)(p - note));
	if (!eol || eol == p || eol - p > 19 || (p[0] == '0' && eol - p > 1))
		return -1;
	int64_t size = 0;
	for (const char *q = p; q < eol; q++) {
		if (*q < '0' || *q > '9')
			return -1;
		size = size * 10 + (*q - '0');
	}
	if (size < 0)
		return -1;
	c->size = size;
	/* root hash */
	p = eol + 1;
	eol = memchr(p, '\n', tn - (size_t)(p - note));
	size_t len = 0;
	if (!eol || sodium_base642bin(c->root, 32, p, (size_t)(eol - p), NULL, &len, NULL, B64) != 0 || len != 32)
		return -1;
	return rc;
}
