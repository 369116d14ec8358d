/* fuzz_csv.c - libFuzzer target for the CSV line reader (util/csvlines.c
 * over libcsv) as the import sets it up (core/grid/import.c: strict at the
 * end).  fuzz_import covers the import above it.
 *
 * Input: the file, exactly its length (no terminating NUL).  Checks: the
 * answer is 0 or -1; the line number stays within the lines of the text
 * (at most one past the last line break); each record is reported on a
 * line no earlier than the one before; every field handed over lies within
 * a buffer of the length given, and a record has at least one field.  A
 * second parse of the same text gives the same records and fields.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/csvlines.h"

#define CHECK(c)                                  \
	do {                                      \
		if (!(c))                         \
			__builtin_trap();         \
	} while (0)

typedef struct rd {
	int64_t *line;
	int64_t last_row_line, rows, fields, row_fields, bytes;
} rd;

static void on_field(void *s, size_t n, void *ctx)
{
	rd *r = ctx;
	/* touch every byte: ASan reports a field pointing outside its buffer */
	const unsigned char *p = s;
	for (size_t i = 0; i < n; i++)
		r->bytes += p[i];
	r->fields++;
	r->row_fields++;
}

static void on_row(int c, void *ctx)
{
	(void)c;
	rd *r = ctx;
	CHECK(*r->line >= r->last_row_line);
	CHECK(r->row_fields >= 1);
	r->last_row_line = *r->line;
	r->rows++;
	r->row_fields = 0;
}

static int parse(const char *text, size_t n, rd *r)
{
	struct csv_parser p;
	CHECK(csv_init(&p, CSV_APPEND_NULL | CSV_STRICT_FINI) == 0);
	int64_t line = -1;
	memset(r, 0, sizeof(*r));
	r->line = &line;
	int rc = fk_csv_parse_text(&p, text, n, &line, on_field, on_row, r);
	CHECK(rc == 0 || rc == -1);
	int64_t nl = 0;
	for (size_t i = 0; i < n; i++)
		nl += text[i] == '\n';
	CHECK(line >= 0 && line <= nl + 1);
	csv_free(&p);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size ? size : 1);
	memcpy(text, data, size);
	rd a, b;
	int ra = parse(text, size, &a), rb = parse(text, size, &b);
	CHECK(ra == rb && a.rows == b.rows && a.fields == b.fields && a.bytes == b.bytes);
	free(text);
	return 0;
}
