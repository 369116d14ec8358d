/* rows.c - rows to JSON and keyset pages (see rows.h). */
#include "core/rows.h"

#include <sodium.h>
#include <string.h>

json_t *fk_row_json(fk_stmt *st)
{
	json_t *o = json_object();
	int n = fk_stmt_columns(st);
	for (int i = 0; i < n; i++) {
		const char *name = fk_stmt_name(st, i);
		if (name[0] == '_')
			continue;
		json_t *v;
		switch (fk_stmt_type(st, i)) {
		case FK_COL_INT:
			v = json_integer(fk_stmt_int64(st, i));
			break;
		case FK_COL_FLOAT:
			v = json_real(fk_stmt_double(st, i));
			break;
		case FK_COL_TEXT:
			v = json_string(fk_stmt_text(st, i));
			break;
		default: /* blobs are internal (hashes, ciphertext): never rendered */
			v = json_null();
		}
		json_object_set_new(o, name, v);
	}
	return o;
}

json_t *fk_rows_page(fk_stmt *st, const fk_page *page)
{
	json_t *items = json_array();
	char last[512] = "";
	bool more = false;
	int rc;
	while ((rc = fk_stmt_step(st)) == FK_ROW) {
		if ((int)json_array_size(items) == page->limit) {
			more = true;
			break;
		}
		snprintf(last, sizeof(last), "%s", fk_stmt_text(st, 0));
		json_array_append_new(items, fk_row_json(st));
	}
	fk_stmt_done(st);
	if (rc < 0) {
		json_decref(items);
		return NULL;
	}
	json_t *next = json_null();
	if (more) {
		fk_arena a = { 0 };
		next = json_string(fk_cursor_encode(&a, last));
		fk_arena_release(&a);
	}
	return json_pack("{s:o, s:o}", "items", items, "next", next);
}

char *fk_cursor_encode(fk_arena *a, const char *key)
{
	size_t n = strlen(key);
	size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *out = fk_arena_alloc(a, cap);
	sodium_bin2base64(out, cap, (const unsigned char *)key, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return out;
}

char *fk_cursor_decode(fk_arena *a, const char *cursor)
{
	size_t n = strlen(cursor), len = 0;
	if (n == 0 || n > 1024)
		return NULL;
	unsigned char *out = fk_arena_alloc(a, n + 1);
	if (sodium_base642bin(out, n, cursor, n, NULL, &len, NULL,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
		return NULL;
	out[len] = '\0';
	if (memchr(out, '\0', len))
		return NULL;
	return (char *)out;
}
