/* text.c - encoding detection and conversion with iconv (see text.h).
 * The UTF-8 validator is written here: it is a dozen lines and glibc has
 * no public one. */
#include "util/text.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

size_t fk_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		unsigned c = p[i];
		size_t len;
		uint32_t cp;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			len = 2, cp = c & 0x1F;
		} else if ((c & 0xF0) == 0xE0) {
			len = 3, cp = c & 0x0F;
		} else if ((c & 0xF8) == 0xF0) {
			len = 4, cp = c & 0x07;
		} else {
			return i;
		}
		if (i + len > n)
			return i;
		for (size_t k = 1; k < len; k++) {
			if ((p[i + k] & 0xC0) != 0x80)
				return i;
			cp = (cp << 6) | (p[i + k] & 0x3F);
		}
		/* overlong forms, surrogates and values past U+10FFFF */
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
			return i;
		i += len;
	}
	return n;
}
void fk_utf8_scrub(char *s)
{
	size_t n = strlen(s), i = 0;
	while (i < n) {
		i += fk_utf8_valid(s + i, n - i);
		if (i < n)
			s[i++] = '?';
	}
}


int fk_text_utf8(const char *in, size_t n, char **out, size_t *outn, const char **encoding, fk_err *e)
{
	*out = NULL;
	if (n >= 4 && memcmp(in, "PK\x03\x04", 4) == 0)
		return fk_err_invalid(e, "file", "this looks like an Excel workbook (.xlsx): open it in Excel or WPS, "
						  "save it as CSV (UTF-8 or the default Chinese encoding) and import that");
	if (n >= 8 && memcmp(in, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0)
		return fk_err_invalid(e, "file", "this looks like an old Excel workbook (.xls): save it as CSV and "
						  "import that");
	if (n >= 2 && ((unsigned char)in[0] == 0xFF && (unsigned char)in[1] == 0xFE))
		return fk_err_invalid(e, "file", "the file is UTF-16: save it as CSV in UTF-8 or GB18030");
	const void *nul = memchr(in, '\0', n);
	if (nul)
		return fk_err_invalid(e, "file", "the file holds a NUL byte at position %zu: it is not a text CSV file",
				      (size_t)((const char *)nul - in));
	if (n >= 3 && memcmp(in, "\xEF\xBB\xBF", 3) == 0) {
		in += 3, n -= 3;
		*encoding = "utf-8-bom";
	} else {
		*encoding = "utf-8";
	}
	size_t ok = fk_utf8_valid(in, n);
	if (ok == n) {
		*out = malloc(n + 1);
		if (!*out)
			abort();
		memcpy(*out, in, n);
		(*out)[n] = '\0';
		*outn = n;
		return 0;
	}
	if (strcmp(*encoding, "utf-8-bom") == 0)
		return fk_err_invalid(e, "file", "the file says UTF-8 but byte %zu is not UTF-8", ok + 3);
	/* Not UTF-8: try GB18030, what Excel saves on a Chinese Windows. */
	iconv_t cd = iconv_open("UTF-8", "GB18030");
	if (cd == (iconv_t)-1)
		return fk_err_internal(e);
	size_t cap = n * 2 + 16, left_in = n, left_out = cap;
	char *buf = malloc(cap + 1), *src = (char *)in, *dst = buf;
	if (!buf)
		abort();
	size_t r = iconv(cd, &src, &left_in, &dst, &left_out);
	iconv_close(cd);
	if (r == (size_t)-1) {
		size_t pos = (size_t)(src - in);
		free(buf);
		return fk_err_invalid(e, "file",
				      "cannot tell the file's encoding: it is neither UTF-8 (byte %zu) nor GB18030 "
				      "(byte %zu); save it as CSV in UTF-8",
				      ok, pos);
	}
	*outn = cap - left_out;
	buf[*outn] = '\0';
	*out = buf;
	*encoding = "gb18030";
	return 0;
}

bool fk_uuid_ok(const char *u)
{
	if (!u)
		return false;
	for (int i = 0; i < 36; i++) {
		char c = u[i];
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
			return false;
	}
	return u[36] == '\0';
}

size_t fk_text_bad_char(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t pos = 1; *p; pos++) {
		unsigned c = *p;
		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
			return pos;
		/* C1 controls: U+0080..U+009F, C2 80..C2 9F */
		if (c == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			return pos;
		/* U+202A..U+202E: E2 80 AA..AE; U+2066..U+2069: E2 81 A6..A9 */
		if (c == 0xe2 && ((p[1] == 0x80 && p[2] >= 0xaa && p[2] <= 0xae) ||
				  (p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9)))
			return pos;
		do /* to the next character */
			p++;
		while ((*p & 0xc0) == 0x80);
	}
	return 0;
}
