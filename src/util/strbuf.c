/* strbuf.c - growable byte string (see strbuf.h for invariants). */
#include "util/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fk_strbuf_init(fk_strbuf *sb)
{
	sb->buf = (char *)"";
	sb->len = sb->alloc = 0;
}

void fk_strbuf_release(fk_strbuf *sb)
{
	if (sb->alloc)
		free(sb->buf);
	fk_strbuf_init(sb);
}

void fk_strbuf_reset(fk_strbuf *sb)
{
	sb->len = 0;
	if (sb->alloc)
		sb->buf[0] = '\0';
}

static void grow(fk_strbuf *sb, size_t extra)
{
	if (sb->len + extra + 1 <= sb->alloc)
		return;
	size_t want = sb->alloc ? sb->alloc : 64;
	while (want < sb->len + extra + 1)
		want *= 2;
	char *p = sb->alloc ? realloc(sb->buf, want) : malloc(want);
	if (!p)
		abort();
	if (!sb->alloc)
		p[0] = '\0';
	sb->buf = p;
	sb->alloc = want;
}

void fk_strbuf_add(fk_strbuf *sb, const void *data, size_t n)
{
	grow(sb, n);
	memcpy(sb->buf + sb->len, data, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void fk_strbuf_adds(fk_strbuf *sb, const char *s)
{
	fk_strbuf_add(sb, s, strlen(s));
}

void fk_strbuf_addch(fk_strbuf *sb, char c)
{
	fk_strbuf_add(sb, &c, 1);
}

void fk_strbuf_addf(fk_strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	grow(sb, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

char *fk_strbuf_detach(fk_strbuf *sb, size_t *len)
{
	grow(sb, 0);
	char *p = sb->buf;
	if (len)
		*len = sb->len;
	fk_strbuf_init(sb);
	return p;
}
