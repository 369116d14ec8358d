/* csvlines.c - feeding libcsv line by line (see csvlines.h). */
#include "util/csvlines.h"

#include <string.h>

int fk_csv_parse_text(struct csv_parser *p, const char *text, size_t n, int64_t *line,
		      void (*on_field)(void *, size_t, void *), void (*on_row)(int, void *), void *ctx)
{
	size_t off = 0;
	*line = 0;
	while (off < n) {
		const char *nl = memchr(text + off, '\n', n - off);
		size_t len = nl ? (size_t)(nl - (text + off)) + 1 : n - off;
		(*line)++;
		if (csv_parse(p, text + off, len, on_field, on_row, ctx) != len)
			return -1;
		off += len;
	}
	return csv_fini(p, on_field, on_row, ctx) == 0 ? 0 : -1;
}
