/* strbuf.h - growable byte string.
 *
 * Invariants: buf is never NULL (an empty strbuf points at a static ""), and
 * buf[len] is always '\0', so buf can be passed to any C string function.
 */
#ifndef FK_STRBUF_H
#define FK_STRBUF_H

#include <stddef.h>

typedef struct fk_strbuf {
	char *buf;
	size_t len, alloc; /* alloc == 0: buf is the static "" */
} fk_strbuf;

#define FK_STRBUF_INIT { (char *)"", 0, 0 }

void fk_strbuf_init(fk_strbuf *sb);
void fk_strbuf_release(fk_strbuf *sb);
void fk_strbuf_reset(fk_strbuf *sb);
void fk_strbuf_add(fk_strbuf *sb, const void *data, size_t n);
void fk_strbuf_adds(fk_strbuf *sb, const char *s);
void fk_strbuf_addch(fk_strbuf *sb, char c);
void fk_strbuf_addf(fk_strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Hands the buffer to the caller (malloc'd, NUL-terminated); sb is reset. */
char *fk_strbuf_detach(fk_strbuf *sb, size_t *len);

#endif
