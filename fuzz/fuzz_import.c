/* fuzz_import.c - libFuzzer target for the person import
 * (core/grid/import.c: encoding, headers, each row's validation, and the
 * stores of the valid ones) of a CSV file, in a transaction on the fixture
 * database (fuzzdb.h) rolled back afterwards.  fuzz_csv covers the line
 * reader under it alone, much faster (the import starts a thread per file).
 *
 * Input: the first byte picks the grid passed for rows without one (none,
 * the caller's grid, another) and the caller (top bit: the CLI or a grid
 * worker); the rest is the file, exactly its length (no terminating NUL).
 * Checks: the import answers a report whose counts add up (rows = imported + updated +
 * unchanged + rejected_count, rejected lines within the file) or a client
 * error (400 or 422, or 403/404 for the grid; never 500).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/grid/import.h"
#include "fuzzdb.h"

static const char *const grids[] = { NULL, FZ_GRID, FZ_GRID2, "42" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const char *grid = grids[(data[0] & 0x7f) % (sizeof(grids) / sizeof(grids[0]))];
	const fk_actor *who = fz_who(data[0]);
	size_t n = size - 1;
	char *text = malloc(n ? n : 1);
	memcpy(text, data + 1, n);
	int64_t nl = 0;
	for (size_t i = 0; i < n; i++)
		nl += text[i] == '\n';

	fk_err e;
	memset(&e, 0, sizeof(e));
	fz_begin();
	json_t *out = fk_person_import(fz_db, who, text, n, grid, NULL, NULL, &e);
	if (out) {
		CHECK(e.status == 0);
		json_int_t rows = json_integer_value(json_object_get(out, "rows"));
		json_int_t sum = json_integer_value(json_object_get(out, "imported")) +
				 json_integer_value(json_object_get(out, "updated")) +
				 json_integer_value(json_object_get(out, "unchanged")) +
				 json_integer_value(json_object_get(out, "rejected_count"));
		CHECK(rows == sum);
		json_t *rej = json_object_get(out, "rejected");
		CHECK(json_is_array(rej));
		size_t i;
		json_t *x;
		json_array_foreach(rej, i, x) {
			json_int_t l = json_integer_value(json_object_get(x, "line"));
			CHECK(l >= 1 && l <= nl + 1);
			CHECK(json_is_string(json_object_get(x, "reason")));
		}
		json_decref(out);
	} else {
		if (e.status == 500)
			fprintf(stderr, "fuzz_csv: the import answered 500: %s\n", e.message);
		fz_check_err(&e);
	}
	fz_end();
	free(text);
	return 0;
}
