/* text.h - telling the encoding of an uploaded text file.
 *
 * Files from Excel on a Chinese Windows are GB18030 (GBK); from elsewhere
 * UTF-8, with or without a byte-order mark.  fk_text_utf8 accepts those,
 * recognises a few things that are not text at all (an .xlsx workbook,
 * UTF-16) and names them, and hands back UTF-8.
 */
#ifndef FK_TEXT_H
#define FK_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

/* Length of the valid UTF-8 prefix of s[0..n). */
size_t fk_utf8_valid(const char *s, size_t n);

/* Replaces, in place, each byte of the NUL-terminated s that is not part of
 * valid UTF-8 with '?' (a message that echoes a client's bytes, or was cut
 * short in the middle of a character, stays JSON-encodable). */
void fk_utf8_scrub(char *s);

/* Converts in[0..n) to UTF-8.  On success returns 0 with *out (malloc'd,
 * NUL-terminated, BOM removed), *outn and *encoding ("utf-8", "utf-8-bom"
 * or "gb18030").  Otherwise -1 with e set (400, naming the byte offset). */
int fk_text_utf8(const char *in, size_t n, char **out, size_t *outn, const char **encoding, fk_err *e);

/* The first character of the UTF-8 text s that a typed field must not
 * hold: a control character other than tab, line feed and carriage return
 * (C0, DEL, C1), or a bidirectional embedding, override or isolate control
 * (U+202A..U+202E, U+2066..U+2069), which can make a name read differently
 * from what is stored.  Returns its 1-based character position, or 0. */
size_t fk_text_bad_char(const char *s);

/* Whether u is a UUID as phones make them: 8-4-4-4-12 hex digits (NULL: no). */
bool fk_uuid_ok(const char *u);

#endif
