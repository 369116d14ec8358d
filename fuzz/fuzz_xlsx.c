/* fuzz_xlsx.c - libFuzzer target for the .xlsx reader (util/xlsx.c) on
 * arbitrary archives.  The seed stores its members uncompressed, so
 * mutations reach the XML handlers (libzip reports a CRC mismatch only at
 * a member's end).
 *
 * Checks: the reader returns 0 or -1 and, on -1, a 400 naming the file or
 * the sheet; every cell it reports has a column >= 0 and a NUL-terminated
 * text of the length given; every row number is >= 0.
 */
#include <stdint.h>
#include <string.h>

#include "util/sheet.h"

#define CHECK(c)                          \
	do {                              \
		if (!(c))                 \
			__builtin_trap(); \
	} while (0)

static void on_cell(void *ctx, int col, const char *s, size_t len, bool number)
{
	(void)ctx, (void)number;
	CHECK(col >= 0);
	CHECK(strlen(s) == len);
}

static void on_row(void *ctx, int64_t line)
{
	(void)ctx;
	CHECK(line >= 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fk_sheet_sink k = { on_cell, on_row, NULL };
	fk_err e = { 0 };
	char name[64];
	int rc = fk_xlsx_read((const char *)data, size, NULL, &k, name, &e);
	CHECK(rc == 0 || rc == -1);
	if (rc < 0)
		CHECK(e.status == 400 || e.status == 500);
	return 0;
}
